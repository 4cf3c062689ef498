"""Chinese-aware lexical retrieval: jieba words + character bigrams, scored by bm25s.

The tokeniser is pure; `LexicalIndex` wraps bm25s (numpy/scipy only, no torch).

Example:
    >>> tokenize("显存不够 怎么训练 GPT")
    ['显存', '不够', '显存', '存不', '不够', '训练', '么训', '训练', 'gpt']
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+(?:[-_.+][a-z0-9]+)*")
# Function words that carry no topic: question scaffolding in both languages.
STOP_ZH = frozenset("""的 了 是 在 和 与 及 或 中 对 把 被 有 吗 呢 吧 啊 么 哪些 什么 怎么 怎样 如何 为什么 请 请问
解释 简述 一下 一些 这个 那个 我们 你 我 可以 需要 进行 以及 通过 问题 哪 个 些 要 会 能 怎么办 怎么样 是否
还是 就 都 也 很 比较 主要 常见 方面 有哪些 一个 说说 讲讲 聊聊""".split())
STOP_EN = frozenset("""a an the of to in on for and or is are was were be been how what why which when who do does
did can could should would i you we it its this that these those with by as at from about into vs versus
me my your explain describe tell please there their them some any""".split())


def _normalise(text: str) -> str:
    # NFKC folds full-width letters/digits (ＧＰＵ) and spaces into their ASCII forms.
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: jieba words and character bigrams of CJK runs, lower-cased ASCII words.

    Bigrams catch compounds jieba splits differently in query and document (显存/显存不足);
    words keep precise matches. Stop words are dropped from both.
    """
    import jieba  # imported here: its dictionary load is slow and logs on first use

    silence_jieba()
    text = _normalise(text)
    tokens: list[str] = []
    for run in _CJK_RUN.findall(text):
        words = [w for w in jieba.lcut(run) if len(w) > 1 and w not in STOP_ZH]
        bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
        tokens.extend(words)
        tokens.extend(b for b in bigrams if b not in STOP_ZH)
    tokens.extend(w for w in _WORD.findall(text) if w not in STOP_EN and not w.isdigit())
    return tokens


_READY = False


def domain_terms() -> set[str]:
    """Chinese terms of the field: the glossary's renderings and the topic keywords."""
    from .glossary import GLOSSARY
    from .topics import TOPICS

    terms = {t for zh in GLOSSARY.values() for t in zh.split()} | {k for *_, kws in TOPICS.values() for k in kws}
    return {t for t in terms if _CJK_RUN.fullmatch(t) and len(t) >= 2}


def silence_jieba() -> None:
    """Load jieba once: quiet (it logs its dictionary load on stderr) and taught the domain's terms.

    Without them jieba splits 过拟合 into 过/拟合 and 数据并行 into 数据/并行.
    """
    global _READY
    if _READY:
        return
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for term in domain_terms():
        jieba.add_word(term)
    _READY = True


def content_words(text: str) -> list[str]:
    """The words that carry a text's topic: jieba words (≥ 2 chars, no stop words) and ASCII words.

    >>> content_words("如何处理过拟合？")
    ['处理', '过拟合']
    """
    import jieba

    silence_jieba()
    text = _normalise(text)
    words = [w for run in _CJK_RUN.findall(text) for w in jieba.lcut(run) if len(w) > 1 and w not in STOP_ZH]
    words += [w for w in _WORD.findall(text) if w not in STOP_EN and not w.isdigit()]
    return list(dict.fromkeys(words))


@dataclass
class LexicalIndex:
    """BM25 over tokenised item texts; scores every document for a query."""

    bm25: object  # bm25s.BM25
    ids: list[str]

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        import bm25s

        silence_jieba()
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(bm25=bm25, ids=list(ids))

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of query tokens the corpus vocabulary knows (0 for an English query over Chinese text)."""
        if not query_tokens:
            return 0.0
        vocab = self.bm25.vocab_dict
        return sum(t in vocab for t in query_tokens) / len(query_tokens)

    def scores(self, query: str) -> tuple[dict[str, float], float]:
        """BM25 score of every document with a non-zero score, and the query's vocabulary coverage."""
        tokens = tokenize(query)
        known = [t for t in tokens if t in self.bm25.vocab_dict]
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
