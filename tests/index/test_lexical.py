"""Chinese-aware tokenisation and BM25 scoring."""
from __future__ import annotations

from tutor.index.lexical import LexicalIndex
from tutor.text.tokenise import tokenize


def test_tokenize_mixes_words_bigrams_and_ascii_and_drops_stopwords():
    toks = tokenize("如何处理 Data Parallel 的通信瓶颈？")
    assert "data" in toks and "parallel" in toks
    assert "通信" in toks and "瓶颈" in toks and "信瓶" in toks  # a word and a cross-word bigram
    assert "如何" not in toks and "的" not in toks


def test_full_width_text_is_normalised():
    assert tokenize("ＧＰＵ") == ["gpu"]


def test_bm25_scores_and_coverage(tmp_path):
    idx = LexicalIndex.build(["a", "b"], ["数据并行 通信 开销", "模型量化 压缩"])
    scores, coverage = idx.scores("数据并行")
    assert set(scores) == {"a"} and coverage == 1.0
    scores, coverage = idx.scores("how to parallelise")
    assert scores == {} and coverage == 0.0
    idx.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    assert again.ids == ["a", "b"] and again.scores("量化")[0].keys() == {"b"}
