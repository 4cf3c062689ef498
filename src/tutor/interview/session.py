"""Mock interview: a session state machine over corpus items, with grading, one follow-up and a report.

The state is a `Session` of `Turn`s (each with at most one `FollowUp`), saved as JSON after every
answer, so a killed process resumes where it stopped. Pure parts — planning, command parsing and
scoring here, the follow-up in followup.py, the adaptive choice in adaptive.py, the report in
report.py — are functions; `Interviewer` wires them to the grader and the store.

Example:
    >>> parse_command("/hint"), parse_command("跳过"), parse_command("/dance"), parse_command("数据并行是…")
    ('hint', 'skip', 'unknown', None)
    >>> final_score(60, followup_credit=1.0, n_points=4, hints=1)
    75
"""
from __future__ import annotations

import dataclasses
import random
import time
import uuid
from dataclasses import dataclass, field

from tutor.corpus.errata import is_errata
from tutor.records import Item

COMMANDS = {"skip": "skip", "跳过": "skip", "hint": "hint", "提示": "hint", "end": "end", "结束": "end",
            "quit": "end", "help": "help", "帮助": "help"}
HELP = "命令 commands: /hint 提示 (reveals a key point, −10) · /skip 跳过 · /end 结束 · /help 帮助"
HINT_PENALTY = 10  # points off the item's score per revealed key point
REVIEW_BELOW = 75  # items scoring under this go on the report's review list


def parse_command(text: str) -> str | None:
    """The command a message is ("skip", "hint", "end", "help", "unknown"), or None for an answer."""
    t = (text or "").strip().lower()
    if t.startswith("/"):
        return COMMANDS.get(t[1:].strip(), "unknown")
    return COMMANDS.get(t)


def askable(item: Item) -> bool:
    """Can the item be asked? Only a parsed item with a reference answer: one without (a heading with
    nothing under it) can't be graded, and a free-text chunk is not a question."""
    # Errata entries are not asked either: they exist to correct other items, and quote the slip itself.
    return item.kind == "item" and bool(item.answer.strip() or item.explanation.strip()) and not is_errata(item)


def plan(items: list[Item], topics: list[str] | None, n: int, seen: dict[str, int], seed: int) -> list[str]:
    """Pick n canonical askable items: topic-filtered ("mixed" = all), unseen first (shuffled), then weakest seen."""
    pool = [it for it in items if askable(it) and (not topics or set(topics) & set(it.topics))]
    rng = random.Random(seed)
    unseen = [it.id for it in pool if it.id not in seen]
    rng.shuffle(unseen)
    weakest = sorted((it.id for it in pool if it.id in seen), key=lambda i: seen[i])
    return (unseen + weakest)[:n]


def final_score(score: int, followup_credit: float | None, n_points: int, hints: int) -> int:
    """The item's score: the main answer, plus the followed-up point's share if the follow-up earned it, minus hints."""
    bonus = round(100 * followup_credit / max(1, n_points)) if followup_credit else 0
    return max(0, min(100, score + bonus - HINT_PENALTY * hints))


def turn_score(turn: "Turn") -> int:
    """A turn's final score: its main grade, the follow-up's credit (if any) and its hints."""
    credit = turn.followup.credit if turn.followup is not None else None
    return final_score(turn.score, credit, turn.points, turn.hints)


def _known(cls, data: dict) -> dict:
    # Keys this version doesn't know are dropped (a newer save, read by an older build); missing ones
    # take the field defaults (an older save, from before the field existed).
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


@dataclass
class FollowUp:
    """A turn's one follow-up: the point it probes and, once answered, what that answer earned."""

    point: str
    status: str  # why this point was picked: "contradicted", "missed" or "partial"
    question: str  # as asked (the LLM's rewording when valid): what a resumed session re-asks
    answer: str | None = None  # None until the candidate replied
    credit: float | None = None  # the share of the point the reply earned (0, 0.5 or 1)
    score: int | None = None  # the reply's own grade, for the record
    source: str = ""  # the item the point belongs to (the reply cites it)
    number: int | str | None = None
    english: bool = False  # the candidate answered in English: ask and reply in English
    verdict: str = ""  # "covered", "partial", "missed", "contradicted" or "skipped", once answered
    evidence: str = ""  # the reply's sentence that addressed (or contradicted) the point
    reply: str = ""  # what the interviewer said back (followup.reply_text)
    before: int | None = None  # the turn's score without the follow-up, and with it
    after: int | None = None


@dataclass
class Turn:
    """One asked item: the main answer's grade, hints taken, points missed, and the follow-up if any."""

    item: str  # Item.id
    question: str
    answer: str = ""
    score: int = 0  # the main answer's grade
    band: str | None = None
    hints: int = 0
    points: int = 0  # key points graded: the follow-up's credit is worth 1/points of the item
    # {"point", "source", "number"[, "status"]}: report rows, and the attempt's history in the store.
    missed: list[dict] = field(default_factory=list)
    skipped: bool = False
    followup: FollowUp | None = None
    final_score: int | None = None  # set when the turn is over; None while its follow-up is open
    why: str = ""  # why this item was asked (adaptive.WHY_*); "" in sessions saved before reasons existed
    # {"point", "source", "number", "status", "evidence"}: covered and partly covered points, with the sentence.
    covered: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)  # Extra.to_json(): correct sentences beyond the reference

    @classmethod
    def from_json(cls, data: dict) -> "Turn":
        values = _known(cls, data)
        if values.get("followup"):
            values["followup"] = FollowUp(**_known(FollowUp, values["followup"]))
        return cls(**values)


@dataclass
class Session:
    """The interview's whole state, mutated in place by the Interviewer and saved after every answer.

    Sessions saved as plain dicts before these records existed load unchanged:

    >>> saved = {"id": "ab12", "profile": "kim", "queue": ["a.md#1", "a.md#2"], "index": 0, "phase": "followup",
    ...          "created": 1.0, "turns": [{"item": "a.md#1", "question": "Q?", "answer": "A", "score": 40,
    ...          "band": "partial", "missed": [], "followup": {"point": "P", "status": "missed", "question": "P?"}}]}
    >>> s = Session.from_json(saved)
    >>> s.mode, s.hints, s.current, s.turns[0].followup.question, s.turns[0].followup.credit
    ('interview', 0, 'a.md#1', 'P?', None)
    >>> Session.from_json(s.to_json()) == s
    True
    """

    id: str
    profile: str
    mode: str = "interview"  # or "review"; a review never resumes an unfinished interview
    topics: list[str] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)  # item ids, in asking order
    index: int = 0  # position in queue of the item being asked
    phase: str = "question"  # "question", "followup" (the last turn's follow-up is open) or "done"
    turns: list[Turn] = field(default_factory=list)
    created: float = 0.0
    hints: int = 0  # hints taken on the current item
    revealed: list[str] = field(default_factory=list)  # key points those hints showed
    average: float | None = None  # of the turns' final scores, once done
    adaptive: bool = False  # the next item is chosen after each answer (adaptive.py); else the queue stands
    why: dict[str, str] = field(default_factory=dict)  # item id → why it is asked (set when it is chosen)

    @property
    def current(self) -> str:
        """The id of the item being asked."""
        return self.queue[self.index]

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Session":
        values = _known(cls, data)
        values["turns"] = [Turn.from_json(t) for t in values.get("turns", [])]
        return cls(**values)


def new_session(profile: str, queue: list[str], topics: list[str] | None, mode: str) -> Session:
    return Session(id=uuid.uuid4().hex[:12], profile=profile, mode=mode, topics=list(topics or []), queue=queue,
                   phase="question" if queue else "done", created=time.time())
