"""PostgreSQL progress store: the SQLite Store's own queries, run on a server several app processes share.

It subclasses `Store` and swaps only the connection, the transaction and the read: every query —
FSRS card updates, history, sessions, and any query added to `Store` later — is written once, in SQL
both databases accept (`INSERT … ON CONFLICT … DO UPDATE`, `UNION`, `LIMIT`).

Example:
    >>> pg_sql("SELECT card FROM cards WHERE profile=? AND item_id=?")
    'SELECT card FROM cards WHERE profile=%s AND item_id=%s'
    >>> redact("postgresql://tutor:secret@db.lan:5432/tutor")
    'postgresql://tutor:***@db.lan:5432/tutor'
"""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager

from tutor.interview.progress import Store, StoreError

PG_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS cards (profile TEXT NOT NULL, item_id TEXT NOT NULL, card TEXT NOT NULL, "
    "due DOUBLE PRECISION NOT NULL, last_score INTEGER, reviews INTEGER NOT NULL DEFAULT 0, "
    "PRIMARY KEY (profile, item_id))",
    "CREATE TABLE IF NOT EXISTS attempts (id BIGSERIAL PRIMARY KEY, profile TEXT NOT NULL, item_id TEXT NOT NULL, "
    "mode TEXT NOT NULL, session_id TEXT, score INTEGER NOT NULL, band TEXT, missed TEXT NOT NULL DEFAULT '[]', "
    "ts DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, profile TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, "
    "updated DOUBLE PRECISION NOT NULL, finished INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS attempts_profile ON attempts(profile, ts)",
]
# One advisory lock key for this store's writes (any fixed 64-bit number; "tutor" in ASCII).
LOCK_KEY = 0x7475746F72


def pg_sql(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s`.

    A plain replace: the Store's SQL has no `?` or `%` inside string literals (it must never gain one:
    values always go in as parameters). A literal `%` would need doubling for psycopg.
    """
    return sql.replace("?", "%s")


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class _Cursor:
    """A psycopg cursor that takes the Store's SQLite-style SQL."""

    def __init__(self, cur):
        self.cur = cur

    def execute(self, sql: str, args: tuple = ()):
        self.cur.execute(pg_sql(sql), args)
        return self.cur


class PgStore(Store):
    """Progress of all profiles in a PostgreSQL database (TUTOR_DATABASE_URL)."""

    def __init__(self, url: str):
        self.url = url
        self.path = redact(url)  # what messages show, as Store shows its file
        self.lock = threading.RLock()
        self.db = None
        with self._tx() as cur:  # concurrent first starts of several processes create the tables once
            for stmt in PG_SCHEMA:
                cur.execute(stmt)

    def _connection(self):
        import psycopg

        if self.db is None or self.db.closed or self.db.broken:
            try:
                self.db = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise StoreError(f"can't reach the progress database {self.path} ({exc}). Check "
                                 f"TUTOR_DATABASE_URL and that the server is up; unset it to use SQLite.") from exc
        return self.db

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    @contextmanager
    def _tx(self):
        # Writes from every process take turns (a transaction-scoped advisory lock): a graded answer
        # reads its FSRS card and writes it back, and two processes must not both read the old card.
        # Each transaction is a few ms, so one lock is no bottleneck at study-group scale.
        with self.lock:
            db = self._connection()
            with db.transaction():
                cur = db.cursor()
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                yield _Cursor(cur)

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self._connection().execute(pg_sql(sql), args).fetchall()
