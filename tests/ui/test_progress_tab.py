"""Progress tab handlers over a seeded store (no server): chart frames, plan, one-click review, item history."""
from __future__ import annotations

import time

import pytest

from fakes import FAKE_THRESHOLDS
from tutor.compose import open_tutor
from tutor.corpus.topics import TOPICS
from tutor.interview.session import askable
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.progress import Store
from tutor.settings import Settings
from tutor.ui import Services
from tutor.ui import interview as iv_ui
from tutor.ui import progress as pr_ui


@pytest.fixture
def services(mini_corpus, tmp_path):
    tutor = open_tutor(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(), show_progress=False,
                       progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    return Services(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), Store(tmp_path / "p.sqlite3"), False)


def _session(services, profile, n=2):
    chat, session, report = iv_ui.start(services, profile, [], n, True)
    while session.phase != "done":
        chat, session, report = iv_ui.answer(services, "/skip", chat, session, True)
    return session


def test_a_new_profile_sees_every_topic_unseen_and_a_trend_note(services):
    view = pr_ui.progress_view(services, "nobody")
    labels = set(view.mastery[pr_ui.MASTERY_X])
    present = {t for it in services.tutor.retriever.index.items if askable(it) for t in it.topics}
    assert len(labels) == len(present) and all("未练习 (0/" in label for label in labels)
    assert set(view.mastery[pr_ui.MASTERY_C]) == {pr_ui.band_of(None)}  # grey unseen items only, no zeros
    assert view.trend.empty and view.plan_ids == [] and "再练习一次" in view.summary
    assert "下次复习：暂无" in view.summary


def test_after_one_session_the_chart_counts_practised_items_by_band(services):
    session = _session(services, "bo")
    view = pr_ui.progress_view(services, "bo")
    frame = view.mastery
    practised = frame[frame[pr_ui.MASTERY_C] != pr_ui.band_of(None)][pr_ui.MASTERY_Y].sum()
    assert practised == len(session.turns) == 2
    assert frame[pr_ui.MASTERY_Y].sum() == sum(t.items for t in view.dashboard.topics)  # every item once
    weakest = frame[pr_ui.MASTERY_X].iloc[0]
    assert "· 0分 (1/1)" in weakest  # a skipped answer: weakest first, its score and count on the axis
    assert len(view.trend) == 1 and not view.dashboard.trend_ready  # one point: the chart stays hidden
    assert "下次复习：" in view.summary and "今天" in view.summary  # FSRS: a failed item comes back within minutes


def test_the_plan_starts_a_review_of_exactly_its_items(services):
    week_ago = time.time() - 7 * 86_400
    for iid, score in (("mini.md#3", 70), ("mini.md#1", 20)):  # both due by now
        services.store.record("cy", iid, score, "partial", "interview", now=week_ago)
    view = pr_ui.progress_view(services, "cy")
    assert view.plan_ids == ["mini.md#1", "mini.md#3"]  # weakest first
    chat, session, _ = iv_ui.start_plan(services, "cy", view.plan_ids, True)
    assert session.mode == "review" and session.queue == view.plan_ids
    assert f"第 1/{len(view.plan_ids)} 题" in chat[-1]["content"]
    chat, none, _ = iv_ui.start_plan(services, "cy", [], True)
    assert none is None and "没有要复习" in chat[-1]["content"]


def test_two_sessions_make_a_trend_and_items_show_their_history(services):
    first = _session(services, "di")
    _session(services, "di")
    view = pr_ui.progress_view(services, "di")
    assert view.dashboard.trend_ready
    overall = view.trend[view.trend[pr_ui.TREND_C] == "全部 all"]
    assert list(overall[pr_ui.TREND_X].str[:2]) == ["#1", "#2"]
    rows = pr_ui.topic_rows(view.dashboard, view.topic)
    assert rows and rows[0][1] != "未练习" and rows[-1][3] in {it.item for it in view.dashboard.items}
    history = pr_ui.item_view(services, "di", first.turns[0].item)
    assert "面试 interview" in history and "<td>0 " in history  # the skipped attempt, score 0
    assert pr_ui.item_view(services, "di", None) == ""
