"""The generator in a worker process the app supervises: a crash there costs one generated answer, never the app.

llama.cpp is native code: a kernel that segfaults on one CPU type, an OOM kill or a hang would take the
whole UI process down with it, and every connected user's session. `WorkerGenerator` runs any
Generator in a child process and talks to it over a pipe. When the child dies or stops sending tokens
for longer than a time limit, the call raises `GeneratorFailed` (the handler then shows the reference
answer with a note), the child is killed and a new one is started at once, so the next question is
answered normally. The per-item prefix states live in the child: in RAM there, and on disk, which
is where a restarted child reads them back from in milliseconds.

Example (a scripted generator in a child process):
    >>> gen = WorkerGenerator(("tutor.llm.base", "ScriptedGenerator", {"default": "你好[1]。"}))
    >>> "".join(gen.stream([{"role": "user", "content": "hi"}]))
    '你好[1]。'
    >>> gen.warm([{"role": "system", "content": "x"}])
    True
    >>> gen.close()
"""
from __future__ import annotations

import importlib
import itertools
import multiprocessing
import threading
import time
from typing import Iterator


class GeneratorFailed(RuntimeError):
    """The generated part failed (worker crashed, hung, or raised); what came from the documents still stands."""


def _build(spec: tuple[str, str, dict]):
    module, name, kwargs = spec
    return getattr(importlib.import_module(module), name)(**kwargs)


def _worker_main(conn, spec) -> None:
    """Child process: build the generator, then serve one request at a time until the pipe closes."""
    try:
        gen = _build(spec)
        if hasattr(gen, "load"):
            gen.load()  # load the weights now, not during the first user's question
        conn.send(("ready", getattr(gen, "name", spec[1])))
    except Exception as exc:  # reported to the parent, which turns it into GeneratorFailed
        conn.send(("fatal", f"{exc.__class__.__name__}: {exc}"))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        op, rid = msg[0], msg[1] if len(msg) > 1 else None
        if op == "stop":
            return
        if op == "cancel":
            continue  # a cancel for a request that already finished
        try:
            if op == "stream":
                _, _, messages, kw = msg
                for piece in gen.stream(messages, **kw):
                    conn.send(("chunk", rid, piece))
                    # The parent only ever sends a cancel while a stream runs (it serialises calls).
                    if conn.poll() and conn.recv()[0] == "cancel":
                        break
                conn.send(("done", rid, {"last_restored": getattr(gen, "last_restored", 0)}))
            elif op in ("warm", "has_state"):
                fn = getattr(gen, op, None)
                result = bool(fn(msg[2])) if fn is not None else False
                conn.send(("done", rid, {"result": result}))
            elif op == "choose":
                conn.send(("done", rid, {"result": gen.choose(*msg[2])}))
            else:
                conn.send(("error", rid, f"unknown request {op!r}"))
        except Exception as exc:  # a Python-level failure is the caller's to handle, the worker lives on
            conn.send(("error", rid, f"{exc.__class__.__name__}: {exc}"[:500]))


