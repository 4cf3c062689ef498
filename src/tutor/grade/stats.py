"""What the grader measures once per corpus: question anchors, everyday anchors, word frequencies, generic bigrams.

A mixin of grade.grader.Grader (it needs `self.items` and `self.encoder`); kept apart so the grader holds only
the grading flow. Each statistic is computed on first use and kept.

Example:
    >>> from tutor.records import Item
    >>> from tutor.index.embed import HashEncoder
    >>> class Stats(CorpusStats):
    ...     def __init__(self, items):
    ...         super().__init__()
    ...         self.items, self.encoder = items, HashEncoder()
    >>> s = Stats([Item("a.md", 1, "", "什么是过拟合？", answer="过拟合是训练好、测试差。")])
    >>> s.frequencies()["过拟合"], s.anchors().shape[0], s.generic() == GENERIC
    (1, 1, True)
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from tutor.grade.contradiction import GENERIC, point_terms
from tutor.grade.keypoints import token_set
from tutor.index.null import NULL_PROBES
from tutor.text.normalise import has_cjk

GENERIC_SHARE = 0.25  # a bigram in this share of the items or more names no particular object (see contradiction)


class CorpusStats:
    """Lazily computed corpus statistics (see the module docstring)."""

    def __init__(self):
        self._anchors: np.ndarray | None = None
        self._everyday: np.ndarray | None = None
        self._generic: frozenset[str] | None = None
        self._df: dict[str, int] | None = None
        self._words: list[set[str]] | None = None

    def anchors(self) -> np.ndarray:
        """Every item's question, embedded: the baseline an answer unit's similarity is measured against."""
        if self._anchors is None:
            # The index embedded the same questions as queries when it was built: reuse them when the items are
            # the index's own (seconds saved on the first grade, minutes over thousands of notes' items).
            index = getattr(getattr(self, "retriever", None), "index", None)
            saved = getattr(index, "question_vectors", None)
            if saved is not None and getattr(index, "items", None) is self.items and index.encoder is self.encoder:
                self._anchors = saved
            else:
                self._anchors = self.encoder.encode_queries([it.question for it in self.items])
        return self._anchors

    def everyday(self) -> np.ndarray:
        """Everyday questions (the index's Chinese null probes), embedded: see keypoints.relative_similarity."""
        if self._everyday is None:
            # Chinese ones only: the items are Chinese, so an English answer's cosines to both anchor sets
            # drop alike; English probes would sit closer to any English answer than the field does.
            self._everyday = self.encoder.encode_queries([p for p in NULL_PROBES if has_cjk(p)])
        return self._everyday

    def frequencies(self) -> dict[str, int]:
        """How many items use each lexical token (code included: identifiers are terms too)."""
        if self._df is None:
            self._df = dict(Counter(t for words in self.words() for t in words))
        return self._df

    def words(self) -> list[set[str]]:
        """Each item's lexical tokens, text and code, in item order (gates.word_share compares them)."""
        if self._words is None:
            self._words = [token_set("\n".join((it.text(), *it.code))) for it in self.items]
        return self._words

    def generic(self) -> frozenset[str]:
        """Bigrams in GENERIC_SHARE of the items or more: too common to identify what a cue is about."""
        if self._generic is None:
            df: dict[str, int] = {}
            for it in self.items:
                for t in point_terms(it.text()):
                    df[t] = df.get(t, 0) + 1
            common = {t for t, n in df.items() if n >= GENERIC_SHARE * len(self.items)}
            # A handful of items says nothing about which words are common: use the built-in list.
            self._generic = frozenset(common) if len(self.items) >= 20 else GENERIC
        return self._generic
