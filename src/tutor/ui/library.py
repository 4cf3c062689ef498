"""资料库 Library tab: search and browse items by topic, with their duplicates; upload notes to add them.

Example:
    >>> render_hits([])
    '没有找到相关条目 (no matching items).'
"""
from __future__ import annotations

import html
from pathlib import Path

from tutor.corpus.errata import note
from tutor.records import Hit, Item
from tutor.corpus.topics import TOPICS, topic_counts, topic_label, topic_option
from tutor.records import cite

ALL_TOPICS = "全部 all"


def _esc(text: str) -> str:
    # User and corpus text is shown as text, never as HTML/script.
    return html.escape(text or "", quote=True)


def render_item(item: Item, score: float | None = None) -> str:
    """One item as safe HTML: heading with source and number, answer, corrections, 解析, duplicates."""
    dups = ", ".join(f"{_esc(cite(r.source, r.number))}" for r in item.refs[1:])
    topics = " · ".join(topic_label(t) for t in item.topics)
    head = f"<b>{_esc(item.question)}</b> <small>— {_esc(item.title)} ({_esc(cite(item.source, item.number))})"
    head += f" · {topics}" + (f" · score {score:.3f}" if score is not None else "") + "</small>"
    body = f"<p>{_esc(item.answer).replace(chr(10), '<br>')}</p>"
    for c in item.corrections:  # the documents' own slips in this item (corpus/errata.md)
        body += (f"<p><small>⚠️ {_esc(note(c))}（原文 was：“{_esc(c.wrong)}”）</small></p>")
    if item.explanation:
        body += f"<p><i>解析：</i>{_esc(item.explanation)}</p>"
    if item.aside:  # a template's other fields (反问点, 坑位): they carry their own labels
        body += f"<p>{_esc(item.aside)}</p>"
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
        # errata entries are found here as themselves (answering ranks the items they correct instead)
        hits = retriever.search(query[:2000], k=k if topic_id is None else len(retriever.index.items), with_errata=True)
        hits = [h for h in hits if topic_id is None or topic_id in h.item.topics][:k]
        return render_hits(hits)
    items = [it for it in retriever.index.items if topic_id is None or topic_id in it.topics]
    return "\n".join(render_item(it) for it in items) or "没有条目 (no items)."


def topic_choices(items) -> list[str]:
    """"All" and the topics the items have, with counts: a topic with no items is not offered."""
    return [ALL_TOPICS] + [topic_option(t, n) for t, n in topic_counts(items).items()]


def library_upload(services, files) -> str:
    """Add uploaded .md/.txt notes to the corpus (the `tutor add` path), reindex, report per file as HTML.

    Args:
        services: the UI Services; its tutor and grader switch to the new index.
        files: upload paths (str, or objects with .name as older Gradio versions give).
    """
    from tutor.compose import add_notes
    from tutor.corpus.add import report_lines
    from tutor.corpus.load import file_report

    paths = [Path(getattr(f, "name", f)) for f in (files or [])]
    if not paths:
        return "<p>请选择 .md 或 .txt 文件 (choose .md or .txt notes to add).</p>"
    tutor = services.tutor
    # The loaded encoder is reused: only the new files' texts are embedded, in seconds.
    plan, retriever = add_notes(tutor.settings, paths, encoder=tutor.encoder, progress=lambda _: None)
    if retriever is None:
        reasons = "".join(f"<li>{_esc(r)}</li>" for r in plan.refused)
        return f"<p><b>没有添加 Nothing was added:</b></p><ul>{reasons}</ul>"
    tutor.use_retriever(retriever)
    services.grader = tutor.grader(no_llm=not services.llm_enabled)
    lines = "".join(f"<li>{_esc(line)}</li>" for line in report_lines(plan, file_report(retriever.index.items)))
    return (f"<p>已添加 Added {len(plan.copy)} file(s); index {_esc(retriever.index.status)}; "
            f"{len(retriever.index.items)} items in all.</p><ul>{lines}</ul>")


def item_choices(items) -> list[tuple[str, str]]:
    """(label, id) of every askable item, for the practice-history picker."""
    from tutor.interview.session import askable

    return [(f"{it.question} ({cite(it.source, it.number)})", it.id) for it in items if askable(it)]


def tab(services, profile=None) -> None:
    """Render the tab's components (inside an open gr.Tab); with a profile, an item's practice history too."""
    import gradio as gr

    tutor = services.tutor
    with gr.Row():
        query = gr.Textbox(label="搜索 Search", placeholder="例如：显存不够怎么训练大模型 / data parallel", scale=4)
        topic = gr.Dropdown(topic_choices(tutor.items), value=ALL_TOPICS, label="主题 Topic", scale=1)
    if profile is not None:  # above the long item list, where it is seen
        with gr.Accordion("练习记录 My attempts at an item", open=False):
            # The choices are read when the tab is built; notes added since show after a reload.
            item = gr.Dropdown(item_choices(tutor.items), label="题目 Item", filterable=True)
            history = gr.HTML()
    out = gr.HTML(library_search(tutor.retriever, "", ALL_TOPICS))
    for trigger in (query.submit, topic.change):
        trigger(lambda q, t: library_search(tutor.retriever, q, t), [query, topic], out)
    with gr.Accordion("添加笔记 Add notes (.md, .txt)", open=False):
        upload = gr.File(file_count="multiple", file_types=[".md", ".txt"], type="filepath", label="笔记文件 Notes")
        added = gr.HTML()
    upload.upload(lambda fs: library_upload(services, fs), upload, added).then(
        lambda q, t: library_search(tutor.retriever, q, t), [query, topic], out).then(
        # new notes may bring topics the picker did not offer (services.tutor now holds the new index)
        lambda: gr.update(choices=topic_choices(services.tutor.items)), None, topic)
    if profile is None:
        return
    from .progress import item_view

    from .identity import admit, with_request

    # Signed in, the history shown is the session user's own (admit ignores the picker input).
    show = with_request(lambda p, i, request: item_view(services, admit(services, p, request), i))
    item.input(show, [profile, item], history, api_name=False)
    if not getattr(services, "signin", False):
        profile.change(show, [profile, item], history, api_name=False)
