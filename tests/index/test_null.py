"""The corpus null level: measured at build time, kept in the manifest, and the probes stay null."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tutor.corpus.load import corpus_hash, load_corpus
from tutor.index.embed import HashEncoder
from tutor.index.null import NULL_PROBES, null_level
from tutor.index.store import load_or_build
from tutor.text.glossary import expand_query
from tutor.text.normalise import normalise

EVAL = Path(__file__).resolve().parents[2] / "eval"


def test_probes_are_not_eval_questions_and_embed_as_written():
    asked = {normalise(json.loads(line)["query"]) for f in EVAL.rglob("*.jsonl")
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip() and '"query"' in line}
    assert not {normalise(p) for p in NULL_PROBES} & asked
    # The glossary would append domain terms to a probe that names one: then it is no longer null.
    assert [p for p in NULL_PROBES if expand_query(p) != p] == []


def test_an_item_near_a_probe_raises_the_level():
    enc = HashEncoder(dim=128)
    far = enc.encode_passages(["数据并行的通信开销", "混合精度训练的损失缩放"])
    near = np.vstack([far, enc.encode_passages([NULL_PROBES[0]])])
    probes = enc.encode_queries(list(NULL_PROBES))
    assert null_level(probes, near) > null_level(probes, far)
    assert null_level(probes, far[:0]) == 0.0


def test_build_saves_the_level_and_an_older_index_gets_it_on_load(mini_corpus, tmp_path):
    items = load_corpus(mini_corpus)
    built = load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    manifest_path = tmp_path / "idx" / "manifest.json"
    saved = json.loads(manifest_path.read_text())["null_dense"]
    assert built.null_dense == saved and 0.0 < saved < 1.0
    manifest = json.loads(manifest_path.read_text())
    del manifest["null_dense"]  # as written before the null level existed
    manifest_path.write_text(json.dumps(manifest))
    loaded = load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    assert loaded.status == "loaded" and abs(loaded.null_dense - saved) < 1e-6
