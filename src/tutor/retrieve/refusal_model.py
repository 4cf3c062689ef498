"""Is a question covered? A small logistic regression over retrieval features, fitted on dev data.

Hand thresholds were read off the team's own eval files and broke on new phrasings (English
questions below the dense floor, NaN/OOM as "unknown names", 干嘛 as an "unknown word"). The model
weighs the same evidence jointly, so one weak signal no longer decides alone. Its coefficients are data
(`refusal_model.json`, written by `scripts/fit_refusal.py` from eval/*_dev.jsonl only) and belong to
one embedder: for any other embedder `load_model` returns None and the rule thresholds apply.

Pure numpy; a prediction is a dot product (microseconds).

Example:
    >>> m = RefusalModel("x", ("dense",), (0.0,), (1.0,), (-20.0,), 17.0, 0.5)
    >>> f = {"dense": 0.80}
    >>> round(m.probability(f), 3), m.refuse(f)
    (0.731, True)
    >>> m.refuse({"dense": 0.90})
    False
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("refusal_model.json")
# Words that describe a symptom or a number format, not a product: an unknown one says nothing about
# whether the documents cover the question ("loss 变成 NaN", "CUDA OOM", "INT8 量化").
GENERIC_TERMS = frozenset("nan inf oom cuda gpu gpus cpu tpu loss epoch batch fp16 fp32 bf16 int8 int4 api "
                          "sgd adam relu cnn rnn gan lstm".split())
MAX_NULL_SHIFT = 0.05
FEATURES = ("dense", "dense_gap", "top_lexical", "coverage", "lexical_coverage", "unknown_names", "product_names",
            "unknown_words", "english", "length", "number_unmet", "question_cos", "unknown_concepts", "off_domain")


def name_weight(term: str) -> float:
    """How strongly an unknown named term says "the documents never discuss this".

    >>> name_weight("NaN"), name_weight("Slurm"), name_weight("H100"), name_weight("NVLink")
    (0.0, 0.5, 1.0, 1.0)
    """
    if term.lower() in GENERIC_TERMS:
        return 0.0
    # A digit or a capital inside the word (H100, ZeRO-3, vLLM, NVLink) marks a product or model name.
    if re.search(r"\d", term) or any(c.isupper() for c in term[1:]):
        return 1.0
    return 0.5


def features(s, top_lexical: float = 0.0, lexical_coverage: float = 0.0, english: bool = False,
             number_unmet: bool = False, question_cos: float | None = None, off_domain: float | None = None) -> dict:
    """The model's inputs from a refusal.Signals and the top hit's lexical evidence; `number_unmet`: the
    question asks for a number and none of the top hits states one (retrieve.quantity); `question_cos`: the
    question's best cosine with the top hits' own questions (left out when the index has none: the model
    then reads the mean, no evidence either way); `off_domain`: retrieve.domain's score of the question (left out
    likewise when no classifier matches the embedder).

    >>> from tutor.retrieve.refusal import Signals
    >>> f = features(Signals(0.9, 0.5, ("NaN", "H100"), 2, ("液冷",), False), 12.0, 0.4)
    >>> f["unknown_names"], f["product_names"], f["unknown_words"], round(f["top_lexical"], 2)
    (1.0, 1.0, 1.0, 2.56)
    """
    weights = [name_weight(t) for t in s.unknown_terms]
    return {"dense": s.dense, "dense_gap": s.dense_gap, "top_lexical": math.log1p(max(0.0, top_lexical)), "coverage": s.coverage,
            "lexical_coverage": lexical_coverage, "unknown_names": sum(weights),
            "product_names": float(sum(w == 1.0 for w in weights)), "unknown_words": float(len(s.unknown_words)),
            "english": float(english), "length": math.log1p(getattr(s, "n_words", 0)), "number_unmet": float(number_unmet),
            "unknown_concepts": float(len(getattr(s, "unknown_concepts", ())))} \
        | ({} if question_cos is None else {"question_cos": question_cos}) \
        | ({} if off_domain is None else {"off_domain": off_domain})


@dataclass(frozen=True)
class RefusalModel:
    embedder: str  # the embedder id the dense features came from
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]  # on standardised features; positive = more likely unanswerable
    intercept: float
    threshold: float  # refuse when P(unanswerable) ≥ threshold (chosen on dev, see the fit script)
    null_dense: float | None = None  # the null level of the index it was fitted on (index.null)
    null_question: float | None = None  # ... and of that index's question vectors (for question_cos)

    def dense_shift(self, index_null: float | None) -> float:
        """What to subtract from a dense cosine so it means what it meant at fitting time.

        A corpus where unrelated questions reach higher cosines (more, or more varied, items) moves
        every best cosine up by about the same amount. Capped: a probe estimate is an average of 32
        questions, and a corpus wildly unlike the seeds should not move refusal by more than the
        spread between off-topic and covered questions (~0.05 on e5).

        >>> m = RefusalModel("x", ("dense",), (0.0,), (1.0,), (1.0,), 0.0, 0.5, null_dense=0.80)
        >>> round(m.dense_shift(0.815), 3), m.dense_shift(None), round(m.dense_shift(0.95), 3)
        (0.015, 0.0, 0.05)
        """
        return _shift(index_null, self.null_dense)

    def question_shift(self, index_null: float | None) -> float:
        """The same for question_cos: the index's question null level against the one fitted at.

        >>> m = RefusalModel("x", ("question_cos",), (0.0,), (1.0,), (1.0,), 0.0, 0.5, null_question=0.81)
        >>> round(m.question_shift(0.83), 3), m.question_shift(None)
        (0.02, 0.0)
        """
        return _shift(index_null, self.null_question)

    def probability(self, f: dict) -> float:
        z = self.intercept + sum(c * (f.get(n, m) - m) / s  # a feature not measured counts as its mean
                                 for n, m, s, c in zip(self.names, self.mean, self.scale, self.coef))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def refuse(self, f: dict) -> bool:
        return self.probability(f) >= self.threshold

    def to_json(self) -> dict:
        return asdict(self)


def _shift(index_null: float | None, fitted_null: float | None) -> float:
    if index_null is None or fitted_null is None:
        return 0.0
    return max(-MAX_NULL_SHIFT, min(MAX_NULL_SHIFT, index_null - fitted_null))


def load_model(embedder: str, path: Path = MODEL_PATH) -> RefusalModel | None:
    """The fitted model for this embedder, or None (no file, or fitted on another embedder's cosines)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("embedder") != embedder:
        return None
    fields = RefusalModel.__dataclass_fields__
    return RefusalModel(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in fields})
