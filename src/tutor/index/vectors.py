"""Embedding cache: one vector per distinct passage text and embedder, so a rebuild embeds only new texts.

Keyed by the sha256 of the exact text the encoder sees (not by file): an added file's items are the
only texts not yet cached, an unchanged item is never re-embedded, and a parser or view change
re-embeds exactly the texts it changed. The cache file is named after the embedder id and dimension,
so vectors from another model are never mixed in. A cache that can't be read is treated as empty.

Example:
    >>> from tutor.index.embed import HashEncoder
    >>> class Counting(HashEncoder):
    ...     calls = []
    ...     def encode_passages(self, texts, progress=False):
    ...         self.calls.append(list(texts)); return super().encode_passages(texts)
    >>> enc, cache = Counting(dim=8), VectorCache()
    >>> cache.embed(["a", "b", "a"], enc).shape, enc.calls
    ((3, 8), [['a', 'b']])
    >>> _ = cache.embed(["b", "c"], enc); enc.calls[-1], cache.embedded
    (['c'], 3)
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CACHE_DIR = "embeddings"  # sub-folder of the index folder


def text_key(text: str) -> str:
    """Stable key of a passage text (128 bits of sha256: collisions are not a practical concern)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def query_key(text: str) -> str:
    """Key of a text embedded as a query: never the key of the same text as a passage."""
    return text_key("query\0" + text)


def cache_file(folder: Path, encoder) -> Path:
    """The cache file for this embedder: a readable tail of its id plus a hash of the full id and dim."""
    ident = f"{encoder.model_id}\0{encoder.dim}"
    tail = "".join(c if c.isalnum() else "-" for c in str(encoder.model_id).rsplit("/", 1)[-1])[-40:]
    return Path(folder) / f"{tail}-{hashlib.sha256(ident.encode()).hexdigest()[:12]}.npz"


class VectorCache:
    """text key → unit vector, filled on demand by `embed`; `embedded` counts texts actually encoded."""

    def __init__(self, vectors: dict[str, np.ndarray] | None = None):
        self.vectors = dict(vectors or {})
        self.embedded = 0

    @classmethod
    def load(cls, folder: Path, encoder) -> "VectorCache":
        """The saved cache for encoder in folder, or an empty one (missing, unreadable or wrong shape)."""
        path = cache_file(folder, encoder)
        if not path.exists():
            return cls()
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vecs = data["keys"], data["vectors"]
            if vecs.ndim != 2 or vecs.shape[1] != encoder.dim or len(keys) != len(vecs):
                raise ValueError(f"shape {vecs.shape} does not fit {len(keys)} keys of dim {encoder.dim}")
        except Exception as exc:  # a damaged cache only costs a full re-embed, never a failure
            log.warning("embedding cache %s unreadable (%s); re-embedding everything", path.name, exc)
            return cls()
        return cls(dict(zip(keys.tolist(), vecs)))

    def embed(self, texts: list[str], encoder, progress: bool = False, queries: bool = False) -> np.ndarray:
        """Vectors for texts (in order), encoding each distinct uncached text once, in one batch.
        queries=True embeds them as queries (e5's "query: " side), cached apart from the same text as a passage."""
        key = query_key if queries else text_key
        missing = list(dict.fromkeys(t for t in texts if key(t) not in self.vectors))
        if missing:
            # One batched call (sentence-transformers sorts by length) is ~5x faster than per-text calls.
            new = encoder.encode_queries(missing) if queries else encoder.encode_passages(missing, progress=progress)
            self.vectors.update(zip(map(key, missing), np.asarray(new, dtype=np.float32)))
            self.embedded += len(missing)
        if not texts:
            return np.zeros((0, encoder.dim), np.float32)
        return np.stack([self.vectors[key(t)] for t in texts])

    def save(self, folder: Path, encoder, keep: list[str], keep_queries: list[str] = ()) -> None:
        """Write the vectors of the texts in keep (so a removed file's vectors are dropped with it), and of
        keep_queries embedded as queries."""
        keys = [k for k in dict.fromkeys([*map(text_key, keep), *map(query_key, keep_queries)]) if k in self.vectors]
        Path(folder).mkdir(parents=True, exist_ok=True)
        vecs = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, encoder.dim), np.float32)
        with open(cache_file(folder, encoder), "wb") as fh:  # np.savez would append .npz to a str path
            np.savez(fh, keys=np.array(keys, dtype=str), vectors=vecs.astype(np.float32))
