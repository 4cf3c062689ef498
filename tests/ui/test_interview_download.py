"""The Interview tab offers the finished session's markdown transcript as a file (no server needed)."""
from __future__ import annotations

from pathlib import Path

from tutor.compose import open_tutor
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.progress import Store
from tutor.settings import Settings
from tutor.ui import Services
from tutor.ui import interview as iv_ui


def test_the_transcript_file_appears_only_when_the_session_is_over(mini_corpus, tmp_path):
    from fakes import FAKE_THRESHOLDS

    tutor = open_tutor(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(), show_progress=False,
                       progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    services = Services(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), Store(tmp_path / "p.sqlite3"),
                        llm_enabled=False)
    chat, session, _ = iv_ui.start(services, "dl", [], 2, True)
    assert iv_ui.transcript_file(services, session) is None and iv_ui.transcript_file(services, None) is None
    chat, session, html = iv_ui.answer(services, "数据并行把训练数据切分到多个 GPU。", chat, session, True)
    assert session.phase != "done" and iv_ui.transcript_file(services, session) is None
    while session.phase != "done":
        chat, session, html = iv_ui.answer(services, "/skip", chat, session, True)
    path = Path(iv_ui.transcript_file(services, session))
    md = path.read_text(encoding="utf-8")
    assert path.suffix == ".md" and session.id in path.name
    assert all(f"{t.question} — {t.final_score}/100" in md for t in session.turns)
    assert "数据并行把训练数据切分到多个 GPU。" in md and "面试报告" in html
