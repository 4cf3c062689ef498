"""Ask benchmark: reference latency, first token, decode speed, peak RSS — ours vs the plain
llama-index query engine (`index.as_query_engine`) over the same e5 index and the same GGUF, same run.

    .venv/bin/python bench/ask_bench.py [--generator qwen1.5b] [--n 8] [--no-write]

Each pipeline runs in its own process, so each peak RSS is its own. Ours is measured in-process with
cold prefix states (a fresh state folder: each item's prefix is computed on first use) and warm
(states restored, as after `tutor warm` or the app's background warm-up), then as the app runs it:
llama.cpp in a supervised worker process (the IPC cost of crash isolation), on the same warm states.
The worker's own RSS is not in "ours" peak RSS (it is a child process). At the end it rewrites its
section of docs/benchmarks.md (bench/report.py); --no-write is a dry run.
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
from tutor.answer.ask import Asker
from tutor.evaluate.metrics import load_jsonl
from tutor.llm.llamacpp import LlamaCppGenerator
from tutor.llm.worker import WorkerGenerator
from tutor.models.registry import generator_path
from tutor.compose import Tutor, open_retriever
from tutor.llm.prompts import chatml
from tutor.settings import Settings


def llama_index_llm(gen: LlamaCppGenerator):
    """Our llama.cpp model as a llama-index CustomLLM (ChatML-wrapped, no prefix states)."""
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback

    class Peer(CustomLLM):
        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=2048, num_output=320, model_name=gen.name)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kw) -> CompletionResponse:
            return CompletionResponse(text="".join(gen.llm.create_completion(
                chatml([{"role": "user", "content": prompt}]), max_tokens=320, temperature=0.2,
                stop=["<|im_end|>"])["choices"][0]["text"]))

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kw):
            text = ""
            for chunk in gen.llm.create_completion(chatml([{"role": "user", "content": prompt}]), max_tokens=320,
                                                   temperature=0.2, stop=["<|im_end|>"], stream=True):
                delta = chunk["choices"][0]["text"]
                text += delta
                yield CompletionResponse(text=text, delta=delta)

    return Peer()


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} s  max {max(values):6.2f} s" if values else "n/a"


def doc_table(rows: dict, rss: dict, args) -> str:
    """The run as the markdown section of docs/benchmarks.md: one row per pipeline, then peak RSS."""
    def cell(values: list[float], unit: str = "s") -> str:
        return f"{statistics.median(values):.2f} {unit}" if values else "n/a"

    lines = [f"{args.n} questions, generator {args.generator}, 2 threads; each pipeline in its own process.", "",
             "| pipeline | first thing shown | LLM first token (median / max) | decode | total (median) |",
             "|---|---|---|---|---|"]
    for label, r in rows.items():
        shown = "its first token" if "peer" in label else "the reference"
        first = f"{cell(r['ttft'])} / {max(r['ttft']):.2f} s" if r["ttft"] else "n/a"
        decode = f"{statistics.median(r['tps']):.1f} tok/s" if r["tps"] else "n/a"
        lines.append(f"| {label} | {cell(r['ref'])} ({shown}) | {first} | {decode} | {cell(r['total'])} |")
    lines += ["", f"Peak RSS: ours {rss['ours'] / 1024:.2f} GB (the worker's own model is a child process, not "
                  f"counted), peer {rss['peer'] / 1024:.2f} GB."]
    return "\n".join(lines)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(askers: dict, queries: list[str]) -> dict:
    """Each question asked of every asker in turn, so machine drift hits them alike."""
    rows = {label: {"ref": [], "ttft": [], "tps": [], "total": []} for label in askers}
    for q in queries:
        for label, asker in askers.items():
            a = asker.answer(q)
            if a.refused or a.generation_error:
                continue
            r = rows[label]
            r["ref"].append(a.timings["reference_s"])
            r["ttft"].append(a.timings["first_token_s"])  # includes the prefix restore/compute
            r["tps"].append(a.timings.get("tokens_per_s", 0.0))
            r["total"].append(a.timings["total_s"])
    return rows


def run_ours(settings, retriever, path: str, queries: list[str]) -> dict:
    """Our pipeline in-process with cold prefix states; then, on the now warm states, in-process and
    as the app runs it (llama.cpp in a supervised worker process), interleaved question by question."""
    with tempfile.TemporaryDirectory() as states:
        kwargs = dict(model_path=path, threads=settings.threads, n_ctx=settings.n_ctx, state_dir=states,
                      max_states=settings.prefix_states)  # as the app keeps them
        inproc = Asker(Tutor(settings, retriever, LlamaCppGenerator(**kwargs)))
        inproc.answer("warm-up: 什么是过拟合？")  # model load, not counted
        rows = {"ours in-process, cold states": _timed({"cold": inproc}, queries)["cold"]}
        worker = WorkerGenerator(("tutor.llm.llamacpp", "LlamaCppGenerator", kwargs))
        in_worker = Asker(Tutor(settings, retriever, worker))
        in_worker.answer("warm-up: 什么是过拟合？")  # worker start + model load, not counted
        warm = _timed({"in": inproc, "worker": in_worker}, queries)
        rows["ours in-process, warm states"] = warm["in"]
        rows["ours in a worker process (the app's default), warm states"] = warm["worker"]
        worker.close()
    return rows


def run_peer(settings, retriever, path: str, queries: list[str]) -> dict:
    """The plain llama-index query engine over the same index and GGUF: nothing shows before its first token."""
    from llama_index.core import Settings as LISettings

    gen = LlamaCppGenerator(path, threads=settings.threads, n_ctx=settings.n_ctx)
    LISettings.embed_model = retriever.index.vector._embed_model  # the same e5, never the OpenAI default
    engine = retriever.index.vector.as_query_engine(llm=llama_index_llm(gen), streaming=True, similarity_top_k=2)
    engine.query("warm-up: 什么是过拟合？").get_response()  # model load, not counted
    ttft, tps, total = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        resp = engine.query(q)
        first, n = None, 0
        for _ in resp.response_gen:
            n += 1
            if first is None:
                first = time.perf_counter() - t0
        end = time.perf_counter() - t0
        ttft.append(first or 0.0)
        total.append(end)
        if first is not None and n > 1 and end > first:
            tps.append((n - 1) / (end - first))  # one chunk per token from llama.cpp's stream
    return {"llama-index as_query_engine (peer)": {"ref": list(ttft), "ttft": ttft, "tps": tps, "total": total}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", default="qwen1.5b")
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--part", choices=("ours", "peer"), help="run one pipeline and print JSON (used internally)")
    report.add_no_write(ap)
    args = ap.parse_args()
    if args.part is None:
        # Each pipeline in its own process, so each peak RSS is its own; both in this one run.
        rows, rss = {}, {}
        for part in ("ours", "peer"):
            out = subprocess.run([sys.executable, __file__, "--part", part, "--generator", args.generator,
                                  "--n", str(args.n)], capture_output=True, text=True, check=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            rows |= result["rows"]
            rss[part] = result["peak_rss_mb"]
        print(f"ask benchmark: {args.n} questions, generator {args.generator}, 2 threads")
        for label, r in rows.items():
            print(f"\n{label}")
            print(f"  first thing shown   {fmt(r['ref'])}")
            print(f"  LLM first token     {fmt(r['ttft'])}")
            if r["tps"]:
                print(f"  decode speed        median {statistics.median(r['tps']):6.1f} tok/s")
            print(f"  total               {fmt(r['total'])}")
        print(f"\npeak RSS: ours {rss['ours']:.0f} MB, peer {rss['peer']:.0f} MB (separate processes; target ≤ 3 GB)")
        if not args.no_write:
            report.write_section("ask_bench", doc_table(rows, rss, args))
        return
    settings = Settings.from_env(generator=args.generator)
    retriever = open_retriever(settings, show_progress=False, progress=lambda m: None)
    queries = [q["query"] for q in load_jsonl(ROOT / "eval" / "retrieval.jsonl")][:: 7][: args.n]
    path = str(generator_path(args.generator, settings.cache_dir, progress=lambda m: None))
    rows = (run_ours if args.part == "ours" else run_peer)(settings, retriever, path, queries)
    print(json.dumps({"rows": rows, "peak_rss_mb": peak_rss_mb()}))


if __name__ == "__main__":
    main()
