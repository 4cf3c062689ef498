"""Fit the "is this question about the field?" classifier (src/tutor/retrieve/domain_model.json).

    PYTHONPATH=src .venv/bin/python scripts/fit_domain.py            # fit, print 5-fold accuracy, write the JSON
    PYTHONPATH=src .venv/bin/python scripts/fit_domain.py --dry-run  # fit and print only

In the field (label 0): scripts/data/domain_in_notes.jsonl (1,500 questions of public Chinese interview notes,
as the note parser reads them), scripts/data/domain_in_natural.jsonl (600 questions of the whole field written
the way people type: colloquial, English, mixed, symptoms, long), scripts/data/domain_in_mixed.jsonl (300, most
of them Chinese with English terms: "跑到第三个 epoch loss 突然 NaN 了") and the corpus's own item questions.
Everyday / other fields (label 1): scripts/data/domain_out_everyday.jsonl (600, 45% of them using the field's
words in their everyday sense: "trap" rows) and scripts/data/domain_out_mixed.jsonl (300, 272 traps, most of them
Chinese with the English word: "减肥三个月 weight 卡在 65 公斤不动了正常吗"). No eval file is read, so the refusal model (fit_refusal.py) can
weigh the score on its dev splits as out-of-sample evidence.

Ridge logistic regression over the unit query vectors (scaled by SCALE so the ridge acts on a ~1 range).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from fit_refusal import fit  # same Newton's-method ridge logistic regression

from tutor.compose import open_retriever
from tutor.retrieve.domain import MODEL_PATH, DomainModel
from tutor.settings import Settings

DATA = Path(__file__).with_name("data")
IN_FILES = ("domain_in_notes.jsonl", "domain_in_natural.jsonl", "domain_in_mixed.jsonl")
OUT_FILES = ("domain_out_everyday.jsonl", "domain_out_mixed.jsonl")
SCALE = 10.0  # unit vectors' coordinates are ~0.05: scaled, the ridge below is a moderate one
L2 = 10.0  # 5-fold accuracy 0.96-0.97 for 0.1-10; the largest keeps scores moderate (refusal CV on dev was the same)


def texts(names) -> list[str]:
    return [json.loads(line)["query"] for n in names for line in (DATA / n).read_text(encoding="utf-8").splitlines() if line.strip()]


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5) -> float:
    perm = np.random.default_rng(0).permutation(len(y))
    right = 0
    for part in np.array_split(perm, folds):
        train = np.setdiff1d(perm, part)
        w = fit(x[train], y[train], L2)
        right += int(((w[0] + x[part] @ w[1:] >= 0) == (y[part] == 1)).sum())
    return right / len(y)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    index = open_retriever(Settings.from_env(), show_progress=False, progress=lambda m: None).index
    inside = texts(IN_FILES) + [it.question for it in index.items if it.question]
    outside = texts(OUT_FILES)
    vecs = np.asarray(index.encoder.encode_queries([t.strip() for t in inside + outside]), dtype=np.float64) * SCALE
    y = np.r_[np.zeros(len(inside)), np.ones(len(outside))]
    w = fit(vecs, y, L2)
    model = DomainModel(index.encoder.model_id, tuple(float(round(c * SCALE, 6)) for c in w[1:]), round(float(w[0]), 6),
                        len(inside), len(outside))
    if not args.dry_run:  # written first (see fit_refusal.py: a print into a closed pipe must not cost the fit)
        MODEL_PATH.write_text(json.dumps(model.to_json()) + "\n", encoding="utf-8")
    print(f"{len(inside)} in the field, {len(outside)} outside; 5-fold accuracy {cross_validate(vecs, y):.3f}")
    if not args.dry_run:
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
