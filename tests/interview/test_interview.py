"""Interview state machine and learner model, with fakes (hashed embedder, deterministic grader)."""
from __future__ import annotations

import sqlite3

import pytest

from tutor.index.embed import HashEncoder
from tutor.grade.grader import Grader
from tutor.interview.session import final_score, parse_command, plan
from tutor.text.clause import label as point_name
from tutor.interview.interviewer import Interviewer
from tutor.compose import open_tutor
from tutor.interview.dashboard import dashboard
from tutor.interview.progress import Store, StoreError
from tutor.settings import Settings
from tutor.evaluate.personas import PERSONAS, followup_answer


@pytest.fixture
def rig(mini_corpus, tmp_path):
    from fakes import FAKE_THRESHOLDS

    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data")
    tutor = open_tutor(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None,
                       thresholds=FAKE_THRESHOLDS)
    store = Store(s.data_dir / "progress.sqlite3")
    return Interviewer(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), store, use_llm=False), tutor


def _run(interviewer, persona, n=3, profile=None):
    answer_fn, _ = PERSONAS[persona]
    session, msgs = interviewer.start(profile or persona, None, n, seed=1)
    transcript = list(msgs)
    while session.phase != "done":
        item = interviewer.items[session.current]
        last = msgs[-1]
        text = answer_fn(item) if last["kind"] == "question" else followup_answer(persona, last["data"]["point"])
        msgs = interviewer.respond(session, text)
        transcript += msgs
    return session, transcript


def test_commands_parse():
    assert [parse_command(t) for t in ("/skip", "提示", "/end", "/help", "/x", "答案")] == \
        ["skip", "hint", "end", "help", "unknown", None]


def test_plan_never_repeats_and_filters_topics(rig):
    _, tutor = rig
    queue = plan(tutor.items, ["compression"], 5, {}, seed=3)
    assert queue == [it.id for it in tutor.items if "compression" in it.topics]
    assert len(set(plan(tutor.items, None, 10, {}, seed=3))) == len(tutor.items)


def test_final_score_bonus_and_hint_penalty():
    assert final_score(50, None, 4, 0) == 50
    assert final_score(50, 1.0, 4, 0) == 75
    assert final_score(5, None, 4, 2) == 0


@pytest.mark.parametrize("persona", ["empty", "repeats_question"])
def test_non_answers_score_empty_and_everything_goes_to_review(rig, persona):
    interviewer, _ = rig
    session, transcript = _run(interviewer, persona)
    asked = [t.item for t in session.turns]
    assert len(asked) == len(set(asked)) == 3  # never the same item twice
    assert [m["data"]["band"] for m in transcript if m["kind"] == "grade"] == ["empty"] * 3
    report = transcript[-1]["data"]["report"]
    assert [q["item"] for q in report["questions"]] == asked
    assert {r["item"] for r in report["review"]} == set(asked)
    assert report["missed_points"] and all({"point", "source", "number"} <= m.keys() for m in report["missed_points"])


def test_followup_aims_at_a_missed_point_and_can_earn_it_back(rig):
    interviewer, _ = rig
    session, item = _on_a_multi_point_item(interviewer, "p", 1)
    assert len(item.key_points) >= 2
    first_point = item.key_points[0]
    msgs = interviewer.respond(session, first_point)
    follow = next(m for m in msgs if m["kind"] == "followup")
    squash = [p.replace(" ", "") for p in item.key_points[1:]]
    assert follow["data"]["point"].replace(" ", "") in squash
    msgs = interviewer.respond(session, follow["data"]["point"])
    turn = session.turns[0]
    assert turn.followup.credit > 0 and turn.final_score > turn.score
    assert msgs[-1]["kind"] == "report"


def test_hint_skip_help_and_empty_answers(rig):
    interviewer, _ = rig
    session, _ = interviewer.start("h", None, 2, seed=1)
    assert interviewer.respond(session, "/dance")[0]["kind"] == "help"
    hint = interviewer.respond(session, "/hint")[0]
    assert hint["kind"] == "hint" and session.hints == 1
    msgs = interviewer.respond(session, "   ")  # empty: a valid turn worth 0
    assert session.turns[0].final_score == 0 and msgs[-1]["kind"] == "question"
    msgs = interviewer.respond(session, "/skip")
    assert session.turns[1].skipped and msgs[-1]["kind"] == "report"


def test_progress_survives_a_restart_and_review_asks_weakest_due(rig, tmp_path):
    interviewer, tutor = rig
    session, _ = interviewer.start("r", None, 3, seed=1)
    interviewer.respond(session, "")  # answered one, then the "process dies"
    reopened = Interviewer(tutor, interviewer.grader, Store(tutor.settings.data_dir / "progress.sqlite3"),
                           use_llm=False)
    resumed, msgs = reopened.resume("r")
    assert resumed.id == session.id and resumed.index == 1 and msgs[-1]["kind"] == "question"
    d = dashboard(reopened.store, "r", tutor.items, now=10**10)
    assert d.items_seen == 1 and d.plan[0].reason == "due" and d.plan[0].last_score == 0
    assert any(t.mastery == 0 for t in d.topics)
    review, msgs = reopened.start("r", mode="review", n=5, now=10**10)
    assert review.queue == [session.turns[0].item]


def test_corrupt_database_is_reported_and_kept(tmp_path):
    bad = tmp_path / "progress.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="left as it is"):
        Store(bad)
    assert bad.read_bytes().startswith(b"this is not a database")
    sqlite3.connect(tmp_path / "ok.sqlite3").close()
    assert Store(tmp_path / "ok.sqlite3").profiles() == []


