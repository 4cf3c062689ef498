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


# Padded tokens per forward pass. On 2 CPU cores a batch of sixteen 500-token passages ran about twice as
# slow per text as batches of four (same vectors): the attention and activations of a big padded batch
# fall out of cache. Short texts (queries, one-line questions) still go many to a batch.
TOKEN_BUDGET = 2048
MAX_BATCH = 64


def token_batches(lengths: list[int], budget: int = TOKEN_BUDGET, max_batch: int = MAX_BATCH) -> list[list[int]]:
    """Indices grouped longest first, so no batch's padded size (count x its longest) exceeds budget.

    A text longer than the budget goes alone; order inside the output follows length, callers scatter back.

    >>> token_batches([10, 500, 20, 600, 30], budget=1200)
    [[3, 1], [4, 2, 0]]
    >>> token_batches([5000, 3], budget=100)
    [[0], [1]]
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < max_batch and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= budget:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


class SentenceTransformerEncoder:
    """e5 (or any sentence-transformers model) with e5's query/passage prefixes."""

    def __init__(self, model: Any, model_id: str, token_budget: int = TOKEN_BUDGET):
        self.model = model
        self.model_id = model_id
        self.dim = int((getattr(model, 'get_embedding_dimension', None) or model.get_sentence_embedding_dimension)())
        self.token_budget = token_budget

    def _lengths(self, texts: list[str]) -> list[int]:
        """Token counts as the model will see them (truncated to its max length); characters as a fallback."""
        tok, limit = getattr(self.model, "tokenizer", None), int(getattr(self.model, "max_seq_length", 512) or 512)
        if tok is None:
            return [min(len(t), limit) for t in texts]
        ids = tok(texts, add_special_tokens=True, truncation=True, max_length=limit)["input_ids"]
        return [len(x) for x in ids]

    def _encode(self, texts: list[str], prefix: str, progress: bool = False) -> np.ndarray:
        texts = [prefix + t for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = token_batches(self._lengths(texts), self.token_budget) if texts else []
        bar = None
        if progress and texts:
            from tqdm.auto import tqdm  # sentence-transformers' own dependency; only for the index build

            bar = tqdm(total=len(texts), desc="embedding", unit="text")
        for idx in batches:
            vecs = self.model.encode([texts[i] for i in idx], batch_size=len(idx), normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False)
            out[idx] = np.asarray(vecs, dtype=np.float32)
            if bar is not None:
                bar.update(len(idx))
        if bar is not None:
            bar.close()
        return out

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


QUERY_MEMO = 32  # recent query vectors kept per encoder: retrieval, refusal and grading embed a question once


def query_vector(encoder, text: str) -> np.ndarray:
    """The query embedding of text, remembered for the last QUERY_MEMO queries of this encoder: the dense
    search embeds the question, and refusal compares the same vector with the items' questions.

    >>> enc = HashEncoder(dim=16)
    >>> v = query_vector(enc, "数据并行"); v is query_vector(enc, "数据并行"), v.shape
    (True, (16,))
    """
    memo = encoder.__dict__.setdefault("_query_memo", {})
    vec = memo.get(text)
    if vec is None:
        remember_queries(encoder, [text])
        vec = memo.get(text)
    if vec is None:  # another thread's batch evicted it at once: compute it without remembering
        vec = np.asarray(encoder.encode_queries([text])[0], dtype=np.float32)
    return vec


def remember_queries(encoder, texts: list[str]) -> None:
    """Embed the texts not yet remembered in one batch and remember them (see query_vector): two strings a
    step needs (the glossary-expanded question for the search, the question as asked for refusal) cost one
    encoder call, not two.

    >>> enc = HashEncoder(dim=16)
    >>> remember_queries(enc, ["a b", "a"]); sorted(enc._query_memo)
    ['a', 'a b']
    """
    memo = encoder.__dict__.setdefault("_query_memo", {})
    missing = list(dict.fromkeys(t for t in texts if t not in memo))
    if missing:
        for text, vec in zip(missing, np.asarray(encoder.encode_queries(missing), dtype=np.float32)):
            if len(memo) >= QUERY_MEMO:
                memo.pop(next(iter(memo), None), None)  # oldest first; another thread may have taken it already
            memo[text] = vec


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
            return query_vector(self._encoder, query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encoder.encode_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encoder.encode_passages(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        async def _aget_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embedding(text)

    return EncoderEmbedding(encoder)
