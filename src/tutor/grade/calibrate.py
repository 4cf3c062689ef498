"""Grading arithmetic: point credits and contradictions → a 0–100 score and band, with the fitted constants.

Pure. Every number the grader decides with lives in `Calibration`, with where it came from; the
fitting helpers re-derive the two score thresholds from labelled data (`tutor eval grade` prints them).

Example:
    >>> c = Calibration()
    >>> band(80), band(50), band(20), band(3)
    ('excellent', 'partial', 'wrong', 'empty')
    >>> to_score(0.0, topical=1.0, c=c), to_score(c.net_partial, 1.0, c), to_score(c.net_excellent, 1.0, c)
    (15, 35, 75)
"""
from __future__ import annotations

import math

from dataclasses import dataclass

from tutor.index.profile import E5_SMALL

# The issue fixes the bands on the score; everything below maps evidence onto this scale.
BANDS = (("excellent", 75), ("partial", 35), ("wrong", 15), ("empty", 0))
# What each band is called in Chinese, everywhere it is shown. "empty" covers the off-topic answer too
# (the grader puts both under 15), so it is not just "未作答".
BAND_ZH = {"excellent": "优秀", "partial": "部分正确", "wrong": "错误", "empty": "未作答/离题"}


@dataclass(frozen=True)
class Calibration:
    """The grader's constants. Fitted on eval/grading.jsonl (112 answers, 28 items, 4 bands) with e5-small.

    Few on purpose: six numbers were read off the data (two similarity ramps, two topicality bounds,
    two score knots), the rest are fixed by what they mean. Each fitted value sits inside a plateau of
    equally good ones, so a small shift in the data does not move the grades. Measured with these
    values (`tutor eval grade`, qwen1.5b judge): Spearman 0.955, band accuracy 0.946, wrong < 35 1.000;
    deterministic alone 0.891 / 0.839 / 0.500. On 24 held-out answers that were never fitted on
    (eval/grading_holdout.jsonl): 0.887 / 0.917 / 0.667 (deterministic 0.850 / 0.833 / 0.333).
    """

    # Relative cosine (see keypoints.relative_similarity) of the best answer unit at which a point
    # starts to earn credit / earns full credit. Fitted (plateau 0.04–0.05 / 0.09–0.11).
    dense_none: float = E5_SMALL.grade_dense_none  # 0.045 (the numbers live in the embedder profile)
    dense_full: float = E5_SMALL.grade_dense_full  # 0.10
    # Naming a point's label is worth half a point; the body's token recall ramps 0.1 → 0.4. Fixed.
    label_credit: float = 0.5
    body_none: float = 0.10
    body_full: float = 0.40
    # A point is reported covered / partly covered from these credits. Fixed (thirds of the ramp).
    covered_at: float = 0.75
    partial_at: float = 0.35
    # A unit that does not support a point (grade.evidence.supports: no term of the point beyond the
    # question's, no full match in meaning) earns it at most this: never a reported "partly covered",
    # but still enough to tie a wrong sentence to the point (≥ address_at). Fixed: just under partial_at.
    unsupported_max: float = 0.34
    # A wrong sentence contradicts the key point it earns most credit for, if it earns at least this
    # much (some sign it is about that point); below, it only loses its own credit. Fixed.
    address_at: float = 0.2
    # Net coverage (covered share minus the share contradicted) at which the score reaches 35 and 75.
    # Fitted on the labelled set as midpoints between the groups: the full grader gave 0.045 / 0.50, the
    # deterministic one 0.045 / 0.56. Band accuracy is flat over 0.03–0.07 and 0.50–0.56.
    net_partial: float = 0.05
    net_excellent: float = 0.52
    # How much a contradicted point costs relative to what a covered one earns. Fixed: a wrong claim
    # undoes a right one.
    wrong_penalty: float = 1.0
    # Topicality: the best relative cosine below which an answer is off-topic, and above which it is
    # certainly about the question. Fitted between off-topic (≤ 0.03) and on-topic (≥ 0.04) answers.
    topical_none: float = E5_SMALL.topical_none  # 0.02
    topical_full: float = E5_SMALL.topical_full  # 0.045
    # Only the best k answer points count toward coverage: an item listing nine measures is answered
    # excellently by six of them. Fixed.
    max_points: int = 6
    # ...or a quarter of a long reference's points: a note answered by a whole file (55 points, tables, code
    # notes) gave "malloc 分配内存，cudaMalloc 也分配内存" 86, five trivially matched points being "the best six".
    # The seed items have at most 24 points, so they keep k = 6.
    long_share: float = 0.25


