"""UI handlers called directly (no server), over fakes."""
from __future__ import annotations

import pytest

from tutor.coverage import Thresholds
from tutor.embed import HashEncoder
from tutor.llm import ScriptedGenerator
from tutor.pipeline import open_tutor
from tutor.settings import Settings
from tutor.ui import ask as ask_ui
from tutor.ui.library import ALL_TOPICS, library_search


@pytest.fixture
def ui_tutor(mini_corpus, tmp_path):
    gen = ScriptedGenerator(default="数据并行把训练数据切分到多个 GPU[1]。<script>alert(1)</script>")
    s = Settings(home=tmp_path, corpus_dir=mini_corpus)
    # The hashed fake's cosines are far below e5's; use thresholds that fit it.
    return open_tutor(s, encoder=HashEncoder(), generator=gen, show_progress=False, progress=lambda m: None,
                      thresholds=Thresholds(0.17, 0.27, 0.2))


def test_ask_turn_streams_reference_then_answer_then_sources(ui_tutor):
    steps = list(ask_ui.ask_turn(ui_tutor, "数据并行和模型并行的区别是什么？", [], [], False))
    chat, convo, status, sources = steps[-1]
    assert chat[0] == {"role": "user", "content": "数据并行和模型并行的区别是什么？"}
    assert chat[1]["content"].startswith("**参考答案 Reference**")
    assert "[1]" in chat[2]["content"] and "▌" not in chat[2]["content"]
    assert any("▌" in s[0][-1]["content"] for s in steps[:-1])  # streamed while generating
    assert "mini.md #1" in sources and "共 total" in status
    assert [m["role"] for m in convo] == ["user", "assistant"]


def test_refusal_is_shown_as_such_and_quick_mode_skips_the_llm(ui_tutor):
    chat, _, _, sources = list(ask_ui.ask_turn(ui_tutor, "H100 的 NVLink 带宽是多少", [], [], False))[-1]
    assert chat[-1]["content"].startswith("🚫") and sources == ""
    chat, _, _, _ = list(ask_ui.ask_turn(ui_tutor, "过拟合怎么办？", [], [], True))[-1]
    assert chat[-1]["content"].startswith("**参考答案 Reference**")
    assert ui_tutor.generator.history == []


def test_library_escapes_text_and_filters_by_topic(ui_tutor):
    html = library_search(ui_tutor.retriever, "<script>alert(1)</script> 过拟合", ALL_TOPICS)
    assert "<script>" not in html and "过拟合" in html
    only = library_search(ui_tutor.retriever, "", "模型压缩与量化 compression & quantisation")
    assert "量化" in only and "过拟合问题" not in only


def test_unsupported_sentences_are_marked():
    assert ask_ui.mark_unsupported("甲。乙。", ["乙。"]).count("⚠️") == 1
