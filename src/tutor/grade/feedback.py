"""Feedback on a grade, written by rules from the point lists (never by the LLM): what was right (with the
candidate's own words), what to correct, what to expand on (partly covered), what to add (missed), the
correct extras; and the model answer shown beside it.

A sentence that repeats a documented slip of the reference (corpus/errata.md) is corrected with the
errata entry's citation and its reason, so the candidate learns why the document's wording earns nothing.

English feedback for an answer with no Chinese in it, Chinese otherwise. Points are named by their label
or a whole clause (text.clause.label), never a word cut in half; quotes are cut the same way.

Example:
    >>> from tutor.records import PointResult
    >>> pts = (PointResult("Dropout：随机丢弃神经元", "covered", "加 Dropout。"), PointResult("早停：验证集不降就停", "missed"))
    >>> feedback(pts, "partial", "", "加 Dropout。")
    '你讲到了Dropout（你说：“加 Dropout。”）。还可以补充：早停。'
    >>> feedback(pts, "partial", "", "Add dropout.")
    'You covered Dropout (you said: “加 Dropout。”). You could also mention: 早停.'
"""
from __future__ import annotations

from tutor.corpus.errata import annotate
from tutor.corpus.parse import strip_md
from tutor.grade.swap import SWAP
from tutor.records import Extra, Item, PointResult, cite
from tutor.text.clause import label
from tutor.text.normalise import is_english

QUOTE_LIMIT = 40  # a quoted answer sentence longer than this is cut at a clause or word boundary


def name(point: str) -> str:
    """A key point's readable name: its label, or a whole clause (text.clause.label)."""
    return label(point)


def quote(sentence: str, limit: int = QUOTE_LIMIT) -> str:
    """The candidate's sentence, whole if short, else cut at a clause or word boundary.

    The candidate's "X：…" is not a label to shorten to, so colons count as clause marks only.

    >>> quote("过拟合可以这样处理：正则化，给损失函数加上 L2 正则项约束权重；Dropout，训练时随机丢弃神经元", 20)
    '过拟合可以这样处理：正则化…'
    """
    text = " ".join(sentence.split())
    if len(text) <= limit:
        return text
    # Same length, no colon: label() then never takes the head before "：" as a label.
    shown = label(text.replace("：", "，").replace(":", ","), limit)
    head = shown[:-1] if shown.endswith("…") else shown
    return text[:len(head)] + ("…" if len(head) < len(text) else "")


