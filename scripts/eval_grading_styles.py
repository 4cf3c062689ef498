"""Per-style grading figures on eval/grading_styles_{dev,test}.jsonl, deterministic grader only.

    PYTHONPATH=src .venv/bin/python scripts/eval_grading_styles.py eval/grading_styles_dev.jsonl [-v]

Targets (issue 13): other_item and off_topic always < 15; stuffing (repetition) < 15; term_list ≤ 74.
"""
from __future__ import annotations

import statistics
import sys

from tutor.compose import open_tutor
from tutor.evaluate.metrics import load_jsonl
from tutor.settings import Settings

LIMIT = {"term_list": 74, "stuffing": 14, "other_item": 14, "off_topic": 14}


def main() -> int:
    rows = load_jsonl(sys.argv[1])
    grader = open_tutor(Settings.from_env(), show_progress=False, progress=lambda m: None).grader(True)
    by: dict[str, list[int]] = {}
    secs = []
    for r in rows:
        g = grader.grade(f"{r['source']}#{r['number']}", r["answer"], use_llm=False)
        score = g.score or 0
        secs.append(g.timings.get("total_s", 0.0))
        by.setdefault(r["style"], []).append(score)
        if "-v" in sys.argv and score > LIMIT[r["style"]]:
            print(f"  {r['style']:10s} {score:3d}  {r['question'][:30]}  {r['answer'][:50]}")
    for style, scores in by.items():
        ok = sum(s <= LIMIT[style] for s in scores) / len(scores)
        print(f"{style:10s} n={len(scores):3d}  within target {ok:.3f}  max {max(scores)}  "
              f"median {statistics.median(scores)}")
    print(f"seconds per grade: median {statistics.median(secs):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
