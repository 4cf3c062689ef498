"""Compose settings → retriever → UI → launch. Host/port from TUTOR_HOST / TUTOR_PORT (default 127.0.0.1:7860)."""
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home at launch

if __name__ == "__main__":
    from tutor.pipeline import open_retriever
    from tutor.settings import Settings
    from tutor.ui import build_app

    settings = Settings.from_env()
    app = build_app(open_retriever(settings))
    host, port = os.environ.get("TUTOR_HOST", "127.0.0.1"), int(os.environ.get("TUTOR_PORT", "7860"))
    print(f"tutor UI on http://{host}:{port}")
    app.queue(default_concurrency_limit=2).launch(server_name=host, server_port=port, share=False)
