"""Generators that fail on cue, for the worker's fault-injection tests (built inside the spawned child).

The test writes the next behaviour into a control file: "ok", "segv" (the child segfaults after its
first chunk, as llama.cpp did on the AMX CPU), "hang" (stops after its first chunk), "pause" (waits after its
first chunk for the test to kill it: without the wait the child could finish streaming before the kill lands)
or "raise".
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path


class FaultyGenerator:
    name = "faulty"

    def __init__(self, control: str, text: str = "数据并行把训练数据切分到多个 GPU，梯度通过 AllReduce 同步[1]。",
                 fail_load: bool = False):
        if fail_load:
            raise FileNotFoundError("no such model: /nowhere.gguf")
        self.control = Path(control)
        self.text = text
        self.warmed = 0
        self.last_restored = 0

    def load(self) -> None:
        pass

    def warm(self, prefix) -> bool:
        self.warmed += 1
        return self.warmed == 1

    def has_state(self, prefix) -> bool:
        return self.warmed > 0

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        mode = self.control.read_text().strip() if self.control.exists() else "ok"
        if json_schema is not None and mode == "ok":
            yield '{"claims": ["correct"]}'
            return
        if mode == "raise":
            raise ValueError("bad grammar")
        for i in range(0, len(self.text), 4):
            yield self.text[i:i + 4]
            if i == 0 and mode == "segv":
                os.kill(os.getpid(), signal.SIGSEGV)
            if i == 0 and mode == "hang":
                time.sleep(3600)
            if i == 0 and mode == "pause":
                time.sleep(30)
        self.last_restored = 7

    def choose(self, messages, words, n, lead="", sep=""):
        """The forced choice the judge asks for: the first word certain, n times ("raise" fails it)."""
        mode = self.control.read_text().strip() if self.control.exists() else "ok"
        if mode == "raise":
            raise ValueError("bad prompt")
        return [{w: float(i == 0) for i, w in enumerate(words)} for _ in range(n)]
