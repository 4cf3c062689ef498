"""Per-user limits (requests per minute, input size, concurrent generations) and a fair shared LLM queue.

Pure code on an injected clock, so tests run in microseconds without sleeping.

Example:
    >>> t = [0.0]
    >>> bucket = TokenBucket(per_minute=2, clock=lambda: t[0])
    >>> bucket.take(), bucket.take(), bucket.take()
    (True, True, False)
    >>> round(bucket.wait_s()), t.__setitem__(0, 30.0), bucket.take()
    (30, None, True)
    >>> rr = RoundRobin(); [rr.push(u, i) for i, u in enumerate("aaab")] and None
    >>> [rr.pop() for _ in range(4)]  # b's one request goes second, not after all of a's
    [0, 3, 1, 2]
"""
from __future__ import annotations

import contextvars
import threading
import time
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass

# Who the current LLM call is for: set by the UI around each step of a handler, read by FairGenerator.
current_user: contextvars.ContextVar[str] = contextvars.ContextVar("tutor_user", default="")


class LimitError(RuntimeError):
    """A request over one of the user's limits; the message says which and when to retry."""


class TokenBucket:
    """`per_minute` requests a minute on average, in bursts of up to `burst` (default: the same number)."""

    def __init__(self, per_minute: float, burst: float | None = None, clock=time.monotonic):
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else per_minute)
        self.tokens = self.capacity
        self.clock = clock
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> bool:
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def available(self) -> bool:
        """Whether take() would succeed now (without taking)."""
        self._refill()
        return self.tokens >= 1

    def wait_s(self) -> float:
        """Seconds until the next request would be allowed."""
        self._refill()
        return max(0.0, (1 - self.tokens) / self.rate)


@dataclass(frozen=True)
class LimitSettings:
    """Per-user bounds for a shared app. Generous for one person studying, tight for a script."""

    # A person reads each answer (streamed for ~10-30 s here): 6 questions a minute is already fast.
    questions_per_minute: float = 6
    # Answers include /hint and /skip, which are quick: twice the question rate.
    answers_per_minute: float = 12
    # Characters. A question is a sentence or two (the retriever reads ~2000 chars at most anyway).
    max_question: int = 2000
    # An interview answer can be long; the same cap as the UI's answer boxes.
    max_answer: int = 20000
    # LLM work one user may have in flight at once: a second tab is fine, a script's flood is not.
    concurrent_generations: int = 2


class Limits:
    """Every user's buckets and in-flight counts, under one lock (handlers run on several threads)."""

    def __init__(self, settings: LimitSettings = LimitSettings(), clock=time.monotonic):
        self.settings = settings
        self.clock = clock
        self.lock = threading.Lock()
        self.buckets: dict[tuple[str, str], TokenBucket] = {}
        self.running: dict[str, int] = defaultdict(int)

    def admit(self, user: str, kind: str, text: str | None = "") -> None:
        """Check one request ("question" or "answer") of user's: raises LimitError if it is over a limit.

        The size check comes first, so an over-long input costs the user nothing from their rate.
        """
        s = self.settings
        cap = s.max_question if kind == "question" else s.max_answer
        if len(text or "") > cap:
            raise LimitError(f"输入过长 Input too long: {len(text)} characters, at most {cap} "
                             f"for {'a question' if kind == 'question' else 'an answer'}. Please shorten it.")
        rate = s.questions_per_minute if kind == "question" else s.answers_per_minute
        with self.lock:
            bucket = self.buckets.setdefault((user, kind), TokenBucket(rate, clock=self.clock))
            if not bucket.take():
                raise LimitError(f"请稍候 Too many {kind}s: at most {rate:g} a minute; try again in "
                                 f"{bucket.wait_s():.0f} s.")

    @contextmanager
    def generation(self, user: str):
        """Hold one of user's concurrent-generation slots, or raise LimitError if all are taken."""
        with self.lock:
            if self.running[user] >= self.settings.concurrent_generations:
                raise LimitError(f"请稍候 Already {self.running[user]} answers being generated for you; "
                                 f"wait for one to finish.")
            self.running[user] += 1
        try:
            yield
        finally:
            with self.lock:
                self.running[user] -= 1


