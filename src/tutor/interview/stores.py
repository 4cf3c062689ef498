"""The progress store interface and its backends: SQLite by default, PostgreSQL when a URL is set.

Both keep the same tables and answer the same calls (`ProgressStore`), so the interviewer, the grade
tab and the progress report never know which one they talk to.

Example:
    >>> import tempfile
    >>> from tutor.settings import Settings
    >>> store = open_store(Settings(home=tempfile.mkdtemp()))
    >>> type(store).__name__, store.profiles()
    ('Store', [])
"""
from __future__ import annotations

from typing import Protocol

from tutor.interview.session import Session


class ProgressStore(Protocol):
    """What the rest of the tutor asks of a progress store (see interview/progress.py's Store)."""

    def record(self, profile: str, item_id: str, score: int, band: str | None, mode: str,
               missed: list[dict] | None = None, session_id: str | None = None,
               session_state: Session | None = None, now: float | None = None) -> None: ...
    def save_session(self, state: Session, now: float | None = None) -> None: ...
    def unfinished_session(self, profile: str, mode: str | None = None) -> Session | None: ...
    def sessions(self, profile: str, limit: int = 20) -> list[Session]: ...
    def due(self, profile: str, now: float | None = None) -> list[tuple[str, int, float]]: ...
    def latest_scores(self, profile: str) -> dict[str, int]: ...
    def history(self, profile: str, limit: int = 50) -> list[dict]: ...
    def profiles(self) -> list[str]: ...
    def close(self) -> None: ...


def open_store(settings) -> ProgressStore:
    """PostgreSQL at settings.database_url if one is set, else SQLite in data_dir/progress.sqlite3."""
    if getattr(settings, "database_url", ""):
        from tutor.interview.pgstore import PgStore

        return PgStore(settings.database_url)
    from tutor.interview.progress import Store

    return Store(settings.data_dir / "progress.sqlite3")
