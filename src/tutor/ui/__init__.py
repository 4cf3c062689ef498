"""Gradio UI: `build_app(tutor)` composes one tab per mode; every handler is a plain function.

Handlers take the Tutor (or a mode object built from it) and plain values and return plain values,
so tests call them without a server. Per-user state lives in `gr.State`; the LLM is shared and
serialised by its own lock.
"""
from __future__ import annotations


def build_app(tutor):
    """The Gradio Blocks app over a Tutor."""
    import gradio as gr

    from . import ask, library

    with gr.Blocks(title="面试导师 tutor", analytics_enabled=False) as app:
        gr.Markdown("# 面试导师 · AI infrastructure interview tutor\n"
                    "离线运行，回答只依据资料库 · Offline; answers come only from the documents.")
        with gr.Tab("问答 Ask"):
            ask.tab(tutor)
        with gr.Tab("资料库 Library"):
            library.tab(tutor)
    return app
