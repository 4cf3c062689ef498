"""Fault injection: the generator's worker process is killed, segfaults or hangs; the app carries on.

Each case checks what the user sees (the reference answer with a clear note), that the next question
gets a generated answer from a fresh worker, and that no session state is lost.
"""
from __future__ import annotations

import os
import signal
import time

import pytest

from tutor.answer.ask import GENERATION_FAILED, Asker as _Asker
from tutor.index.embed import HashEncoder
from tutor.llm.worker import GeneratorFailed, WorkerGenerator
from tutor.compose import open_tutor
from tutor.settings import Settings

from fakes import FAKE_THRESHOLDS

QUESTION = "数据并行和模型并行的区别是什么？"


@pytest.fixture
def control(tmp_path):
    path = tmp_path / "mode"
    path.write_text("ok")
    return path


@pytest.fixture
def worker(control):
    gen = WorkerGenerator(("fault_generators", "FaultyGenerator", {"control": str(control)}),
                          first_token_timeout=30.0, token_timeout=1.5)
    yield gen
    gen.close()


@pytest.fixture
def tutor(mini_corpus, tmp_path, worker):
    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data")
    return open_tutor(s, encoder=HashEncoder(), generator=worker, show_progress=False, progress=lambda m: None,
                      thresholds=FAKE_THRESHOLDS)


def _generated_ok(answer) -> bool:
    return not answer.refused and not answer.generation_error and "AllReduce" in answer.text


def test_a_generator_in_a_worker_streams_warms_and_reports_restored_tokens(worker):
    assert worker.warm([{"role": "system", "content": "x"}]) is True
    assert worker.warm([{"role": "system", "content": "x"}]) is False  # same child kept its state
    assert "".join(worker.stream([{"role": "user", "content": "q"}])).startswith("数据并行")
    assert worker.last_restored == 7 and worker.restarts == 0


def test_the_judges_forced_choice_crosses_the_process_and_a_failure_comes_back_as_an_error(worker, control):
    words = ["correct", "extra", "wrong", "irrelevant"]
    probs = worker.choose([{"role": "user", "content": "q"}], words, 3, lead="[", sep=",")
    assert probs == [{"correct": 1.0, "extra": 0.0, "wrong": 0.0, "irrelevant": 0.0}] * 3
    control.write_text("raise")
    with pytest.raises(GeneratorFailed, match="bad prompt"):
        worker.choose([{"role": "user", "content": "q"}], words, 1)
    control.write_text("ok")
    assert len(worker.choose([{"role": "user", "content": "q"}], words, 1)) == 1  # the same child serves on
    assert worker.restarts == 0


def test_worker_killed_mid_stream_shows_the_reference_then_the_next_question_is_generated(tutor, worker, control):
    asker = _Asker(tutor, FAKE_THRESHOLDS)
    control.write_text("pause")
    events = []
    for ev in asker.ask(QUESTION):
        events.append(ev)
        if ev["type"] == "token" and len([e for e in events if e["type"] == "token"]) == 1:
            os.kill(worker._proc.pid, signal.SIGKILL)  # what the kernel's OOM killer does
    kinds = [e["type"] for e in events]
    assert kinds[0] == "reference" and kinds[-1] == "done"
    answer = events[-1]["answer"]
    assert answer.generation_error == GENERATION_FAILED and not answer.refused
    assert answer.text.startswith(events[0]["reference"]["text"]) and answer.citations
    assert "killed by signal 9" in answer.timings["generation_error"]
    assert worker.restarts == 1
    control.write_text("ok")
    assert _generated_ok(asker.answer(QUESTION))  # the replacement worker answers normally


