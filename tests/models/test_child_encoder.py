"""The child-process encoder of one-shot commands: same vectors, clear failures, nothing left running."""
from __future__ import annotations

import time

import numpy as np
import pytest

from tutor.index.embed import HashEncoder
from tutor.models.child_encoder import ChildEncoder, EncoderFailed
from tutor.models.registry import ModelError

HASH = ("tutor.index.embed", "HashEncoder", {"dim": 64})
TEXTS = ["什么是过拟合？", "How does ZeRO shard optimizer states?", ""]


def test_vectors_equal_the_in_process_encoder_and_dim_waits_for_the_child_when_unknown():
    enc = ChildEncoder(HASH, "hash-ngrams", dim=None)
    try:
        assert enc.dim == 64  # learned from the child's ready message
        local = HashEncoder(dim=64)
        assert np.array_equal(enc.encode_passages(TEXTS), local.encode_passages(TEXTS))
        assert np.array_equal(enc.encode_queries(TEXTS[:1]), local.encode_queries(TEXTS[:1]))
        assert enc.encode_passages([]).shape == (0, 64)
    finally:
        enc.close()
    assert not enc._proc.is_alive()


def test_a_model_that_cannot_load_is_a_model_error_with_the_reason():
    enc = ChildEncoder(("tutor.index.embed", "NoSuchEncoder", {}), "x", dim=8)
    assert enc.dim == 8  # known up front: no wait, no error yet
    with pytest.raises(ModelError, match="can't load the embedder: AttributeError.*NoSuchEncoder"):
        enc.encode_queries(["a"])
    enc.close()


def test_a_folder_dimension_that_disagrees_with_the_model_is_refused():
    enc = ChildEncoder(HASH, "hash-ngrams", dim=32)
    with pytest.raises(EncoderFailed, match="dimension is 64, its folder says 32"):
        enc.encode_queries(["a"])
    enc.close()


def test_a_child_that_dies_mid_run_is_reported_not_waited_on():
    enc = ChildEncoder(HASH, "hash-ngrams", dim=64)
    enc.encode_queries(["warm"])
    enc._proc.kill()
    enc._proc.join(5)
    with pytest.raises(EncoderFailed, match="died"):
        enc.encode_passages(["a"])
    enc.close()


def test_close_while_the_model_is_still_loading_stops_the_child_at_once():
    slow = ("fakes", "slow_hash_encoder", {"seconds": 60})  # a model that takes a minute to load
    enc = ChildEncoder(slow, "slow", dim=64)
    time.sleep(0.5)
    assert enc._proc.is_alive()
    t0 = time.perf_counter()
    enc.close()
    assert time.perf_counter() - t0 < 10 and not enc._proc.is_alive()


def test_a_slow_load_is_waited_for_and_then_serves():
    enc = ChildEncoder(("fakes", "slow_hash_encoder", {"seconds": 1.0}), "hash-ngrams", dim=64)
    try:
        assert enc.encode_queries(["a"]).shape == (1, 64)
    finally:
        enc.close()


@pytest.mark.integration
def test_the_packaged_e5_in_a_child_gives_the_in_process_vectors(real_encoder, project_settings):
    from tutor.models.load import load_encoder

    enc = load_encoder(project_settings.embedder, project_settings.cache_dir, progress=lambda m: None, in_child=True)
    try:
        # id and dimension come from the settings and the folder, before the model has loaded
        assert (enc.model_id, enc._dim) == (real_encoder.model_id, real_encoder.dim)
        texts = ["什么是张量并行？", "ZeRO-3 shards parameters, gradients and optimizer states. " * 40]
        for mine, theirs in ((enc.encode_passages(texts), real_encoder.encode_passages(texts)),
                             (enc.encode_queries(texts[:1]), real_encoder.encode_queries(texts[:1]))):
            assert mine.shape == theirs.shape
            assert np.allclose(mine, theirs, atol=1e-5)
    finally:
        enc.close()