class RoundRobin:
    """Waiting tickets per user, served one user at a time in turn (FIFO within a user)."""

    def __init__(self):
        self.waiting: dict[str, deque] = {}
        self.ring: deque[str] = deque()  # users with a ticket waiting, next to serve first

    def __len__(self) -> int:
        return len(self.ring)

    def push(self, user: str, ticket) -> None:
        if user not in self.waiting:
            self.waiting[user] = deque()
            self.ring.append(user)
        self.waiting[user].append(ticket)

    def pop(self):
        user = self.ring.popleft()
        queue = self.waiting[user]
        ticket = queue.popleft()
        if queue:
            self.ring.append(user)  # back of the line: everyone else waiting goes first
        else:
            del self.waiting[user]
        return ticket


class FairLock:
    """One holder at a time; waiters get the lock round-robin by user, not in arrival order.

    Not owned by a thread: a streamed generation may be resumed on another worker thread and released there.
    """

    def __init__(self):
        self.cond = threading.Condition()
        self.queue = RoundRobin()
        self.busy = False
        self.granted = None

    def acquire(self, user: str) -> None:
        with self.cond:
            if not self.busy:
                self.busy = True
                return
            ticket = object()
            self.queue.push(user, ticket)
            self.cond.wait_for(lambda: self.granted is ticket)
            self.granted = None

    def release(self) -> None:
        with self.cond:
            if len(self.queue):
                self.granted = self.queue.pop()  # stays busy: handed straight to the next user's waiter
                self.cond.notify_all()
            else:
                self.busy = False


class FairGenerator:
    """A Generator whose calls take turns by user (see `current_user`): one user's grading batch queues
    behind its own calls, while another user's single question goes next."""

    def __init__(self, inner, lock: FairLock | None = None):
        self.inner = inner
        self.name = getattr(inner, "name", "fair")
        self.lock = lock or FairLock()

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        self.lock.acquire(current_user.get())
        try:
            yield from self.inner.stream(messages, max_tokens=max_tokens, temperature=temperature,
                                         json_schema=json_schema)
        finally:
            self.lock.release()

    def warm(self, prefix) -> bool:
        return self.inner.warm(prefix)

    def __getattr__(self, name):  # timings, prefix caches and the like stay the inner generator's
        attr = getattr(self.inner, name)  # an inner generator without `choose` leaves this one without it too
        if name != "choose":
            return attr

        def choose(*args, **kwargs):  # the judge's forced choice takes its turn like a stream
            self.lock.acquire(current_user.get())
            try:
                return attr(*args, **kwargs)
            finally:
                self.lock.release()
        return choose


class LoginGuard:
    """A sign-in check that stops answering for a name after `per_minute` failed tries (a guesser gets
    ~that many a minute; the real user, after a few typos, waits a minute at most).

    >>> t = [0.0]
    >>> guard = LoginGuard(lambda name, pw: pw == "right", per_minute=2, clock=lambda: t[0])
    >>> [guard("amy", pw) for pw in ("x", "y", "right")]  # two failures use up the minute
    [False, False, False]
    >>> t[0] = 30.0; guard("amy", "right"), guard("bob", "right")
    (True, True)
    """

    def __init__(self, check, per_minute: float = 5, clock=time.monotonic):
        self.check = check
        self.per_minute = per_minute
        self.clock = clock
        self.lock = threading.Lock()
        self.failures: dict[str, TokenBucket] = {}

    def __call__(self, name: str, password: str) -> bool:
        with self.lock:
            bucket = self.failures.setdefault(name, TokenBucket(self.per_minute, clock=self.clock))
            if not bucket.available():
                return False
        if self.check(name, password):
            return True
        with self.lock:
            bucket.take()
        return False
