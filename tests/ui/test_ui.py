"""UI handlers called directly (no server), over fakes."""
from __future__ import annotations

import pytest

from fakes import fake_tutor
from tutor.llm.base import ScriptedGenerator
from tutor.ui import ask as ask_ui
from tutor.ui.library import ALL_TOPICS, library_search


@pytest.fixture
def ui_tutor(mini_corpus, tmp_path):
    return fake_tutor(mini_corpus, tmp_path, "数据并行把训练数据切分到多个 GPU[1]。<script>alert(1)</script>")


def test_ask_turn_streams_reference_then_answer_then_sources(ui_tutor):
    steps = list(ask_ui.ask_turn(ui_tutor, "数据并行和模型并行的区别是什么？", [], [], False))
    chat, convo, status, sources = steps[-1]
    assert chat[0] == {"role": "user", "content": "数据并行和模型并行的区别是什么？"}
    assert chat[1]["content"].startswith("**参考答案 Reference**")
    assert "[1]" in chat[2]["content"] and "▌" not in chat[2]["content"]
    assert any("▌" in s[0][-1]["content"] for s in steps[:-1])  # streamed while generating
    assert "mini.md §1" in sources and "共 total" in status
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


def test_topic_pickers_offer_only_topics_with_items_and_a_picked_label_filters(ui_tutor):
    from tutor.records import Item
    from tutor.ui.grade import bank_choices
    from tutor.ui.interview import topic_options
    from tutor.ui.library import topic_choices

    items = ui_tutor.items
    choices = topic_choices(items)
    assert choices[0] == ALL_TOPICS
    present = {t for it in items for t in it.topics}
    assert len(choices) - 1 == len(present) < 15  # the mini corpus covers a few of the 15 topics
    picked = next(c for c in choices if c.startswith("模型压缩"))
    n = sum("compression" in it.topics for it in items)
    assert picked.endswith(f"({n})") and len(bank_choices(items, picked)) == n
    only = library_search(ui_tutor.retriever, "", picked)
    assert "量化" in only and "过拟合问题" not in only
    # a heading with no answer can't be asked, so its topic is not offered for an interview
    bare = Item("x.md", 1, "", "RAG 检索增强生成是什么？", topics=("rag",))
    assert "rag" not in [v for _, v in topic_options(items + [bare])]
    assert any(c.startswith("检索增强与智能体") for c in topic_choices(items + [bare]))  # the Library lists it


def test_unsupported_sentences_are_marked():
    assert ask_ui.mark_unsupported("甲。乙。", ["乙。"]).count("⚠️") == 1


@pytest.fixture
def services(ui_tutor, tmp_path):
    from tutor.grade.grader import Grader
    from tutor.interview.progress import Store
    from tutor.ui import Services

    return Services(ui_tutor, Grader(ui_tutor.retriever, thresholds=ui_tutor.thresholds),
                    Store(tmp_path / "p.sqlite3"), llm_enabled=False)


def test_grade_tab_grades_records_and_escapes(services):
    from tutor.ui import grade as grade_ui

    assert [c[1] for c in grade_ui.bank_choices(services.tutor.items, "模型压缩与量化")] == ["mini.md#3"]
    summary, points, model = grade_ui.grade_answer(services, "mini.md#2", "", "<b>正则化</b>：加入 L2 正则项。",
                                                   True, "amy")
    assert "/100" in summary and "mini.md §2" in summary
    assert "<b>正则化</b>" not in points and "<b>" not in summary  # escaped, never raw
    assert "参考答案" in model
    assert services.store.latest_scores("amy").keys() == {"mini.md#2"}
    assert "请先选择" in grade_ui.grade_answer(services, None, "", "x", True, "amy")[0]


def test_grade_tab_shows_the_rule_grade_before_the_judge_and_records_only_the_final_one(ui_tutor, tmp_path):
    from tutor.grade.grader import Grader
    from tutor.llm.base import ScriptedGenerator
    from tutor.interview.progress import Store
    from tutor.ui import Services
    from tutor.ui import grade as grade_ui

    gen = ScriptedGenerator(default='{"claims": ["wrong"]}')  # the judge calls the one sentence wrong
    svc = Services(ui_tutor, Grader(ui_tutor.retriever, generator=gen, thresholds=ui_tutor.thresholds),
                   Store(tmp_path / "p.sqlite3"), llm_enabled=True)
    steps = grade_ui.grade_answer_stream(svc, "mini.md#2", "", "正则化：加入 L2 正则项。", False, "cy")
    first = next(steps)
    assert "LLM 评审中" in first[0] and svc.store.latest_scores("cy") == {}  # shown, not yet recorded
    final = list(steps)[-1]
    assert "LLM 评审参与" in final[0] and "有误 Wrong" in final[1]
    assert svc.store.latest_scores("cy") == {"mini.md#2": int(final[0].split("/100")[0].split()[-1])}
    empty = list(grade_ui.grade_answer_stream(svc, "mini.md#2", "", "不知道", False, "cy"))
    assert len(empty) == 1 and "LLM 评审中" not in empty[0][0]  # nothing to wait for


def test_grade_tab_lists_correct_extras_apart_from_the_key_points(ui_tutor, tmp_path):
    from tutor.grade.calibrate import Calibration
    from tutor.grade.grader import Grader
    from tutor.interview.progress import Store
    from tutor.ui import Services
    from tutor.ui import grade as grade_ui

    gen = ScriptedGenerator(default='{"claims": ["correct", "extra"]}')
    fake = Calibration(dense_none=0.10, dense_full=0.30, topical_none=0.08, topical_full=0.15)  # the fake's scale
    svc = Services(ui_tutor, Grader(ui_tutor.retriever, generator=gen, thresholds=ui_tutor.thresholds,
                                    calibration=fake),
                   Store(tmp_path / "p.sqlite3"), llm_enabled=True)
    summary, points, _ = grade_ui.grade_answer(svc, "mini.md#2", "", "可以加 Dropout，训练时随机丢弃神经元。"
                                               "数据增强也有用，翻转裁剪图片能扩充样本。", False, "di")
    extras = points.split("正确的补充（参考答案未涉及）")
    assert len(extras) == 2 and "数据增强也有用" in extras[1] and "数据增强也有用" not in extras[0]


def test_interview_tab_runs_a_two_question_session_and_progress_shows_it(services):
    from tutor.ui import interview as iv_ui
    from tutor.ui import progress as pr_ui

    chat, session, _ = iv_ui.start(services, "bo", [], 2, True)
    assert "第 1/2 题" in chat[-1]["content"]
    for _ in range(6):
        if session.phase == "done":
            break
        chat, session, report = iv_ui.answer(services, "", chat, session, True)
    assert session.phase == "done" and "面试报告" in report
    view = pr_ui.progress_view(services, "bo")
    assert view.dashboard.sessions == 1 and view.dashboard.trend[0].session == session.id
    assert set(view.mastery[pr_ui.MASTERY_X]) == {pr_ui.topic_axis(t) for t in view.dashboard.topics}
    chat, none, _ = iv_ui.answer(services, "hi", [], None, True)
    assert none is None and "开始面试" in chat[-1]["content"]


def test_build_app_composes_all_tabs(ui_tutor, services):
    from tutor.ui import build_app

    app = build_app(ui_tutor, services)
    labels = {getattr(b, "label", None) for b in app.blocks.values()}
    assert {"问答 Ask", "模拟面试 Interview", "答案评分 Grade", "进度 Progress", "资料库 Library"} <= labels
