"""Per-style grading figures on eval/grading_styles_*.jsonl or eval/grading_handwritten_*.jsonl, deterministic grader.

    PYTHONPATH=src .venv/bin/python scripts/eval_grading_styles.py eval/grading_styles_dev.jsonl [-v]

Targets (issue 13): other_item, sibling and off_topic always < 15; stuffing (repetition) < 15; term_list ≤ 74.
A style without a limit of its own (the hand-written set's essays, swapped definitions, extra facts,
English, mixed) is within target when its score falls in its labelled band. Every row is graded
against its own item (FILE.md#N), so the figures measure grading, not question matching; `tutor eval
grade --file` measures both.
"""
from __future__ import annotations

import statistics
import sys

from tutor.compose import open_tutor
from tutor.evaluate.metrics import grading_metrics, load_jsonl
from tutor.grade.calibrate import band
from tutor.settings import Settings

LIMIT = {"term_list": 74, "stuffing": 14, "other_item": 14, "off_topic": 14, "sibling": 14}


def main() -> int:
    rows = load_jsonl(sys.argv[1])
    grader = open_tutor(Settings.from_env(), show_progress=False, progress=lambda m: None).grader(True)
    by: dict[str, list[bool]] = {}
    scores: dict[str, list[int]] = {}
    secs, graded = [], []
    for r in rows:
        g = grader.grade(f"{r['source']}#{r['number']}", r["answer"], use_llm=False)
        score = g.score or 0
        secs.append(g.timings.get("total_s", 0.0))
        ok = score <= LIMIT[r["style"]] if r["style"] in LIMIT else band(score) == r["band"]
        by.setdefault(r["style"], []).append(ok)
        scores.setdefault(r["style"], []).append(score)
        graded.append({"band": r["band"], "score": score})
        if "-v" in sys.argv and not ok:
            print(f"  {r['style']:11s} {score:3d} (expected {r['band']})  {r['source']}#{r['number']}  "
                  f"{r['answer'][:50]!r}")
    for style, oks in by.items():
        print(f"{style:11s} n={len(oks):3d}  within target {sum(oks) / len(oks):.3f}  max {max(scores[style])}  "
              f"median {statistics.median(scores[style])}")
    m = grading_metrics(graded)
    print(f"all        n={len(graded):3d}  Spearman {m['spearman']:.3f}  band accuracy {m['band_accuracy']:.3f}  "
          f"wrong < 35 {m['wrong_below_35']:.3f}")
    print(f"seconds per grade: median {statistics.median(secs):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
