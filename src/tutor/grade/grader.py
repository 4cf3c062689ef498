"""Grade an answer: match the question to an item, cover its key points, catch wrong claims, score.

Flow: question → item (an item ref, or retrieval + the same refusal decision `ask` makes, `retrieve_or_refuse`;
abstain when nothing matches) → non-answer rules (empty, 不知道, the question pasted back) →
per (point, answer unit) credit from e5 similarity and lexical overlap (keypoints) → wrong
sentences: deterministic contradiction cues (contradiction), plus, with an LLM, the judge's
per-sentence verdicts (judge) → a wrong sentence earns nothing and contradicts the point it is
about → net coverage → score and band (calibrate) → feedback. The LLM never sets the score on its
own: it can only mark sentences wrong (only points those sentences address are affected) or name correct
extras beyond the reference (listed, never scored). A point is covered only by a sentence that supports it (evidence).

Example:
    >>> from tutor.records import Item
    >>> from tutor.index.embed import HashEncoder
    >>> it = Item("a.md", 1, "", "如何避免过拟合？", answer="- **Dropout：** 随机丢弃神经元",
    ...           key_points=("Dropout： 随机丢弃神经元",))
    >>> g = Grader(None, encoder=HashEncoder(), items=[it]).grade("a.md#1", "不知道")
    >>> g.score, g.band, g.reason, [p["point"] for p in g.missed]
    (0, 'empty', 'dont_know', ['Dropout：随机丢弃神经元'])
"""
from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from tutor.grade.stats import CorpusStats
from tutor.grade.calibrate import Calibration, band, cap_for_contradictions, net_coverage, to_score, uncertainty
from tutor.corpus.load import find_item, sections
from tutor.corpus.parse import strip_md
from tutor.grade.errata import NO_ERRATA, ErrataCheck, prepare_errata
from tutor.grade.evidence import Evidence, extra_sentences, extras_of, measure, point_results, specific_terms
from tutor.grade.judge import judge_claims, warm
from tutor.grade.keypoints import KeyPoint, distinctive_terms, non_answer, reference_points, token_set, topical_rows
from tutor.grade.feedback import abstain_feedback, feedback, model_answer, unsure_note
from tutor.grade.gates import TERM_LIST_CAP, cap, enumeration, listed, repetition, word_share
from tutor.records import Grade, Item, PointResult, Ref

# "file.md#3", "file.md 3", "笔记.md#1.21", "notes.md#3.4.12-2". Must NOT catch a question that merely
# names a file ("notes.md 里讲了什么"): the whole text must be a file name and a number.
# Any file name a note can have ("《深度学习》整理.md", "Pytorch&DeepSpeed.md", "LLM 面试.md"): the interviewer grades
# by item id, so a name the pattern refused sent its items to retrieval with "file.md#5" as the question,
# and they were graded against whatever that retrieved ("C#笔记.md#3" too: the number is read from the end).
# Must NOT span lines.
_REF = re.compile(r"^\s*([^\n]+?\.(?:md|txt))\s*(?:#|§|\s)\s*(\d{1,4}(?:\.\d{1,4})*(?:-\d{1,2})?)\s*$", re.I)
# A second item whose fused retrieval score is within this share of the best one is an equally good
# reading of a free-text question ("speed up inference" = 推理速度 or 推理性能); the answer is graded
# against both and kept where it fits best. Not fitted: "within 10%".
ALTERNATIVE_SHARE = 0.9


@dataclass
class _Prepared:
    """What the grader computes once per item: its points, their vectors, the model answer."""

    points: tuple[KeyPoint, ...]
    vectors: np.ndarray
    reference: str
    terms: list[set[str]]  # per point, its distinctive terms (see keypoints.distinctive_terms)
    specific: list[set[str]]  # per point, the terms that show an answer says it (see evidence.specific_terms)
    errata: ErrataCheck = NO_ERRATA  # the item's documented slips, tied to the points they corrected
    question: str = ""  # the item's question (a comparison question names what grade.swap compares)
    listed: bool = False  # the reference is itself a bare list: listing terms is answering (gates.listed)


