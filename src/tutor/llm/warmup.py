"""Compute item prefix states in the background, only while the generator is idle.

Each state costs ~2 s of the shared model on the 1.5B and is saved to disk, so the work is done
once per machine; a user request waits at most for the one item being warmed at that moment.

Example:
    >>> from tutor.llm.base import ScriptedGenerator
    >>> from tutor.records import Item
    >>> gen = ScriptedGenerator()
    >>> warm_all(gen, [Item("a.md", 1, "T", "Q?", answer="A")], progress=False)
    1
"""
from __future__ import annotations

import threading
import time

from tutor.llm.prompts import answer_prefix

# Consecutive failed items after which the background warm-up gives up (a generator that cannot run).
MAX_FAILURES = 3


def warm_all(generator, items, stop: threading.Event | None = None, idle_s: float = 0.0,
             progress: bool = True) -> int:
    """Warm every item's answer prefix that has no state yet; returns how many were computed.

    Args:
        generator: a Generator (no-op for backends without local states).
        items: the items to warm, most useful first.
        stop: set it to stop between items.
        idle_s: wait until the generator has been unused this long before each item.
    """
    from tqdm import tqdm

    done = failures = 0
    for item in tqdm(items, desc="warming item prefixes", unit="item", disable=not progress):
        if stop is not None and stop.is_set():
            break
        prefix = answer_prefix(item)
        while idle_s and time.monotonic() - getattr(generator, "last_used", 0.0) < idle_s:
            if stop is not None and stop.wait(0.5):
                return done
            if stop is None:
                time.sleep(0.5)
        try:
            has = getattr(generator, "has_state", None)
            if has is not None and has(prefix):
                continue
            done += bool(generator.warm(prefix))
            failures = 0
        except Exception:  # noqa: BLE001 - a crashed worker is replaced; warming is only a head start
            failures += 1
            if failures >= MAX_FAILURES:
                break  # a generator that keeps failing is the user's requests' to report, not ours to retry
    return done


def start_background_warmup(generator, items, idle_s: float = 3.0) -> threading.Event:
    """Start a daemon thread warming items while idle; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=warm_all, args=(generator, items, stop, idle_s, False), daemon=True,
                     name="prefix-warmup").start()
    return stop
