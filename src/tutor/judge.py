"""The LLM as a constrained judge: one verdict per key point, grammar-forced JSON, parsed strictly.

The judge never writes prose that reaches the score: llama.cpp's grammar (from `prompts.judge_schema`)
only lets it emit `{"verdicts": [...]}` with one of four words per point, and `parse_verdicts`
rejects anything else so the grader falls back to its deterministic verdicts and says so.

Prompt layout (see prompts.judge_prefix): [instructions + question + numbered key points] is a
per-item prefix whose KV state is computed once (`warm`); only the candidate's answer is new.

Example:
    >>> parse_verdicts('{"verdicts": ["covered", "contradicted"]}', 2)
    ['covered', 'contradicted']
    >>> parse_verdicts('{"verdicts": ["covered"]}', 2) is None
    True
"""
from __future__ import annotations

import json
import time

from .prompts import judge_messages, judge_prefix, judge_schema

VERDICTS = ("covered", "partial", "missed", "contradicted")
MAX_ANSWER_CHARS = 1200  # ~600 tokens of answer: keeps prompt processing under ~10 s on 2 cores
TOKENS_PER_VERDICT = 6  # '"contradicted", ' is 4–5 tokens


def parse_verdicts(text: str, n: int) -> list[str] | None:
    """The n verdicts from the judge's JSON, or None when it is not exactly that."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    verdicts = data.get("verdicts") if isinstance(data, dict) else None
    if not isinstance(verdicts, list) or len(verdicts) != n or any(v not in VERDICTS for v in verdicts):
        return None
    return list(verdicts)


def judge(generator, question: str, points: list[str], answer: str, timings: dict) -> tuple[list[str] | None, str]:
    """Ask the generator for one verdict per point.

    Args:
        generator: a Generator (stream with json_schema, warm).
        question: the item's question (part of the cached prefix, so the item's wording, not the user's).
        points: key point texts, in order.
        answer: the candidate's answer (clipped to MAX_ANSWER_CHARS).
        timings: receives judge_warm_s and judge_s.

    Returns:
        (verdicts or None, status): status is "used" or "failed: <why>".
    """
    t0 = time.perf_counter()
    try:
        generator.warm(judge_prefix(question, points))
        timings["judge_warm_s"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        text = "".join(generator.stream(judge_messages(question, points, answer[:MAX_ANSWER_CHARS]),
                                        max_tokens=16 + TOKENS_PER_VERDICT * len(points), temperature=0.0,
                                        json_schema=judge_schema(len(points))))
        timings["judge_s"] = round(time.perf_counter() - t1, 3)
    except Exception as exc:  # a judge that crashes must not take the grade down with it
        return None, f"failed: {exc.__class__.__name__}: {exc}"[:200]
    verdicts = parse_verdicts(text, len(points))
    if verdicts is None:
        return None, f"failed: unparseable judge output {text[:80]!r}"
    return verdicts, "used"
