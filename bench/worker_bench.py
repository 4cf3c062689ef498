"""What crash isolation costs: first token with warm prefix states, in-process vs in the worker process.

    .venv/bin/python bench/worker_bench.py [--generator qwen1.5b] [--items 6] [--rounds 2] [--no-write]

Both generators load the same GGUF and share one prefix-state folder (every item's state is computed
once first, so both restore from RAM or disk). Each item's question is asked of both in turn, the
order flipped every round, so machine drift hits both alike. What is timed is what a user waits for:
the prefix warm (restore) plus the first streamed token of a 4-token answer. At the end it rewrites
its section of docs/benchmarks.md (bench/report.py); --no-write is a dry run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import report  # noqa: E402  (bench/report.py, beside this script)
from tutor.corpus.load import load_corpus  # noqa: E402
from tutor.llm.llamacpp import LlamaCppGenerator  # noqa: E402
from tutor.llm.prompts import answer_messages, answer_prefix  # noqa: E402
from tutor.llm.worker import WorkerGenerator  # noqa: E402
from tutor.models.registry import generator_path  # noqa: E402
from tutor.settings import Settings  # noqa: E402


def first_token(gen, item) -> tuple[float, float]:
    """(seconds to warm the item's prefix, seconds to the first token including that warm)."""
    t0 = time.perf_counter()
    gen.warm(answer_prefix(item))
    warm = time.perf_counter() - t0
    stream = gen.stream(answer_messages(item, "请简要回答这个问题。"), max_tokens=4)
    next(stream)
    first = time.perf_counter() - t0
    for _ in stream:
        pass
    return warm, first


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", default="qwen1.5b")
    ap.add_argument("--items", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=2)
    report.add_no_write(ap)
    args = ap.parse_args()
    settings = Settings.from_env()
    items = [it for it in load_corpus(settings.corpus_dir) if it.answer][: args.items]
    path = str(generator_path(args.generator, settings.cache_dir, progress=lambda m: None))
    with tempfile.TemporaryDirectory() as states:
        kwargs = dict(model_path=path, threads=settings.threads, n_ctx=settings.n_ctx, state_dir=states,
                      max_states=settings.prefix_states)
        gens = {"in-process": LlamaCppGenerator(**kwargs),
                "worker process (app default)": WorkerGenerator(("tutor.llm.llamacpp", "LlamaCppGenerator", kwargs))}
        for item in items:  # every prefix state computed once, saved to the shared folder
            gens["in-process"].warm(answer_prefix(item))
        gens["worker process (app default)"].warm(answer_prefix(items[0]))  # worker start + model load
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in gens}
        for r in range(args.rounds):
            order = list(gens) if r % 2 == 0 else list(reversed(gens))
            for item in items:
                for name in order:
                    results[name].append(first_token(gens[name], item))
        gens["worker process (app default)"].close()
    print(f"worker bench: {args.generator}, {len(items)} items x {args.rounds} rounds, warm prefix states, 2 threads")
    table = ["| generator | prefix restore (median) | first token, incl. the restore (median / max) |",
             "|---|---|---|"]
    for name, rows in results.items():
        warm_ms, firsts = statistics.median(w for w, _ in rows) * 1000, [f for _, f in rows]
        print(f"  {name:30s} warm median {warm_ms:6.1f} ms   "
              f"first token median {statistics.median(firsts):5.2f} s  max {max(firsts):5.2f} s")
        table.append(f"| {name} | {warm_ms:.1f} ms | {statistics.median(firsts):.2f} s / {max(firsts):.2f} s |")
    if not args.no_write:
        report.write_section("worker_bench", f"{args.generator}, {len(items)} items × {args.rounds} rounds "
                             f"({len(firsts)} first tokens each), warm prefix states, 2 threads:\n\n"
                             + "\n".join(table))


if __name__ == "__main__":
    main()
