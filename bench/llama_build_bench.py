"""What the portable llama.cpp build costs: prefill and decode tok/s, portable vs native, same run.

    .venv/bin/python bench/llama_build_bench.py [--models qwen0.5b qwen1.5b] [--reps 3] [--no-write]

The portable wheel is the one `scripts/llama_build.py` installed; the native peer (`-march=native`, what
pip builds by default) is built into the wheel cache on first use (~8 min) and never installed: each build
runs from its unpacked wheel in its own subprocess, alternating, so machine drift hits both alike.
At the end it rewrites its section of docs/llama-build.md (bench/report.py); --no-write is a dry run.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

import llama_build  # noqa: E402
import report  # noqa: E402  (bench/report.py, beside this script)

# One measurement in a child: 300-token prefill (batched, the path that crashed), then 64 greedy tokens.
CHILD = r"""
import json, sys, time
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=1024, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2,
            flash_attn=True, verbose=False)
text = "请解释数据并行、张量并行和流水线并行的区别，以及 all-reduce 的通信量如何随 GPU 数量变化。" * 12
toks = llm.tokenize(text.encode(), add_bos=False)[:300]
llm.reset(); llm.eval(toks[:8])  # page the weights in, not counted
pre = []
for _ in range(int(sys.argv[2])):
    llm.reset(); t0 = time.perf_counter(); llm.eval(toks); pre.append(len(toks) / (time.perf_counter() - t0))
llm.reset(); llm.eval(toks[:40])
t0 = time.perf_counter(); n = 0
for tok in llm.generate(toks[:40], temp=0.0, reset=False):
    n += 1
    if n == 64:
        break
dec = n / (time.perf_counter() - t0)
print(json.dumps({"prefill": pre, "decode": dec}))
"""


def unpacked(wheel: Path) -> Path:
    """The wheel extracted beside itself (a wheel is a zip; llama_cpp finds its libs relative to itself)."""
    site = wheel.parent / "site"
    if not (site / "llama_cpp").is_dir():
        with zipfile.ZipFile(wheel) as z:
            z.extractall(site)
        for lib in (site / "llama_cpp" / "lib").glob("*"):
            lib.chmod(0o755)
    return site


def measure(site: Path, model: str, reps: int) -> dict:
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", CHILD, model, str(reps)], capture_output=True, text=True,
                         env=env, timeout=1800)
    if out.returncode != 0:
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-300:]}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", default=["qwen0.5b", "qwen1.5b"])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds per build and model")
    report.add_no_write(ap)
    args = ap.parse_args()
    from tutor.models.registry import generator_path
    from tutor.settings import Settings

    rec = llama_build.read_record()
    if rec is None:
        sys.exit("no portable build recorded: run `make test` (or scripts/llama_build.py install) first")
    builds = {f"portable ({rec['tier']})": unpacked(Path(rec["wheel"])),
              "native (-march=native, peer)": unpacked(llama_build.build_wheel(llama_build.NATIVE))}
    settings = Settings.from_env()
    print(f"llama.cpp build bench: {llama_build.PACKAGE} {llama_build.VERSION}, 2 threads, CPU: {report.cpu_model()}")
    table: list[str] = []

    def emit(row: str) -> None:  # printed as it comes, and kept for the doc
        print(row, flush=True)
        table.append(row)

    emit("| model | build | prefill tok/s (300-token prompt) | decode tok/s (64 tokens) |")
    emit("|---|---|---|---|")
    for name in args.models:
        try:
            model = str(generator_path(name, settings.cache_dir, progress=lambda m: None))
        except Exception as exc:  # noqa: BLE001 - a model not prepared on this machine is skipped, said so
            emit(f"| {name} | (skipped: {exc}) | | |")
            continue
        pre: dict[str, list[float]] = {b: [] for b in builds}
        dec: dict[str, list[float]] = {b: [] for b in builds}
        for _ in range(args.rounds):
            for label, site in builds.items():
                r = measure(site, model, args.reps)
                if "error" in r:
                    emit(f"| {name} | {label} | failed: {r['error']} | |")
                    continue
                pre[label] += r["prefill"]
                dec[label].append(r["decode"])
        for label in builds:
            if pre[label]:
                emit(f"| {name} | {label} | {statistics.median(pre[label]):.1f} | {statistics.median(dec[label]):.1f} |")
    if not args.no_write:
        report.write_section("llama_build_bench", f"{llama_build.PACKAGE} {llama_build.VERSION}, portable tier "
                             f"`{rec['tier']}`, 2 threads, {args.rounds} alternating rounds:\n\n" + "\n".join(table),
                             doc=report.ROOT / "docs" / "llama-build.md")


if __name__ == "__main__":
    main()
