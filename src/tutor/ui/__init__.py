"""Gradio UI: `build_app(tutor)` composes one tab per mode; every handler is a plain function.

Handlers take the services and plain values and return plain values, so tests call them without a
server. Per-user state (conversation, interview session) lives in `gr.State`. On loopback with no
users, the profile picker (known profiles, or a new name) chooses whose progress is read and written;
with sign-in on, the signed-in user's is, always (ui/identity.py), under per-user limits, and the
shared LLM takes requests round-robin by user.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Services:
    """What the tabs share: the tutor, a grader and the progress store; sign-in and limits when shared."""

    tutor: object
    grader: object
    store: object
    llm_enabled: bool
    # Sign-in on: progress belongs to gr.Request.username and the profile picker is gone.
    signin: bool = False
    # Per-user limits (serve.limits.Limits), or None for single-user use.
    limits: object = None


def make_services(tutor, store=None, signin: bool = False, limits=None) -> Services:
    """Services over a tutor; with sign-in, per-user limits and a fair (round-robin by user) LLM queue."""
    from tutor.interview.stores import open_store

    llm = not tutor.settings.no_llm
    if signin:
        from tutor.serve.limits import FairGenerator, Limits

        limits = limits or Limits()
        if llm:
            tutor.wrap_generator(FairGenerator)
    grader = tutor.grader(no_llm=not llm)
    store = store or open_store(tutor.settings)
    return Services(tutor, grader, store, llm, signin=signin, limits=limits)


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

    from .identity import with_request

    services = services or make_services(tutor)
    with gr.Blocks(title="面试导师 tutor", analytics_enabled=False) as app:
        with gr.Row():
            gr.Markdown("# 面试导师 · AI infrastructure interview tutor\n"
                        "离线运行，回答只依据资料库 · Offline; answers come only from the documents.")
            if services.signin:
                # Handlers take the user from the session (identity.admit). This server-side State keeps
                # their input lists the same, and holds the user's name in a browser session as a second
                # guard; API sessions never load the page, so it stays None there.
                profile = gr.State(None)
                who = gr.Markdown(scale=0, min_width=180)
                app.load(with_request(lambda request: (f"已登录 Signed in: **{request.username}** · "
                                                       f"[退出 Log out](/logout)", request.username)),
                         None, [who, profile], api_name=False)
            else:
                # Existing learners to pick from; typing a new name creates that profile on its first answer.
                profile = gr.Dropdown(choices=profile_choices(services.store), value="default",
                                      allow_custom_value=True, filterable=True, label="学习者 Profile", scale=0,
                                      min_width=180)
        with gr.Tabs() as tabs:
            with gr.Tab("问答 Ask", id="ask"):
                ask.tab(tutor, services)
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
    app.tutor_profile = profile  # tests check that every handler reading it also takes the session
    return app
