"""The learner dashboard: hand-worked rows through the pure builder, then a seeded SQLite store."""
from __future__ import annotations

from datetime import timezone

import pytest

from tutor.corpus.topics import TOPICS
from tutor.interview.dashboard import ALL, NEW_PER_TOPIC, PLAN_SIZE, build_dashboard, dashboard, item_history
from tutor.interview.progress import Attempt, CardRow, Store
from tutor.records import Item

DAY = 86_400
NOW = 10 * DAY + 9 * 3600  # 1970-01-11 09:00 UTC


def _item(source, number, topic, answer="答案"):
    return Item(source, number, "", f"{source} 第{number}题？", answer=answer, topics=(topic,))


ITEMS = [_item("a.md", 1, "distributed"), _item("a.md", 2, "distributed"), _item("a.md", 3, "distributed"),
         _item("a.md", 4, "distributed", answer=""),  # a heading with no answer: never counted or planned
         _item("b.md", 1, "compression"), _item("b.md", 2, "compression"), _item("c.md", 1, "overfitting")]
CARDS = [CardRow("a.md#1", 30, NOW - 60, 2), CardRow("a.md#2", 80, NOW + DAY, 1),
         CardRow("b.md#1", 60, NOW + DAY + 3600, 1), CardRow("b.md#2", 90, NOW + 5 * DAY, 1),
         CardRow("gone.md#1", 10, NOW - 100, 1)]  # its file left the corpus
ATTEMPTS = [Attempt("a.md#1", "interview", "s1", 20, "wrong", ("AllReduce",), 9 * DAY),
            Attempt("b.md#1", "interview", "s1", 60, "partial", (), 9 * DAY + 60),
            Attempt("a.md#1", "review", "s2", 30, "wrong", (), NOW - 3600),
            Attempt("a.md#2", "review", "s2", 80, "excellent", (), NOW - 3500),
            Attempt("b.md#2", "grade", None, 90, "excellent", (), NOW - 1800)]


@pytest.fixture
def dash():
    return build_dashboard("kim", ITEMS, CARDS, ATTEMPTS, now=NOW, tz=timezone.utc)


def test_every_topic_with_items_is_shown_with_its_counts_and_unseen_ones_have_no_score(dash):
    by = {t.topic: t for t in dash.topics}
    assert list(by) == [t for t in TOPICS if any(t in it.topics for it in ITEMS)]  # in the list's order
    assert (by["distributed"].items, by["distributed"].practised, by["distributed"].mastery) == (3, 2, 55.0)
    assert (by["compression"].items, by["compression"].practised, by["compression"].mastery) == (2, 2, 75.0)
    assert (by["overfitting"].items, by["overfitting"].practised, by["overfitting"].mastery) == (1, 0, None)
    assert "inference" not in by  # no item on it and never practised: no empty bar
    assert [t.topic for t in dash.weak_topics()] == ["distributed"]  # 75 is off the review list, not weak
    assert (dash.items_seen, dash.items_removed) == (5, 1)


def test_topic_items_list_last_score_and_next_review_weakest_first_then_unseen(dash):
    rows = [(it.item, it.last_score, it.due) for it in dash.topic_items("distributed")]
    assert rows == [("a.md#1", 30, "1970-01-11T08:59+00:00"), ("a.md#2", 80, "1970-01-12T09:00+00:00"),
                    ("a.md#3", None, None)]
    assert [it.item for it in dash.items if it.removed] == ["gone.md#1"]


def test_plan_is_due_items_then_unseen_items_of_weak_topics(dash):
    assert [(p.item, p.reason) for p in dash.plan] == [("a.md#1", "due"), ("a.md#3", "new")]
    assert dash.due_now == 1  # the removed item is due too, but can't be asked
    assert dash.plan[1].topic == "distributed" and dash.plan[0].last_score == 30


def test_next_due_counts_the_items_of_that_day(dash):
    nd = dash.next_due
    assert (nd.when, nd.days, nd.count, nd.text) == ("1970-01-12T09:00+00:00", 1, 2, "下次复习：明天 2 题")


