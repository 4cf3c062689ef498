"""Index build, persist, manifest staleness and corruption recovery (fake embedder; real llama-index + FAISS)."""
from __future__ import annotations

import json

from tutor.corpus.load import corpus_hash, load_corpus
from tutor.index.embed import HashEncoder
from tutor.index.store import load_or_build, manifest_for, stale_reason


def _build(mini_corpus, index_dir, encoder=None):
    items = load_corpus(mini_corpus)
    return load_or_build(items, encoder or HashEncoder(), index_dir, corpus_hash(mini_corpus), show_progress=False)


def test_builds_then_loads_from_cache(mini_corpus, tmp_path):
    first = _build(mini_corpus, tmp_path / "idx")
    assert first.status == "built (no index yet)"
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["embedder"] == "hash-ngrams" and manifest["items"] == 3
    second = _build(mini_corpus, tmp_path / "idx")
    assert second.status == "loaded"
    assert second.dense_scores("过拟合", 3).keys() == first.dense_scores("过拟合", 3).keys()


def test_rebuilds_when_corpus_or_embedder_changes(mini_corpus, tmp_path):
    _build(mini_corpus, tmp_path / "idx")
    (mini_corpus / "extra.md").write_text("# 额外\n\n## 1. 什么是流水线并行？\n\n**答案：** 按层切分并流水执行。\n",
                                          encoding="utf-8")
    again = _build(mini_corpus, tmp_path / "idx")
    assert again.status == "built (corpus_hash changed)" and len(again.items) == 4
    assert stale_reason(tmp_path / "idx", manifest_for(HashEncoder(dim=128), corpus_hash(mini_corpus))) == "dim changed"


def test_corrupt_index_is_rebuilt(mini_corpus, tmp_path):
    _build(mini_corpus, tmp_path / "idx")
    for f in (tmp_path / "idx" / "vector").iterdir():
        f.write_bytes(b"garbage")
    again = _build(mini_corpus, tmp_path / "idx")
    assert again.status.startswith("built (corrupt")
    assert again.dense_scores("量化", 1)
    (tmp_path / "idx" / "manifest.json").write_text("{not json")
    assert _build(mini_corpus, tmp_path / "idx").status == "built (manifest unreadable)"
