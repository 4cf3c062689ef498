"""Generators: messages in, text chunks out (optionally JSON-schema constrained).

Backends: llama.cpp in-process (default; the GGUF's own chat template, streaming, per-item prefix KV states), an
OpenAI-compatible HTTP server (vLLM, llama.cpp server, Ollama), and a scripted fake for tests.

Example:
    >>> fake = ScriptedGenerator(["你好[1]。"])
    >>> "".join(fake.stream([{"role": "user", "content": "hi"}]))
    '你好[1]。'
    >>> fake.history[0][0]["content"]
    'hi'
"""
from __future__ import annotations

import time
from typing import Iterator, Protocol


class Generator(Protocol):
    name: str

    def stream(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.2,
               json_schema: dict | None = None) -> Iterator[str]: ...

    def warm(self, prefix: list[dict]) -> bool: ...


class ScriptedGenerator:
    """Deterministic fake: returns queued responses in order and records every prompt it saw."""

    name = "scripted"

    def __init__(self, responses: list[str] | None = None, default: str | None = None):
        self.queue = list(responses or [])
        self.default = default
        self.history: list[list[dict]] = []
        self.warmed: list[list[dict]] = []

    def enqueue(self, *responses: str) -> None:
        self.queue.extend(responses)

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        self.history.append(messages)
        if self.queue:
            text = self.queue.pop(0)
        elif self.default is not None:
            text = self.default
        else:
            raise RuntimeError("ScriptedGenerator has no response queued")
        for i in range(0, len(text), 4):
            yield text[i:i + 4]

    def warm(self, prefix):
        self.warmed.append(prefix)
        return True


def timed_stream(gen: Generator, messages: list[dict], timings: dict, **kw) -> Iterator[str]:
    """Stream from gen, recording first-token and total seconds into timings."""
    t0 = time.perf_counter()
    first = True
    pieces = 0
    for piece in gen.stream(messages, **kw):
        if first:
            timings["first_token_s"] = round(time.perf_counter() - t0, 3)
            first = False
        pieces += 1
        yield piece
    total = time.perf_counter() - t0
    timings["generation_s"] = round(total, 3)
    # llama.cpp streams one token per chunk, so chunks per second after the first is decode speed.
    if pieces > 1 and "first_token_s" in timings and total > timings["first_token_s"]:
        timings["tokens_per_s"] = round((pieces - 1) / (total - timings["first_token_s"]), 2)
