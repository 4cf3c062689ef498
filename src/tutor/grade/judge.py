"""The LLM as a constrained judge of the candidate's claims: one verdict per sentence, grammar-forced JSON.

The judge never writes prose that reaches the score. Its output is a pydantic model, `ClaimVerdicts`:
`verdicts_model(n).model_json_schema()` becomes llama.cpp's grammar (or an OpenAI-compatible server's
response format), which only lets it emit `{"claims": [...]}` with exactly n of four words, and
`parse_claims` validates the text against the same model, so anything else raises and the grader
falls back to its deterministic verdicts and says so. Coverage stays deterministic; the judge only says
which sentences are wrong, and the grader decides which key point each wrong sentence contradicts
(see grader.Grader), and which are correct extras beyond the reference ("extra": listed, never scored;
grade.evidence.extra_sentences). Splitting "extra" out of "correct" keeps the output one word a sentence:
a separate list of sentence numbers would cost the 1.5B more tokens (~0.1 s each on 2 cores).

A generator that can make a forced choice (`choose`: llama.cpp in or out of process) gives each verdict as
probabilities over the four words instead of one sampled word, read where the grammar-forced decode would
have picked, three times (`read_probs`): after each of the two JSON openings a greedy decode was seen to
write, and for each sentence alone. `decide` then applies the model's fitted cut for "wrong" (`wrong_cut`,
from judge_cuts.json, written by scripts/fit_judge.py on the grading dev splits; None: the likeliest word).
An OpenAI-compatible server keeps the grammar-forced JSON.

Prompt layout (see prompts.judge_claims_prefix): [instructions + question + numbered key points] is
a per-item prefix whose KV state is computed once (`warm`); only the numbered sentences are new.

Example:
    >>> parse_claims('{"claims": ["correct", "wrong"]}', 2)
    ['correct', 'wrong']
    >>> parse_claims('{"claims": ["correct"]}', 2)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    pydantic_core.ValidationError: 1 validation error for ClaimVerdicts2
    >>> verdicts_model(2).model_json_schema()["properties"]["claims"]["minItems"]
    2
    >>> p = {"correct": 0.55, "extra": 0.05, "wrong": 0.4, "irrelevant": 0.0}
    >>> decide(p, None), decide(p, 0.3)
    ('correct', 'wrong')
"""
from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, Field, ValidationError, create_model

from tutor.llm.prompts import CLAIM_VERDICTS, judge_claims_messages, judge_claims_prefix

MAX_SENTENCES = 12  # sentences judged; later ones keep their deterministic verdicts (bounded latency)
MAX_SENTENCE_CHARS = 200  # a run-on "sentence" is cut: ~100 tokens each at most
TOKENS_PER_VERDICT = 4  # '"irrelevant", ' is 4 tokens
# The JSON a forced choice is read inside: the same text the schema-constrained decode writes around each word.
LEAD, SEP = '{"claims": ["', '", "'
# The openings a greedy schema-constrained decode of the 1.5B was seen to write. Its verdicts depend on which:
# after the spaced one it called far more sentences wrong (one answer: five "wrong" vs P(wrong) 0.09-0.30).
LEADS = (LEAD, '{ "claims": [ "')
CUTS_PATH = Path(__file__).with_name("judge_cuts.json")

# A Literal (not an Enum) keeps the schema free of $defs/$ref: the words sit inline where the grammar needs them.
Verdict = Literal[CLAIM_VERDICTS]


class ClaimVerdicts(BaseModel):
    """The judge's answer: one verdict per numbered candidate sentence, in order (correct, extra, wrong, irrelevant)."""

    claims: list[Verdict]


@lru_cache(maxsize=MAX_SENTENCES + 1)
def verdicts_model(n: int) -> type[ClaimVerdicts]:
    """ClaimVerdicts with exactly n claims, so the grammar forces the count as well as the words."""
    return create_model(f"ClaimVerdicts{n}", __base__=ClaimVerdicts,
                        claims=(Annotated[list[Verdict], Field(min_length=n, max_length=n)], ...))


