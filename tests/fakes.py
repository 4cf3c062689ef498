"""Shared test fakes' settings (imported by test modules as a top-level name: tests/ is on sys.path via conftest)."""
from tutor.index.embed import HashEncoder
from tutor.retrieve.refusal import Thresholds

# The hashed-n-gram fake's cosines sit far lower than e5's: on-topic ≈ 0.2-0.5, off-topic ≈ 0.1-0.25.
FAKE_THRESHOLDS = Thresholds(dense_floor=0.17, dense_confident=0.27, coverage_floor=0.2)


def slow_hash_encoder(seconds: float, dim: int = 64) -> HashEncoder:
    """The fake embedder after a slow "model load" (built in a child process by models.child_encoder tests)."""
    import time

    time.sleep(seconds)
    return HashEncoder(dim=dim)


class CountingEncoder(HashEncoder):
    """The fake embedder, recording every passage text it is asked to embed (incremental indexing tests)."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode_passages(self, texts, progress=False):
        self.seen.extend(texts)
        return super().encode_passages(texts)


def fake_tutor(corpus_dir, home, answer: str = "", generator=None):
    """A Tutor over `corpus_dir` with the hashed fake encoder, its thresholds, and `generator` (default: one
    that always says `answer`)."""
    from pathlib import Path

    from tutor.compose import open_tutor
    from tutor.llm.base import ScriptedGenerator
    from tutor.settings import Settings

    settings = Settings(home=Path(home), corpus_dir=Path(corpus_dir))
    return open_tutor(settings, encoder=HashEncoder(), generator=generator or ScriptedGenerator(default=answer),
                      show_progress=False, progress=lambda m: None, thresholds=FAKE_THRESHOLDS)


def serve_fake_app(home, users: dict[str, str], generator=None, limits=None):
    """The real Gradio app over fakes (hashed-n-gram embedder, scripted LLM, the mini corpus), started by
    app.py's own `launch` on a free loopback port, with sign-in for `users` ({name: password}) if any.
    Returns (url, app, services); call app.close() when done."""
    import socket
    from pathlib import Path

    from conftest import MINI_DOC
    from tutor.serve.users import Users
    from tutor.settings import Settings
    from tutor.ui import make_services
    from tutor.ui.launch import launch

    home = Path(home)
    (home / "corpus").mkdir(parents=True, exist_ok=True)
    (home / "corpus" / "mini.md").write_text(MINI_DOC, encoding="utf-8")
    settings = Settings(home=home, corpus_dir=home / "corpus")
    tutor = fake_tutor(home / "corpus", home, "数据并行把训练数据切分到多个 GPU[1]。", generator)
    accounts = Users(settings.data_dir / "users.json")
    for name, password in users.items():
        accounts.add(name, password)
    services = make_services(tutor, signin=bool(users), limits=limits) if limits else None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app, services = launch(tutor, "127.0.0.1", port, accounts, services=services, block=False, quiet=True)
    return f"http://127.0.0.1:{port}/", app, services


class ScriptedGrader:
    """A grader over real word overlap, for interview tests that need exact scores.

    A key point is covered when the answer contains its readable name (text.clause.label, "…" removed),
    its evidence the answer sentence that does; a sentence starting "另外" is a correct extra. The score
    is the covered share; "不知道" or an empty answer is 0 ("empty"). No judge: use_llm changes nothing.
    """

    encoder = None  # the support check then uses bigram overlap only
    generator = None

    def __init__(self, items):
        self.items = {it.id: it for it in items}

    def grade(self, question, answer, use_llm=True):
        return list(self.grade_steps(question, answer, use_llm))[-1]

    def grade_steps(self, question, answer, use_llm=True):
        from tutor.corpus.parse import split_sentences
        from tutor.grade.calibrate import band
        from tutor.records import Extra, Grade, PointResult
        from tutor.text.clause import label

        item = self.items[question]
        answer = (answer or "").strip()
        sentences = split_sentences(answer) if answer and answer != "不知道" else []
        points = []
        for p in item.key_points:
            name = label(p).rstrip("…")
            said = next((s for s in sentences if name in s), "")
            points.append(PointResult(p, "covered" if said else "missed", said, item.source, item.number, float(bool(said))))
        score = round(100 * sum(p.status == "covered" for p in points) / max(1, len(points))) if sentences else 0
        extras = tuple(Extra(s, item.source, item.number) for s in sentences if s.startswith("另外"))
        yield Grade(question, answer, score, band(score) if sentences else "empty", item.ref, tuple(points),
                    extras=extras, matched_question=item.question)
