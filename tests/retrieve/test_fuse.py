"""Fusion arithmetic and the hybrid retriever over a tiny corpus with the hashed-n-gram fake embedder."""
from __future__ import annotations

import pytest

from tutor.index.embed import HashEncoder
from tutor.retrieve.fuse import Retriever, fuse, minmax


def test_minmax_scales_and_handles_constant_sets():
    assert minmax({"a": 1.0, "b": 3.0}) == {"a": 0.0, "b": 1.0}
    assert minmax({"a": 2.0, "b": 2.0}) == {"a": 1.0, "b": 1.0}
    assert minmax({}) == {}


def test_fuse_exact_order_with_full_coverage():
    ranked = fuse({"a": 0.90, "b": 0.88, "c": 0.80}, {"b": 10.0, "c": 5.0}, lexical_weight=0.5, coverage=1.0)
    assert ranked == [("b", 0.875), ("a", 0.5), ("c", 0.25)]


def test_a_tiny_dense_lead_does_not_outvote_a_strong_lexical_match():
    # e5 cosines of tightly packed candidates: min-max would turn the 0.004 lead into a full point.
    dense = {"a": 0.874, "b": 0.870, "c": 0.868}
    ranked = fuse(dense, {"b": 9.0, "a": 3.0}, lexical_weight=0.5, coverage=0.8)
    assert [i for i, _ in ranked][:2] == ["b", "a"]
    # …while a clear dense lead (0.06 of cosine) still wins over a moderate lexical one.
    ranked = fuse({"a": 0.90, "b": 0.84}, {"b": 6.0, "a": 3.0}, lexical_weight=0.5, coverage=0.8)
    assert ranked[0][0] == "a"


def test_fuse_ignores_lexical_when_the_query_is_outside_the_vocabulary():
    # An English query over Chinese text: BM25 matches are noise, dense order must stand.
    ranked = fuse({"a": 0.9, "b": 0.8, "c": 0.7}, {"c": 10.0}, lexical_weight=0.9, coverage=0.0)
    assert [i for i, _ in ranked] == ["a", "b", "c"]


def test_fuse_lexical_only_candidate_gets_dense_floor():
    ranked = dict(fuse({"a": 0.9, "b": 0.5}, {"z": 4.0}, lexical_weight=0.5, coverage=1.0))
    assert ranked["z"] == 0.5 and ranked["a"] == 0.5 and ranked["b"] == 0.0


@pytest.fixture
def mini_retriever(mini_corpus, tmp_path):
    from tutor.compose import open_retriever
    from tutor.settings import Settings

    s = Settings(home=tmp_path, corpus_dir=mini_corpus)
    return open_retriever(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None)


def test_hybrid_search_finds_the_right_item_with_scores_and_refs(mini_retriever):
    hits = mini_retriever.search("过拟合 怎么办", k=3)
    assert hits[0].item.number == 2
    assert hits[0].score >= hits[1].score >= hits[2].score
    assert "lexical" in hits[0].found_by and hits[0].lexical > 0
    js = hits[0].to_json()
    assert js["source"] == "mini.md" and js["number"] == 2
    assert js["duplicates"] == [{"source": "mini.md", "number": 2}]
    assert "overfitting" in js["topics"]


def test_empty_query_returns_nothing(mini_retriever):
    assert mini_retriever.search("   ") == []


def test_dense_and_lexical_modes(mini_retriever):
    dense = Retriever(mini_retriever.index, mode="dense").search("量化 INT8", k=1)
    lexical = Retriever(mini_retriever.index, mode="lexical").search("量化 INT8", k=1)
    assert dense[0].item.number == 3 and lexical[0].item.number == 3
    assert Retriever(mini_retriever.index, mode="lexical").search("zzzz unknown", k=3) == []


def test_best_dense_is_the_best_cosine_of_any_item_not_just_the_top_hit(mini_retriever):
    hits, best, gap = mini_retriever.search_with_evidence("过拟合 正则化 量化", k=1)
    all_dense = mini_retriever.index.dense_scores("过拟合 正则化 量化", 10)
    assert len(hits) == 1 and best == max(all_dense.values()) >= hits[0].dense
    assert gap >= 0.0
    assert mini_retriever.search_with_evidence("  ") == ([], 0.0, 0.0)
