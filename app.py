"""Compose settings → tutor → UI → launch.

    python app.py [--host 127.0.0.1] [--port 7860] [--no-llm]

Host and port also come from TUTOR_HOST / TUTOR_PORT (flags win); the default binds loopback only.
"""
import argparse
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at launch

if __name__ == "__main__":
    from tutor.compose import open_tutor
    from tutor.settings import Settings
    from tutor.ui import build_app
    from tutor.llm.warmup import start_background_warmup

    ap = argparse.ArgumentParser(description="面试导师 tutor: the web UI")
    ap.add_argument("--host", default=os.environ.get("TUTOR_HOST", "127.0.0.1"), help="interface to bind")
    ap.add_argument("--port", type=int, default=int(os.environ.get("TUTOR_PORT", "7860")), help="port to listen on")
    ap.add_argument("--no-llm", action="store_true", help="quick mode: references and rule grading only")
    args = ap.parse_args()
    settings = Settings.from_env(no_llm=True if args.no_llm else None)
    tutor = open_tutor(settings)
    if not settings.no_llm and not settings.llm_url:
        start_background_warmup(tutor.generator, tutor.items)  # fast first tokens, only while idle
    print(f"tutor UI on http://{args.host}:{args.port}", flush=True)
    # Two workers for a 2-core machine; the shared LLM serialises itself with a lock.
    build_app(tutor).queue(default_concurrency_limit=2).launch(server_name=args.host, server_port=args.port,
                                                               share=False)
