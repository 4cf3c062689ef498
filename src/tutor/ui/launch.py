"""Serve the app: single-user on loopback with no users, else behind sign-in with a fair, limited LLM.

app.py and the running-app tests both start the server through `launch`, so the tests exercise the
exact launch settings a deployment gets.
"""
from __future__ import annotations

from tutor.serve.users import bind_problem

AUTH_MESSAGE = "面试导师 tutor — 请登录 sign in (accounts: `tutor users add NAME`)"


def launch(tutor, host: str, port: int, users, services=None, block: bool = True, quiet: bool = False):
    """Build and start the Gradio app; returns (app, services) once it listens (at once when not block).

    Args:
        users: the serve.users.Users allowed to sign in; with any, sign-in is on (on loopback too).
        services: ready ui.Services (tests pass limits of their own); built to match sign-in otherwise.
        block: keep serving until interrupted (app.py), or return with the server running (tests).

    Raises:
        SystemExit: the host is not loopback and there are no users (the message says how to add one).
    """
    from tutor.serve.limits import LoginGuard

    from . import build_app, make_services

    names = users.names()
    problem = bind_problem(host, names)
    if problem:
        raise SystemExit(f"error: {problem}")
    signin = bool(names)
    services = services or make_services(tutor, signin=signin)
    # Single-user: two workers for a 2-core machine; the shared LLM serialises itself with a lock.
    # Shared: more workers, so requests wait in the LLM's round-robin queue (fair by user), not in
    # Gradio's first-come queue, where one user's burst would hold every worker; each user may hold
    # at most 2 generations (serve/limits.py), and retrieval and rule grading take milliseconds.
    workers = 16 if signin else 2
    # A name's failed sign-ins are capped (5 a minute): with scrypt's cost, guessing stays slow.
    auth = LoginGuard(users.check) if signin else None
    app = build_app(tutor, services)
    app.queue(default_concurrency_limit=workers).launch(server_name=host, server_port=port, share=False, auth=auth,
                                                        auth_message=AUTH_MESSAGE, prevent_thread_lock=not block,
                                                        quiet=quiet)
    return app, services
