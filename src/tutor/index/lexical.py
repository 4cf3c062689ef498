"""Lexical index: BM25 (bm25s, numpy/scipy only, no torch) over the tokenised item texts."""
from __future__ import annotations

import logging

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tutor.text.tokenise import joined_forms, silence_jieba, tokenize


@dataclass
class LexicalIndex:
    """BM25 over tokenised item texts; scores every document for a query."""

    bm25: object  # bm25s.BM25
    ids: list[str]

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        import bm25s

        silence_jieba()
        # bm25s sets its own logger to DEBUG on import: "DEBUG: Building index from tokens" on every
        # `tutor add`/`index` is noise to the user, not a message.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(bm25=bm25, ids=list(ids))

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of query tokens the corpus vocabulary knows (0 for an English query over Chinese text)."""
        if not query_tokens:
            return 0.0
        vocab = self.bm25.vocab_dict
        return sum(t in vocab for t in query_tokens) / len(query_tokens)

    def idf(self, token: str) -> float:
        """How rare a token is across the items: log((N + 1) / (df + 0.5)); 0 for a token no item uses.
        (bm25s keeps one column of scores per token: its length is the token's document frequency.)"""
        tid = self.bm25.vocab_dict.get(token)
        if tid is None or not token:
            return 0.0
        indptr = self.bm25.scores["indptr"]
        return float(np.log((self.bm25.scores["num_docs"] + 1) / (indptr[tid + 1] - indptr[tid] + 0.5)))

    def scores(self, query: str) -> tuple[dict[str, float], float]:
        """BM25 score of every document with a non-zero score, and the query's vocabulary coverage."""
        tokens = tokenize(query)
        # Joined spellings count only for matching; coverage (a refusal feature) stays on the query's own tokens.
        known = [t for t in tokens + joined_forms(query) if t in self.bm25.vocab_dict]
        if not known:
            return {}, 0.0
        raw = np.asarray(self.bm25.get_scores(known))
        return {self.ids[i]: float(raw[i]) for i in np.flatnonzero(raw > 0)}, self.coverage(tokens)

    def save(self, path: Path) -> None:
        self.bm25.save(str(path))
        (Path(path) / "ids.txt").write_text("\n".join(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        import bm25s

        silence_jieba()
        bm25 = bm25s.BM25.load(str(path))
        ids = (Path(path) / "ids.txt").read_text(encoding="utf-8").split("\n")
        return cls(bm25=bm25, ids=ids)
