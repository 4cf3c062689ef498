"""BM25 over tokenised texts: scores, vocabulary coverage, save and load."""
from __future__ import annotations

from tutor.index.lexical import LexicalIndex
from tutor.text.tokenise import tokenize


def test_bm25_scores_and_coverage(tmp_path):
    idx = LexicalIndex.build(["a", "b"], ["数据并行 通信 开销", "模型量化 压缩"])
    scores, coverage = idx.scores("数据并行")
    assert set(scores) == {"a"} and coverage == 1.0
    scores, coverage = idx.scores("how to parallelise")
    assert scores == {} and coverage == 0.0
    idx.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    assert again.ids == ["a", "b"] and again.scores("量化")[0].keys() == {"b"}


def test_a_term_the_note_writes_as_one_word_is_found_from_two():
    idx = LexicalIndex.build(["a", "b"], ["Numpy实现Focalloss的计算", "focal 相机的 loss 函数"])
    scores, coverage = idx.scores("focal loss 怎么写")
    assert scores["a"] > 0  # only through the joined form: the note never writes "focal" or "loss" apart
    assert coverage == idx.coverage(tokenize("focal loss 怎么写"))  # the joined form does not add coverage
    assert idx.scores("loss，focal")[0].get("a", 0.0) == 0.0  # not joined across punctuation