def _join(names: list[str], en: bool) -> str:
    if not en:
        return "、".join(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def feedback(points: tuple[PointResult, ...], band_: str | None, reason: str, answer: str,
             extras: tuple[Extra, ...] = ()) -> str:
    """Concise, rule-written feedback an interviewer could say: what was right (quoting the answer), what
    to correct, what to expand on, what to add (at most three or four each), and the correct extras."""
    en = is_english(answer or "")  # no Chinese at all: "用 Dropout" is a Chinese answer
    wrong = [p for p in points if p.status == "contradicted"]
    missed = [p for p in points if p.status == "missed" and p.kind == "answer"]
    partial = [p for p in points if p.status == "partial"]
    covered = [p for p in points if p.status == "covered"]
    if reason:
        why = {"empty": ("没有作答。", "No answer given."), "dont_know": ("这次没有作答。", "No attempt this time."),
               "restates_question": ("回答只是重复了题目。", "The answer only repeats the question.")}.get(reason, ("", ""))
        keys = [name(p.point) for p in points if p.kind == "answer"]
        return (f"{why[1]} The key points to learn are: {'; '.join(keys)}." if en
                else f"{why[0]}参考答案的要点有：{'；'.join(keys)}。")
    parts = []
    if band_ == "empty" and not extras:  # with an extra the judge found it relevant: the reference just lacks it
        parts.append("The answer is off the topic of the question." if en else "回答与题目无关。")
    if covered:
        said = [f"{name(p.point)} (you said: “{quote(p.evidence)}”)" if en else f"{name(p.point)}（你说：“{quote(p.evidence)}”）"
                for p in covered[:4]]
        parts.append(f"You covered {_join(said, en)}." if en else f"你讲到了{'；'.join(said)}。")
    pairs: list[set[str]] = []
    for p in wrong[:2]:
        if p.erratum is not None:  # the candidate repeated the document's own slip: say so, and where it is fixed
            where = cite(p.erratum.source, p.erratum.number)
            parts.append(f"Correct this: “{p.evidence}” repeats a known error in the documents (erratum {where}): "
                         f"{p.point} {p.cue}" if en else
                         f"需要纠正：“{p.evidence}”重复了资料原文中已勘误的错误（勘误 {where}）：{p.point} {p.cue}")
            continue
        if SWAP in p.cue:  # two named things described each other's way (grade.swap): said once per pair
            a, b = (x.strip() for x in p.cue.split(SWAP, 1))
            if {a, b} in pairs:
                continue
            pairs.append({a, b})
            parts.append(f"Correct this: you mixed up {a} and {b} (“{p.evidence}”); the reference says: {p.point}"
                         if en else f"需要纠正：你把{a}和{b}的说法弄反了（“{p.evidence}”），参考答案是：{p.point}")
            continue
        parts.append(f"Correct this: you said “{p.evidence}”, but the reference says: {p.point}" if en
                     else f"需要纠正：你说“{p.evidence}”，但参考答案是：{p.point}")
    if partial:  # touched on, not explained: a different ask than "add"
        names = [name(p.point) for p in partial[:3]]
        parts.append(f"You touched on {_join(names, en)}; say more about how it works." if en
                     else f"你提到了{'、'.join(names)}，可以再展开讲讲。")
    if missed:
        names = [name(p.point) for p in missed[:3]]
        parts.append(f"You could also mention: {'; '.join(names)}." if en else f"还可以补充：{'；'.join(names)}。")
    if extras:
        said = [f"“{quote(e.sentence)}”" for e in extras[:2]]
        parts.append(f"Also correct, though the reference doesn't cover it: {_join(said, en)}." if en
                     else f"另外，{'、'.join(said)}是正确的补充，参考答案没有涉及。")
    if not parts:
        parts.append("Well done." if en else "回答很好。")
    return " ".join(parts) if en else "".join(parts)


def abstain_feedback(how: str, answer: str) -> str:
    """Why there is no grade: the item reference is unknown, the item has no reference answer, or no item
    covers the question (naming what the notes never mention, when the refusal says).

    >>> from tutor.retrieve.refusal import Reason
    >>> abstain_feedback(Reason("unknown_term", ("ZeRO",)), "ZeRO 分三级")
    '资料中没有提到 ZeRO，无法对照参考答案评分。'
    """
    en = is_english(answer or "")  # no Chinese at all: "用 Dropout" is a Chinese answer
    if how == "unknown_ref":
        return "No such item in the documents." if en else "资料中没有这个题号。"
    if how == "no_reference":
        return ("This question has no reference answer in the documents, so it can't be graded."
                if en else "这道题在资料中没有参考答案，无法评分。")
    if terms := getattr(how, "terms", ()):  # retrieve.refusal.Reason: names the notes never mention
        return (f"The documents never mention {', '.join(terms)}, so there is no reference to grade against."
                if en else f"资料中没有提到 {'、'.join(terms)}，无法对照参考答案评分。")
    return ("This question is not covered by the documents, so there is no reference to grade against."
            if en else "资料中没有对应的题目，无法对照参考答案评分。")


def model_answer(item: Item) -> str:
    """The reference shown to the candidate: the item's answer and its 解析, each documented slip noted
    under its sentence (corpus.errata.annotate).

    >>> model_answer(Item("a.md", 1, "", "Q？", answer="**数据并行：** 切分数据", explanation="快。"))
    '数据并行： 切分数据\\n解析：快。'
    """
    text = strip_md(item.answer.replace("\n", " \n")).replace(" \n", "\n")
    return (annotate(text, item.corrections) + (f"\n解析：{item.explanation}" if item.explanation else "")
            + (f"\n{item.aside}" if item.aside else ""))  # a template's 反问点/坑位 keep their own labels


def unsure_note(reasons: tuple[str, ...], answer: str) -> str:
    """One sentence saying why the grade may be off ("" when nothing is in doubt).

    >>> unsure_note(("near_edge",), "用 Dropout")
    '（评分提示：未经判分模型复核，分数接近档位边界，实际可能高一档或低一档。）'
    """
    if not reasons:
        return ""
    en = is_english(answer or "")
    texts = {"judge_failed": ("the judge model failed, so these are the rule verdicts", "判分模型未能给出结论，以下为规则评分"),
             "near_edge": ("no judge checked it and the score is near a band edge, so it could be one band off",
                           "未经判分模型复核，分数接近档位边界，实际可能高一档或低一档"),
             "judge_borderline": ("the judge was unsure whether a sentence is wrong, and that decides the band",
                                  "判分模型对某句是否有误拿不准，这一判断决定了档位")}
    said = [texts[r][0 if en else 1] for r in reasons if r in texts]
    if "judge_failed" in reasons and "near_edge" in reasons:  # one "no judge" is enough
        said = [texts["judge_failed"][0 if en else 1], "the score is near a band edge" if en else "分数接近档位边界"]
    return f" (Grading note: {'; '.join(said)}.)" if en else f"（评分提示：{'，'.join(said)}。）"
