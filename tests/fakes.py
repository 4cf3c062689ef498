"""Shared test fakes' settings (imported by test modules as a top-level name: tests/ is on sys.path via conftest)."""
from tutor.index.embed import HashEncoder
from tutor.retrieve.refusal import Thresholds

# The hashed-n-gram fake's cosines sit far lower than e5's: on-topic ≈ 0.2-0.5, off-topic ≈ 0.1-0.25.
FAKE_THRESHOLDS = Thresholds(dense_floor=0.17, dense_confident=0.27, coverage_floor=0.2)


class CountingEncoder(HashEncoder):
    """The fake embedder, recording every passage text it is asked to embed (incremental indexing tests)."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode_passages(self, texts, progress=False):
        self.seen.extend(texts)
        return super().encode_passages(texts)


def serve_fake_app(home, users: dict[str, str], generator=None, limits=None):
    """The real Gradio app over fakes (hashed-n-gram embedder, scripted LLM, the mini corpus), started by
    app.py's own `launch` on a free loopback port, with sign-in for `users` ({name: password}) if any.
    Returns (url, app, services); call app.close() when done."""
    import socket
    from pathlib import Path

    from conftest import MINI_DOC
    from tutor.compose import open_tutor
    from tutor.llm.base import ScriptedGenerator
    from tutor.serve.users import Users
    from tutor.settings import Settings
    from tutor.ui import make_services
    from tutor.ui.launch import launch

    home = Path(home)
    (home / "corpus").mkdir(parents=True, exist_ok=True)
    (home / "corpus" / "mini.md").write_text(MINI_DOC, encoding="utf-8")
    settings = Settings(home=home, corpus_dir=home / "corpus")
    generator = generator or ScriptedGenerator(default="数据并行把训练数据切分到多个 GPU[1]。")
    tutor = open_tutor(settings, encoder=HashEncoder(), generator=generator, show_progress=False,
                       progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    accounts = Users(settings.data_dir / "users.json")
    for name, password in users.items():
        accounts.add(name, password)
    services = make_services(tutor, signin=bool(users), limits=limits) if limits else None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app, services = launch(tutor, "127.0.0.1", port, accounts, services=services, block=False, quiet=True)
    return f"http://127.0.0.1:{port}/", app, services
