"""Fit the grader's cross-lingual offset (EmbedderProfile.grade_cross_lingual) on dev answers only.

    PYTHONPATH=src .venv/bin/python scripts/fit_cross_lingual.py --extra-corpus ~/foreign-notes

Data: every Chinese dev answer that makes claims (bands excellent / partial / wrong; not off-topic,
another item's answer, stuffing or a bare term list) and its faithful English translation
(eval/grading_english_dev.jsonl, eval/foreign/grading_english_dev.jsonl, written in the same order).
For each pair and each key point the Chinese answer clearly addresses (best relative cosine ≥ the
embedder's grade_dense_none), the offset is how much lower the translation's best relative cosine sits.
The fit is the median over those points: one number per embedder, not per item or per answer.
The *_test files are never read.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

from tutor.compose import extra_corpus, open_retriever
from tutor.corpus.load import find_item
from tutor.evaluate.metrics import load_jsonl
from tutor.grade.grader import Grader
from tutor.grade.keypoints import answer_units, relative_similarity
from tutor.records import Ref
from tutor.settings import Settings

CLAIMS = {"excellent", "partial", "wrong"}
NOT_CLAIMS = {"off_topic", "other_item", "stuffing", "term_list"}
PAIRS = {  # Chinese sources → their translations (seed corpus, then the foreign notes)
    "seed": (["eval/grading_handwritten_dev.jsonl"], "eval/grading_english_dev.jsonl"),
    "foreign": (["eval/foreign/grading2_dev.jsonl", "eval/foreign/grading_dev.jsonl"],
                "eval/foreign/grading_english_dev.jsonl"),
}


def chinese_rows(files: list[str]) -> list[dict]:
    """The rows the translations were made from, in file order."""
    return [r for f in files for r in load_jsonl(f) if r.get("lang", "zh") == "zh" and r["band"] in CLAIMS
            and r.get("style") not in NOT_CLAIMS]


def gaps(grader: Grader, pairs) -> list[float]:
    """Per addressed point, the Chinese answer's best relative cosine minus the translation's."""
    anchors, out = grader.anchors(), []
    for zh, en in pairs:
        assert (zh["source"], str(zh["number"]), zh["band"]) == (en["source"], str(en["number"]), en["band"]), (zh, en)
        prep = grader.prepare(find_item(grader.items, Ref(zh["source"], zh["number"])))
        best = []
        for row in (zh, en):
            units = [u for u, _ in answer_units(row["answer"])]
            best.append(relative_similarity(prep.vectors, grader.encoder.encode_queries(units), anchors).max(axis=1))
        out += [float(a - b) for a, b in zip(*best) if a >= grader.c.dense_none]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extra-corpus", type=Path, help="the foreign notes folder (eval/foreign/README.md)")
    args = ap.parse_args()
    settings = Settings.from_env()
    runs = [("seed", open_retriever(settings, show_progress=False, progress=lambda m: None))]
    if args.extra_corpus:
        extra, index_dir = extra_corpus(settings, args.extra_corpus)
        runs.append(("foreign", open_retriever(extra, show_progress=False, progress=lambda m: None,
                                               index_dir=index_dir)))
    every = []
    for name, retriever in runs:
        sources, translated = PAIRS[name]
        pairs = list(zip(chinese_rows(sources), load_jsonl(translated), strict=True))
        found = gaps(Grader(retriever), pairs)
        every += found
        q = np.percentile(found, [25, 50, 75]).round(4).tolist()
        print(f"{name}: {len(pairs)} pairs, {len(found)} addressed points; gap quartiles {q}")
    print(f"grade_cross_lingual = {statistics.median(every):.3f}  (median of {len(every)} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
