"""Compose settings → tutor → UI → launch.

    python app.py [--host 127.0.0.1] [--port 7860] [--no-llm]

Host and port also come from TUTOR_HOST / TUTOR_PORT (flags win); the default binds loopback only.
"""
import argparse
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at launch

if __name__ == "__main__":
    from tutor.compose import open_tutor
    from tutor.settings import Settings
    from tutor.serve.limits import LoginGuard
    from tutor.serve.users import USERS_FILE, Users, bind_problem
    from tutor.ui import build_app, make_services
    from tutor.llm.warmup import start_background_warmup

    ap = argparse.ArgumentParser(description="面试导师 tutor: the web UI")
    ap.add_argument("--host", default=os.environ.get("TUTOR_HOST", "127.0.0.1"), help="interface to bind")
    ap.add_argument("--port", type=int, default=int(os.environ.get("TUTOR_PORT", "7860")), help="port to listen on")
    ap.add_argument("--no-llm", action="store_true", help="quick mode: references and rule grading only")
    args = ap.parse_args()
    settings = Settings.from_env(no_llm=True if args.no_llm else None)
    # Checked before anything loads: a shared port with nobody signed in exposes everyone's progress.
    users = Users(settings.data_dir / USERS_FILE)
    problem = bind_problem(args.host, users.names())
    if problem:
        sys.exit(f"error: {problem}")
    signin = bool(users.names())  # on loopback with no users: single-user, no sign-in, as before
    tutor = open_tutor(settings)
    if not settings.no_llm and not settings.llm_url:
        start_background_warmup(tutor.generator, tutor.items)  # fast first tokens, only while idle
    print(f"tutor UI on http://{args.host}:{args.port}" + (" (sign-in on)" if signin else ""), flush=True)
    services = make_services(tutor, signin=signin)
    # Single-user: two workers for a 2-core machine; the shared LLM serialises itself with a lock.
    # Shared: more workers, so requests wait in the LLM's round-robin queue (fair by user), not in
    # Gradio's first-come queue, where one user's burst would hold every worker; each user may hold
    # at most 2 generations (serve/limits.py), and retrieval and rule grading take milliseconds.
    workers = 16 if signin else 2
    # A name's failed sign-ins are capped (5 a minute): with scrypt's cost, guessing stays slow.
    auth = LoginGuard(users.check) if signin else None
    build_app(tutor, services).queue(default_concurrency_limit=workers).launch(
        server_name=args.host, server_port=args.port, share=False, auth=auth,
        auth_message="面试导师 tutor — 请登录 sign in (accounts: `tutor users add NAME`)")