def test_review_does_not_resume_an_unfinished_interview(rig):
    interviewer, _ = rig
    session, _ = interviewer.start("m", None, 3, seed=1)
    assert interviewer.resume("m", "review") is None
    assert interviewer.resume("m", "interview")[0].id == session.id


def _on_a_multi_point_item(interviewer, profile: str, n: int):
    """A session whose first item has the most key points, so covering one leaves points to follow up."""
    session, _ = interviewer.start(profile, None, n, seed=1)
    item = max(interviewer.all_items, key=lambda it: len(it.key_points))
    session.queue = [item.id] + [i for i in session.queue if i != item.id][: n - 1]
    return session, item


def test_ending_during_a_followup_keeps_the_graded_answer(rig):
    interviewer, _ = rig
    session, item = _on_a_multi_point_item(interviewer, "e", 2)
    msgs = interviewer.respond(session, item.key_points[0])
    assert msgs[-1]["kind"] == "followup", msgs
    graded = session.turns[0].score
    report = interviewer.respond(session, "/end")[-1]["data"]["report"]
    assert [q["item"] for q in report["questions"]] == [item.id]
    assert report["average"] == report["questions"][0]["score"] == graded
    assert interviewer.store.latest_scores("e") == {item.id: graded}


def test_grade_my_answer_feeds_the_learner_model(rig):
    from tutor.interview.progress import record_grade

    interviewer, tutor = rig
    item = next(it for it in tutor.items if it.kind == "item")
    g = interviewer.grader.grade(item.id, "", use_llm=False)
    assert record_grade(interviewer.store, " ", g)  # a blank profile name is the default profile
    assert interviewer.store.latest_scores("default") == {item.id: g.score}
    assert interviewer.store.history("default")[0]["mode"] == "grade"
    assert not record_grade(interviewer.store, "x", interviewer.grader.grade("今天天气怎么样？", "晴", use_llm=False))


@pytest.mark.parametrize("valid", [True, False])
def test_followup_is_reworded_by_the_llm_only_when_the_rewording_is_valid(rig, valid):
    from tutor.llm.base import ScriptedGenerator

    interviewer, tutor = rig
    gen = ScriptedGenerator()
    interviewer.grader = Grader(tutor.retriever, generator=gen, thresholds=tutor.thresholds)
    interviewer.use_llm = True
    session, item = _on_a_multi_point_item(interviewer, "w", 1)
    gen.enqueue('{"claims": ["correct"]}')  # the judge's verdict on the one-sentence answer
    events = []
    stream = interviewer.respond_stream(session, item.key_points[0])
    for ev in stream:
        events.append(ev)
        if ev["type"] == "message" and ev["message"]["kind"] == "grade":
            break
    assert session.phase == "followup"  # the grade is out before any rewording starts
    topic = point_name(session.turns[-1].followup.point)
    template = session.turns[-1].followup.question
    gen.queue = [f"好的，那「{topic}」具体是怎么做的？" if valid else "下一个问题：请讲讲你的项目经历。"]
    events += list(stream)
    kinds = [e["type"] if e["type"] == "token" else e["message"]["kind"] for e in events]
    assert kinds.index("grade") < kinds.index("token") < kinds.index("followup")  # grade first, then the stream
    follow = events[-1]["message"]
    assert follow["data"]["phrased_by"] == ("llm" if valid else "template")
    assert (follow["text"] != template) == valid and topic in follow["text"]
    assert session.turns[-1].followup.question == follow["text"]  # what a resume re-asks


def test_a_session_saved_as_a_plain_dict_still_resumes(rig):
    """Sessions saved before the typed records (dict JSON, no mode/hints/revealed/average) load and go on."""
    import json

    interviewer, _ = rig
    first, second = list(interviewer.items)[:2]
    old = {"id": "old1", "profile": "olga", "topics": [], "queue": [first, second], "index": 0, "phase": "followup",
           "created": 1.0, "turns": [{"item": first, "question": "Q?", "answer": "A", "score": 40, "band": "partial",
                                      "points": 2, "missed": [{"point": "P", "source": "mini.md", "number": 1}],
                                      "followup": {"point": "P", "status": "missed", "question": "那「P」呢？"}}]}
    with interviewer.store._tx() as cur:  # written exactly as the dict-based store wrote it
        cur.execute("INSERT INTO sessions(id, profile, created, updated, finished, state) VALUES (?,?,?,?,?,?)",
                    ("old1", "olga", 1.0, 2.0, 0, json.dumps(old, ensure_ascii=False)))
    session, msgs = interviewer.resume("olga", "interview")
    assert session.id == "old1" and session.mode == "interview" and session.hints == 0
    assert (msgs[-1]["kind"], msgs[-1]["text"], msgs[-1]["data"]["point"]) == ("followup", "那「P」呢？", "P")
    msgs = interviewer.respond(session, "/skip")  # no credit for the follow-up: the main grade stands
    turn = session.turns[0]
    assert turn.followup.credit == 0.0 and turn.final_score == 40 and session.index == 1
    reply = msgs[0]  # the skipped follow-up still gets the reference, cited to the turn's item
    assert reply["kind"] == "followup_reply" and reply["data"]["verdict"] == "skipped"
    assert (reply["data"]["before"], reply["data"]["after"]) == (40, 40)
    assert msgs[-1]["kind"] == "question" and msgs[-1]["data"]["item"] == second
    saved = interviewer.store.unfinished_session("olga")
    assert saved == session  # re-saved in the new form, and it reads back equal
