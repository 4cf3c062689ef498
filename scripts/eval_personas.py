"""Every simulated candidate on every item, deterministic grader: band accuracy per persona.

    PYTHONPATH=src .venv/bin/python scripts/eval_personas.py [-v]

`tutor eval interview` drives whole sessions but asks only 5 items per persona; this grades each
persona's first answer on all items, so a change to a persona or to the grader shows on the corpus.
The wrong persona borrows sibling definitions from the corpus (evaluate.personas.personas(items)).
"""
from __future__ import annotations

import statistics
import sys
from collections import Counter

from tutor.compose import open_tutor
from tutor.evaluate import personas as P
from tutor.settings import Settings


def main() -> int:
    tutor = open_tutor(Settings.from_env(), show_progress=False, progress=lambda m: None)
    grader = tutor.grader(True)
    items = [it for it in tutor.items if it.kind == "item" and it.key_points]
    table = P.personas(items) if hasattr(P, "personas") else P.PERSONAS  # older trees: no pool
    for name, (answer_fn, expected) in table.items():
        scores, bands = [], Counter()
        for it in items:
            g = grader.grade(it.ref.key, answer_fn(it), use_llm=False)
            scores.append(g.score or 0)
            bands[g.band] += 1
            if "-v" in sys.argv and g.band != expected:
                print(f"  {name:16s} {g.score:3d} {g.band:9s} {it.id}  {answer_fn(it)[:60]!r}")
        print(f"{name:16s} n={len(items)}  band accuracy {bands[expected] / len(items):.3f}  "
              f"median {statistics.median(scores)}  bands {dict(bands)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
