"""答案评分 Grade tab: pick a bank question (by topic) or type one, paste an answer, see the verdicts.

Example:
    >>> points_html([{"point": "<b>x</b>", "evidence": "", "source": "a.md", "number": 1}], "遗漏 Missed")
    '<h4>遗漏 Missed</h4><ul><li>&lt;b&gt;x&lt;/b&gt; <small>(a.md §1)</small></li></ul>'
"""
from __future__ import annotations

import html

from tutor.corpus.errata import is_errata
from tutor.grade.calibrate import BAND_ZH
from tutor.interview.progress import record_grade
from tutor.corpus.topics import TOPICS, topic_label
from tutor.records import cite
from tutor.text.normalise import is_english
from .library import ALL_TOPICS, topic_choices



def bank_choices(items, topic: str = ALL_TOPICS) -> list[tuple[str, str]]:
    """(label, item id) for the question picker, filtered by a topic label."""
    tid = next((t for t in TOPICS if topic and topic.startswith(topic_label(t))), None)
    # Errata entries correct other items; they are read in the Library, not answered as bank questions.
    return [(f"{it.question} ({cite(it.source, it.number)})", it.id) for it in items
            if it.kind == "item" and not is_errata(it) and (tid is None or tid in it.topics)]


def points_html(points: list[dict], title: str) -> str:
    if not points:
        return ""
    rows = []
    for p in points:
        ev = f"<br><small>← “{html.escape(p['evidence'])}”</small>" if p.get("evidence") else ""
        part = "<small>◐ 部分 partly</small> " if p.get("status") == "partial" else ""
        slip = p.get("erratum")  # the evidence repeats a documented slip of the reference: cite its errata entry
        fix = (f"<br><small>勘误 {html.escape(cite(slip['source'], slip['number']))}：{html.escape(p.get('cue', ''))}</small>"
               if slip else "")
        rows.append(f"<li>{part}{html.escape(p['point'])} <small>({html.escape(cite(p['source'], p['number']))})</small>{ev}"
                    f"{fix}</li>")
    return f"<h4>{title}</h4><ul>{''.join(rows)}</ul>"


def extras_html(extras, answer: str) -> str:
    """Correct sentences beyond the reference (only the judge finds them; they never change the score).

    >>> from tutor.records import Extra
    >>> extras_html((Extra("早停也有用。", "a.md", 1),), "加 Dropout。早停也有用。")
    '<h4>✓ 正确的补充（参考答案未涉及）</h4><ul><li>“早停也有用。” <small>(a.md §1)</small></li></ul>'
    """
    if not extras:
        return ""
    title = "✓ Correct addition (not in the reference)" if is_english(answer or "") else "✓ 正确的补充（参考答案未涉及）"
    rows = "".join(f"<li>“{html.escape(e.sentence)}” <small>({html.escape(cite(e.source, e.number))})</small></li>"
                   for e in extras)
    return f"<h4>{title}</h4><ul>{rows}</ul>"


def _render(g, pending: bool) -> tuple[str, str, str]:
    flag = " · ⚠️ 与参考答案几乎相同 (copied)" if g.copied else ""
    judge = ("规则评分已出，LLM 评审中… rules done, the LLM judge is checking your claims" if pending else
             {"used": "LLM 评审参与", "off": "规则评分"}.get(g.judge, "LLM 评审失败，按规则评分"))
    summary = (f"## {g.score}/100 · {BAND_ZH.get(g.band, '')} {g.band}{flag}\n对照 "
               f"{html.escape(cite(g.item.source, g.item.number))}：{html.escape(g.matched_question)}\n\n**反馈 Feedback**：{html.escape(g.feedback)}"
               f"\n\n<small>{judge} · {g.timings.get('total_s', 0):.2f}s</small>")
    pts = (points_html(g.covered, "✓ 讲到 Covered") + points_html(g.missed, "✗ 遗漏 Missed")
           + points_html(g.wrong, "⚠ 有误 Wrong") + extras_html(g.extras, g.answer))
    model = (f"<details><summary>参考答案 Model answer</summary><p>{html.escape(g.model_answer).replace(chr(10), '<br>')}"
             f"</p></details>")
    return summary, pts, model


def grade_answer_stream(services, picked: str | None, typed: str, answer: str, quick: bool, profile: str):
    """Grade one answer: yields the deterministic grade at once, then the judged one (summary, points html,
    model answer html). Only the final grade is recorded for the profile."""
    question = (typed or "").strip() or (picked or "")
    if not question:
        yield "请先选择或输入一个问题。Pick or type a question first.", "", ""
        return
    steps = services.grader.grade_steps(question, answer or "", use_llm=not quick and services.llm_enabled)
    g = next(steps)
    if g.abstained or g.score is None:
        yield f"⚠️ {html.escape(g.feedback)}", "", ""
        return
    # A rule-decided grade (empty, "不知道", the question pasted back) has no judge step to wait for.
    judged = not quick and services.llm_enabled and services.grader.generator is not None and "deterministic_s" in g.timings
    if judged:
        yield _render(g, pending=True)
    for g in steps:
        pass
    if services.store is not None:
        record_grade(services.store, profile, g)
    yield _render(g, pending=False)


def grade_answer(services, picked: str | None, typed: str, answer: str, quick: bool, profile: str):
    """grade_answer_stream run to the end."""
    last = None
    for last in grade_answer_stream(services, picked, typed, answer, quick, profile):
        pass
    return last


def tab(services, profile):
    import gradio as gr

    from .identity import admit, stream_as, with_request

    items = services.tutor.items
    with gr.Row():
        topic = gr.Dropdown(topic_choices(items), value=ALL_TOPICS, label="主题 Topic", scale=1)
        picked = gr.Dropdown(bank_choices(items), label="题库 Question bank", scale=3, filterable=True)
    typed = gr.Textbox(label="或输入问题 Or type a question", placeholder="例如：大模型训练中如何避免过拟合？")
    answer = gr.Textbox(label="你的回答 Your answer", lines=6, max_length=20000)
    with gr.Row():
        quick = gr.Checkbox(label="快速模式 Quick (rules only, no LLM judge)", value=not services.llm_enabled)
        go = gr.Button("评分 Grade", variant="primary")
    summary = gr.Markdown()
    points = gr.HTML()
    model = gr.HTML()
    topic.change(lambda t: gr.update(choices=bank_choices(items, t), value=None), topic, picked)
    @with_request
    def run(p, t, a, q, prof, request):  # a generator, so Gradio shows the rule grade before the judge's
        user = admit(services, prof, request, "answer", a)  # signed in: the session's user, never `prof`
        yield from stream_as(services, user, grade_answer_stream(services, p, t, a, q, user), not q)

    return go.click(run, [picked, typed, answer, quick, profile], [summary, points, model],
                    api_name="grade")  # the grading event (Progress refreshes after it)