def claims_schema(n: int) -> dict:
    """The JSON schema the generator is constrained by: exactly n verdicts."""
    return verdicts_model(n).model_json_schema()


def parse_claims(text: str, n: int) -> list[str]:
    """The n verdicts from the judge's JSON.

    Raises:
        pydantic.ValidationError: the text is not JSON, is cut short, or is not exactly n known verdicts.
    """
    return list(verdicts_model(n).model_validate_json(text).claims)


@lru_cache(maxsize=4)
def _cuts(path: Path) -> dict:
    """judge_cuts.json, read once per process (a grade must not reread it)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def wrong_cut(model_id: str | None) -> float | None:
    """The fitted cut on P("wrong") for packaged weights ("qwen1.5b"); None for weights nobody fitted.

    >>> wrong_cut("no-such-model") is None
    True
    """
    return _cuts(CUTS_PATH).get(model_id or "", {}).get("wrong_at")


def decide(probs: dict[str, float], wrong_at: float | None) -> str:
    """One sentence's verdict from the judge's probabilities: "wrong" once its probability reaches the cut
    `wrong_at` (see wrong_cut), else the likeliest other word; the plain argmax without a cut. A small
    model's argmax says "wrong" rarely: a wrong sentence often gets 0.3 and "correct" 0.6."""
    if wrong_at is not None:
        if probs.get("wrong", 0.0) >= wrong_at:
            return "wrong"
        probs = {w: p for w, p in probs.items() if w != "wrong"}
    return max(probs, key=probs.get)


def judged_sentences(sentences: list[str]) -> list[str]:
    """The sentences the judge sees: the first MAX_SENTENCES, each cut to MAX_SENTENCE_CHARS.

    >>> judged_sentences(["x" * 300])[0] == "x" * MAX_SENTENCE_CHARS
    True
    """
    return [s[:MAX_SENTENCE_CHARS] for s in sentences[:MAX_SENTENCES]]


def read_probs(choose, question: str, points: list[str], judged: list[str]) -> list[dict]:
    """Each sentence's probabilities over the verdict words, averaged over three readings of the forced choice:
    all sentences after either JSON opening (LEADS), and each sentence alone.

    Why three: in one reading a verdict leans on the verdicts before it (a run of "correct" keeps the later
    sentences of a wrong answer "correct") and on the opening's whitespace; alone, a sentence lacks the rest of
    the answer ("它" has nothing to refer to), so a correct one looks doubtful. Their mean depends on neither
    (grading dev, 837 answers: Spearman 0.900 against 0.882 for the first reading's argmax, wrong answers below
    35: 0.83 against 0.68; see scripts/fit_judge.py).

    >>> calls = []
    >>> def choose(messages, words, n, lead="", sep=""):
    ...     calls.append((n, lead))
    ...     return [{w: (0.6 if w == ("wrong" if n == 1 else "correct") else 0.4 / 3) for w in words}] * n
    >>> [round(p["wrong"], 3) for p in read_probs(choose, "Q", ["P"], ["A。", "B。"])]
    [0.289, 0.289]
    >>> calls
    [(2, '{"claims": ["'), (2, '{ "claims": [ "'), (1, '{"claims": ["'), (1, '{"claims": ["')]
    """
    words, n = list(CLAIM_VERDICTS), len(judged)
    messages = judge_claims_messages(question, points, judged)
    readings = [choose(messages, words, n, lead=lead, sep=SEP) for lead in LEADS]
    # One sentence alone is the first reading's prompt again: the same distribution, not asked twice.
    readings.append(readings[0] if n == 1 else
                    [choose(judge_claims_messages(question, points, [s]), words, 1, lead=LEAD, sep=SEP)[0] for s in judged])
    return [{w: round(sum(r[i][w] for r in readings) / len(readings), 4) for w in words} for i in range(n)]


