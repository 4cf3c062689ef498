"""Compose settings → tutor → UI → launch.

    python app.py [--host 127.0.0.1] [--port 7860] [--no-llm]

Host and port also come from TUTOR_HOST / TUTOR_PORT (flags win); the default binds loopback only.
Any other address needs users (`tutor users add NAME`), who then sign in (ui/launch.py).
"""
import argparse
import os
import sys

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at launch

if __name__ == "__main__":
    from tutor.compose import open_tutor
    from tutor.settings import Settings
    from tutor.serve.users import USERS_FILE, Users, bind_problem
    from tutor.ui.launch import launch
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
    tutor = open_tutor(settings)
    if not settings.no_llm and not settings.llm_url:
        start_background_warmup(tutor.generator, tutor.items)  # fast first tokens, only while idle
    signin = " (sign-in on)" if users.names() else ""  # on loopback with no users: single-user, as before
    print(f"tutor UI on http://{args.host}:{args.port}{signin}", flush=True)
    launch(tutor, args.host, args.port, users)