def band(score: int | None) -> str | None:
    """The band a score falls in (None for None)."""
    if score is None:
        return None
    return next(name for name, floor in BANDS if score >= floor)


EDGE_MARGIN = 5  # a rules-only score this close to a band edge could fall either side of it (band accuracy ~0.8)


def uncertainty(score: int | None, judge: str) -> tuple[str, ...]:
    """Why a grade may be less certain than it looks; () when nothing is known to be in doubt.

    "judge_failed": the judge ran and failed, so the rule verdicts stand; "near_edge": no judge checked a
    score within EDGE_MARGIN of the partial (35) or excellent (75) edge. A judged score is trusted.

    >>> uncertainty(73, "off"), uncertainty(73, "used"), uncertainty(50, "failed: timeout")
    (('near_edge',), (), ('judge_failed',))
    """
    if score is None or judge == "used":
        return ()
    reasons = ("judge_failed",) if judge.startswith("failed") else ()
    if any(abs(score - edge) <= EDGE_MARGIN for edge in (35, 75)):
        reasons += ("near_edge",)
    return reasons


def status_of(credit: float, c: Calibration) -> str:
    return "covered" if credit >= c.covered_at else "partial" if credit >= c.partial_at else "missed"


def net_coverage(credits: list[float], weights: list[float], kinds: list[str], wrong: list[bool],
                 c: Calibration) -> float:
    """Coverage of the key points minus the share contradicted (may go below 0).

    Coverage counts the best `max_points` key points. The 解析 (explanation) points only ever help:
    coverage is the better of the key points alone and the key points plus explanation points.
    Each contradicted point costs `wrong_penalty` times what a covered key point earns.

    >>> net_coverage([1.0, 0.0], [1.0, 1.0], ["answer", "answer"], [False, False], Calibration())
    0.5
    >>> net_coverage([1.0, 0.0, 1.0], [1.0, 1.0, 0.5], ["answer", "answer", "explanation"], [False, True, False], Calibration())
    0.1
    >>> net_coverage([1.0] * 6 + [0.0] * 34, [1.0] * 40, ["answer"] * 40, [False] * 40, Calibration())  # 6 of 40: k = 10
    0.6
    """
    key = sorted((cr for cr, k in zip(credits, kinds) if k == "answer"), reverse=True)
    k = min(len(key), max(c.max_points, math.ceil(c.long_share * len(key))))
    extra = [(cr, w) for cr, w, kind in zip(credits, weights, kinds) if kind != "answer"]
    core = sum(key[:k]) / k if k else 0.0
    denom = k + sum(w for _, w in extra)
    with_extra = (sum(key[:k]) + sum(cr * w for cr, w in extra)) / denom if denom else 0.0
    wrong_w = sum(w for w, bad in zip(weights, wrong) if bad)
    return round(max(core, with_extra) - c.wrong_penalty * wrong_w / max(1, k), 4)


def to_score(net: float, topical: float, c: Calibration) -> int:
    """Map net coverage to 0–100 through the fitted knots; an off-topic answer stays under 15.

    The first 15 points are for being on topic at all (an on-topic answer that gets everything wrong
    lands in the wrong band, 15–35, not among the empty ones); the rest follows net coverage,
    piecewise linear through (net_partial → 35) and (net_excellent → 75).
    """
    x = max(0.0, net)
    knots = ((0.0, 0.0), (c.net_partial, 20.0), (c.net_excellent, 60.0), (1.0, 85.0))
    above = 85.0
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        if x <= x1:
            above = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
            break
    return int(round(min(100.0, 15.0 * topical + above * topical)))


def cap_for_contradictions(score: int, n_wrong: int, n_right: int) -> int:
    """An answer with at least as many contradicted points as covered ones is wrong, whatever else it says.

    >>> cap_for_contradictions(60, 2, 1), cap_for_contradictions(60, 1, 3), cap_for_contradictions(10, 1, 0)
    (34, 60, 10)
    """
    if n_wrong and n_wrong >= n_right:
        return min(score, 34)
    return score


def midpoint_threshold(low: list[float], high: list[float]) -> float:
    """The cut between two groups of values that misclassifies fewest, taken mid-gap (ties: the middle one).

    >>> midpoint_threshold([0.1, 0.2, 0.3], [0.5, 0.6])
    0.4
    """
    values = sorted(set(low) | set(high))
    cuts = [(a + b) / 2 for a, b in zip(values, values[1:])] or values
    errors = [sum(v >= t for v in low) + sum(v < t for v in high) for t in cuts]
    best = min(errors)
    winners = [t for t, e in zip(cuts, errors) if e == best]
    return round(winners[len(winners) // 2], 3)
