"""问答 Ask tab: streaming chat; the reference answer first, then the tutor's cited answer.

Example:
    >>> mark_unsupported("甲。乙。", ["乙。"])
    '甲。⚠️乙。*(未找到依据 unsupported)*'
"""
from __future__ import annotations

from tutor.answer.ask import Asker
from tutor.records import place
from .library import render_item

STATUS_IDLE = "就绪 ready"


def mark_unsupported(text: str, unsupported: list[str]) -> str:
    """Flag sentences no cited passage supports, in place."""
    for s in unsupported:
        text = text.replace(s, f"⚠️{s}*(未找到依据 unsupported)*", 1)
    return text


def _reference_md(ref: dict) -> str:
    return (f"**参考答案 Reference** — {place(ref)}\n\n"
            f"{ref['text']}")


def _timings_md(t: dict) -> str:
    parts = [f"检索 retrieval {t.get('retrieval_s', 0):.2f}s"]
    if "prefix_s" in t:
        parts.append(f"上下文 prefix {t['prefix_s']:.2f}s ({t.get('prefix')})")
    if "first_token_s" in t:
        parts.append(f"首字 first token {t['first_token_s']:.2f}s")
    if "tokens_per_s" in t:
        parts.append(f"{t['tokens_per_s']:.0f} tok/s")
    parts.append(f"共 total {t.get('total_s', 0):.2f}s")
    return " · ".join(parts)


def sources_html(tutor, answer) -> str:
    if answer is None or not answer.citations:
        return ""
    by_ref = {it.ref: it for it in tutor.items}
    blocks = [f"<p><b>[{i}]</b></p>" + render_item(by_ref[r]) for i, r in enumerate(answer.citations, 1) if r in by_ref]
    return "<h4>来源 Sources</h4>" + "\n".join(blocks)


def ask_turn(tutor, message: str, chat: list[dict], convo: list[dict], quick: bool):
    """Stream one turn. Yields (chat, convo, status_markdown, sources_html) after every change.

    Args:
        chat: what the Chatbot shows (reference and answer as separate bubbles).
        convo: the plain conversation used to resolve follow-ups (user questions and final answers).
        quick: no-LLM mode (reference only).
    """
    chat = list(chat or [])
    convo = list(convo or [])
    chat.append({"role": "user", "content": message or ""})
    status = "🔎 检索中 searching…"
    yield chat, convo, status, ""
    answer, tokens = None, ""
    for ev in Asker(tutor).ask(message, convo, no_llm=quick):
        if ev["type"] == "notice":
            chat.append({"role": "assistant", "content": f"ℹ️ {ev['text']}"})
        elif ev["type"] == "reference":
            chat.append({"role": "assistant", "content": _reference_md(ev["reference"])})
            status = "✍️ 导师正在生成回答… generating (the reference above is from the documents)" if not quick else status
            if not quick:
                chat.append({"role": "assistant", "content": "…"})
        elif ev["type"] == "token":
            tokens += ev["text"]
            chat[-1] = {"role": "assistant", "content": tokens + " ▌"}
        elif ev["type"] == "done":
            answer = ev["answer"]
        yield list(chat), convo, status, ""
    if answer.refused:
        chat.append({"role": "assistant", "content": f"🚫 {answer.text}"})
    elif answer.generation_error:
        chat[-1] = {"role": "assistant", "content": answer.generation_error}
    elif not quick:
        chat[-1] = {"role": "assistant", "content": mark_unsupported(answer.text, list(answer.unsupported))}
    if answer.question:
        convo += [{"role": "user", "content": answer.question}, {"role": "assistant", "content": answer.text}]
    yield chat, convo, _timings_md(answer.timings) if answer.timings else STATUS_IDLE, sources_html(tutor, answer)


def tab(tutor, services=None) -> None:
    import gradio as gr

    from .identity import admit, stream_as, with_request

    chat = gr.Chatbot(label="对话 Conversation", height=460)
    convo = gr.State([])
    with gr.Row():
        box = gr.Textbox(placeholder="问一个面试问题，例如：数据并行和模型并行有什么区别？ (Chinese, English or mixed)",
                         show_label=False, scale=5, max_length=20000)
        send = gr.Button("提问 Ask", variant="primary", scale=1)
    with gr.Row():
        quick = gr.Checkbox(label="快速模式 Quick mode (reference only, no LLM)", value=tutor.settings.no_llm)
        new = gr.Button("新对话 New conversation", size="sm")
    status = gr.Markdown(STATUS_IDLE)
    sources = gr.HTML()

    @with_request
    def run(message, chat_v, convo_v, quick_v, request):
        # No progress here, so no profile: the user only keys their question rate and generation slots.
        user = admit(services, None, request, "question", message)
        yield from stream_as(services, user, ask_turn(tutor, message, chat_v, convo_v, quick_v), not quick_v)

    for trigger, name in ((box.submit, "ask"), (send.click, False)):
        trigger(run, [box, chat, convo, quick], [chat, convo, status, sources], api_name=name).then(
            lambda: "", None, box, api_name=False)
    new.click(lambda: ([], [], STATUS_IDLE, ""), None, [chat, convo, status, sources])
