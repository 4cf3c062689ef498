"""Grade an answer: match the question to an item, cover its key points, catch contradictions, score.

Flow: question → item (an item ref, or retrieval + the same coverage decision `ask` refuses with;
abstain when nothing matches) → non-answer rules (empty, 不知道, gibberish, the question pasted back)
→ per-point coverage from e5 similarity and lexical overlap (keypoints) → deterministic
contradiction cues (contradiction) → optionally the LLM judge's verdicts, merged point by point
(judge, calibrate.combine) → score, band, feedback. The LLM never sets the score on its own.

Example:
    >>> from tutor.records import Item
    >>> from tutor.embed import HashEncoder
    >>> it = Item("a.md", 1, "", "如何避免过拟合？", answer="- **Dropout：** 随机丢弃神经元",
    ...           key_points=("Dropout： 随机丢弃神经元",))
    >>> g = Grader(None, encoder=HashEncoder(), items=[it]).grade("a.md#1", "不知道")
    >>> g.score, g.band, g.reason, [p["point"] for p in g.missed]
    (0, 'empty', 'dont_know', ['Dropout：随机丢弃神经元'])
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .calibrate import Calibration, band, cap_for_contradictions, combine, net_coverage, ramp, status_of, to_score
from .contradiction import GENERIC, contradiction_cue, point_terms
from .corpus import find_item, split_sentences, strip_md
from .judge import judge
from .keypoints import (KeyPoint, answer_units, is_copy, lexical_match, non_answer, point_matches,
                        reference_points, relative_similarity)
from .records import Grade, Item, PointResult, Ref

_REF = re.compile(r"^\s*([\w.\-]+\.(?:md|txt))\s*(?:#|\s)\s*(\d{1,4})\s*$", re.IGNORECASE)
GENERIC_SHARE = 0.25  # a bigram in this share of the items names no particular object (see contradiction)


@dataclass
class _Prepared:
    """What the grader computes once per item: its points and their vectors."""

    points: tuple[KeyPoint, ...]
    vectors: np.ndarray
    reference: str


def model_answer(item: Item) -> str:
    """The reference shown to the candidate: the item's answer and its 解析."""
    text = strip_md(item.answer.replace("\n", " \n")).replace(" \n", "\n")
    return text + (f"\n解析：{item.explanation}" if item.explanation else "")


def parse_ref(text: str) -> Ref | None:
    """An item given by reference: "file.md#3" or "file.md 3".

    >>> parse_ref("hpc-for-llm-datacenter.md#5"), parse_ref("什么是过拟合")
    (Ref(source='hpc-for-llm-datacenter.md', number=5), None)
    """
    m = _REF.match(text or "")
    return Ref(m.group(1), int(m.group(2))) if m else None


