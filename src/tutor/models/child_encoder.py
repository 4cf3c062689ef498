"""An Encoder whose model loads and runs in a child process, started at once, for one-shot commands.

`tutor add` and `tutor index` spent most of their time before the first vector: importing torch and
loading the weights (~1.5 s with models/lean_encoder.py; ~6 s for a folder only sentence-transformers
can load). Python imports hold the GIL, so a thread can't overlap them with anything; a process can. The
child imports and loads while the parent parses the notes, imports llama-index and builds BM25 (~2 s),
and the parent never imports torch at all, so it also skips torch's ~1.5 s of interpreter teardown.
Measured in bench/add_notes_bench.py. The app keeps its encoder in-process: a query must not pay a pipe.

Model id and dimension are known without the child (the index checks them before it embeds anything),
so a fresh index is loaded without waiting for the model at all.

Example (the hashed-n-gram fake, in a child process):
    >>> enc = ChildEncoder(("tutor.index.embed", "HashEncoder", {"dim": 8}), "hash-ngrams", 8)
    >>> enc.encode_queries(["过拟合", "BN"]).shape
    (2, 8)
    >>> bool((enc.encode_passages(["过拟合"]) == enc.encode_queries(["过拟合"])).all())
    True
    >>> enc.close()
"""
from __future__ import annotations

import gc
import importlib
import json
import multiprocessing
from pathlib import Path

import numpy as np

from tutor.models.registry import ModelError


class EncoderFailed(ModelError):
    """The child could not load the model, or died while embedding."""


def _serve(conn, spec) -> None:
    """Child process: build the encoder, report its id and dimension, then embed on request."""
    module, name, kwargs = spec
    try:
        enc = getattr(importlib.import_module(module), name)(**kwargs)
        conn.send(("ready", enc.model_id, int(enc.dim)))
    except Exception as exc:  # reported to the parent, which raises it on first use
        conn.send(("fatal", f"{exc.__class__.__name__}: {exc}"))
        return
    while True:
        try:
            op, texts, progress = conn.recv()
        except (EOFError, OSError, ValueError):
            break  # the parent is gone
        if op == "stop":
            break
        try:
            vecs = enc.encode_queries(texts) if op == "q" else enc.encode_passages(texts, progress=progress)
            conn.send(("ok", np.asarray(vecs, dtype=np.float32)))
        except Exception as exc:
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))
    conn.close()
    # Freeze what is alive so the exit's final collection skips torch's object graph (~1.1 s here); the
    # exit itself stays normal, so multiprocessing's finalizers release the semaphores torch created.
    gc.freeze()


def st_dimension(path: str | Path) -> int | None:
    """A sentence-transformers folder's output dimension, read from its pooling config (None if unknown).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "1_Pooling").mkdir()
    >>> _ = (d / "modules.json").write_text('[{"path": ""}, {"path": "1_Pooling", "type": "x.Pooling"}]')
    >>> _ = (d / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 384}')
    >>> st_dimension(d), st_dimension(d / "missing")
    (384, None)
    """
    try:
        for module in json.loads((Path(path) / "modules.json").read_text(encoding="utf-8")):
            if module.get("type", "").endswith("Pooling"):
                conf = json.loads((Path(path) / module["path"] / "config.json").read_text(encoding="utf-8"))
                return int(conf["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return None


class ChildEncoder:
    """The Encoder interface over a child process that builds `spec` = (module, callable, kwargs).

    Args:
        spec: what the child calls to get its encoder (picklable: the child is spawned, not forked).
        model_id: the encoder's id, known without loading it.
        dim: its dimension if known without loading it; else the first use of `dim` waits for the child.
        load_timeout: seconds the child may take to import and load.
    """

    def __init__(self, spec: tuple[str, str, dict], model_id: str, dim: int | None = None,
                 load_timeout: float = 600.0):
        self.model_id = model_id
        self._dim = dim
        self.load_timeout = load_timeout
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, spec), daemon=True, name="tutor-encoder")
        self._proc.start()
        child.close()  # only the child holds its end: its death reads as EOF here
        self._ready = False

    def _recv(self, timeout: float | None):
        try:
            if timeout is not None and not self._conn.poll(timeout):
                raise EncoderFailed(f"the embedder did not load within {timeout:.0f} s")
            return self._conn.recv()
        except (EOFError, OSError):
            self._proc.join(timeout=2)
            raise EncoderFailed(f"the embedder process died (exit code {self._proc.exitcode})") from None

    def _wait_ready(self) -> None:
        if self._ready:
            return
        msg = self._recv(self.load_timeout)
        if msg[0] == "fatal":
            raise EncoderFailed(f"can't load the embedder: {msg[1]}")
        _, model_id, dim = msg
        if self._dim is not None and dim != self._dim:
            raise EncoderFailed(f"the embedder's dimension is {dim}, its folder says {self._dim}")
        self._dim, self._ready = dim, True

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._wait_ready()
        return self._dim

    def _call(self, op: str, texts: list[str], progress: bool = False) -> np.ndarray:
        self._wait_ready()
        try:
            self._conn.send((op, list(texts), progress))
        except OSError:
            raise EncoderFailed("the embedder process died") from None
        status, payload = self._recv(None)
        if status != "ok":
            raise EncoderFailed(f"embedding failed: {payload}")
        return payload

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._call("q", texts)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._call("p", texts, progress)

    def close(self) -> None:
        """Stop the child: at once if it is still loading (nothing to wait for), else when it has exited."""
        if self._ready:
            try:
                self._conn.send(("stop", [], False))
            except OSError:
                pass
            self._proc.join(timeout=5)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(timeout=5)
        self._conn.close()
