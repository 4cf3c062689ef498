"""Write the copied-sibling grading sets: each item's answer is its closest same-topic item's reference.

"An answer to another item's question" was measured only across topics (grading_styles: another topic's
reference). A candidate who answers the neighbouring question of the same note ("什么是数据并行" given
for "数据并行的优缺点") is the harder case: the two items share vocabulary and meaning. For each item
named in the given eval files, the sibling is the item sharing a topic (and not a duplicate) whose
question is closest in e5; its reference answer, cut to 600 characters, is the candidate. Band "empty":
the target is < 15 (scripts/eval_grading_styles.py, style "sibling"). Test items exclude the dev ones.

    PYTHONPATH=src .venv/bin/python scripts/make_sibling_answers.py            # writes the four files
    PYTHONPATH=src .venv/bin/python scripts/make_sibling_answers.py --check    # counts only

The foreign pair needs the notes of scripts/fetch_foreign_notes.py in --notes (default ~/foreign-notes).
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from tutor.compose import extra_corpus, open_tutor
from tutor.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SEED_DEV = ["eval/grading.jsonl", "eval/grading_styles_dev.jsonl", "eval/grading_handwritten_dev.jsonl"]
SEED_TEST = ["eval/grading_styles_test.jsonl", "eval/grading_handwritten_test.jsonl", "eval/grading_holdout.jsonl"]
FOREIGN_DEV = ["eval/foreign/grading_dev.jsonl", "eval/foreign/grading2_dev.jsonl"]
FOREIGN_TEST = ["eval/foreign/grading_test.jsonl", "eval/foreign/grading2_test.jsonl", "eval/foreign/retrieval_test.jsonl"]


def refs_of(files: list[str]) -> set[tuple[str, str]]:
    """(source, number) of every item a grading row or a retrieval row's `relevant` names."""
    out = set()
    for f in files:
        for r in map(json.loads, (ROOT / f).read_text(encoding="utf-8").splitlines()):
            for x in ([r] if "source" in r else r.get("relevant", [])):
                out.add((x["source"], str(x["number"])))
    return out


def sibling_rows(tutor, refs: set, n: int, exclude: set = frozenset()) -> list[dict]:
    """Up to n rows (shuffled with a fixed seed): an item's question with its closest sibling's reference."""
    grader = tutor.grader(no_llm=True)
    items, anchors = grader.items, grader.anchors()
    rows = []
    for i, it in enumerate(items):
        key = (it.source, str(it.number))
        if key not in refs or key in exclude or not it.answer:
            continue
        cands = [j for j, o in enumerate(items) if o.answer and not set(o.refs) & set(it.refs)
                 and set(o.topics) & set(it.topics)]
        if cands:
            j = max(cands, key=lambda j: float(anchors[i] @ anchors[j]))
            rows.append({"question": it.question, "answer": items[j].answer[:600], "band": "empty",
                         "style": "sibling", "source": it.source, "number": it.number, "lang": "zh",
                         "copied_from": f"{items[j].source}#{items[j].number}"})
    random.Random(0).shuffle(rows)
    return rows[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=Path, default=Path.home() / "foreign-notes")
    ap.add_argument("--check", action="store_true", help="print the counts, write nothing")
    args = ap.parse_args()
    seeds = open_tutor(Settings.from_env(), show_progress=False, progress=lambda m: None)
    dev = sibling_rows(seeds, refs_of(SEED_DEV), 60)
    test = sibling_rows(seeds, refs_of(SEED_TEST), 40, {(r["source"], str(r["number"])) for r in dev})
    settings, index_dir = extra_corpus(seeds.settings, args.notes)
    both = open_tutor(settings, encoder=seeds.encoder, show_progress=False, progress=lambda m: None,
                      index_dir=index_dir)
    fdev = sibling_rows(both, refs_of(FOREIGN_DEV), 60)
    ftest = sibling_rows(both, refs_of(FOREIGN_TEST), 40, {(r["source"], str(r["number"])) for r in fdev})
    for name, rows in (("eval/grading_siblings_dev.jsonl", dev), ("eval/grading_siblings_test.jsonl", test),
                       ("eval/foreign/grading_siblings_dev.jsonl", fdev),
                       ("eval/foreign/grading_siblings_test.jsonl", ftest)):
        print(f"{name}: {len(rows)} rows")
        if not args.check:
            (ROOT / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
