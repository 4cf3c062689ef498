"""Retrieval metrics: arithmetic on ids."""
from __future__ import annotations

import pytest

from tutor.evaluate.metrics import first_relevant_rank, load_jsonl, percentile, summarise
from tutor.records import Ref


def test_first_relevant_rank_counts_merged_duplicates():
    ranked = [{Ref("a.md", 1)}, {Ref("b.md", 2), Ref("c.md", 3)}]
    assert first_relevant_rank(ranked, {Ref("c.md", 3)}) == 2
    assert first_relevant_rank(ranked, {Ref("z.md", 1)}) is None


def test_summarise_per_language():
    rows = [{"lang": "zh", "rank": 1}, {"lang": "zh", "rank": 3}, {"lang": "en", "rank": None}]
    s = summarise(rows)
    assert s["zh"] == {"n": 2, "hit@1": 0.5, "hit@3": 1.0, "mrr": round((1 + 1 / 3) / 2, 3)}
    assert s["en"]["hit@3"] == 0.0 and s["all"]["n"] == 3


def test_percentile_nearest_rank():
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) == 0.0


def test_load_jsonl_reports_bad_line(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="x.jsonl:3"):
        load_jsonl(p)


def test_eval_files_are_well_formed():
    from conftest import ROOT
    from tutor.corpus.load import load_corpus

    refs = {r for it in load_corpus(ROOT / "corpus") for r in it.refs}
    queries = load_jsonl(ROOT / "eval" / "retrieval.jsonl")
    assert len(queries) >= 80
    assert {q["lang"] for q in queries} == {"zh", "en", "mixed"}
    for q in queries:
        assert q["relevant"] and {Ref(r["source"], r["number"]) for r in q["relevant"]} <= refs
