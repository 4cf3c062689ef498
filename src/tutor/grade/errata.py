"""Errata in grading: which reference point each correction rewrote, and which answer sentences repeat the slip.

The item's key points already carry the corrected wording (corpus.errata), so a candidate who states
the correct version earns the point through the ordinary matching. This module finds the other case:
a sentence that repeats the document's wrong wording. It does so with the grader's own measures,
comparing the sentence with two versions of the same point — as the document wrote it, and corrected:

- by embedding, the wrong version is its nearest point: its cosine with it exceeds its cosine with the
  corrected version and with every other point of the item (a sentence about another point that shares
  a word with the slip, "梯度裁剪防止梯度爆炸" beside "减小学习率避免梯度消失", is about that other point;
  the credit for the corrected point can't say this: a sentence stating the slip earns little of it);
- lexically, it uses more of what only the wrong version says than of what only the correction says
  (token sets from keypoints.token_set, each as a share of its own set);
- and it does not deny the wrong version: no contradiction cue against it, and no negation where the
  wrong version has none ("梯度裁剪不能解决梯度消失" denies the slip "梯度裁剪避免梯度消失"; the
  negation words are contradiction.NEGATION, the grader's one list of them).

No new word list: what counts as "the wrong part" is the set difference of the two versions of the point.

Example:
    >>> closer_to_wrong({"roc", "精确率", "召回率"}, {"精确率"}, {"假正例率", "tpr", "fpr"}, 0.91, 0.86)
    True
    >>> closer_to_wrong({"roc", "fpr", "召回率"}, {"精确率"}, {"假正例率", "tpr", "fpr"}, 0.88, 0.90)
    False
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tutor.corpus.errata import replacement
from tutor.grade.contradiction import NEGATION, contradiction_cue
from tutor.grade.keypoints import KeyPoint, token_set
from tutor.records import Item, Ref


@dataclass(frozen=True)
class PointErratum:
    """One correction as the grader uses it: the prepared point it rewrote and both versions' token sets."""

    point: int  # index into the grader's prepared points
    erratum: Ref
    why: str
    wrong: str  # the key point as the document wrote it
    wrong_only: frozenset[str]  # tokens only the wrong version has
    right_only: frozenset[str]  # tokens only the corrected version has


@dataclass(frozen=True)
class ErrataCheck:
    """An item's errata, prepared once per item: entries plus both versions' vectors (rows match entries)."""

    entries: tuple[PointErratum, ...] = ()
    wrong_vectors: np.ndarray | None = None
    right_vectors: np.ndarray | None = None


NO_ERRATA = ErrataCheck()


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def negates(text: str) -> bool:
    """Does the text carry a negation (contradiction.NEGATION)?

    >>> negates("梯度裁剪不能解决梯度消失"), negates("梯度裁剪可以避免梯度消失")
    (True, False)
    """
    low = text.lower()
    # An English cue must stand as a word: "not" is no negation inside "notebook" or "annotation".
    return any(re.search(rf"\b{re.escape(w)}\b", low) if w.isascii() else w in low for w in NEGATION)


def closer_to_wrong(unit: set[str], wrong_only: frozenset[str] | set[str], right_only: frozenset[str] | set[str],
                    cos_wrong: float, cos_right: float) -> bool:
    """Is an answer unit closer to the wrong version of a point than to the corrected one, by both measures?

    Args:
        unit: the unit's tokens.
        wrong_only, right_only: tokens only the wrong / only the corrected version of the point has.
        cos_wrong, cos_right: the unit's cosine with each version.
    """
    said_wrong = len(unit & wrong_only) / len(wrong_only) if wrong_only else 0.0
    said_right = len(unit & right_only) / len(right_only) if right_only else 0.0
    return said_wrong > said_right and cos_wrong > cos_right


def prepare_errata(item: Item, points: tuple[KeyPoint, ...], encoder) -> ErrataCheck:
    """Tie each of the item's corrections to the prepared point that carries it, and embed both versions.

    Args:
        item: the item (its `corrections` and corrected `key_points`, see corpus.errata).
        points: the grader's points for it (keypoints.reference_points: same-label points merged).
        encoder: the embedder.
    """
    entries, wrong_texts, right_texts = [], [], []
    for c in item.corrections:
        rep = replacement(c)
        kp = next((k for k in item.key_points if rep in k), None)
        i = next((n for n, p in enumerate(points) if _bare(rep) in _bare(p.text)), None)
        if kp is None or i is None:
            continue  # corpus.errata reported it already: an erratum that rewrote no point
        wrong = kp.replace(rep, c.wrong)
        tw, tr = token_set(wrong), token_set(kp)
        entries.append(PointErratum(i, c.erratum, c.why, wrong, frozenset(tw - tr), frozenset(tr - tw)))
        wrong_texts.append(wrong)
        right_texts.append(kp)
    if not entries:
        return NO_ERRATA
    vectors = encoder.encode_queries(wrong_texts + right_texts)
    return ErrataCheck(tuple(entries), vectors[:len(entries)], vectors[len(entries):])


def errata_cues(check: ErrataCheck, units: list[tuple[str, int]], unit_vectors: np.ndarray,
                point_vectors: np.ndarray) -> dict[int, tuple[int, str, Ref]]:
    """The answer sentences that repeat a documented slip.

    Args:
        check: the item's prepared errata.
        units: the answer's units (keypoints.answer_units): text and sentence index.
        unit_vectors: (U, d) unit vectors of those units.
        point_vectors: (points, d) unit vectors of the item's (corrected) points.

    Returns:
        sentence index → (point index, why, the errata entry); among entries a unit repeats, the nearest.
    """
    if not check.entries:
        return {}
    cos_wrong = check.wrong_vectors @ unit_vectors.T
    cos_right = np.maximum(check.right_vectors @ unit_vectors.T, (point_vectors @ unit_vectors.T).max(axis=0))
    # The finest units only: a sentence split into clauses blends its clauses' points ("用残差连接缓解梯度消失，
    # 学习率调度让步长变小" sits nearer the slip "减小学习率避免梯度消失" than either clause does).
    n_sentences = 1 + max(s for _, s in units)
    split = {s for _, s in units[n_sentences:]}
    found: dict[int, tuple[int, str, Ref]] = {}
    for j, (text, s) in enumerate(units):
        if s in found or (j < n_sentences and s in split):
            continue
        tokens = token_set(text)
        hits = [e for e, entry in enumerate(check.entries)
                if closer_to_wrong(tokens, entry.wrong_only, entry.right_only, cos_wrong[e, j], cos_right[e, j])
                and negates(text) == negates(entry.wrong) and contradiction_cue(text, entry.wrong) is None]
        if hits:
            entry = check.entries[max(hits, key=lambda e: cos_wrong[e, j])]
            found[s] = (entry.point, entry.why, entry.erratum)
    return found
