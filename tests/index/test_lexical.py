"""BM25 over tokenised texts: scores, vocabulary coverage, save and load."""
from __future__ import annotations

from tutor.index.lexical import LexicalIndex


def test_bm25_scores_and_coverage(tmp_path):
    idx = LexicalIndex.build(["a", "b"], ["数据并行 通信 开销", "模型量化 压缩"])
    scores, coverage = idx.scores("数据并行")
    assert set(scores) == {"a"} and coverage == 1.0
    scores, coverage = idx.scores("how to parallelise")
    assert scores == {} and coverage == 0.0
    idx.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    assert again.ids == ["a", "b"] and again.scores("量化")[0].keys() == {"b"}
