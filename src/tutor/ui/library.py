"""资料库 Library tab: search and browse items by topic, with their duplicates.

Example:
    >>> render_hits([])
    '没有找到相关条目 (no matching items).'
"""
from __future__ import annotations

import html

from tutor.records import Hit, Item
from tutor.corpus.topics import TOPICS, topic_label
from tutor.records import cite

ALL_TOPICS = "全部 all"


def _esc(text: str) -> str:
    # User and corpus text is shown as text, never as HTML/script.
    return html.escape(text or "", quote=True)


def render_item(item: Item, score: float | None = None) -> str:
    """One item as safe HTML: heading with source and number, answer, 解析, duplicates."""
    dups = ", ".join(f"{_esc(cite(r.source, r.number))}" for r in item.refs[1:])
    topics = " · ".join(topic_label(t) for t in item.topics)
    head = f"<b>{_esc(item.question)}</b> <small>— {_esc(item.title)} ({_esc(cite(item.source, item.number))})"
    head += f" · {topics}" + (f" · score {score:.3f}" if score is not None else "") + "</small>"
    body = f"<p>{_esc(item.answer).replace(chr(10), '<br>')}</p>"
    if item.explanation:
        body += f"<p><i>解析：</i>{_esc(item.explanation)}</p>"
    if dups:
        body += f"<p><small>重复条目 also at: {dups}</small></p>"
    return f"<details><summary>{head}</summary>{body}</details>"


def render_hits(hits: list[Hit]) -> str:
    if not hits:
        return "没有找到相关条目 (no matching items)."
    return "\n".join(render_item(h.item, h.score) for h in hits)


def library_search(retriever, query: str, topic: str = ALL_TOPICS, k: int = 8) -> str:
    """Search (or, with an empty query, browse) items, optionally within one topic."""
    topic_id = next((t for t in TOPICS if topic and topic.startswith(topic_label(t))), None)
    if (query or "").strip():
        hits = retriever.search(query[:2000], k=k if topic_id is None else len(retriever.index.items))
        hits = [h for h in hits if topic_id is None or topic_id in h.item.topics][:k]
        return render_hits(hits)
    items = [it for it in retriever.index.items if topic_id is None or topic_id in it.topics]
    return "\n".join(render_item(it) for it in items) or "没有条目 (no items)."


def topic_choices() -> list[str]:
    return [ALL_TOPICS] + [f"{topic_label(t)} {topic_label(t, 'en')}" for t in TOPICS]


def tab(tutor) -> None:
    """Render the tab's components (inside an open gr.Tab)."""
    import gradio as gr

    with gr.Row():
        query = gr.Textbox(label="搜索 Search", placeholder="例如：显存不够怎么训练大模型 / data parallel", scale=4)
        topic = gr.Dropdown(topic_choices(), value=ALL_TOPICS, label="主题 Topic", scale=1)
    out = gr.HTML(library_search(tutor.retriever, "", ALL_TOPICS))
    for trigger in (query.submit, topic.change):
        trigger(lambda q, t: library_search(tutor.retriever, q, t), [query, topic], out)