def test_a_segfault_in_the_worker_is_a_note_not_a_dead_app(tutor, worker, control):
    from tutor.ui.ask import ask_turn

    control.write_text("segv")
    *_, (chat, convo, status, sources) = list(ask_turn(tutor, QUESTION, [], [], quick=False))
    assert chat[-1]["content"] == GENERATION_FAILED
    assert any("参考答案 Reference" in m["content"] for m in chat)
    assert "killed by signal 11" in worker.last_failure
    control.write_text("ok")
    *_, (chat2, convo2, _, _) = list(ask_turn(tutor, QUESTION, chat, convo, quick=False))
    assert "AllReduce" in chat2[-1]["content"] and len(convo2) == 4  # the conversation kept both turns


def test_a_hung_worker_is_replaced_after_the_time_limit(tutor, worker, control):
    control.write_text("hang")
    t0 = time.monotonic()
    answer = _Asker(tutor, FAKE_THRESHOLDS).answer(QUESTION)
    assert answer.generation_error and "stopped responding" in answer.timings["generation_error"]
    assert time.monotonic() - t0 < 20  # bounded by the token time limit, not the hang
    control.write_text("ok")
    assert _generated_ok(_Asker(tutor, FAKE_THRESHOLDS).answer(QUESTION))
    assert worker.restarts == 1


def test_a_python_error_in_the_generator_is_reported_and_the_worker_lives_on(worker, control):
    control.write_text("raise")
    with pytest.raises(GeneratorFailed, match="ValueError: bad grammar"):
        list(worker.stream([{"role": "user", "content": "q"}]))
    control.write_text("ok")
    assert "".join(worker.stream([{"role": "user", "content": "q"}])).endswith("同步[1]。")
    assert worker.restarts == 0


def test_an_abandoned_stream_leaves_nothing_behind_for_the_next_request(worker):
    stream = worker.stream([{"role": "user", "content": "q"}])
    assert next(stream) == "数据并行"
    stream.close()  # the UI stopped reading (user pressed stop, browser closed)
    assert "".join(worker.stream([{"role": "user", "content": "q"}])).startswith("数据并行把训")


def test_a_model_that_cannot_load_gives_a_clear_error(control):
    gen = WorkerGenerator(("fault_generators", "FaultyGenerator", {"control": str(control), "fail_load": True}))
    try:
        with pytest.raises(GeneratorFailed, match="could not start: FileNotFoundError"):
            gen.warm([])
    finally:
        gen.close()


def test_interview_state_survives_a_judge_crash(tutor, worker, control, tmp_path):
    from tutor.grade.grader import Grader
    from tutor.interview.interviewer import Interviewer
    from tutor.interview.progress import Store

    store = Store(tmp_path / "data" / "progress.sqlite3")
    interviewer = Interviewer(tutor, Grader(tutor.retriever, generator=worker, thresholds=tutor.thresholds),
                              store, use_llm=True)
    session, _ = interviewer.start("ann", None, 2, seed=1)
    control.write_text("segv")
    item = interviewer.items[session.queue[0]]
    msgs = interviewer.respond(session, item.key_points[0] if item.key_points else item.answer[:60])
    grade = next(m for m in msgs if m["kind"] == "grade")
    assert grade["data"]["score"] is not None  # the deterministic grade stands without the judge
    assert worker.restarts >= 1 and "signal 11" in worker.last_failure  # the judge's worker did crash
    saved = store.sessions("ann")[0]
    assert saved.id == session.id and saved.turns[0].score == session.turns[0].score
    control.write_text("ok")
    while session.phase != "done":
        interviewer.respond(session, "/skip")
    assert store.sessions("ann")[0].phase == "done" and len(store.sessions("ann")[0].turns) == 2


def test_background_warmup_survives_a_failing_generator_and_gives_up_after_a_few_items(mini_corpus):
    from tutor.corpus.load import load_corpus
    from tutor.llm.warmup import MAX_FAILURES, warm_all

    class Crashing:
        calls = 0

        def warm(self, prefix):
            Crashing.calls += 1
            raise GeneratorFailed("the generator process crashed (killed by signal 11)")

    items = load_corpus(mini_corpus) * 3
    assert warm_all(Crashing(), items, progress=False) == 0
    assert Crashing.calls == MAX_FAILURES < len(items)
