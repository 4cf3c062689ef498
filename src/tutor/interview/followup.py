"""The one follow-up of a turn: which point to probe, how to ask, how to grade the reply, what to say back.

The answer to a follow-up is graded against its one point by rules (the grader's deterministic step,
no judge) plus the support check, so the reply comes at once; the reply names the verdict, cites the
reference for the point and says how the turn's score moved.

Example:
    >>> reply_text("covered", "数据并行：把数据切分到多卡", "a.md", 3, 50, 75)
    '这次答到了「数据并行」。参考（a.md §3）：数据并行：把数据切分到多卡。本题得分 50 → 75。'
    >>> reply_text("skipped", "Overfitting: the model memorises noise", "b.md", 2, 40, 40, english=True)
    'Follow-up skipped. Reference (b.md §2): Overfitting: the model memorises noise. Score stays at 40.'
"""
from __future__ import annotations

import time

from tutor.answer.support import attribute, claim_sentences
from tutor.interview.session import Turn, final_score, turn_score
from tutor.records import Grade, Item, PointResult, cite
from tutor.text.clause import label
from tutor.text.normalise import is_english

CREDIT = {"covered": 1.0, "partial": 0.5}  # the share of the point a follow-up answer earns back
_VERDICT_ZH = {"covered": "这次答到了「{}」。", "partial": "部分答到了「{}」，还可以更具体。",
               "contradicted": "这和参考不一致：「{}」。", "missed": "这还没有答到「{}」。", "skipped": "跳过了追问。"}
_VERDICT_EN = {"covered": "That covers “{}”.", "partial": "That partly covers “{}”; be more specific.",
               "contradicted": "That contradicts the reference on “{}”.", "missed": "That doesn't address “{}” yet.",
               "skipped": "Follow-up skipped."}


def pick_followup(grade: Grade) -> PointResult | None:
    """The most important point the candidate got wrong or missed: contradicted, then missed key points."""
    if grade.score is None or grade.band == "empty":
        return None  # nothing to build on: move on rather than drill an empty answer
    for wanted in (("contradicted", "answer"), ("contradicted", "explanation"), ("missed", "answer"),
                   ("partial", "answer")):
        for p in grade.points:
            if (p.status, p.kind) == wanted:
                return p
    return None


def followup_question(point: PointResult, grade: Grade, english: bool = False) -> str:
    """Interviewer-style follow-up aimed at one point (the template; the LLM may only rephrase it)."""
    covered = next((p for p in grade.points if p.status == "covered"), None)
    topic = label(point.point)
    if point.status == "contradicted":
        if english:
            return f"You said “{label(point.evidence, 40)}” — check that against “{topic}”. How does it really work?"
        return f"你说「{label(point.evidence, 40)}」，这和「{topic}」不一致。再想想，它实际上是怎样的？"
    if english:
        lead = f"You covered “{label(covered.point)}”. " if covered else ""
        return f"{lead}What about “{topic}” — how does that work?"
    lead = f"你提到了「{label(covered.point)}」，" if covered else "你的回答还没有涉及，"
    return f"{lead}那「{topic}」是怎么回事？能具体说说吗？"


def valid_followup(text: str, topic: str, limit: int = 160) -> bool:
    """Is an LLM rewording of a follow-up usable? One short question that still names the point.

    >>> valid_followup("你提到了数据并行，那「模型并行」具体怎么做？", "模型并行")
    True
    >>> valid_followup("模型并行就是把模型按层切开放到多张卡上。", "模型并行")  # an answer, not a question
    False
    >>> valid_followup("那流水线并行呢？", "模型并行")  # drifted to another point
    False
    """
    t = (text or "").strip()
    if not t or len(t) > limit or "<|" in t or t.count("\n") > 1:
        return False
    if topic.replace(" ", "").lower() not in t.replace(" ", "").lower():
        return False
    return t.rstrip("」”\"'）) ").endswith(("？", "?", "吗", "呢"))