class Grader:
    """Grades answers against the corpus items.

    Args:
        retriever: a Retriever (question matching; None when questions are always item refs).
        encoder: the embedder; default the index's own (retriever.index.encoder).
        generator: a Generator for the judge, or None for the deterministic grader alone.
        items: the items (default the index's).
        calibration: the fitted constants.
        thresholds: the question-coverage thresholds (default: ask's, for e5).
    """

    def __init__(self, retriever, encoder=None, generator=None, items: list[Item] | None = None,
                 calibration: Calibration = Calibration(), thresholds=None):
        self.retriever = retriever
        self.encoder = encoder if encoder is not None else retriever.index.encoder
        self.generator = generator
        self.items = items if items is not None else retriever.index.items
        self.c = calibration
        self.thresholds = thresholds
        self._prepared: dict[str, _Prepared] = {}
        self._anchors: np.ndarray | None = None
        self._generic: frozenset[str] | None = None

    # -- matching -------------------------------------------------------------------------------
    def match(self, question: str) -> tuple[Item | None, str]:
        """(item, how): the item a question is about, or (None, why not)."""
        ref = parse_ref(question)
        if ref is not None:
            item = find_item(self.items, ref)
            return (item, "ref") if item else (None, "unknown_ref")
        if self.retriever is None or not question.strip():
            return None, "no_question"
        from .coverage import E5_THRESHOLDS, decide, signals
        from .glossary import expand_query

        hits = self.retriever.search(question, k=3)
        if not hits:
            return None, "off_topic"
        vocab = self.retriever.index.lexical.bm25.vocab_dict
        refuse, why = decide(signals(question, expand_query(question), hits[0].dense, vocab),
                             self.thresholds or E5_THRESHOLDS)
        return (None, why) if refuse else (hits[0].item, "retrieved")

    # -- cached per item / per corpus -----------------------------------------------------------
    def prepare(self, item: Item) -> _Prepared:
        """Points and point vectors of an item (computed once), and the judge prefix warmed if a judge is set."""
        if item.id not in self._prepared:
            points = reference_points(item)
            vectors = self.encoder.encode_queries([p.text for p in points]) if points else np.zeros((0, 1))
            self._prepared[item.id] = _Prepared(points, vectors, model_answer(item))
        return self._prepared[item.id]

    def anchors(self) -> np.ndarray:
        """Every item's question, embedded: the baseline an answer unit's similarity is measured against."""
        if self._anchors is None:
            self._anchors = self.encoder.encode_queries([it.question for it in self.items])
        return self._anchors

    def generic(self) -> frozenset[str]:
        """Bigrams in GENERIC_SHARE of the items or more: too common to identify what a cue is about."""
        if self._generic is None:
            df: dict[str, int] = {}
            for it in self.items:
                for t in point_terms(it.text()):
                    df[t] = df.get(t, 0) + 1
            common = {t for t, n in df.items() if n >= GENERIC_SHARE * len(self.items)}
            # A handful of items says nothing about which words are common: use the built-in list.
            self._generic = frozenset(common) if len(self.items) >= 20 else GENERIC
        return self._generic

    # -- grading --------------------------------------------------------------------------------
    def grade(self, question: str, answer: str, use_llm: bool = True) -> Grade:
        """Grade one answer; the judge runs when use_llm and a generator is set."""
        result = None
        for result in self.grade_steps(question, answer, use_llm):
            pass
        return result

    def grade_steps(self, question: str, answer: str, use_llm: bool = True) -> Iterator[Grade]:
        """Yield the deterministic grade at once, then (with a judge) the judged grade."""
        t0 = time.perf_counter()
        question, answer = (question or "").strip(), (answer or "").strip()
        item, how = self.match(question)
        timings = {"match_s": round(time.perf_counter() - t0, 3)}
        if item is None:
            timings["total_s"] = timings["match_s"]
            yield Grade(question, answer, None, None, None, feedback=abstain_feedback(how, answer), abstained=True,
                        reason=how, timings=timings)
            return
        prep = self.prepare(item)
        ref = item.ref
        reason = non_answer(answer, question) or non_answer(answer, item.question)
        if reason:
            points = tuple(PointResult(p.text, "missed", "", ref.source, ref.number, 0.0, p.kind) for p in prep.points)
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield Grade(question, answer, 0, "empty", ref, points, feedback(points, "empty", reason, answer),
                        prep.reference, reason=reason, matched_question=item.question, timings=timings)
            return
        t1 = time.perf_counter()
        units = answer_units(answer)
        sentences = split_sentences(answer)
        vectors = self.encoder.encode_queries([u for u, _ in units])
        rel = relative_similarity(prep.vectors, vectors, self.anchors())
        label, body = lexical_match(prep.points, units)
        c = self.c
        matches = point_matches(rel, label, body, (c.dense_none, c.dense_full), c.label_credit, (c.body_none, c.body_full))
        topical = max(ramp(float(rel.max()), c.topical_none, c.topical_full),
                      max((m.credit for m in matches), default=0.0))
        results = []
        for i, (p, m) in enumerate(zip(prep.points, matches)):
            status = status_of(m.credit, c)
            evidence = sentences[units[m.unit][1]] if status != "missed" and m.unit >= 0 else ""
            cue = None
            if status != "missed":
                # Every sentence that addresses the point may be the one that gets it wrong.
                addressing = {units[j][1] for j in range(len(units))
                              if rel[i, j] >= c.dense_none or label[i, j] >= 0.5}
                for s in sorted(addressing | {units[m.unit][1]}):
                    cue = contradiction_cue(sentences[s], p.text, self.generic())
                    if cue:
                        evidence = sentences[s]
                        break
            results.append(PointResult(p.text, "contradicted" if cue else status, evidence, ref.source, ref.number,
                                       0.0 if cue else m.credit, p.kind, "", cue or ""))
        copied = is_copy(answer, prep.reference)
        timings["deterministic_s"] = round(time.perf_counter() - t1, 3)
        det = self._finish(question, answer, item, prep, results, topical, copied, "off", timings, t0)
        if not (use_llm and self.generator is not None):
            yield det
            return
        yield det
        verdicts, status = judge(self.generator, item.question, [p.text for p in prep.points], answer, timings)
        if verdicts is None:
            yield self._finish(question, answer, item, prep, results, topical, copied, status, timings, t0)
            return
        merged = []
        for r, m, v in zip(results, matches, verdicts):
            if r.cue:  # a cue the judge does not back stays a doubt: partial credit at most
                st, cr = (("contradicted", 0.0) if v in ("contradicted", "missed", "partial")
                          else ("partial", min(m.credit, 0.5)))
            else:
                st, cr = combine(r.status, r.credit, v)
            merged.append(PointResult(r.point, st, r.evidence if st != "missed" else "", r.source, r.number, cr,
                                      r.kind, v, r.cue))
        yield self._finish(question, answer, item, prep, merged, topical, copied, "used", timings, t0)

    def _finish(self, question, answer, item, prep, results, topical, copied, judge_status, timings, t0) -> Grade:
        c = self.c
        net = net_coverage([r.credit for r in results], [p.weight for p in prep.points],
                           [r.kind for r in results], [r.status == "contradicted" for r in results], c)
        score = to_score(net, topical, c)
        n_wrong = sum(r.status == "contradicted" for r in results)
        n_right = sum(r.status == "covered" for r in results)
        score = cap_for_contradictions(score, n_wrong, n_right)
        b = band(score)
        timings = dict(timings, total_s=round(time.perf_counter() - t0, 3))
        return Grade(question, answer, score, b, item.ref, tuple(results), feedback(tuple(results), b, "", answer),
                     prep.reference, copied=copied, reason="off_topic" if b == "empty" else "",
                     judge=judge_status, matched_question=item.question, timings=timings, coverage=net)


