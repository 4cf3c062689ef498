"""Which answer sentence backs which key point: the support rule, per-point verdicts, correct extras.

"Covered" means the candidate said it. A point is only reported covered or partly covered with the
answer sentence that says it, and a sentence can only say a point when one of its units (sentence or
clause) *supports* the point: it uses a term specific to the point, or its meaning alone matches the
point fully. A term is specific unless it is common across the corpus or is the question's topic shared
with another point of the item (the quantisation item's 量化). Without this, a clause that merely names the
question's topic ("剪枝和量化") earned credit for every point that names the topic too
("量化方法应根据具体应用场景和硬件平台进行选择") from e5's similarity alone, and was told it covered them.
A topic word only one point uses stays specific: "数据并行和模型并行的区别" asks about both, and saying
"数据并行" is saying that point.

A correct extra is a sentence the judge calls "extra" (true and relevant, but in no reference point)
that is neither wrong nor evidence for any point. It earns nothing and costs nothing (see grader).

Example:
    >>> q, other = token_set("如何实现深度学习模型的量化？"), token_set("对称量化：映射到 INT8")
    >>> terms = specific_terms("量化方法应根据场景选择", q, other, {}, 0)
    >>> "场景" in terms, "量化" in terms  # the question's topic, in another point too: says nothing of this one
    (True, False)
    >>> supports([terms], ["剪枝和量化，"], np.zeros((1, 1)), 0.1)
    array([[False]])
    >>> "数据并行" in specific_terms("数据并行：切数据", token_set("数据并行和模型并行的区别？"), set(), {}, 0)
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.corpus.parse import split_sentences
from tutor.grade.calibrate import Calibration, status_of
from tutor.grade.contradiction import contradiction_cue
from tutor.grade.edits import edit_cue
from tutor.grade.errata import errata_cues
from tutor.grade.swap import swapped
from tutor.grade.keypoints import (KeyPoint, answer_units, is_copy, lexical_match, ramp, relative_similarity,
                                   token_set, topical_rows, unit_credits)
from tutor.records import Extra, PointResult, Ref
from tutor.text.normalise import has_cjk, is_english, normalise
from tutor.text.tokenise import content_words

# A token in this share of the items or more names nothing in particular (方法, 模型, 训练 in this corpus):
# sharing it with a point is no sign of saying that point. Must NOT catch a point's own method names,
# which few items use. The same share the contradiction cues use for "generic" (stats.GENERIC_SHARE).
COMMON_SHARE = 0.25
MIN_ITEMS = 20  # below this, document frequencies say nothing about which words are common


def specific_terms(point: str, question: set[str], others: set[str], df: dict[str, int], n_items: int) -> set[str]:
    """The point's tokens that can show the candidate said *this* point.

    Args:
        question, others: tokens of the item's question and of its other points.
        df, n_items: how many items use each token, of how many (a token most items use is not specific).
    """
    common = COMMON_SHARE * n_items if n_items >= MIN_ITEMS else float("inf")
    return {t for t in token_set(point) - (question & others) if df.get(t, 0) < common}


def subject_terms(question: str, df: dict[str, int] | None, n_items: int) -> set[str]:
    """The question's words that name its subject, and the bigrams inside them: not in COMMON_SHARE of the items.

    Words (content_words), not every bigram: one straddling two words ("何做" in 如何做) names nothing. Must
    NOT keep 如何/深度学习/模型 where a quarter of the items use them (they name no subject); with too few
    items to tell (MIN_ITEMS), every word counts.

    >>> sorted(subject_terms("如何做数据增强？", {"数据": 60, "增强": 3, "数据增强": 2}, 100))
    ['增强', '据增', '数据增强']
    """
    words = content_words(question)
    terms = set(words) | {w[i:i + 2] for w in words if has_cjk(w) and len(w) > 2 for i in range(len(w) - 1)}
    common = COMMON_SHARE * n_items if df and n_items >= MIN_ITEMS else float("inf")
    return {t for t in terms if (df or {}).get(t, 0) < common}


def supports(terms: list[set[str]], units: list[str], rel: np.ndarray, dense_full: float,
             points: list[str] | None = None, dense_none: float | None = None) -> np.ndarray:
    """(points, units) bool: the unit uses one of the point's specific terms, or means the point outright.

    An English unit cannot use a Chinese point's terms (the glossary knows only the field's common ones):
    for it, meaning from the middle of the credit ramp is support. Without this, English translations
    of the Chinese dev answers scored 12.6 below their originals when excellent; with it 8.4 below, and
    the English set's Spearman rose 0.466 → 0.510 (Chinese units are untouched).

    Args:
        terms: per point, its specific terms (specific_terms).
        units: the answer's units (keypoints.answer_units, text only).
        rel: (points, units) relative cosines (keypoints.relative_similarity).
        dense_full: the relative cosine that earns full credit from meaning alone (a paraphrase).
        points, dense_none: the points' texts and where the credit ramp starts (both needed for the
            cross-lingual rule; without them it is off).

    >>> supports([{"正则"}], ["Add L2 regularisation."], np.array([[0.08]]), 0.10, ["正则化：加入 L2 正则项"], 0.045)
    array([[ True]])
    >>> supports([{"正则"}], ["加一些约束。"], np.array([[0.08]]), 0.10, ["正则化：加入 L2 正则项"], 0.045)
    array([[False]])
    """
    words = [token_set(u) for u in units]
    lexical = np.array([[bool(t & w) for w in words] for t in terms], dtype=bool).reshape(len(terms), len(units))
    backed = lexical | (rel >= dense_full)
    if points is not None and dense_none is not None:
        english = np.array([is_english(u) for u in units], dtype=bool)
        chinese = np.array([has_cjk(p) for p in points], dtype=bool)
        backed |= chinese[:, None] & english[None, :] & (rel >= (dense_none + dense_full) / 2)
    return backed


@dataclass
class Evidence:
    """Everything measured about one answer before any sentence is called wrong."""

    units: list[tuple[str, int]]
    sentences: list[str]
    credits: np.ndarray  # (points, units); above partial only where the unit supports the point
    topical: float  # how far the answer is on the item's topic at all, in [0, 1]
    cues: dict[int, tuple[int, str, Ref | None]]  # sentence → (point it contradicts, cue, errata entry if a slip)
    copied: bool
    cap: tuple[int, str] = (100, "")  # (highest score the gates allow, why) — see grade.gates


def measure(prep, answer: str, encoder, anchors: np.ndarray, generic: frozenset[str], c: Calibration,
            df: dict[str, int] | None = None, n_items: int = 1, everyday: np.ndarray | None = None) -> Evidence:
    """Credit per (point, unit), topicality per unit, and the contradiction cues, for one answer.

    Args:
        prep: the item as the grader prepared it (points, vectors, terms, specific, reference, errata).
        anchors: every item's question, embedded (keypoints.relative_similarity).
        generic: bigrams too common to tie a contradiction cue to a point.
        df, n_items: how many items use each token, of how many (a swap's rare words weigh more).
    """
    units = answer_units(answer)
    sentences = split_sentences(answer)
    uvec = encoder.encode_queries([u for u, _ in units])
    rel = relative_similarity(prep.vectors, uvec, anchors, everyday)
    label, body = lexical_match(prep.points, units, prep.terms)
    credits = unit_credits(rel, label, body, (c.dense_none, c.dense_full), c.label_credit, (c.body_none, c.body_full))
    # Being on topic needs no particular point: the question's own words count (before the support rule).
    # Prose beside a list may be a bare intro ("原因如下：") that any text resembles: it shows nothing.
    shown = topical_rows(prep.points)
    topical = max(ramp(float(rel[shown].max()), c.topical_none, c.topical_full), float(credits[shown].max()))
    # No evidence, no "covered": a unit that does not support a point earns it less than partial credit.
    backed = supports(prep.specific, [u for u, _ in units], rel, c.dense_full, [p.text for p in prep.points],
                      c.dense_none)
    credits = np.where(backed, credits, np.minimum(credits, c.unsupported_max))
    question = getattr(prep, "question", "")
    if (has_cjk(answer) == has_cjk(question) and not backed[shown].any()
            and not subject_terms(question, df, n_items) & token_set(answer)):
        # Cosine topicality alone let a mortgage tip score 29 and "how to learn a language" 19 on training
        # questions: each sits near *some* point in e5. An answer that supports no point and never names
        # the question's subject is about something else, however close its cosines happen to sit. Only
        # asked of an answer in the question's script: an English answer to a Chinese item cannot name its
        # subject in its words (the glossary knows only common terms), and three partial ones fell to 0.
        topical = 0.0
    def best(rows, s: int) -> int:
        """Of the given points, the one sentence s earns most credit for (by its best unit)."""
        cols = [j for j, (_, si) in enumerate(units) if si == s]
        return max(rows, key=lambda i: float(credits[i, cols].max(initial=0.0)))

    cues: dict[int, tuple[int, str, Ref | None]] = {}
    for s, sentence in enumerate(sentences):
        # A cue needs its object among the point's own terms, which is what ties the sentence to the
        # point; among several cued points, the one the sentence earns most credit for.
        found = {i: cue for i, p in enumerate(prep.points)
                 if (cue := contradiction_cue(sentence, p.text, generic, prep.reference))}
        if found:
            i = best(found, s)
            cues[s] = (i, found[i], None)
    # Two named things given each other's descriptions (grade.swap): each sentence saying so contradicts the
    # point of the name it misdescribes (of that name's points, the one the sentence earns most for).
    for s, rows, cue in swapped(prep.points, answer, df, n_items, encoder, question):
        cues.setdefault(s, (best(rows, s), cue, None))
    # A near copy of a reference clause with a flipped claim (grade.edits): the point that holds that clause.
    for s, sentence in enumerate(sentences):
        if s not in cues and (hit := edit_cue(sentence, prep.reference)):
            rows = [i for i, p in enumerate(prep.points) if hit[0] in normalise(p.text)] or range(len(prep.points))
            cues[s] = (best(rows, s), hit[1], None)
    cues.update(errata_cues(prep.errata, units, uvec, prep.vectors))  # a repeated slip outranks a cue
    return Evidence(units, sentences, credits, topical, cues, is_copy(answer, prep.reference))


def point_results(points: tuple[KeyPoint, ...], units: list[tuple[str, int]], sentences: list[str],
                  credits: np.ndarray, ok: np.ndarray, contradicted: dict[int, tuple[int, str]], claims: dict,
                  cues: dict, ref: Ref, c: Calibration) -> tuple[PointResult, ...]:
    """Each point's verdict with its evidence: contradicted by a wrong sentence, else from its best unit.

    Args:
        credits: (points, units) supported credits (an unsupported unit is held below partial_at).
        ok: per unit, whether it may earn credit (not in a wrong sentence, not an extra).
        contradicted: point → (sentence, cue) for the points wrong sentences address.
        claims: sentence → the judge's verdict.
        cues: sentence → (point, cue, erratum) from the deterministic checks.
    """
    results = []
    for i, p in enumerate(points):
        if i in contradicted:
            s, cue = contradicted[i]
            results.append(PointResult(p.text, "contradicted", sentences[s], ref.source, ref.number, 0.0,
                                       p.kind, claims.get(s, ""), cue, cues.get(s, (0, "", None))[2]))
            continue
        row = np.where(ok, credits[i], 0.0)
        j = int(row.argmax()) if row.size else 0
        credit = float(row[j]) if row.size else 0.0
        status = status_of(credit, c)
        s = units[j][1] if units else 0
        said = status != "missed"  # a missed point has no evidence and no judge verdict of its own
        results.append(PointResult(p.text, status, sentences[s] if said else "", ref.source, ref.number, credit,
                                   p.kind, claims.get(s, "") if said else ""))
    return tuple(results)


def extra_sentences(claims: dict[int, str], wrong: dict[int, str], results: tuple[PointResult, ...],
                    sentences: list[str]) -> list[int]:
    """Sentences the judge calls "extra" that are neither wrong nor evidence for any point.

    >>> extra_sentences({0: "correct", 1: "extra", 2: "extra"}, {2: ""}, (PointResult("P", "covered", "A。"),),
    ...                 ["A。", "B。", "C。"])
    [1]
    """
    used = {r.evidence for r in results if r.status != "missed"}
    return [s for s, v in sorted(claims.items()) if v == "extra" and s not in wrong and s < len(sentences)
            and sentences[s] not in used]


def extras_of(indices: list[int], sentences: list[str], ref: Ref) -> tuple[Extra, ...]:
    """The Extra records for the given sentence indices, in answer order."""
    return tuple(Extra(sentences[s], ref.source, ref.number) for s in indices)
