"""Is a question about the field at all? A linear classifier over the question's own embedding.

Off-topic questions that borrow the field's verbs ("How do I train a puppy to stop biting?", "夏天怎么降低家里
空调的能耗？") reach the corpus's items at cosines and vocabulary shares that covered questions reach too, so
the retrieval signals alone answered them. Whether a question is *about* machine learning and AI
infrastructure is a property of the question, not of the corpus: a logistic regression over its e5 query
vector, fitted (scripts/fit_domain.py) on questions of the field (public interview notes' questions and
natural ones written for the purpose) against everyday and other-field questions, many of them using the
field's words in their everyday sense (training a dog, a fridge's power use, a colour gradient). None of the
eval files is read by that fit. Its score is one more feature of the refusal model (`refusal_model.features`),
which weighs it with the rest on the dev splits; it never refuses on its own.

The coefficients belong to one embedder (`domain_model.json` names it): for any other the score is None and
the refusal model reads the feature's mean, no evidence either way. A score is one dot product.

Example:
    >>> import numpy as np
    >>> m = DomainModel("x", (2.0, -2.0), -0.5)
    >>> m.score(np.array([1.0, 0.0])), m.score(np.array([0.0, 1.0]))
    (1.5, -2.5)
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("domain_model.json")
# A score past this says all it can: a question 30 logits off the field is no more off it than one at 10, and
# an unbounded feature would let one extreme question dominate the refusal model's standardised fit.
CLIP = 10.0


@dataclass(frozen=True)
class DomainModel:
    embedder: str  # the embedder id whose query vectors it was fitted on
    coef: tuple[float, ...]  # one weight per vector dimension; positive = everyday / other field
    intercept: float
    n_in: int = 0  # questions of the field it was fitted on
    n_out: int = 0  # everyday / other-field questions

    def score(self, vector) -> float:
        """The log-odds that the question is not about the field, clipped to ±CLIP.

        >>> DomainModel("x", (100.0,), 0.0).score([1.0])
        10.0
        """
        z = float(np.dot(np.asarray(vector, dtype=np.float64), np.asarray(self.coef)) + self.intercept)
        return max(-CLIP, min(CLIP, z))

    def to_json(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=8)
def load_domain(embedder: str, path: Path = MODEL_PATH) -> DomainModel | None:
    """The fitted classifier for this embedder, read once; None without one (no file, or another embedder's).

    >>> load_domain("no-such-embedder") is None
    True
    """
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("embedder") != embedder:
        return None
    return DomainModel(data["embedder"], tuple(data["coef"]), data["intercept"], data.get("n_in", 0), data.get("n_out", 0))
