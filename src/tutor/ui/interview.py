"""模拟面试 Interview tab: choose topics and length, answer, see grades and follow-ups, then the report."""
from __future__ import annotations

import html
from dataclasses import dataclass

from tutor.interview.interviewer import Interviewer
from tutor.interview.report import report
from tutor.interview.session import Session
from tutor.interview.transcript import write_transcript
from tutor.corpus.topics import topic_counts, topic_option
from tutor.records import cite
from tutor.text.clause import label


def _interviewer(services, quick: bool) -> Interviewer:
    return Interviewer(services.tutor, services.grader, services.store, use_llm=not quick and services.llm_enabled)


def _chat(msgs: list[dict]) -> list[dict]:
    return [{"role": "assistant", "content": m["text"]} for m in msgs]


def _question_html(q: dict) -> str:
    """One question's row detail: why it was asked, covered points with the candidate's sentence, extras, follow-up."""
    e = html.escape
    bits = [f"<small>{e(q['why'])}</small>"] if q.get("why") else []
    bits += [f"✓ {e(label(p['point']))} — “{e(p['evidence'])}”" for p in q.get("covered", [])]
    bits += [f"✓ 正确的补充（参考答案未涉及）：“{e(x['sentence'])}”" for x in q.get("extras", [])]
    fu = q.get("followup")
    if fu and fu.get("answer") is not None:
        bits.append(f"追问：{e(fu['question'])}<br>回答：{e(fu['answer'] or '（未作答）')}<br>面试官：{e(fu.get('reply', ''))}")
    return "<br>".join(bits)


def report_html(msgs: list[dict]) -> str:
    rep = next((m["data"]["report"] for m in msgs if m["kind"] == "report"), None)
    if rep is None:
        return ""
    rows = "".join(f"<tr><td>{html.escape(q['question'])}<br>{_question_html(q)}</td><td>{q['score']}</td>"
                   f"<td>{q['band']}</td></tr>" for q in rep["questions"])
    topics = "".join(f"<li>{html.escape(t)}: {s}</li>" for t, s in rep["topics"].items())
    missed = "".join(f"<li>{html.escape(m['point'])} <small>({html.escape(cite(m['source'], m['number']))})</small></li>"
                     for m in rep["missed_points"][:12])
    review = "".join(f"<li>{html.escape(r['question'])} ({r['score']})</li>" for r in rep["review"])
    fixes = "".join(f"<li>{html.escape(c['question'])}：原文“{html.escape(c['wrong'])}”应为“{html.escape(c['correction'])}”"
                    f" <small>({html.escape(cite(c['erratum']['source'], c['erratum']['number']))}："
                    f"{html.escape(c['why'])})</small></li>" for c in rep.get("corrections", []))
    return (f"<h3>面试报告 Report · 平均 {rep['average']}</h3><table><tr><th>题目</th><th>得分</th><th>等级</th></tr>"
            f"{rows}</table><h4>主题 Topics</h4><ul>{topics}</ul><h4>遗漏要点 Missed points</h4><ul>{missed}</ul>"
            f"<h4>建议复习 Review</h4><ul>{review}</ul>"
            + (f"<h4>勘误 Corrections</h4><ul>{fixes}</ul>" if fixes else ""))


def transcript_file(services, session: Session | None) -> str | None:
    """The finished session's markdown transcript, written to a fresh temporary file (Gradio serves files from
    the temp folder); None while the session is still going, so the download only appears at the end."""
    if session is None or session.phase != "done" or not session.turns:
        return None
    import tempfile

    rep = report(session, {it.id: it for it in services.tutor.items})
    return str(write_transcript(rep, f"{tempfile.mkdtemp(prefix='tutor-transcript-')}/interview-{session.id}.md"))


def topic_options(items) -> list[tuple[str, str]]:
    """(label, id) of the topics that have askable items: a topic that could start no interview is not offered."""
    from tutor.interview.session import askable

    return [(topic_option(t, n), t) for t, n in topic_counts(items, askable).items()]


def start(services, profile: str, topics: list[str], n: int, quick: bool, review: bool = False):
    """Start (or, for review, start a review of due items). Returns (chat, session, report html)."""
    iv = _interviewer(services, quick)
    session, msgs = iv.start((profile or "default").strip(), topics or None, int(n), "review" if review else "interview")
    return _chat(msgs), session, ""


def start_plan(services, profile: str, item_ids: list[str], quick: bool):
    """Start a review of exactly the given items (the Progress tab's plan). Returns (chat, session, report html)."""
    if not item_ids:
        return [{"role": "assistant", "content": "今天没有要复习的题。Nothing to review today."}], None, ""
    session, msgs = _interviewer(services, quick).start((profile or "default").strip(), mode="review",
                                                        queue=list(item_ids))
    return _chat(msgs), session, ""


def resume(services, profile: str, quick: bool):
    got = _interviewer(services, quick).resume((profile or "default").strip())
    if got is None:
        return [{"role": "assistant", "content": "没有未完成的面试。No unfinished session."}], None, ""
    session, msgs = got
    return _chat(msgs), session, ""