def parse_ref(text: str) -> Ref | None:
    """An item given by reference: "file.md#3" or "file.md 3".

    >>> parse_ref("hpc-for-llm-datacenter.md#5"), parse_ref("什么是过拟合"), parse_ref("分布式.md#1.21")
    (Ref(source='hpc-for-llm-datacenter.md', number=5), None, Ref(source='分布式.md', number='1.21'))
    >>> parse_ref("《深度学习》整理.md#5"), parse_ref("LLM 面试 & 笔记.md §1.2"), parse_ref("见 a.md 的第 3 题")
    (Ref(source='《深度学习》整理.md', number=5), Ref(source='LLM 面试 & 笔记.md', number='1.2'), None)
    >>> parse_ref("C#笔记.md#3")
    Ref(source='C#笔记.md', number=3)
    """
    m = _REF.match(text or "")
    if not m:
        return None
    n = m.group(2)
    return Ref(m.group(1), int(n) if n.isdigit() else n)


class Grader(CorpusStats):
    """Grades answers against the corpus items.

    Args:
        retriever: a Retriever (question matching; None when questions are always item refs).
        encoder: the embedder; default the index's own (retriever.index.encoder).
        generator: a Generator for the judge, or None for the deterministic grader alone.
        items: the items (default the index's).
        calibration: the fitted constants.
        thresholds: the refusal thresholds (default: ask's, for e5).
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
        CorpusStats.__init__(self)

    def candidates(self, question: str) -> tuple[list[Item], str]:
        """(items, how): the best item and any equally good reading of the question, or ([], why not)."""
        ref = parse_ref(question)
        if ref is not None:
            item = find_item(self.items, ref)
            return ([item], "ref") if item else ([], "unknown_ref")
        if self.retriever is None or not question.strip():
            return [], "no_question"
        from tutor.retrieve.refusal import retrieve_or_refuse

        hits, refuse, why = retrieve_or_refuse(self.retriever, question, self.thresholds, k=3)
        if refuse:
            return [], why
        close = [h.item for h in hits[1:2] if h.item.kind == "item" and h.score >= ALTERNATIVE_SHARE * hits[0].score]
        return [hits[0].item] + close, "retrieved"

    def prepare(self, item: Item) -> _Prepared:
        """An item's points and point vectors (computed once per item)."""
        if item.id not in self._prepared:
            points = reference_points(item)
            if not points and (text := strip_md(item.answer or item.explanation)):
                # A short answer ("不适合。") makes no ≥6-character sentence: the whole text is the point.
                points = (KeyPoint("", text[:500]),)
            vectors = self.encoder.encode_queries([p.text for p in points]) if points else np.zeros((0, 1))
            terms = [distinctive_terms(p, self.frequencies()) for p in points]
            question, words = token_set(item.question), [token_set(p.text) for p in points]
            others = [set().union(*(w for j, w in enumerate(words) if j != i)) for i in range(len(points))]
            specific = [specific_terms(p.text, question, o, self.frequencies(), len(self.items))
                        for p, o in zip(points, others)]
            self._prepared[item.id] = _Prepared(points, vectors, model_answer(item), terms, specific,
                                                prepare_errata(item, points, self.encoder), item.question,
                                                listed(item.answer))
        return self._prepared[item.id]

    def warm_judge(self, items: list[Item] | None = None, progress: bool = False) -> int:
        """Compute the judge's per-item prefix states ahead of time (kept on disk by the llama.cpp backend).

        Returns:
            How many had to be computed (the rest were already kept).
        """
        from tqdm import tqdm

        done = 0
        for item in tqdm(items or self.items, desc="warming judge prefixes", unit="item", disable=not progress):
            if item.kind == "item":
                done += bool(warm(self.generator, item.question, [p.text for p in self.prepare(item).points]))
        return done

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
        items, how = self.candidates(question)
        item = items[0] if items else None
        timings = {"match_s": round(time.perf_counter() - t0, 3)}
        if item is None:
            timings["total_s"] = timings["match_s"]
            yield Grade(question, answer, None, None, None, feedback=abstain_feedback(how, answer), abstained=True,
                        reason=how, timings=timings)
            return
        prep = self.prepare(item)
        if not prep.points:  # no reference answer (a heading with nothing under it): nothing to grade against
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield Grade(question, answer, None, None, item.ref, feedback=abstain_feedback("no_reference", answer),
                        abstained=True, reason="no_reference", matched_question=item.question, timings=timings)
            return
        items = [it for it in items if self.prepare(it).points]  # an alternative reading needs a reference too
        reason = non_answer(answer, question) or non_answer(answer, item.question) or (
            "repetition" if repetition(answer) else None)
        if reason:
            points = tuple(PointResult(p.text, "missed", "", item.source, item.number, 0.0, p.kind)
                           for p in prep.points)
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield Grade(question, answer, 0, "empty", item.ref, points, feedback(points, "empty", reason, answer),
                        prep.reference, reason=reason, matched_question=item.question, timings=timings)
            return
        t1 = time.perf_counter()
        # Each equally good reading of the question (see candidates) is graded; the answer keeps the item
        # it fits best, the first on a tie.
        item, prep, ev, det_wrong, det = max((self._rule_grade(question, answer, it, timings, t0) for it in items),
                                             key=lambda r: r[4].score)
        timings["deterministic_s"] = round(time.perf_counter() - t1, 3)
        yield dataclasses.replace(det, timings=dict(det.timings, deterministic_s=timings["deterministic_s"]))
        if not (use_llm and self.generator is not None):
            return
        judged = judge_claims(self.generator, item.question, [p.text for p in prep.points], ev.sentences, timings)
        graded = [self._grade(question, answer, item, prep, ev, *self._judged_wrong(det_wrong, verdicts),
                              judged.status, timings, t0) for verdicts in (judged.verdicts, *judged.close_calls())]
        full = graded[0]
        if any(g.band != full.band for g in graded[1:]):  # a close call of the judge decides the band: say so
            full = dataclasses.replace(full, unsure=full.unsure + ("judge_borderline",),
                                       feedback=full.feedback + unsure_note(("judge_borderline",), answer))
        yield full

    @staticmethod
    def _judged_wrong(det_wrong: dict[int, str], verdicts: list[str] | None) -> tuple[dict, dict]:
        """(wrong sentences, claims): the rules' wrong sentences plus the judge's."""
        claims = dict(enumerate(verdicts or []))
        return det_wrong | {s: "" for s, v in claims.items() if v == "wrong" and s not in det_wrong}, claims

    def _rule_grade(self, question: str, answer: str, item: Item, timings: dict, t0: float):
        """(item, prep, evidence, rule-marked wrong sentences, deterministic Grade) for one item."""
        prep = self.prepare(item)
        ev = self._measure(prep, answer)
        # An answer that fully states one of this item's own points answers this item, however close its
        # wording sits to another topic's question (a point of the "trends" item names 量化 and 剪枝).
        own_point = float(ev.credits[topical_rows(prep.points)].max(initial=0.0)) >= self.c.covered_at
        ev = dataclasses.replace(ev, cap=self._cap(item, answer, check_other=not own_point))
        wrong = {s: cue for s, (_, cue, _) in ev.cues.items()}
        return item, prep, ev, wrong, self._grade(question, answer, item, prep, ev, wrong, {}, "off", timings, t0)

    def _measure(self, prep: _Prepared, answer: str) -> Evidence:
        return measure(prep, answer, self.encoder, self.anchors(), self.generic(), self.c, self.frequencies(),
                       len(self.items), self.everyday())

    def _cap(self, item: Item, answer: str, check_other: bool = True) -> tuple[int, str]:
        """The gates (grade.gates.cap). Topics split the other items into other topics and siblings; an item
        without topic tags (tiny test corpora) has only siblings, and so has an item under the same numbered
        section of the same note (6.2 and 6.3 of "6. 复读机问题"), whatever topics its content was given."""
        own = [i for i, it in enumerate(self.items) if set(it.refs) & set(item.refs)]
        near = sections(item)
        others = [i for i, it in enumerate(self.items)
                  if it.topics and item.topics and not set(it.topics) & set(item.topics)
                  and not sections(it) & near] if check_other else []
        siblings = sorted(set(range(len(self.items))) - set(own) - set(others)) if check_other else []
        sims = self.anchors() @ self.encoder.encode_queries([answer[:1000]])[0] if others or siblings else None
        words = token_set(answer)
        shares = np.array([word_share(words, w) for w in self.words()]) if others or siblings else None
        profile = getattr(getattr(self.retriever, "index", None), "profile", None)
        margin = getattr(self, "other_item_margin", None) or getattr(profile, "other_item_margin", None)
        return cap(answer, own, others, sims, shares, margin, siblings, listed=self.prepare(item).listed)

    def _grade(self, question, answer, item, prep, ev: Evidence, wrong: dict[int, str], claims: dict[int, str],
               judge_status: str, timings: dict, t0: float) -> Grade:
        """Score with the given wrong sentences: they earn nothing and contradict the point they address.

        Correct extras (evidence.extra_sentences) are listed and move nothing: the score is the answer's
        without them (no credit, no gate sees them), so never above what the reference supports and never
        lower for saying more. Topicality keeps them: the judge calls them relevant.
        """
        c, ref = self.c, item.ref
        contradicted: dict[int, tuple[int, str]] = {}
        for s, cue in sorted(wrong.items()):
            cols = [j for j, (_, si) in enumerate(ev.units) if si == s]
            i = ev.cues[s][0] if s in ev.cues else int(ev.credits[:, cols].max(axis=1).argmax())
            if s in ev.cues or ev.credits[i, cols].max() >= c.address_at:
                contradicted.setdefault(i, (s, cue))
        ok = np.array([s not in wrong for _, s in ev.units], dtype=bool)
        results, score, net, cap_ = self._score(prep, ev, ok, ev.cap, contradicted, claims, ref)
        extra = extra_sentences(claims, wrong, results, ev.sentences)
        if extra:  # scored as if the extras were absent: no credit (only sub-partial credits move), no gate
            kept = ok & np.array([s not in extra for _, s in ev.units], dtype=bool)
            own_point = bool((ev.credits[topical_rows(prep.points)][:, kept] >= c.covered_at).any())
            rest = "".join(x for s, x in enumerate(ev.sentences) if s not in extra)
            cap_ = self._cap(item, rest, not own_point) if rest else ev.cap
            results, score, net, cap_ = self._score(prep, ev, kept, cap_, contradicted, claims, ref)
        b = band(score)
        timings = dict(timings, total_s=round(time.perf_counter() - t0, 3))
        extras = extras_of(extra, ev.sentences, ref)
        unsure = uncertainty(score, judge_status)  # said in the result, not hidden behind a number
        return Grade(question, answer, score, b, ref, results,
                     feedback(results, b, "", answer, extras) + unsure_note(unsure, answer), prep.reference,
                     copied=ev.copied, reason=cap_[1] or ("off_topic" if b == "empty" else ""), judge=judge_status,
                     matched_question=item.question, timings=timings, coverage=net, extras=extras, unsure=unsure)

    def _score(self, prep, ev: Evidence, ok: np.ndarray, cap_: tuple[int, str], contradicted, claims, ref):
        """(point results, score, net coverage, cap) counting only the units `ok` allows."""
        c = self.c
        results = point_results(prep.points, ev.units, ev.sentences, ev.credits, ok, contradicted, claims, ev.cues,
                                ref, c)
        net = net_coverage([r.credit for r in results], [p.weight for p in prep.points], [r.kind for r in results],
                           [r.status == "contradicted" for r in results], c)
        if cap_[0] > TERM_LIST_CAP and enumeration([(r.status, r.evidence) for r in results]) and not prep.listed:
            cap_ = (TERM_LIST_CAP, "term_list")  # a list written as a sentence is still a list
        score = min(cap_[0], cap_for_contradictions(to_score(net, ev.topical, c), len(contradicted),
                                                    sum(r.status == "covered" for r in results)))
        return results, score, net, cap_
