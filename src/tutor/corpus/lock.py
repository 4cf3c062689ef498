"""An exclusive lock on a corpus folder, so two additions (a Library upload and `tutor add`) never interleave.

Adding notes is check → copy → reindex; two of them at once could both pass the name check, or both
rebuild the index into the same temp folder and leave one file unindexed. `fcntl.flock` on a hidden
file in the corpus folder serialises them across threads and processes: the kernel drops the lock
when its holder exits, even by a crash, so a stale lock never blocks the next upload. (The corpus
loader reads only .md/.txt, so the lock file is never indexed; POSIX only, like the rest of the app.)

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with corpus_lock(d):
    ...     (d / LOCK_NAME).exists()
    True
"""
from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".tutor-add.lock"


@contextlib.contextmanager
def corpus_lock(corpus_dir: Path):
    """Hold the corpus folder's lock for the block (waits while another process or thread holds it).

    Each call opens its own file descriptor: flock locks belong to the open file, so two threads of
    one process exclude each other as two processes do.
    """
    Path(corpus_dir).mkdir(parents=True, exist_ok=True)
    fd = os.open(Path(corpus_dir) / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
