"""What the interviewer says, as text: the grade line, the question line and the end-of-session summary.

Every reply is a list of messages `{"kind", "text", "data"}` with kind one of question, grade,
followup, followup_reply, hint, help, info, report — the CLI prints them, the UI renders them.
Points are named by `text.clause.label` (a label or a whole clause, never a word cut in half).

Example:
    >>> grade_text(80, "excellent", ["数据并行：切分数据到多卡"], ["模型并行"], [])
    '得分 80/100（优秀）。讲到：数据并行。遗漏：模型并行。'
"""
from __future__ import annotations

from tutor.corpus.labels import asks
from tutor.grade.calibrate import BAND_ZH
from tutor.records import cite
from tutor.text.clause import label


def msg(kind: str, text: str, **data) -> dict:
    return {"kind": kind, "text": text, "data": data}


def grade_text(score: int, band_: str, covered: list[str], missed: list[str], wrong: list[str],
               extras: list[str] = ()) -> str:
    """The grade line: score and band, then up to three point names per list, then correct extras.

    >>> grade_text(55, "partial", [], ["早停：验证集变差就停"], [], extras=["梯度裁剪也能稳定训练。"])
    '得分 55/100（部分正确）。遗漏：早停。✓ 正确的补充（参考答案未涉及）：梯度裁剪也能稳定训练。'
    """
    parts = [f"得分 {score}/100（{BAND_ZH.get(band_, band_)}）。"]
    for head, pts in (("讲到", covered), ("遗漏", missed), ("有误", wrong)):
        if pts:
            parts.append(f"{head}：{'；'.join(label(p) for p in pts[:3])}。")
    if extras:
        parts.append("✓ 正确的补充（参考答案未涉及）：" + "；".join(label(e, 40) for e in extras[:2]))
    return "".join(parts)


def question_text(i: int, n: int, question: str, prompt: str = "", why: str = "") -> str:
    """ "第 2/5 题（上一题掌握良好，换新主题）：…" — the reason shows when the question was chosen adaptively.

    >>> question_text(2, 5, "什么是过拟合？", why="上一题掌握良好，换新主题")
    '第 2/5 题（上一题掌握良好，换新主题）：什么是过拟合？'

    A note's item may be titled rather than asked ("BF16 vs FP16", "### 1.1 内部协变量偏移问题"): the
    interviewer still asks a question.

    >>> question_text(1, 3, "BF16 vs FP16")
    '第 1/3 题：请讲讲「BF16 vs FP16」。'
    """
    detail = f"\n{prompt}" if prompt and prompt != question else ""
    asked = question if asks(question) or asks(prompt) else f"请讲讲「{question}」。"
    return f"第 {i}/{n} 题{f'（{why}）' if why else ''}：{asked}{detail}"


def report_text(rep: dict) -> str:
    """The chat's end-of-session summary: average, each question with its score and why, review, corrections."""
    lines = [f"面试结束。平均分 {rep['average']}。"] if rep["average"] is not None else ["面试结束。"]
    for q in rep["questions"]:
        fu = q["followup"]
        more = f"；追问{'已答到' if fu and fu['verdict'] in ('covered', 'partial') else '未答到'}" if fu else ""
        why = f"（{q['why']}）" if q.get("why") else ""
        lines.append(f"- {q['question']}：{q['score']}（{BAND_ZH.get(q['band'], q['band'])}{more}）{why}")
    if rep["review"]:
        lines.append("建议复习：" + "；".join(r["question"] for r in rep["review"]))
    for c in rep["corrections"]:  # the documents' own slips on the items asked, with their errata entries
        lines.append(f"勘误 Correction（{cite(c['erratum']['source'], c['erratum']['number'])}）："
                     f"原文“{c['wrong']}”应为“{c['correction']}”")
    return "\n".join(lines)
