"""Progress records of items whose file was removed from the corpus: kept, shown as removed, never asked, never a crash."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tutor.compose import open_tutor
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.interviewer import Interviewer
from tutor.interview.dashboard import dashboard
from tutor.interview.progress import Store
from tutor.settings import Settings

EXTRA = ("# 额外\n\n## 1. 什么是流水线并行？\n\n**答案：** 按层切分，微批次流水执行以减少气泡。\n\n"
         "## 2. 什么是张量并行？\n\n**答案：** 把矩阵乘法切到多张卡上，每层内通信。\n")


def _interviewer(settings, store):
    from fakes import FAKE_THRESHOLDS

    tutor = open_tutor(settings, encoder=HashEncoder(), show_progress=False, progress=lambda m: None,
                       thresholds=FAKE_THRESHOLDS)
    return Interviewer(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), store, use_llm=False), tutor


@pytest.fixture
def before_and_after(mini_corpus, tmp_path):
    """Practise every extra.md item (and one mini.md item), then remove extra.md and reopen."""
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data")
    store = Store(s.data_dir / "progress.sqlite3")
    old, tutor = _interviewer(s, store)
    extra_ids = [it.id for it in tutor.items if it.source == "extra.md"]
    kept_id = next(it.id for it in tutor.items if it.source == "mini.md")
    for iid in extra_ids + [kept_id]:
        store.record("p", iid, 20, "wrong", "interview", now=1000.0)
    # An unfinished interview whose remaining questions are all extra.md items.
    session, _ = old.start("p", n=3, seed=1)
    session.queue = [kept_id] + extra_ids
    store.save_session(session)
    old.respond(session, "我不太清楚")  # answers the kept item; the next one is from extra.md
    (mini_corpus / "extra.md").unlink()
    new, tutor = _interviewer(s, store)
    return new, tutor, extra_ids, kept_id


def test_records_are_kept_and_marked_removed(before_and_after):
    new, tutor, extra_ids, kept_id = before_and_after
    assert not any(it.source == "extra.md" for it in tutor.items)
    d = dashboard(new.store, "p", tutor.items, now=10**10)
    assert d.items_seen == 3 and d.items_removed == 2
    removed = [it for it in d.items if it.removed]
    assert {it.item for it in removed} == set(extra_ids) and all("removed" in it.question for it in removed)
    # Due, but never planned: a removed item can't be asked.
    assert d.due_now == 1 and [p.item for p in d.plan if p.reason == "due"] == [kept_id]
    # Mastery comes only from items still in the corpus (a removed item has no topics to count).
    assert sum(t.practised for t in d.topics) >= 1 and new.store.latest_scores("p").keys() >= set(extra_ids)


def test_progress_view_renders_removed_items(before_and_after):
    from tutor.ui.progress import item_view, progress_view

    new, tutor, extra_ids, _ = before_and_after
    services = SimpleNamespace(store=new.store, tutor=tutor)
    view = progress_view(services, "p")
    assert len(view.mastery) >= 1 and extra_ids[0] not in view.plan_ids
    history = item_view(services, "p", extra_ids[0])  # its history is kept and still shown
    assert "removed" in history and "20" in history


def test_review_and_planning_ask_only_existing_items(before_and_after):
    new, tutor, extra_ids, kept_id = before_and_after
    review, msgs = new.start("p", mode="review", n=5, now=10**10)
    assert review.queue and not set(review.queue) & set(extra_ids) and msgs[-1]["kind"] == "question"
    interview, _ = new.start("p", n=10, seed=3)
    assert interview.queue and set(interview.queue) <= {it.id for it in tutor.items}


def test_resuming_a_session_skips_removed_items(before_and_after):
    new, tutor, extra_ids, kept_id = before_and_after
    session, msgs = new.resume("p", mode="interview")
    # Both remaining questions were removed: the session ends with the one graded answer, reported.
    assert session.queue == [kept_id] and session.phase == "done"
    assert msgs[-1]["kind"] == "report" and [q["item"] for q in msgs[-1]["data"]["report"]["questions"]] == [kept_id]
    assert new.store.unfinished_session("p", "interview") is None


def test_resuming_at_a_follow_up_on_a_removed_item_keeps_its_grade_and_moves_on(mini_corpus, tmp_path):
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data")
    store = Store(s.data_dir / "progress.sqlite3")
    old, tutor = _interviewer(s, store)
    kept_id = next(it.id for it in tutor.items if it.source == "mini.md")
    session, _ = old.start("f", n=2, seed=1)
    from tutor.interview.session import Session

    raw = dict(session.to_json(), queue=["extra.md#1", kept_id], index=0, phase="followup", turns=[
        {"item": "extra.md#1", "question": "什么是流水线并行？", "answer": "切分", "score": 40, "band": "partial",
         "hints": 0, "points": 2, "missed": [], "followup": {"point": "气泡", "status": "missed", "question": "气泡？"}}])
    session = Session.from_json(raw)
    store.save_session(session)
    (mini_corpus / "extra.md").unlink()
    new, _ = _interviewer(s, store)
    resumed, msgs = new.resume("f", mode="interview")
    assert resumed.turns[0].final_score == 40 and resumed.index == 1
    assert msgs[-1]["kind"] == "question" and msgs[-1]["data"]["item"] == kept_id
    assert new.store.latest_scores("f") == {"extra.md#1": 40}