def _short(point: str, limit: int = 28) -> str:
    head = point.split("：", 1)[0] if "：" in point and len(point.split("：", 1)[0]) <= 16 else point
    return head if len(head) <= limit else head[:limit] + "…"


def feedback(points: tuple[PointResult, ...], band_: str | None, reason: str, answer: str) -> str:
    """Concise, rule-written feedback: what was right, what to correct, what to add (at most three each)."""
    en = _english(answer)
    wrong = [p for p in points if p.status == "contradicted"]
    missed = [p for p in points if p.status == "missed" and p.kind == "answer"]
    partial = [p for p in points if p.status == "partial"]
    covered = [p for p in points if p.status == "covered"]
    add = [_short(p.point) for p in (missed + partial)[:3]]
    if reason:
        why = {"empty": ("没有作答。", "No answer given."), "dont_know": ("这次没有作答。", "No attempt this time."),
               "restates_question": ("回答只是重复了题目。", "The answer only repeats the question."),
               "gibberish": ("回答无法识别。", "The answer is not readable.")}.get(reason, ("", ""))
        keys = "、".join(_short(p.point) for p in points if p.kind == "answer")
        return f"{why[1]} Key points to learn: {keys}." if en else f"{why[0]}参考答案的要点：{keys}。"
    parts = []
    if band_ == "empty":
        parts.append("The answer is off the topic of the question." if en else "回答与题目无关。")
    if covered:
        names = "、".join(_short(p.point) for p in covered[:4])
        parts.append(f"Covered: {names}." if en else f"讲到了：{names}。")
    for p in wrong[:2]:
        parts.append(f"Correct this: “{p.evidence}” — the reference says: {p.point}" if en
                     else f"需要纠正：“{p.evidence}”——参考答案：{p.point}")
    if add:
        parts.append(f"Add: {'; '.join(add)}." if en else f"建议补充：{'；'.join(add)}。")
    if not parts:
        parts.append("Well done." if en else "回答很好。")
    return " ".join(parts) if en else "".join(parts)


def _english(text: str) -> bool:
    """Feedback in English only for an answer with no Chinese at all ("用 Dropout" is a Chinese answer)."""
    return not re.search(r"[\u3400-\u9fff]", text or "") and bool(re.search(r"[A-Za-z]", text or ""))


def abstain_feedback(how: str, answer: str) -> str:
    en = _english(answer)
    if how == "unknown_ref":
        return "No such item in the documents." if en else "资料中没有这个题号。"
    return ("This question is not covered by the documents, so there is no reference to grade against."
            if en else "资料中没有对应的题目，无法对照参考答案评分。")
