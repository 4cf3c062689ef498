"""Learner model: SQLite store (WAL, one transaction per answer), FSRS review schedule, topic mastery.

Every graded answer — interview or "grade my answer" — updates its item's FSRS card and the
profile's history. A corrupt database is reported and kept, never overwritten.

Example:
    >>> rating_for("excellent", 95).name, rating_for("partial", 50).name, rating_for("wrong", 20).name
    ('Easy', 'Hard', 'Again')
    >>> mastery([("distributed", 80), ("distributed", 40), ("inference", 100)])
    {'distributed': 60.0, 'inference': 100.0}
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tutor.interview.session import Session

SCHEMA = """
CREATE TABLE IF NOT EXISTS cards (
  profile TEXT NOT NULL, item_id TEXT NOT NULL, card TEXT NOT NULL, due REAL NOT NULL,
  last_score INTEGER, reviews INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (profile, item_id));
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT, profile TEXT NOT NULL, item_id TEXT NOT NULL, mode TEXT NOT NULL,
  session_id TEXT, score INTEGER NOT NULL, band TEXT, missed TEXT NOT NULL DEFAULT '[]', ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY, profile TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
  finished INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_profile ON attempts(profile, ts);
"""


@dataclass(frozen=True)
class CardRow:
    """One item's FSRS card as the store keeps it."""

    item: str
    last_score: int | None
    due: float  # unix time the card falls due
    reviews: int


@dataclass(frozen=True)
class Attempt:
    """One graded answer: which item, in which mode (interview, review, grade) and session, and what it missed."""

    item: str
    mode: str
    session: str | None  # None for a "grade my answer" attempt
    score: int
    band: str | None
    missed: tuple[str, ...]  # the key points missed or contradicted
    ts: float


class StoreError(RuntimeError):
    """The progress database can't be used; the message says why and what to do."""


def rating_for(band: str | None, score: int | None):
    """FSRS rating for a graded answer: excellent → Good (Easy at ≥ 90), partial → Hard, else Again."""
    from fsrs import Rating

    if band == "excellent":
        return Rating.Easy if (score or 0) >= 90 else Rating.Good
    if band == "partial":
        return Rating.Hard
    return Rating.Again


def mastery(rows: list[tuple[str, float]]) -> dict[str, float]:
    """Mean latest score per topic from (topic, score) rows."""
    acc: dict[str, list[float]] = defaultdict(list)
    for topic, score in rows:
        acc[topic].append(score)
    return {t: round(sum(v) / len(v), 1) for t, v in acc.items()}