def test_trend_has_a_point_per_session_overall_and_per_topic(dash):
    points = {(p.number, p.topic): (p.session, p.score, p.answers) for p in dash.trend}
    assert points == {(1, ALL): ("s1", 40.0, 2), (1, "distributed"): ("s1", 20.0, 1), (1, "compression"): ("s1", 60.0, 1),
                      (2, ALL): ("s2", 55.0, 2), (2, "distributed"): ("s2", 55.0, 2),
                      (3, ALL): ("grade:1970-01-11", 90.0, 1), (3, "compression"): ("grade:1970-01-11", 90.0, 1)}
    assert dash.sessions == 3 and dash.trend_ready


def test_a_new_profile_gets_an_empty_but_complete_dashboard():
    d = build_dashboard("new", ITEMS, [], [], now=NOW, tz=timezone.utc)
    assert [t.topic for t in d.topics] == [t for t in TOPICS if any(t in it.topics for it in ITEMS)]
    assert all(t.mastery is None for t in d.topics)
    assert d.plan == () and d.next_due is None and d.trend == () and not d.trend_ready
    assert d.to_json()["trend_ready"] is False and d.to_json()["topics"][0]["mastery"] is None


def test_one_session_is_not_a_trend():
    d = build_dashboard("one", ITEMS, CARDS[:1], ATTEMPTS[:2], now=NOW, tz=timezone.utc)
    assert d.sessions == 1 and not d.trend_ready


def test_plan_is_capped_due_first_and_new_items_spread_over_weak_topics():
    items = [_item("d.md", n, "distributed") for n in range(1, 11)] + [_item("e.md", n, "compression") for n in range(1, 6)]
    cards = [CardRow(f"d.md#{n}", 10 * n, NOW - n, 1) for n in (1, 2)] + [CardRow("e.md#1", 40, NOW + DAY, 1)]
    d = build_dashboard("p", items, cards, [], now=NOW, tz=timezone.utc)
    assert [p.item for p in d.plan if p.reason == "due"] == ["d.md#1", "d.md#2"]  # weakest first
    new = [p for p in d.plan if p.reason == "new"]
    assert [p.topic for p in new] == ["distributed"] * NEW_PER_TOPIC + ["compression"] * NEW_PER_TOPIC
    many = [CardRow(f"d.md#{n}", n, NOW - 1, 1) for n in range(1, 11)]
    d = build_dashboard("p", items, many, [], now=NOW, tz=timezone.utc)
    assert len(d.plan) == PLAN_SIZE and {p.reason for p in d.plan} == {"due"} and d.due_now == 10


def test_a_seeded_store_reads_back_into_the_dashboard_and_item_history(tmp_path):
    store = Store(tmp_path / "p.sqlite3")
    missed = [{"point": "AllReduce 同步梯度", "source": "a.md", "number": 1}]
    store.record("kim", "a.md#1", 20, "wrong", "interview", missed, "s1", now=9 * DAY)
    store.record("kim", "b.md#1", 90, "excellent", "interview", [], "s1", now=9 * DAY + 60)
    store.record("kim", "a.md#1", 60, "partial", "grade", [], None, now=NOW - 60)
    store.record("amy", "c.md#1", 50, "partial", "grade", [], None, now=NOW)  # another profile: not counted
    d = dashboard(store, "kim", ITEMS, now=NOW, tz=timezone.utc)
    by = {t.topic: t for t in d.topics}
    assert (by["distributed"].practised, by["distributed"].mastery) == (1, 60.0)  # the latest score counts
    assert (by["compression"].practised, by["compression"].mastery) == (1, 90.0)
    assert by["overfitting"].mastery is None and d.items_seen == 2
    assert [(p.number, p.session, p.score) for p in d.trend if p.topic == ALL] == \
        [(1, "s1", 55.0), (2, "grade:1970-01-11", 60.0)]
    # FSRS schedules a.md#1 (just answered) in the future: the next due is after now and counts it.
    assert d.next_due is not None and d.next_due.count >= 1 and d.next_due.when > d.now
    history = item_history(store, "kim", "a.md#1", ITEMS, tz=timezone.utc)
    assert [(a["when"], a["mode"], a["score"], a["missed"]) for a in history.attempts] == \
        [("1970-01-10T00:00+00:00", "interview", 20, ["AllReduce 同步梯度"]),
         ("1970-01-11T08:59+00:00", "grade", 60, [])]
    gone = item_history(store, "kim", "gone.md#9", ITEMS)
    assert gone.attempts == () and "removed" in gone.question
