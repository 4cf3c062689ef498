"""Compose settings → tutor → UI → launch. Host/port from TUTOR_HOST / TUTOR_PORT (default 127.0.0.1:7860)."""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at launch

if __name__ == "__main__":
    from tutor.pipeline import open_tutor
    from tutor.settings import Settings
    from tutor.ui import build_app
    from tutor.warmup import start_background_warmup

    settings = Settings.from_env()
    tutor = open_tutor(settings)
    if not settings.no_llm and not settings.llm_url:
        start_background_warmup(tutor.generator, tutor.items)  # fast first tokens, only while idle
    host, port = os.environ.get("TUTOR_HOST", "127.0.0.1"), int(os.environ.get("TUTOR_PORT", "7860"))
    print(f"tutor UI on http://{host}:{port}")
    # Two workers for a 2-core machine; the shared LLM serialises itself with a lock.
    build_app(tutor).queue(default_concurrency_limit=2).launch(server_name=host, server_port=port, share=False)