class Store:
    """The progress database of all profiles, in data_dir/progress.sqlite3."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the UI's worker threads: sqlite3 objects are not re-entrant.
        self.lock = threading.RLock()
        try:
            self.db = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if self.db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the progress database {self.path} is unreadable ({exc}). It has been left as it is; "
                             f"move it away (or set TUTOR_DATA_DIR) to start a fresh one.") from exc

    def close(self) -> None:
        self.db.close()

    # -- writes: one transaction per graded answer ---------------------------------------------
    def record(self, profile: str, item_id: str, score: int, band: str | None, mode: str,
               missed: list[dict] | None = None, session_id: str | None = None,
               session_state: Session | None = None, now: float | None = None) -> None:
        """Store an attempt, reschedule the item's FSRS card and (optionally) save the session, atomically."""
        from fsrs import Card, Scheduler

        now = time.time() if now is None else now
        when = datetime.fromtimestamp(now, tz=timezone.utc)
        with self._tx() as cur:
            row = cur.execute("SELECT card, reviews FROM cards WHERE profile=? AND item_id=?",
                              (profile, item_id)).fetchone()
            card = Card.from_json(row[0]) if row else Card()
            card, _ = Scheduler(enable_fuzzing=False).review_card(card, rating_for(band, score), when)
            cur.execute("INSERT INTO cards(profile, item_id, card, due, last_score, reviews) VALUES (?,?,?,?,?,1) "
                        "ON CONFLICT(profile, item_id) DO UPDATE SET card=excluded.card, due=excluded.due, "
                        "last_score=excluded.last_score, reviews=cards.reviews+1",
                        (profile, item_id, card.to_json(), card.due.timestamp(), score))
            cur.execute("INSERT INTO attempts(profile, item_id, mode, session_id, score, band, missed, ts) "
                        "VALUES (?,?,?,?,?,?,?,?)", (profile, item_id, mode, session_id, score, band,
                                                     json.dumps(missed or [], ensure_ascii=False), now))
            if session_state is not None:
                self._save_session(cur, session_state, now)

    def save_session(self, state: Session, now: float | None = None) -> None:
        with self._tx() as cur:
            self._save_session(cur, state, time.time() if now is None else now)

    def _save_session(self, cur, state: Session, now: float) -> None:
        cur.execute("INSERT INTO sessions(id, profile, created, updated, finished, state) VALUES (?,?,?,?,?,?) "
                    "ON CONFLICT(id) DO UPDATE SET updated=excluded.updated, finished=excluded.finished, "
                    "state=excluded.state",
                    (state.id, state.profile, state.created or now, now, int(state.phase == "done"),
                     json.dumps(state.to_json(), ensure_ascii=False)))

    def _tx(self):
        store = self

        class _Tx:
            def __enter__(self):
                store.lock.acquire()
                self.cur = store.db.cursor()
                self.cur.execute("BEGIN IMMEDIATE")
                return self.cur

            def __exit__(self, exc_type, *_):
                try:
                    self.cur.execute("ROLLBACK" if exc_type else "COMMIT")
                finally:
                    store.lock.release()
                return False

        return _Tx()

    # -- reads -------------------------------------------------------------------------------------
    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def unfinished_session(self, profile: str, mode: str | None = None) -> Session | None:
        """The profile's latest unfinished session, of the given mode if one is named (review ≠ interview)."""
        rows = self._read("SELECT state FROM sessions WHERE profile=? AND finished=0 ORDER BY updated DESC",
                          (profile,))
        states = (Session.from_json(json.loads(r[0])) for r in rows)  # also reads sessions saved as plain dicts
        return next((s for s in states if mode is None or s.mode == mode), None)

    def sessions(self, profile: str, limit: int = 20) -> list[Session]:
        rows = self._read("SELECT state FROM sessions WHERE profile=? ORDER BY created DESC LIMIT ?", (profile, limit))
        return [Session.from_json(json.loads(r[0])) for r in rows]

    def due(self, profile: str, now: float | None = None) -> list[tuple[str, int, float]]:
        """(item_id, last score, due) of items due for review, weakest first."""
        now = time.time() if now is None else now
        return self._read("SELECT item_id, last_score, due FROM cards WHERE profile=? AND due<=? "
                          "ORDER BY last_score ASC, due ASC", (profile, now))

    def latest_scores(self, profile: str) -> dict[str, int]:
        return dict(self._read("SELECT item_id, last_score FROM cards WHERE profile=?", (profile,)))

    def history(self, profile: str, limit: int = 50) -> list[dict]:
        rows = self._read("SELECT item_id, mode, session_id, score, band, ts FROM attempts WHERE profile=? "
                          "ORDER BY ts DESC LIMIT ?", (profile, limit))
        return [dict(zip(("item_id", "mode", "session_id", "score", "band", "ts"), r)) for r in rows]

    def cards(self, profile: str) -> list[CardRow]:
        """Every FSRS card of the profile: what the dashboard reads scores and due dates from."""
        rows = self._read("SELECT item_id, last_score, due, reviews FROM cards WHERE profile=?", (profile,))
        return [CardRow(*r) for r in rows]

    def attempts(self, profile: str, item_id: str | None = None) -> list[Attempt]:
        """The profile's graded answers (of one item, if named), oldest first."""
        sql = "SELECT item_id, mode, session_id, score, band, missed, ts FROM attempts WHERE profile=?"
        args: tuple = (profile,)
        if item_id is not None:
            sql, args = sql + " AND item_id=?", args + (item_id,)
        rows = self._read(sql + " ORDER BY ts, id", args)
        return [Attempt(iid, mode, sid, score, band_, tuple(m.get("point", "") for m in json.loads(missed or "[]")), ts)
                for iid, mode, sid, score, band_, missed, ts in rows]

    def profiles(self) -> list[str]:
        rows = self._read("SELECT profile FROM cards UNION SELECT profile FROM sessions ORDER BY 1")
        return [r[0] for r in rows]


def record_grade(store: Store, profile: str, grade, mode: str = "grade") -> bool:
    """Put a "grade my answer" result into the learner model (FSRS card + history); False if it abstained."""
    if grade.abstained or grade.score is None or grade.item is None:
        return False
    store.record((profile or "").strip() or "default", grade.item.key, grade.score, grade.band, mode,
                 grade.missed + grade.wrong)
    return True
