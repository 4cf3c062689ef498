"""A report you can keep: the end-of-session report (report.py) as a markdown transcript.

Each question with why it was asked, the answer, the score, the covered points with the sentence that
covers them, the missed and wrong points with their sources, correct extras, the follow-up exchange,
then the review plan and the corrections.

Example:
    >>> rep = {"session": "s1", "profile": "kim", "average": 70.0, "created": 0, "questions": [
    ...     {"question": "什么是过拟合？", "score": 70, "band": "partial", "main_score": 45, "why": "起始题",
    ...      "answer": "模型记住了噪声。", "source": "a.md", "number": 1, "skipped": False,
    ...      "covered": [{"point": "过拟合：记住噪声", "source": "a.md", "number": 1, "evidence": "模型记住了噪声。"}],
    ...      "missed": [], "wrong": [], "extras": [],
    ...      "followup": {"question": "那「早停」呢？", "answer": "验证集变差就停。", "verdict": "covered",
    ...                   "reply": "这次答到了「早停」。", "before": 45, "after": 70}}],
    ...     "review": [{"question": "什么是过拟合？", "score": 70}], "corrections": []}
    >>> md = to_markdown(rep)
    >>> print(md.split("## 1. ")[1].split("\\n\\n")[0])
    什么是过拟合？ — 70/100（部分正确）
    >>> "- ✓ 过拟合 — “模型记住了噪声。”（a.md §1）" in md, "**面试官：** 这次答到了「早停」。" in md
    (True, True)
"""
from __future__ import annotations

import datetime

from tutor.grade.calibrate import BAND_ZH
from tutor.records import cite
from tutor.text.clause import label


def _quote(text: str) -> str:
    """A candidate's text as a blockquote, so their own markdown can't restructure the transcript."""
    lines = (text or "").strip().splitlines() or ["（未作答）"]
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def _points(q: dict) -> list[str]:
    out = [f"- ✓ {label(p['point'])} — “{p['evidence']}”（{cite(p['source'], p['number'])}）"
           + ("（追问中补上）" if p.get("followup") else "") for p in q["covered"]]
    out += [f"- ✗ 遗漏 {label(p['point'])}：{p['point']}（{cite(p['source'], p['number'])}）" for p in q["missed"]]
    out += [f"- ⚠ 有误 {label(p['point'])}"
            + (f" — 你说“{p['evidence']}”" if p.get("evidence") else "") + f"（{cite(p['source'], p['number'])}）"
            for p in q["wrong"]]
    out += ["- ✓ 正确的补充（参考答案未涉及）：“" + e["sentence"] + "”" + (f" — {e['why']}" if e.get("why") else "")
            for e in q.get("extras", [])]
    return out


def _question(i: int, q: dict) -> str:
    head = f"## {i}. {q['question']} — {q['score']}/100（{BAND_ZH.get(q['band'], q['band'])}）"
    meta = [f"出处 Source：{cite(q['source'], q['number'])}"]
    if q.get("why"):
        meta.insert(0, f"为什么问这题：{q['why']}")
    parts = [head, " · ".join(meta), "**回答 Answer：**\n\n" + ("> （跳过）" if q["skipped"] else _quote(q["answer"]))]
    points = _points(q)
    if points:
        parts.append("\n".join(points))
    fu = q.get("followup")
    if fu and fu.get("answer") is not None:
        parts.append(f"**追问 Follow-up：** {fu['question']}\n\n" + _quote(fu["answer"]) +
                     (f"\n\n**面试官：** {fu['reply']}" if fu.get("reply") else ""))
    elif fu:
        parts.append(f"**追问 Follow-up：** {fu['question']}（未作答）")
    return "\n\n".join(parts)


def to_markdown(rep: dict) -> str:
    """The report (interview.report.report) as markdown: one section per question, then the review plan.

    Args:
        rep: the report dict, as the interviewer's "report" message carries it.

    Returns:
        The transcript, ending in a newline.
    """
    when = datetime.datetime.fromtimestamp(rep.get("created") or 0).strftime("%Y-%m-%d %H:%M")
    average = f"平均分 {rep['average']}" if rep.get("average") is not None else "未作答"
    parts = ["# 模拟面试记录 Interview transcript",
             f"会话 {rep.get('session', '')} · 用户 {rep.get('profile', '')} · {when} · {average}"]
    parts += [_question(i, q) for i, q in enumerate(rep["questions"], 1)]
    review = [f"- {r['question']}（{r['score']} 分）" for r in rep.get("review", [])]
    parts.append("## 建议复习 Review plan\n\n" + ("\n".join(review) if review else "本次每道题都已掌握。"))
    fixes = [f"- {c['question']}：原文“{c['wrong']}”应为“{c['correction']}”"
             f"（{cite(c['erratum']['source'], c['erratum']['number'])}：{c['why']}）" for c in rep.get("corrections", [])]
    if fixes:
        parts.append("## 勘误 Corrections\n\n" + "\n".join(fixes))
    return "\n\n".join(parts) + "\n"


def write_transcript(rep: dict, path, directory=None):
    """Write the transcript to `path`, or to `directory`/interview-<session>.md when no path is given.

    Returns:
        The Path written (its folder is created if missing).
    """
    from pathlib import Path

    target = Path(path) if path else Path(directory) / "transcripts" / f"interview-{rep.get('session') or 'session'}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_markdown(rep), encoding="utf-8")
    return target