# How far from the cut a verdict is a close call: the grade is re-scored with the cut this much lower and
# higher, and a band that moves is reported as unsure. On the dev records, moving the cut from 0.2 to 0.4
# changed about one wrong answer's band in five (scripts/fit_judge.py's table).
DOUBT = 0.1


class Judged(NamedTuple):
    """The judge's verdicts (None when it failed), its status ("used" / "failed: …"), and, from a forced
    choice, its probabilities and the cut that decided them."""

    verdicts: list[str] | None
    status: str
    probs: list[dict] | None = None
    cut: float | None = None

    def close_calls(self) -> list[list[str]]:
        """The verdicts again with the cut DOUBT lower and DOUBT higher, where either differs from the verdicts
        (a close call could have gone the other way); [] without probabilities.

        >>> p = [{"correct": 0.6, "extra": 0.05, "wrong": 0.35, "irrelevant": 0.0}]
        >>> Judged(["wrong"], "used", p, 0.3).close_calls(), Judged(["wrong"], "used", p, 0.2).close_calls()
        ([['correct']], [])
        >>> Judged(["correct"], "used", p, None).close_calls()  # without a cut: 0.35 + 0.1 is not above 0.6
        []
        """
        if not self.probs:
            return []
        if self.cut is None:  # the argmax: P(wrong) DOUBT higher or lower against the other words
            other = [[decide(p | {"wrong": p.get("wrong", 0.0) + d}, None) for p in self.probs] for d in (DOUBT, -DOUBT)]
        else:
            other = [[decide(p, self.cut + d) for p in self.probs] for d in (-DOUBT, DOUBT)]
        return [v for v in other if v != self.verdicts]


def _why(exc: ValidationError) -> str:
    """The first validation error, short: where and what (the status line has room for one)."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "output"
    return f"{where}: {err['msg']}"


def warm(generator, question: str, points: list[str]) -> bool:
    """Compute the item's judge prefix state ahead of time (True if it had to be computed)."""
    return generator.warm(judge_claims_prefix(question, points))


def judge_claims(generator, question: str, points: list[str], sentences: list[str], timings: dict) -> Judged:
    """Ask the generator for one verdict per candidate sentence.

    Args:
        generator: a Generator (stream with json_schema, warm).
        question: the item's question (part of the cached prefix, so the item's wording, not the user's).
        points: the item's key point texts, in order.
        sentences: the candidate's sentences; only the first MAX_SENTENCES are judged.
        timings: receives judge_warm_s and judge_s.

    Returns:
        Judged: one verdict per judged sentence (or None), status "used" or "failed: <why>", and with a forced
        choice the probabilities and cut behind the verdicts.
    """
    judged = judged_sentences(sentences)
    t0 = time.perf_counter()
    try:
        warm(generator, question, points)
        timings["judge_warm_s"] = round(time.perf_counter() - t0, 3)
        t1 = time.perf_counter()
        choose = getattr(generator, "choose", None)
        if choose is not None:
            probs = read_probs(choose, question, points, judged)
            timings["judge_s"] = round(time.perf_counter() - t1, 3)
            cut = wrong_cut(getattr(generator, "model_id", None))
            return Judged([decide(p, cut) for p in probs], "used", probs, cut)
        messages = judge_claims_messages(question, points, judged)
        text = "".join(generator.stream(messages, max_tokens=12 + TOKENS_PER_VERDICT * len(judged), temperature=0.0,
                                        json_schema=claims_schema(len(judged))))
        timings["judge_s"] = round(time.perf_counter() - t1, 3)
    except Exception as exc:  # a judge that crashes must not take the grade down with it
        return Judged(None, f"failed: {exc.__class__.__name__}: {exc}"[:200])
    try:
        return Judged(parse_claims(text, len(judged)), "used")
    except ValidationError as exc:
        return Judged(None, f"failed: judge output does not fit the schema ({_why(exc)}): {text[:80]!r}")
