"""Embedders: texts in, L2-normalised vectors out — the real e5 one, an honest fake, and the llama-index adapter.

e5 wants `query: ` / `passage: ` prefixes; the Encoder applies them so callers never forget.

Example:
    >>> enc = HashEncoder(dim=64)
    >>> q, p = enc.encode_queries(["数据并行"])[0], enc.encode_passages(["数据并行的原理", "量化"])
    >>> bool(q @ p[0] > q @ p[1])
    True
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any, Protocol

import numpy as np

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


class Encoder(Protocol):
    model_id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str]) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """e5 (or any sentence-transformers model) with e5's query/passage prefixes."""

    def __init__(self, model: Any, model_id: str, batch_size: int = 16):
        self.model = model
        self.model_id = model_id
        self.dim = int((getattr(model, 'get_embedding_dimension', None) or model.get_sentence_embedding_dimension)())
        self.batch_size = batch_size

    def _encode(self, texts: list[str], prefix: str, progress: bool = False) -> np.ndarray:
        vecs = self.model.encode([prefix + t for t in texts], batch_size=self.batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=progress)
        return np.asarray(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PREFIX)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX, progress)


class HashEncoder:
    """Deterministic fake: hashed character 1-3-grams, so similar texts really score higher.

    Unlike a constant mock, ranking tests against it mean something.
    """

    model_id = "hash-ngrams"

    def __init__(self, dim: int = 256):
        self.dim = dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower())
        for n, weight in ((1, 0.3), (2, 1.0), (3, 0.6)):
            for i in range(len(t) - n + 1):
                g = t[i:i + n]
                if g.strip():
                    h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                    v[h % self.dim] += weight
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.encode_queries(texts)


def as_llama_embedding(encoder: Encoder):
    """Wrap an Encoder as a llama-index BaseEmbedding, so VectorStoreIndex uses our prefixes.

    Imported lazily: llama-index is heavy and only the index stage needs it.
    """
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr

    class EncoderEmbedding(BaseEmbedding):
        _encoder: Any = PrivateAttr()

        def __init__(self, enc: Encoder):
            super().__init__(model_name=enc.model_id, embed_batch_size=16)
            self._encoder = enc

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encoder.encode_queries([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encoder.encode_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encoder.encode_passages(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

    return EncoderEmbedding(encoder)
