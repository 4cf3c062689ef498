"""Whose progress a handler touches, and the per-user limits around it.

With sign-in on, the user is the session's (`gr.Request.username`): never a dropdown value or an API
argument. With it off (loopback, no users) the profile picker decides, as before.

Example:
    >>> class Svc: signin, limits = False, None
    >>> user_of(Svc(), " amy ", None), user_of(Svc(), "", None)
    ('amy', 'default')
    >>> class Req: username = "bob"
    >>> Svc.signin = True
    >>> user_of(Svc(), "amy", Req())  # the picker's value is ignored when signed in
    'bob'
"""
from __future__ import annotations

from contextlib import nullcontext

from tutor.serve.limits import LimitError, current_user


class SignInRequired(PermissionError):
    """A handler that needs a user was called without a signed-in session."""


def user_of(services, picked: str | None, request) -> str:
    """The profile this call reads and writes."""
    if getattr(services, "signin", False):
        name = getattr(request, "username", None)
        if not name:
            raise SignInRequired("请先登录 Sign in first.")
        return name
    return (picked or "").strip() or "default"


def with_request(fn):
    """Mark fn's `request` parameter as a gr.Request, so Gradio passes the caller's session in.

    Set as a real type (not a string annotation): our modules use postponed annotations, which Gradio
    would have to resolve against globals where `gr` is not imported.
    """
    import gradio as gr

    fn.__annotations__ = {"request": gr.Request}
    return fn


def _ui_error(exc: Exception):
    import gradio as gr

    return gr.Error(str(exc), title="请稍候 Please wait" if isinstance(exc, LimitError) else "登录 Sign-in")


def admit(services, picked, request, kind: str | None = None, text: str | None = None) -> str:
    """The user for this call, after their limits for one `kind` request ("question"/"answer"), if any.

    Raises a gr.Error with a clear message when not signed in or over a limit.
    """
    try:
        user = user_of(services, picked, request)
        if kind and getattr(services, "limits", None) is not None:
            services.limits.admit(user, kind, text)
    except (SignInRequired, LimitError) as exc:
        raise _ui_error(exc) from None
    return user


def stream_as(services, user: str, steps, generates: bool = True):
    """Run a streaming handler for user: one of their generation slots held throughout, and every step
    run with `current_user` set, so the shared LLM queue knows whose turn it is."""
    limits = getattr(services, "limits", None)
    try:
        slot = limits.generation(user) if generates and limits is not None else nullcontext()
        slot.__enter__()
    except LimitError as exc:
        raise _ui_error(exc) from None
    try:
        it = iter(steps)
        while True:
            token = current_user.set(user)
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                current_user.reset(token)
            yield item
    finally:
        slot.__exit__(None, None, None)
