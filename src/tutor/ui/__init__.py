"""Gradio UI: `build_app(tutor)` composes one tab per mode; every handler is a plain function.

Handlers take the services and plain values and return plain values, so tests call them without a
server. Per-user state (conversation, interview session) lives in `gr.State`; the profile picker
(known profiles, or a new name) chooses whose progress is read and written; the LLM is shared and
serialised by its own lock.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Services:
    """What the tabs share: the tutor, a grader and the progress store."""

    tutor: object
    grader: object
    store: object
    llm_enabled: bool


def make_services(tutor, store=None) -> Services:
    from tutor.interview.progress import Store

    llm = not tutor.settings.no_llm
    grader = tutor.grader(no_llm=not llm)
    store = store or Store(tutor.settings.data_dir / "progress.sqlite3")
    return Services(tutor, grader, store, llm)


def profile_choices(store) -> list[str]:
    """Known profiles, "default" always first.

    >>> class S:
    ...     def profiles(self): return ["alice", "default"]
    >>> profile_choices(S())
    ['default', 'alice']
    """
    known = store.profiles() if store is not None else []
    return ["default"] + [p for p in known if p != "default"]


def build_app(tutor, services: Services | None = None):
    """The Gradio Blocks app over a Tutor."""
    import gradio as gr

    from . import ask, grade, interview, library, progress

    services = services or make_services(tutor)
    with gr.Blocks(title="面试导师 tutor", analytics_enabled=False) as app:
        with gr.Row():
            gr.Markdown("# 面试导师 · AI infrastructure interview tutor\n"
                        "离线运行，回答只依据资料库 · Offline; answers come only from the documents.")
            # Existing learners to pick from; typing a new name creates that profile on its first answer.
            profile = gr.Dropdown(choices=profile_choices(services.store), value="default", allow_custom_value=True,
                                  filterable=True, label="学习者 Profile", scale=0, min_width=180)
        with gr.Tabs() as tabs:
            with gr.Tab("问答 Ask", id="ask"):
                ask.tab(tutor)
            with gr.Tab("模拟面试 Interview", id="interview"):
                iv = interview.tab(services, profile)
            with gr.Tab("答案评分 Grade", id="grade"):
                graded = grade.tab(services, profile)
            # Progress is wired to the tabs before it: it refreshes after their graded answers and
            # starts its review in the Interview tab.
            with gr.Tab("进度 Progress", id="progress") as opened:
                progress.tab(services, profile, opened, iv.graded + [graded], iv, tabs)
            with gr.Tab("资料库 Library", id="library"):
                library.tab(services, profile)
    return app
