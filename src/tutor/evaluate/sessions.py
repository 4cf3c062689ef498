"""Simulated interviews: every persona through a whole session, plus follow-up coverage for a good and a poor candidate.

Band accuracy says whether main answers get the band they should; follow-up coverage is the share of
follow-ups whose answer addressed the point (the reply's verdict is covered or partial). The coverage
runs give the same partial main answers (so the same follow-ups are asked) and differ only in the replies:
the good candidate states the probed point, the poor one says it doesn't know.

Example:
    >>> coverage([{"data": {"addressed": True}}, {"data": {"addressed": False}}])
    0.5
    >>> coverage([]) is None
    True
"""
from __future__ import annotations

import statistics
import time
from typing import Callable

from tutor.evaluate.personas import followup_answer, partial, personas


def coverage(replies: list[dict]) -> float | None:
    """Share of follow-up replies that say the answer addressed its point (None when nothing was followed up)."""
    return round(sum(bool(r["data"]["addressed"]) for r in replies) / len(replies), 3) if replies else None


def run_session(interviewer, profile: str, answer: Callable, followup: Callable[[str], str], n: int,
                expected: str | None = None, seed: int = 7) -> dict:
    """One simulated session: answer(item) to each question, followup(point) to each follow-up.

    Returns:
        bands, band accuracy (against `expected`), follow-ups asked, follow-up coverage, the reply's
        own time (reply_s: grading the follow-up and writing the reply) and the whole turn's wait, medians.
    """
    t0 = time.perf_counter()
    session, msgs = interviewer.start(profile, None, n, "interview", seed=seed)
    bands, waits, replies, phrase_first = [], [], [], []
    while session.phase != "done":
        last = msgs[-1]
        item = interviewer.items[session.current]
        text = answer(item) if last["kind"] == "question" else followup(last["data"]["point"])
        t1 = time.perf_counter()
        msgs = interviewer.respond(session, text)
        waits.append(time.perf_counter() - t1)
        bands += [m["data"]["band"] for m in msgs if m["kind"] == "grade"]
        replies += [m for m in msgs if m["kind"] == "followup_reply"]
        phrase_first += [m["data"]["first_token_s"] for m in msgs
                         if m["kind"] == "followup" and m["data"].get("first_token_s") is not None]
    median = lambda xs: round(statistics.median(xs), 3) if xs else None  # noqa: E731
    return {"expected": expected, "bands": bands,
            "band_accuracy": round(sum(b == expected for b in bands) / max(1, len(bands)), 3) if expected else None,
            "session_s": round(time.perf_counter() - t0, 1), "reply_s_median": median(waits),
            "followups": len(replies), "followup_coverage": coverage(replies),
            "followup_reply_s_median": median([r["data"]["reply_s"] for r in replies]),
            "followup_first_token_s_median": median(phrase_first)}


def eval_interview(interviewer, n: int = 5, store_for: Callable[[str], object] | None = None) -> dict:
    """Every persona, then the follow-up coverage pair ("followup_good", "followup_poor").

    Args:
        interviewer: an Interviewer; its store is swapped per run when `store_for` is given (a fresh
            store per profile, so no run's history changes another's plan).
        n: questions per session.
        store_for: profile → a progress store.
    """
    pool = list(interviewer.items.values())
    runs = {name: (fn, expected, lambda point, name=name: followup_answer(name, point))
            for name, (fn, expected) in personas(pool).items()}
    runs["followup_good"] = (partial, "partial", lambda point: followup_answer("excellent", point))
    runs["followup_poor"] = (partial, "partial", lambda point: followup_answer("partial", point))
    results = {}
    for name, (answer, expected, followup) in runs.items():
        if store_for is not None:
            interviewer.store = store_for(name)
        results[name] = run_session(interviewer, name, answer, followup, n, expected)
    return results
