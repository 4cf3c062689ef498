"""Text normalisation and script detection: the one home of the CJK run pattern and `is_english`.

Example:
    >>> normalise("ＧＰＵ 显存")
    'gpu 显存'
    >>> CJK_RUN.findall("用 GPU 训练模型")
    ['用', '训练模型']
    >>> is_english("What is ZeRO?"), is_english("ZeRO 是什么？"), is_english("用 Dropout")
    (True, False, False)
"""
from __future__ import annotations

import re
import unicodedata

# CJK Unified Ideographs and Extension A: the Chinese characters of the corpus and the questions.
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def has_cjk(text: str) -> bool:
    """Whether the text holds any Chinese character."""
    return bool(CJK_RUN.search(text))


def char_bigrams(text: str) -> set[str]:
    """The set of adjacent character pairs of text, as given (callers strip what they don't compare).

    >>> sorted(char_bigrams("显存不足"))
    ['不足', '存不', '显存']
    """
    return {text[i:i + 2] for i in range(len(text) - 1)}


def normalise(text: str) -> str:
    """NFKC-fold full-width letters/digits (ＧＰＵ) and spaces into their ASCII forms, lower-cased."""
    return unicodedata.normalize("NFKC", text).lower()


def is_english(text: str) -> bool:
    """Mostly Latin letters and no CJK: answer and refuse in English."""
    return not CJK_RUN.search(text) and bool(re.search(r"[A-Za-z]", text))
