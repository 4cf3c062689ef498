"""Fit the refusal model (src/tutor/retrieve/refusal_model.json) on the dev splits only.

    PYTHONPATH=src .venv/bin/python scripts/fit_refusal.py            # fit, print dev metrics, write the JSON
    PYTHONPATH=src .venv/bin/python scripts/fit_refusal.py --dry-run  # fit and print only

Answerable (label 0): eval/phrasings_dev.jsonl, eval/phrasings2_dev.jsonl (English, keyword and
synonym-heavy questions, written later by a different author) + eval/retrieval.jsonl (the team's old
tuning set). Unanswerable (label 1): eval/unanswerable_dev.jsonl, eval/unanswerable2_dev.jsonl +
eval/unanswerable.jsonl, minus injections and interview requests (the regex declines those before the
model is asked). The *_test files are never read.

L2-regularised logistic regression by Newton's method (numpy; ~600 rows). The threshold is the one with
the fewest dev errors when a false refusal costs FALSE_REFUSAL_COST missed refusals: refusing a covered
question fails a user who asked in good faith, while most unanswerable questions are off-topic chatter.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from tutor.compose import open_retriever
from tutor.evaluate.metrics import load_jsonl
from tutor.retrieve.refusal import corpus_concepts, domain_score, model_features, signals
from tutor.retrieve.refusal_model import FEATURES, MODEL_PATH, RefusalModel
from tutor.settings import Settings
from tutor.text.glossary import expand_query

L2 = 1.0  # ridge on standardised coefficients: ~1000 rows, 12 features; keeps one rare signal from dominating
FALSE_REFUSAL_COST = 2.0
ANSWERABLE = ("eval/phrasings_dev.jsonl", "eval/phrasings2_dev.jsonl", "eval/phrasings3_dev.jsonl", "eval/phrasings4_dev.jsonl",
              "eval/phrasings5_dev.jsonl", "eval/retrieval.jsonl")
UNANSWERABLE = ("eval/unanswerable_dev.jsonl", "eval/unanswerable2_dev.jsonl", "eval/unanswerable3_dev.jsonl", "eval/unanswerable4_dev.jsonl",
                "eval/unanswerable5_dev.jsonl", "eval/unanswerable.jsonl")


def rows() -> list[tuple[str, int]]:
    out = [(r["query"], 0) for f in ANSWERABLE for r in load_jsonl(f)]
    out += [(r["query"], 1) for f in UNANSWERABLE for r in load_jsonl(f)]
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> np.ndarray:
    """Weights (intercept first) of a ridge logistic regression, by Newton's method."""
    a = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(a.shape[1])
    ridge = np.eye(a.shape[1]) * l2
    ridge[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-a @ w))
        grad = a.T @ (p - y) + ridge @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + ridge
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    retriever = open_retriever(Settings.from_env(), show_progress=False, progress=lambda m: None)
    index = retriever.index
    vocab = index.lexical.bm25.vocab_dict
    feats, labels, queries = [], [], []
    for q, label in rows():
        hits, best, gap = retriever.search_with_evidence(q, k=3)
        s = signals(q, expand_query(q), best, vocab, gap, corpus_concepts(index.items))
        if s.injection or s.interview:
            continue
        qc = index.question_cos(q.strip(), [h.item.id for h in hits])  # as retrieve_or_refuse does
        f = model_features(q, s, hits, index.lexical, qc, domain_score(index, q.strip()))
        feats.append([f[n] for n in FEATURES])
        labels.append(label)
        queries.append(q)
    x, y = np.array(feats), np.array(labels, dtype=float)
    mean, scale = x.mean(0), x.std(0) + 1e-9
    w = fit((x - mean) / scale, y)
    model = RefusalModel(index.encoder.model_id, FEATURES, tuple(map(float, mean.round(6))), tuple(map(float, scale.round(6))),
                         tuple(map(float, w[1:].round(6))), round(float(w[0]), 6), 0.5,
                         null_dense=index.null_dense,  # the cosine levels these features were fitted at
                         null_question=index.null_question)
    probs = np.array([model.probability(dict(zip(FEATURES, row))) for row in x])
    best_t, best_cost = 0.5, math.inf
    for t in np.arange(0.05, 0.96, 0.01):
        cost = FALSE_REFUSAL_COST * ((probs >= t) & (y == 0)).sum() + ((probs < t) & (y == 1)).sum()
        if cost < best_cost:
            best_t, best_cost = round(float(t), 2), cost
    model = RefusalModel(**(model.to_json() | {"threshold": best_t}))
    if not args.dry_run:
        # Written before anything is printed: piped into `head`, the prints below end the script early, and a
        # refit that only seemed to happen kept the old coefficients.
        MODEL_PATH.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    refused = probs >= best_t
    print(f"rows {len(y)} (answerable {int((y == 0).sum())}, unanswerable {int(y.sum())}); threshold {best_t}")
    print(f"dev: false refusals {(refused & (y == 0)).sum()}/{int((y == 0).sum())}, "
          f"unanswerable refused {(refused & (y == 1)).sum()}/{int(y.sum())}")
    print("coef:", dict(zip(FEATURES, model.coef)))
    for q, p, lab in zip(queries, probs, y):
        if (p >= best_t) != bool(lab):
            print(f"  {'refused' if lab == 0 else 'answered'} p={p:.2f}  {q}", file=sys.stderr)
    if not args.dry_run:
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