def answer_stream(services, text: str, chat: list[dict], session: Session | None, quick: bool):
    """One candidate message (an answer or /hint, /skip, /end), streamed: yields (chat, session, report html).

    The user's message shows at once, the grade as soon as it is decided, then the follow-up as the
    LLM rewords it (replaced by the rule-written one if the rewording is unusable).
    """
    chat = list(chat or [])
    if not session:
        yield chat + [{"role": "assistant", "content": "请先点“开始面试”。Start a session first."}], session, ""
        return
    chat.append({"role": "user", "content": text or "（空）"})
    yield chat, session, ""
    msgs, live, words = [], None, ""
    for ev in _interviewer(services, quick).respond_stream(session, text):
        if ev["type"] == "token":
            words += ev["text"]
            if live is None:
                chat.append({"role": "assistant", "content": ""})
                live = len(chat) - 1
            chat[live] = {"role": "assistant", "content": words + " ▌"}
        else:
            m = ev["message"]
            msgs.append(m)
            if m["kind"] == "followup" and live is not None:
                chat[live] = {"role": "assistant", "content": m["text"]}
            else:
                chat.append({"role": "assistant", "content": m["text"]})
        yield list(chat), session, ""
    yield chat, session, report_html(msgs)


def answer(services, text: str, chat: list[dict], session: Session | None, quick: bool):
    """answer_stream run to the end: (chat, session, report html)."""
    last = None
    for last in answer_stream(services, text, chat, session, quick):
        pass
    return last


@dataclass
class View:
    """What other tabs reach: where a session shows (a review started from Progress) and the events that grade."""

    chat: object
    session: object
    report: object
    quick: object
    graded: list  # events after which an answer has been recorded


def tab(services, profile) -> View:
    import gradio as gr

    from .identity import admit, stream_as, with_request

    with gr.Row():
        topics = gr.CheckboxGroup(topic_options(services.tutor.items), label="主题 Topics (none = mixed)", scale=3)
        n = gr.Slider(1, 10, value=5, step=1, label="题数 Questions", scale=1)
    with gr.Row():
        quick = gr.Checkbox(label="快速模式 Quick (rules only)", value=not services.llm_enabled)
        go = gr.Button("开始面试 Start", variant="primary")
        rev = gr.Button("复习到期题 Review due")
        res = gr.Button("继续上次 Resume")
    chat = gr.Chatbot(label="面试 Interview", height=420)
    session = gr.State(None)
    box = gr.Textbox(placeholder="你的回答… (/hint 提示 · /skip 跳过 · /end 结束)", show_label=False, max_length=20000)
    with gr.Row():
        send = gr.Button("提交 Answer", variant="primary")
        hint = gr.Button("提示 Hint")
        skip = gr.Button("跳过 Skip")
        end = gr.Button("结束 End")
    report = gr.HTML()
    download = gr.File(label="面试记录 Transcript (.md)", interactive=False)
    outs = [chat, session, report]
    # Signed in, `p` (the picker) is ignored: admit() gives the session's user.
    offer = (lambda s: transcript_file(services, s), [session], download)  # the .md once the session is over
    go.click(with_request(lambda p, t, k, q, request: start(services, admit(services, p, request), t, k, q)),
             [profile, topics, n, quick], outs, api_name="interview_start").then(*offer, api_name=False)
    rev.click(with_request(lambda p, k, q, request: start(services, admit(services, p, request), None, k, q,
                                                          review=True)), [profile, n, quick], outs).then(*offer, api_name=False)
    res.click(with_request(lambda p, q, request: resume(services, admit(services, p, request), q)),
              [profile, quick], outs, api_name="interview_resume").then(*offer, api_name=False)

    def reply(text, chat_v, session_v, quick_v, request):  # a generator, so Gradio streams every yield
        user = admit(services, None, request, "answer", text)
        if services.signin and session_v is not None and session_v.profile != user:
            raise PermissionError("session of another user")  # server-held State: never expected
        yield from stream_as(services, user, answer_stream(services, text, chat_v, session_v, quick_v), not quick_v)

    with_request(reply)
    graded = []  # events after which an answer has been recorded (Progress refreshes after them)
    for trigger, name in ((box.submit, "interview_answer"), (send.click, False)):
        graded.append(trigger(reply, [box, chat, session, quick], outs, api_name=name))
        graded[-1].then(lambda: "", None, box, api_name=False)
    for btn, cmd in ((hint, "/hint"), (skip, "/skip"), (end, "/end")):
        event = btn.click(with_request(lambda c, s, q, request, cmd=cmd: (yield from reply(cmd, c, s, q, request))),
                          [chat, session, quick], outs)
        if cmd != "/hint":  # a hint grades nothing
            graded.append(event)
    for event in graded:
        event.then(*offer, api_name=False)
    return View(chat, session, report, quick, graded)
