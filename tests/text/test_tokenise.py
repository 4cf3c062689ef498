"""Chinese-aware tokenisation: jieba words, CJK bigrams, ASCII words, stop words, NFKC folding."""
from __future__ import annotations

from tutor.text.tokenise import tokenize


def test_tokenize_mixes_words_bigrams_and_ascii_and_drops_stopwords():
    toks = tokenize("如何处理 Data Parallel 的通信瓶颈？")
    assert "data" in toks and "parallel" in toks
    assert "通信" in toks and "瓶颈" in toks and "信瓶" in toks  # a word and a cross-word bigram
    assert "如何" not in toks and "的" not in toks


def test_full_width_text_is_normalised():
    assert tokenize("ＧＰＵ") == ["gpu"]
