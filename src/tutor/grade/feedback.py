"""Feedback on a grade, written by rules from the point lists (never by the LLM): right, to correct,
to expand on (partly covered), to add (missed); and the model answer shown beside it.

A sentence that repeats a documented slip of the reference (corpus/errata.md) is corrected with the
errata entry's citation and its reason, so the candidate learns why the document's wording earns nothing.

English feedback for an answer with no Chinese in it, Chinese otherwise; point names stay as the
documents write them.

Example:
    >>> from tutor.records import PointResult
    >>> pts = (PointResult("Dropout：随机丢弃神经元", "covered"), PointResult("早停：验证集不降就停", "missed"))
    >>> feedback(pts, "partial", "", "加 Dropout。")
    '讲到了：Dropout。建议补充：早停。'
"""
from __future__ import annotations

from tutor.corpus.errata import annotate
from tutor.corpus.parse import strip_md
from tutor.records import Item, PointResult, cite
from tutor.text.normalise import is_english


def _short(point: str, limit: int = 28) -> str:
    head = point.split("：", 1)[0] if "：" in point and len(point.split("：", 1)[0]) <= 16 else point
    return head if len(head) <= limit else head[:limit] + "…"


def feedback(points: tuple[PointResult, ...], band_: str | None, reason: str, answer: str) -> str:
    """Concise, rule-written feedback: what was right, what to correct, what to expand on, what to add
    (at most three each)."""
    en = is_english(answer or "")  # no Chinese at all: "用 Dropout" is a Chinese answer
    wrong = [p for p in points if p.status == "contradicted"]
    missed = [p for p in points if p.status == "missed" and p.kind == "answer"]
    partial = [p for p in points if p.status == "partial"]
    covered = [p for p in points if p.status == "covered"]
    add = [_short(p.point) for p in missed[:3]]
    expand = [_short(p.point) for p in partial[:3]]  # touched on, not explained: a different ask than "add"
    if reason:
        why = {"empty": ("没有作答。", "No answer given."), "dont_know": ("这次没有作答。", "No attempt this time."),
               "restates_question": ("回答只是重复了题目。", "The answer only repeats the question.")}.get(reason, ("", ""))
        keys = "、".join(_short(p.point) for p in points if p.kind == "answer")
        return f"{why[1]} Key points to learn: {keys}." if en else f"{why[0]}参考答案的要点：{keys}。"
    parts = []
    if band_ == "empty":
        parts.append("The answer is off the topic of the question." if en else "回答与题目无关。")
    if covered:
        names = "、".join(_short(p.point) for p in covered[:4])
        parts.append(f"Covered: {names}." if en else f"讲到了：{names}。")
    for p in wrong[:2]:
        if p.erratum is not None:  # the candidate repeated the document's own slip: say so, and where it is fixed
            where = cite(p.erratum.source, p.erratum.number)
            parts.append(f"Correct this: “{p.evidence}” repeats a known error in the documents (erratum {where}): "
                         f"{p.point} {p.cue}" if en else
                         f"需要纠正：“{p.evidence}”重复了资料原文中已勘误的错误（勘误 {where}）：{p.point} {p.cue}")
            continue
        parts.append(f"Correct this: “{p.evidence}” — the reference says: {p.point}" if en
                     else f"需要纠正：“{p.evidence}”——参考答案：{p.point}")
    if expand:
        parts.append(f"Expand on: {'; '.join(expand)}." if en else f"可以展开讲讲：{'；'.join(expand)}。")
    if add:
        parts.append(f"Add: {'; '.join(add)}." if en else f"建议补充：{'；'.join(add)}。")
    if not parts:
        parts.append("Well done." if en else "回答很好。")
    return " ".join(parts) if en else "".join(parts)


def abstain_feedback(how: str, answer: str) -> str:
    """Why there is no grade: the item reference is unknown, the item has no reference answer, or no item
    covers the question."""
    en = is_english(answer or "")  # no Chinese at all: "用 Dropout" is a Chinese answer
    if how == "unknown_ref":
        return "No such item in the documents." if en else "资料中没有这个题号。"
    if how == "no_reference":
        return ("This question has no reference answer in the documents, so it can't be graded."
                if en else "这道题在资料中没有参考答案，无法评分。")
    return ("This question is not covered by the documents, so there is no reference to grade against."
            if en else "资料中没有对应的题目，无法对照参考答案评分。")


def model_answer(item: Item) -> str:
    """The reference shown to the candidate: the item's answer and its 解析, each documented slip noted
    under its sentence (corpus.errata.annotate).

    >>> model_answer(Item("a.md", 1, "", "Q？", answer="**数据并行：** 切分数据", explanation="快。"))
    '数据并行： 切分数据\\n解析：快。'
    """
    text = strip_md(item.answer.replace("\n", " \n")).replace(" \n", "\n")
    return annotate(text, item.corrections) + (f"\n解析：{item.explanation}" if item.explanation else "")