class WorkerGenerator:
    """A Generator proxy whose real generator runs in a supervised child process.

    Args:
        spec: (module, class name, kwargs) of the generator to build in the child (picklable by design:
            the child is spawned, never forked from a process that holds threads and a loaded model).
        name: shown in timings and logs.
        first_token_timeout: seconds the first chunk may take (covers model load and a cold prefix).
        token_timeout: seconds between later chunks before the child counts as hung.
    """

    def __init__(self, spec: tuple[str, str, dict], name: str | None = None, first_token_timeout: float = 180.0,
                 token_timeout: float = 30.0):
        self.spec = spec
        self.name = name or f"worker:{spec[1]}"
        self.first_token_timeout = first_token_timeout
        self.token_timeout = token_timeout
        self.lock = threading.RLock()
        self.last_used = 0.0
        self.last_restored = 0
        self.restarts = 0  # children replaced after a crash or hang
        self.last_failure = ""
        self._ids = itertools.count(1)
        self._proc = None
        self._conn = None
        self._ready = False

    # -- process management -------------------------------------------------------------------------
    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, self.spec), daemon=True, name="tutor-generator")
        proc.start()
        child.close()  # only the child holds its end: its death then reads as EOF here
        self._proc, self._conn, self._ready = proc, parent, False

    def _kill(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            conn.close()
        if proc is not None and proc.is_alive():
            proc.kill()
        if proc is not None:
            proc.join(timeout=5)

    def _fail(self, why: str) -> GeneratorFailed:
        """Record the failure, replace the child now (its model loads while the user reads), return the error."""
        code = self._proc.exitcode if self._proc is not None else None
        self._kill()
        if code is not None and code < 0:
            why = f"{why} (killed by signal {-code})"
        elif code:
            why = f"{why} (exit code {code})"
        self.last_failure = why
        self.restarts += 1
        self._start()
        return GeneratorFailed(why)

    def _recv(self, timeout: float):
        conn = self._conn
        try:
            if not conn.poll(timeout):
                raise self._fail(f"the generator stopped responding for {timeout:.0f} s")
            return conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            if self._proc is not None:
                self._proc.join(timeout=2)
            raise self._fail("the generator process crashed") from None

    def _connect(self) -> None:
        if self._proc is None or not self._proc.is_alive():
            if self._proc is not None:
                self._fail("the generator process had exited")
            else:
                self._start()
        if not self._ready:
            msg = self._recv(self.first_token_timeout)
            if msg[0] == "fatal":
                self._kill()
                raise GeneratorFailed(f"the generator could not start: {msg[1]}")
            self._ready = True

    def start(self) -> None:
        """Start the child now (the model loads in the background); calls start it lazily otherwise."""
        with self.lock:
            if self._proc is None:
                self._start()

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                try:
                    self._conn.send(("stop",))
                except OSError:
                    pass
            self._kill()

    # -- the Generator interface -------------------------------------------------------------------
    def _call(self, op: str, arg):
        with self.lock:
            self._connect()
            rid = next(self._ids)
            self._send((op, rid, arg))
            msg = self._recv(self.first_token_timeout)
            if msg[0] == "error":
                raise GeneratorFailed(msg[2])
            return msg[2].get("result")

    def _send(self, msg) -> None:
        try:
            self._conn.send(msg)
        except (OSError, BrokenPipeError):
            raise self._fail("the generator process crashed") from None

    def warm(self, prefix: list[dict]) -> bool:
        """Compute or restore a prefix state in the child; True if it had to be computed."""
        return bool(self._call("warm", prefix))

    def has_state(self, prefix: list[dict]) -> bool:
        return bool(self._call("has_state", prefix))

    def choose(self, messages: list[dict], words: list[str], n: int, lead: str = "", sep: str = "") -> list[dict]:
        """The child's forced choice (LlamaCppGenerator.choose): n dicts of word probabilities."""
        self.last_used = time.monotonic()
        try:
            return self._call("choose", (messages, words, n, lead, sep))
        finally:
            self.last_used = time.monotonic()

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None) -> Iterator[str]:
        self.last_used = time.monotonic()
        with self.lock:
            self._connect()
            rid = next(self._ids)
            self._send(("stream", rid, messages,
                        dict(max_tokens=max_tokens, temperature=temperature, json_schema=json_schema)))
            finished, first = False, True
            try:
                while True:
                    msg = self._recv(self.first_token_timeout if first else self.token_timeout)
                    if msg[1] != rid:
                        continue  # the tail of an earlier, cancelled request
                    if msg[0] == "chunk":
                        first = False
                        yield msg[2]
                    elif msg[0] == "done":
                        self.last_restored = msg[2].get("last_restored", 0)
                        finished = True
                        return
                    else:
                        finished = True
                        raise GeneratorFailed(msg[2])
            except GeneratorFailed:
                finished = True  # the child was replaced (or reported an error): nothing to drain
                raise
            finally:
                self.last_used = time.monotonic()
                if not finished and self._conn is not None:
                    self._drain(rid)

    def _drain(self, rid: int) -> None:
        """The caller stopped reading mid-stream: tell the child, and read up to its 'done' so the
        next request starts clean. A child that doesn't stop within the time limit is replaced."""
        try:
            self._conn.send(("cancel", rid))
            while True:
                msg = self._recv(self.token_timeout)
                if msg[1] == rid and msg[0] in ("done", "error"):
                    return
        except (GeneratorFailed, OSError):
            pass
