"""Library upload handler: the `tutor add` path from the UI, without a server (fake embedder)."""
from __future__ import annotations

import pytest

from tutor.compose import open_tutor
from tutor.index.embed import HashEncoder
from tutor.interview.progress import Store
from tutor.settings import Settings
from tutor.ui import make_services
from tutor.ui.library import library_search, library_upload

NOTES = "# 推理\n\n### 1. 什么是投机解码？\n\n小模型起草若干 token，大模型一次并行验证。\n\n### 2. 什么是连续批处理？\n"


@pytest.fixture
def services(mini_corpus, tmp_path):
    from fakes import FAKE_THRESHOLDS

    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data", no_llm=True)
    tutor = open_tutor(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None,
                       thresholds=FAKE_THRESHOLDS)
    return make_services(tutor, Store(s.data_dir / "progress.sqlite3"))


def test_upload_adds_reports_and_makes_new_items_searchable_and_gradable(services, tmp_path):
    up = tmp_path / "upload"
    up.mkdir()
    (up / "infer.md").write_text(NOTES, encoding="utf-8")
    before = len(services.tutor.items)
    html = library_upload(services, [str(up / "infer.md")])
    assert "infer.md: 2 questions, 0 text chunks, 1 without an answer" in html
    assert len(services.tutor.items) == before + 2
    assert "投机解码" in library_search(services.tutor.retriever, "投机解码 大模型验证")
    # The shared grader now sees the new item (it was rebuilt over the new index).
    g = services.grader.grade("infer.md#1", "小模型先起草，大模型并行验证这些 token。", use_llm=False)
    assert g.item is not None and g.item.key == "infer.md#1" and g.score is not None


def test_upload_refusals_are_shown_and_change_nothing(services, tmp_path, mini_corpus):
    (tmp_path / "mini.md").write_text("# 同名但不同\n", encoding="utf-8")
    (tmp_path / "deck.pdf").write_bytes(b"%PDF")
    items = services.tutor.items
    html = library_upload(services, [str(tmp_path / "mini.md"), str(tmp_path / "deck.pdf")])
    assert "Nothing was added" in html and "already has a different file" in html and "only .md and .txt" in html
    assert services.tutor.items is items and sorted(p.name for p in mini_corpus.iterdir()) == ["mini.md"]
    assert "choose .md or .txt" in library_upload(services, None)