def grade_followup(grader, item_id: str, point: str, text: str) -> tuple[str, str]:
    """(verdict, evidence) of a follow-up answer on one point: rules, then the support check.

    The rule step is the grader's deterministic grade (e5 + lexical credit and contradiction cues; no
    judge, so no LLM wait). The support check then asks whether any claim sentence of the answer is
    supported by the point's own text (answer.support: bigram share or e5 paraphrase cosine): a reply
    that restates the point in other words than the rules matched still counts as partly addressing it.
    A contradicted point stays contradicted: support never overrides a wrong statement.
    """
    g = next(iter(grader.grade_steps(item_id, text, use_llm=False)))
    match = next((p for p in g.points if p.point == point), None)
    status, evidence = (match.status, match.evidence) if match else ("missed", "")
    if status == "missed" and g.band != "empty":
        _, cited, unsupported = attribute(text, [point], getattr(grader, "encoder", None))
        supported = [s for s in claim_sentences(text) if s not in unsupported]
        if cited and supported:
            status, evidence = "partial", supported[0]
    return status, evidence


def _whole(point: str, limit: int = 160) -> str:
    """The point as the reference words it; a very long one cut after its label at a clause boundary."""
    text = " ".join(point.split())
    if len(text) <= limit:
        return text
    head, sep, body = text.partition("：") if "：" in text[:20] else ("", "", text)
    return head + sep + label(body, limit - len(head))


def reply_text(verdict: str, point: str, source: str, number, before: int, after: int,
               english: bool = False) -> str:
    """The interviewer's short reply to a follow-up answer: verdict, the cited reference, the score change.

    Args:
        verdict: "covered", "partial", "missed", "contradicted" or "skipped".
        point: the key point the follow-up probed, in the reference's words.
        source, number: the item the point belongs to (cited as "file #n").
        before, after: the turn's score without and with the follow-up's credit.
        english: reply in English (the candidate answered in English).
    """
    name, ref = label(point), _whole(point)
    if english:
        change = f"Score {before} → {after}." if after != before else f"Score stays at {before}."
        return f"{_VERDICT_EN[verdict].format(name)} Reference ({cite(source, number)}): {ref.rstrip('.')}. {change}"
    change = f"本题得分 {before} → {after}。" if after != before else f"本题得分不变：{before}。"
    return f"{_VERDICT_ZH[verdict].format(name)}参考（{cite(source, number)}）：{ref.rstrip('。')}。{change}"



def answer_followup(grader, turn: Turn, item: Item, text: str) -> dict:
    """Record the answer to `turn`'s open follow-up and return the interviewer's reply message.

    An empty (or skipped: pass "") answer earns nothing and still gets the reference; one that addresses
    the point earns its credit back, the point moves from missed to covered with the reply's sentence.

    Returns:
        {"kind": "followup_reply", "text", "data": {point, verdict, addressed, source, number, before, after, reply_s}}.
    """
    fu, t0 = turn.followup, time.perf_counter()
    source, number = (fu.source, fu.number) if fu.source else (item.source, item.number)
    fu.answer = text or ""
    if not fu.answer.strip():
        fu.credit, fu.verdict = 0.0, "skipped"
    else:
        fu.verdict, fu.evidence = grade_followup(grader, item.id, fu.point, fu.answer)
        fu.credit, fu.english = CREDIT.get(fu.verdict, 0.0), is_english(fu.answer)
        if fu.verdict in CREDIT:
            turn.missed = [m for m in turn.missed if m["point"] != fu.point]
            turn.covered.append({"point": fu.point, "source": source, "number": number, "status": fu.verdict,
                                 "evidence": fu.evidence, "followup": True})
    fu.before, fu.after = final_score(turn.score, None, turn.points, turn.hints), turn_score(turn)
    fu.reply = reply_text(fu.verdict, fu.point, source, number, fu.before, fu.after, english=fu.english)
    return {"kind": "followup_reply", "text": fu.reply,
            "data": {"point": fu.point, "verdict": fu.verdict, "addressed": fu.verdict in CREDIT, "source": source,
                     "number": number, "before": fu.before, "after": fu.after,
                     "reply_s": round(time.perf_counter() - t0, 3)}}
