"""Per-user limits and the fair LLM queue, on a fake clock (no sleeping)."""
from __future__ import annotations

import threading
import time

import pytest

from tutor.serve.limits import (FairGenerator, FairLock, LimitError, Limits, LimitSettings, RoundRobin,
                                TokenBucket, current_user)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_token_bucket_allows_a_burst_then_the_average_rate():
    clock = Clock()
    bucket = TokenBucket(per_minute=6, clock=clock)
    assert [bucket.take() for _ in range(7)] == [True] * 6 + [False]
    assert bucket.wait_s() == pytest.approx(10.0)
    clock.t += 9.9
    assert not bucket.take()
    clock.t += 0.2
    assert bucket.take() and not bucket.take()
    clock.t += 3600  # refills only up to the burst
    assert sum(bucket.take() for _ in range(10)) == 6


def test_rates_are_per_user_and_per_kind():
    clock = Clock()
    limits = Limits(LimitSettings(questions_per_minute=2, answers_per_minute=3), clock=clock)
    for _ in range(2):
        limits.admit("amy", "question", "q")
    with pytest.raises(LimitError, match="at most 2 a minute"):
        limits.admit("amy", "question", "q")
    limits.admit("bob", "question", "q")  # bob is not slowed by amy
    for _ in range(3):
        limits.admit("amy", "answer", "a")  # nor are amy's answers by her questions
    clock.t += 30
    limits.admit("amy", "question", "q")


def test_an_over_long_input_gets_a_clear_message_and_costs_no_rate():
    limits = Limits(LimitSettings(questions_per_minute=1, max_question=10, max_answer=20), clock=Clock())
    with pytest.raises(LimitError, match="11 characters, at most 10"):
        limits.admit("amy", "question", "x" * 11)
    with pytest.raises(LimitError, match="at most 20 for an answer"):
        limits.admit("amy", "answer", "x" * 21)
    limits.admit("amy", "question", "x" * 10)  # the refused one did not use amy's single token


def test_concurrent_generations_are_bounded_per_user():
    limits = Limits(LimitSettings(concurrent_generations=2))
    with limits.generation("amy"), limits.generation("amy"):
        with pytest.raises(LimitError):
            with limits.generation("amy"):
                pass
        with limits.generation("bob"):
            pass
    with limits.generation("amy"), limits.generation("amy"):  # slots come back, even after the refusal
        pass
    assert limits.running["amy"] == 0


def test_round_robin_serves_users_in_turn_fifo_within_each():
    rr = RoundRobin()
    for user, job in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1"), ("b", "b2")]:
        rr.push(user, job)
    assert [rr.pop() for _ in range(6)] == ["a1", "b1", "c1", "a2", "b2", "a3"]
    assert len(rr) == 0


def test_fair_lock_lets_a_second_user_in_before_the_first_users_batch():
    lock, order = FairLock(), []
    lock.acquire("holder")

    def worker(user, job):
        lock.acquire(user)
        order.append(job)
        lock.release()

    threads = []
    for user, job in [("amy", "amy1"), ("amy", "amy2"), ("amy", "amy3"), ("bob", "bob1")]:
        t = threading.Thread(target=worker, args=(user, job))
        t.start()
        threads.append(t)
        deadline = time.time() + 5  # wait until it queues, so arrival order is the listed one
        while sum(len(q) for q in lock.queue.waiting.values()) < len(threads) and time.time() < deadline:
            time.sleep(0.001)
    lock.release()
    for t in threads:
        t.join(5)
    assert order == ["amy1", "bob1", "amy2", "amy3"]  # bob waits for one of amy's calls, not three
    assert not lock.busy


def test_fair_generator_streams_the_inner_generators_text_and_frees_the_lock():
    from tutor.llm.base import ScriptedGenerator

    gen = FairGenerator(ScriptedGenerator(["一二三四五六"]))
    token = current_user.set("amy")
    try:
        assert "".join(gen.stream([{"role": "user", "content": "hi"}])) == "一二三四五六"
    finally:
        current_user.reset(token)
    assert not gen.lock.busy and gen.history[0][0]["content"] == "hi"  # other attributes are the inner one's


def test_fair_generator_has_a_forced_choice_only_when_its_inner_one_does_and_takes_its_turn_for_it():
    from tutor.llm.base import ScriptedGenerator

    assert not hasattr(FairGenerator(ScriptedGenerator([])), "choose")  # the judge then streams JSON instead

    class Choosing(ScriptedGenerator):
        def choose(self, messages, words, n, lead="", sep=""):
            assert fair.lock.busy  # called while holding the turn
            return [{words[0]: 1.0}] * n

    fair = FairGenerator(Choosing([]))
    assert fair.choose([], ["correct"], 2) == [{"correct": 1.0}] * 2 and not fair.lock.busy
