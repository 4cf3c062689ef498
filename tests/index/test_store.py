"""Index build, persist, manifest staleness and corruption recovery (fake embedder; real llama-index + FAISS)."""
from __future__ import annotations

import json

from tutor.corpus.load import corpus_hash, load_corpus
from tutor.index.embed import HashEncoder

from fakes import CountingEncoder
from tutor.index.store import item_views, load_or_build, manifest_for, stale_reason


def _build(mini_corpus, index_dir, encoder=None):
    items = load_corpus(mini_corpus)
    return load_or_build(items, encoder or HashEncoder(), index_dir, corpus_hash(mini_corpus), show_progress=False)


def test_builds_then_loads_from_cache(mini_corpus, tmp_path):
    first = _build(mini_corpus, tmp_path / "idx")
    # 3 items: two passage views each (full text, question) and the question again as a query
    assert first.status == "built (no index yet; 9 new texts embedded)"
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["embedder"] == "hash-ngrams" and manifest["items"] == 3
    second = _build(mini_corpus, tmp_path / "idx")
    assert second.status == "loaded"
    assert second.dense_scores("过拟合", 3).keys() == first.dense_scores("过拟合", 3).keys()
    # The questions' query vectors are saved with the index and read back, in item order.
    assert second.question_vectors.shape == (3, HashEncoder().dim)
    ids = [it.id for it in second.items]
    assert second.question_cos(second.items[0].question, ids) > 0.99
    assert second.question_cos("过拟合", ids) == first.question_cos("过拟合", ids)


def test_rebuilds_when_corpus_or_embedder_changes(mini_corpus, tmp_path):
    _build(mini_corpus, tmp_path / "idx")
    (mini_corpus / "extra.md").write_text("# 额外\n\n## 1. 什么是流水线并行？\n\n**答案：** 按层切分并流水执行。\n",
                                          encoding="utf-8")
    again = _build(mini_corpus, tmp_path / "idx")
    # the new item's two views (its full text and its question) and its question as a query
    assert again.status == "built (corpus_hash changed; 3 new texts embedded)" and len(again.items) == 4
    assert stale_reason(tmp_path / "idx", manifest_for(HashEncoder(dim=128), corpus_hash(mini_corpus))) == "dim changed"


def test_corrupt_index_is_rebuilt(mini_corpus, tmp_path):
    _build(mini_corpus, tmp_path / "idx")
    for f in (tmp_path / "idx" / "vector").iterdir():
        f.write_bytes(b"garbage")
    again = _build(mini_corpus, tmp_path / "idx")
    assert again.status.startswith("built (corrupt")
    assert again.dense_scores("量化", 1)
    (tmp_path / "idx" / "manifest.json").write_text("{not json")
    assert _build(mini_corpus, tmp_path / "idx").status.startswith("built (manifest unreadable")


def test_notes_that_parse_into_other_items_update_the_index_without_a_corruption_warning(mini_corpus, tmp_path, caplog):
    """A newer parser reads the same bytes into other items: the index is updated, and not called corrupt."""
    items = load_corpus(mini_corpus)
    load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    fewer = items[:-1]  # what a parser that drops one item would give for the same files
    again = load_or_build(fewer, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    assert again.status == "built (items changed; 0 new texts embedded)" and len(again.items) == len(fewer)
    assert "corrupt" not in caplog.text


def _views(items) -> set[str]:
    """The distinct texts embedded for items (identical views are embedded once)."""
    return {v for it in items for v in item_views(it)}


def _embedded(items) -> int:
    """Texts a build of items embeds: the distinct passage views, and each distinct question as a query."""
    items = list(items)
    return len(_views(items)) + len({it.question for it in items})


EXTRA = "# 额外\n\n## 1. 什么是流水线并行？\n\n**答案：** 按层切分并流水执行。\n\n## 2. 什么是张量并行？\n\n**答案：** 把矩阵切到多卡。\n"


def test_adding_a_file_embeds_only_its_items(mini_corpus, tmp_path):
    enc = CountingEncoder()
    first = _build(mini_corpus, tmp_path / "idx", enc)
    assert sorted(enc.seen) == sorted(_views(first.items))
    enc.seen.clear()
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    again = _build(mini_corpus, tmp_path / "idx", enc)
    new = [it for it in again.items if it.source == "extra.md"]
    assert len(new) == 2 and len(again.items) == len(first.items) + 2
    # Exactly the new file's texts were embedded, each once; none of the old items' texts.
    assert sorted(enc.seen) == sorted(_views(new)) and again.embedded == _embedded(new) > 0
    assert not set(enc.seen) & _views(first.items)
    # The assembled index still finds old and new items (the cached vectors were put back in).
    assert next(iter(again.dense_scores("流水线并行 按层切分", 1))) == "extra.md#1"
    assert next(iter(again.dense_scores("量化 INT8 显存", 1))) in {it.id for it in first.items}


def test_removing_a_file_drops_its_items_and_vectors(mini_corpus, tmp_path):
    enc = CountingEncoder()
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    _build(mini_corpus, tmp_path / "idx", enc)
    (mini_corpus / "extra.md").unlink()
    enc.seen.clear()
    smaller = _build(mini_corpus, tmp_path / "idx", enc)
    assert enc.seen == [] and smaller.status.endswith("; 0 new texts embedded)")
    assert not any(it.source == "extra.md" for it in smaller.items)
    assert not any(k.startswith("extra.md") for k in smaller.dense_scores("流水线并行", 10))
    assert json.loads((tmp_path / "idx" / "manifest.json").read_text())["items"] == len(smaller.items)
    # Its vectors left the cache too: adding it back embeds it again.
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    back = _build(mini_corpus, tmp_path / "idx", enc)
    assert back.embedded == _embedded([it for it in back.items if it.source == "extra.md"]) > 0


def test_force_and_a_damaged_cache_re_embed_everything(mini_corpus, tmp_path):
    enc = CountingEncoder()
    first = _build(mini_corpus, tmp_path / "idx", enc)
    forced = load_or_build(load_corpus(mini_corpus), enc, tmp_path / "idx", corpus_hash(mini_corpus),
                           force=True, show_progress=False)
    assert forced.embedded == _embedded(first.items)
    for f in (tmp_path / "idx" / "embeddings").iterdir():
        f.write_bytes(b"garbage")
    (mini_corpus / "extra.md").write_text(EXTRA, encoding="utf-8")
    again = _build(mini_corpus, tmp_path / "idx", enc)
    assert again.embedded == _embedded(again.items) and next(iter(again.dense_scores("张量并行", 1))) == "extra.md#2"


def test_another_embedder_never_reuses_these_vectors(mini_corpus, tmp_path):
    _build(mini_corpus, tmp_path / "idx", CountingEncoder())
    other = _build(mini_corpus, tmp_path / "idx", HashEncoder(dim=128))
    assert other.status == f"built (dim changed; {_embedded(other.items)} new texts embedded)"
