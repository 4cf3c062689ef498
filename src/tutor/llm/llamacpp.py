"""llama.cpp in-process generator: the GGUF's chat template, streaming, per-item prefix KV states (RAM and disk)."""
from __future__ import annotations

import array
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from tutor.llm.chat_template import ChatTemplate


def read_chat_template(llm) -> ChatTemplate:
    """The chat template a loaded `llama_cpp.Llama` (weights or vocab only) ships, with its special token texts."""
    model = llm._model  # llama-cpp-python keeps the vocab accessors on its internal model wrapper

    def text(token: int) -> str:
        return model.token_get_text(token) if token >= 0 else ""

    return ChatTemplate(llm.metadata.get("tokenizer.chat_template"), bos_token=text(model.token_bos()),
                        eos_token=text(model.token_eos()), eot_token=text(model.token_eot()))


@dataclass
class _State:
    tokens: list[int]
    data: bytes


class LlamaCppGenerator:
    """llama-cpp-python, loaded on first use, one call at a time (the model is shared and not re-entrant).

    Prefix states: `warm(prefix)` evaluates a prompt prefix (instructions + one item) once and keeps
    only its llama.cpp state bytes (the KV cache, ~9 MB for ~300 tokens on the 1.5B) — not the
    Python-side logits matrix that `Llama.save_state` also copies (~150 MB at n_batch 256).
    `stream` restores the longest stored prefix of its prompt, so only the question is processed.

    Prompts are rendered by the GGUF's own chat template (`chat`; ChatML when it has none). A prefix's
    key is its rendered text up to where its open last message ends (`ChatTemplate.prefix_text`); a
    template that hides that point gets no prefix states rather than a wrong one.
    """

    def __init__(self, model_path: str, threads: int = 2, n_ctx: int = 2048, n_batch: int = 256,
                 flash_attn: bool = True, max_states: int = 64, state_dir: str | None = None):
        self.model_path = model_path
        # States only fit the exact model and context shape they came from: key the folder by both (the
        # chat template's hash joins the key once it is read, see _state_file).
        self.state_dir = None
        if state_dir:
            stat = os.stat(model_path)
            tag = f"{os.path.basename(model_path)}-{stat.st_size}-ctx{n_ctx}-b{n_batch}-fa{int(flash_attn)}"
            self.state_dir = os.path.join(state_dir, tag)
        self.name = f"llama.cpp:{model_path.rsplit('/', 1)[-1]}"
        self.kwargs = dict(n_threads=threads, n_threads_batch=threads, n_ctx=n_ctx, n_batch=n_batch,
                           n_ubatch=n_batch, flash_attn=flash_attn, verbose=False)
        self.max_states = max_states
        self.states: OrderedDict[str, _State] = OrderedDict()
        self.lock = threading.RLock()
        self._llm = None
        self._chat: ChatTemplate | None = None
        self.last_used = 0.0  # monotonic time of the latest user-facing call (the warmer waits for idle)
        self.last_restored = 0  # tokens restored from a prefix state by the latest call (for timings)

    @property
    def llm(self):
        if self._llm is None:
            from llama_cpp import Llama

            self._llm = Llama(model_path=self.model_path, **self.kwargs)
        return self._llm

    @property
    def chat(self) -> ChatTemplate:
        """The model's chat template; read from the vocab alone (~0.4 s) when the weights aren't loaded yet,
        so `has_state` on a fresh process doesn't load 1 GB just to name a file."""
        if self._chat is None:
            if self._llm is not None:
                self._chat = read_chat_template(self._llm)
            else:
                from llama_cpp import Llama

                self._chat = read_chat_template(Llama(model_path=self.model_path, vocab_only=True, verbose=False))
        return self._chat

    def _prefix_key(self, prefix: list[dict]) -> str | None:
        return self.chat.prefix_text(prefix)

    def load(self) -> None:
        """Load the weights now (a worker process does this at start, before the first question)."""
        self.llm  # noqa: B018 - the property loads

    def _tokens(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def _state_file(self, key: str) -> str | None:
        if not self.state_dir:
            return None
        # A changed template changes every prompt: its states go in a folder of their own.
        name = hashlib.sha256(key.encode()).hexdigest()[:24] + ".state"
        return os.path.join(f"{self.state_dir}-t{self.chat.digest}", name)

    def _keep(self, key: str, state: _State) -> None:
        self.states[key] = state
        while len(self.states) > self.max_states:
            self.states.popitem(last=False)

    def has_state(self, prefix: list[dict]) -> bool:
        """Whether a prefix's state is in RAM or on disk (warming it would be cheap)."""
        key = self._prefix_key(prefix)
        if key is None:
            return False
        path = self._state_file(key)
        return key in self.states or bool(path and os.path.exists(path))

    def warm(self, prefix: list[dict]) -> bool:
        """Make a prefix's KV state available: from RAM, from disk, or computed (and saved). True if computed."""
        import llama_cpp

        key = self._prefix_key(prefix)
        if key is None:
            return False  # this template gives no safe cut: every prompt is processed whole
        with self.lock:
            if key in self.states:
                self.states.move_to_end(key)
                return False
            path = self._state_file(key)
            if path and os.path.exists(path):
                try:
                    with open(path, "rb") as f:
                        blob = f.read()
                    n_tok = int.from_bytes(blob[:4], "little")
                    tokens = list(memoryview(blob[4:4 + 4 * n_tok]).cast("i"))
                    self._keep(key, _State(tokens, blob[4 + 4 * n_tok:]))
                    return False
                except (OSError, ValueError):
                    pass  # unreadable: recompute below
            llm = self.llm
            tokens = self._tokens(key)
            llm.reset()
            llm.eval(tokens)
            size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
            buf = (llama_cpp.ctypes.c_uint8 * size)()
            n = llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size)
            # string_at copies the bytes once; bytes(buf[:n]) would build a list of n Python ints (~300 MB
            # transient for a 9 MB state), which set this process's peak RSS.
            state = _State(tokens, llama_cpp.ctypes.string_at(buf, n))
            self._keep(key, state)
            if path:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                tmp = path + ".tmp"
                with open(tmp, "wb") as f:
                    f.write(len(tokens).to_bytes(4, "little"))
                    f.write(memoryview(array.array("i", tokens)).tobytes())
                    f.write(state.data)
                os.replace(tmp, path)
            return True

    def _live(self, tokens: list[int]) -> int:
        """How many leading tokens of `tokens` the live context already holds."""
        live = 0
        for a, b in zip(self.llm._input_ids.tolist(), tokens):
            if a != b:
                break
            live += 1
        return live

    def _restore_for(self, prompt: str) -> int:
        """Load the longest stored prefix of prompt unless the live context already shares as much."""
        import llama_cpp
        import numpy as np

        best = max((k for k in self.states if prompt.startswith(k)), key=len, default=None)
        if best is None:
            return 0
        st = self.states[best]
        llm = self.llm
        if self._live(st.tokens) >= len(st.tokens):
            return 0
        buf = (llama_cpp.ctypes.c_uint8 * len(st.data)).from_buffer_copy(st.data)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(st.data)) != len(st.data):
            return 0
        # Mirror what Llama.load_state does, minus the logits copy: the suffix is always re-evaluated.
        llm.input_ids[: len(st.tokens)] = np.asarray(st.tokens, dtype=llm.input_ids.dtype)
        llm.n_tokens = len(st.tokens)
        self.states.move_to_end(best)
        return len(st.tokens)

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        self.last_used = time.monotonic()
        with self.lock:
            self.load()  # before `chat`, so the template is read from the loaded model, not a second vocab load
            prompt = self.chat.render(messages)
            self.last_restored = self._restore_for(prompt)
            # Tokens, not text: create_completion would add a BOS of its own to a template that writes one.
            tokens = self._tokens(prompt)
            grammar = None
            if json_schema is not None:
                from llama_cpp import LlamaGrammar

                grammar = LlamaGrammar.from_json_schema(json.dumps(json_schema), verbose=False)
            # llama.cpp also stops on any end-of-generation token; the stop strings are the template's own.
            for chunk in self.llm.create_completion(tokens, max_tokens=max_tokens, temperature=temperature,
                                                    stop=self.chat.stop, stream=True, grammar=grammar):
                text = chunk["choices"][0]["text"]
                if text:
                    yield text
            self.last_used = time.monotonic()

    def choose(self, messages: list[dict], words: list[str], n: int, lead: str = "", sep: str = "") -> list[dict]:
        """Forced choice, n times: after the prompt and `lead`, the model's probabilities over `words`.

        Each step reads the next-token distribution once, renormalised over the words' first tokens (they
        must differ), then appends the likeliest word and `sep`, so a later choice sees the earlier ones as
        a greedy grammar-constrained decode would have written them. The same tokens as that decode, but the
        caller gets the probabilities and can decide with a calibrated cut instead of the argmax.
        """
        import numpy as np

        self.last_used = time.monotonic()
        with self.lock:
            self.load()
            llm = self.llm
            prompt = self.chat.render(messages) + lead
            self.last_restored = self._restore_for(prompt)
            tokens = self._tokens(prompt)
            spelled = [self._tokens(w) for w in words]
            first = [t[0] for t in spelled]
            if len(set(first)) != len(first):
                raise ValueError(f"words share a first token: {words}")
            # Keep what the context already holds of this prompt (a restored prefix, or the last call's), but
            # evaluate at least one token, so logits exist.
            llm.n_tokens = min(self._live(tokens), len(tokens) - 1)
            pending, between, out = tokens[llm.n_tokens:], self._tokens(sep), []
            for _ in range(n):
                llm.eval(pending)
                logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))[first]
                p = np.exp(logits.astype(np.float64) - logits.max())
                p /= p.sum()
                out.append({w: round(float(x), 4) for w, x in zip(words, p)})
                pending = spelled[int(p.argmax())] + between
            self.last_used = time.monotonic()
            return out
