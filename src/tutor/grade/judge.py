"""The LLM as a constrained judge of the candidate's claims: one verdict per sentence, grammar-forced JSON.

The judge never writes prose that reaches the score: llama.cpp's grammar (from
`prompts.judge_claims_schema`) only lets it emit `{"claims": [...]}` with one of three words per
sentence, and `parse_claims` rejects anything else, so the grader falls back to its deterministic
verdicts and says so. Coverage stays deterministic; the judge only says which sentences are wrong,
and the grader decides which key point each wrong sentence contradicts (see grader.Grader).

Prompt layout (see prompts.judge_claims_prefix): [instructions + question + numbered key points] is
a per-item prefix whose KV state is computed once (`warm`); only the numbered sentences are new.

Example:
    >>> parse_claims('{"claims": ["correct", "wrong"]}', 2)
    ['correct', 'wrong']
    >>> parse_claims('{"claims": ["correct"]}', 2) is None
    True
"""
from __future__ import annotations

import json
import time

from tutor.llm.prompts import CLAIM_VERDICTS, judge_claims_messages, judge_claims_prefix, judge_claims_schema

MAX_SENTENCES = 12  # sentences judged; later ones keep their deterministic verdicts (bounded latency)
MAX_SENTENCE_CHARS = 200  # a run-on "sentence" is cut: ~100 tokens each at most
TOKENS_PER_VERDICT = 4  # '"irrelevant", ' is 4 tokens


def parse_claims(text: str, n: int) -> list[str] | None:
    """The n verdicts from the judge's JSON, or None when it is not exactly that."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    claims = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(claims, list) or len(claims) != n or any(v not in CLAIM_VERDICTS for v in claims):
        return None
    return list(claims)


def warm(generator, question: str, points: list[str]) -> bool:
    """Compute the item's judge prefix state ahead of time (True if it had to be computed)."""
    return generator.warm(judge_claims_prefix(question, points))


def judge_claims(generator, question: str, points: list[str], sentences: list[str],
                 timings: dict) -> tuple[list[str] | None, str]:
    """Ask the generator for one verdict per candidate sentence.

    Args:
        generator: a Generator (stream with json_schema, warm).
        question: the item's question (part of the cached prefix, so the item's wording, not the user's).
        points: the item's key point texts, in order.
        sentences: the candidate's sentences; only the first MAX_SENTENCES are judged.
        timings: receives judge_warm_s and judge_s.

    Returns:
        (verdicts or None, status): one verdict per judged sentence; status is "used" or "failed: <why>".
    """
    judged = [s[:MAX_SENTENCE_CHARS] for s in sentences[:MAX_SENTENCES]]
    t0 = time.perf_counter()
    try:
        warm(generator, question, points)
        timings["judge_warm_s"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        text = "".join(generator.stream(judge_claims_messages(question, points, judged),
                                        max_tokens=12 + TOKENS_PER_VERDICT * len(judged), temperature=0.0,
                                        json_schema=judge_claims_schema(len(judged))))
        timings["judge_s"] = round(time.perf_counter() - t1, 3)
    except Exception as exc:  # a judge that crashes must not take the grade down with it
        return None, f"failed: {exc.__class__.__name__}: {exc}"[:200]
    verdicts = parse_claims(text, len(judged))
    if verdicts is None:
        return None, f"failed: unparseable judge output {text[:80]!r}"
    return verdicts, "used"
