"""Token-budget batching: order is kept, no padded batch exceeds the budget, the vectors don't change."""
from __future__ import annotations

import numpy as np
import pytest

from tutor.index.embed import SentenceTransformerEncoder, token_batches


class _FakeST:
    """Embeds a text as (its length, 1, 0, ...) normalised; records every batch it is given."""

    max_seq_length = 512

    def __init__(self):
        self.batches: list[list[str]] = []

    def get_sentence_embedding_dimension(self):
        return 4

    def tokenizer(self, texts, add_special_tokens=True, truncation=True, max_length=512):
        return {"input_ids": [list(range(min(len(t), max_length))) for t in texts]}

    def encode(self, texts, batch_size, normalize_embeddings, convert_to_numpy, show_progress_bar):
        self.batches.append(list(texts))
        v = np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_vectors_come_back_in_input_order_and_batches_respect_the_budget():
    model = _FakeST()
    enc = SentenceTransformerEncoder(model, "fake", token_budget=300)
    texts = ["a" * n for n in (5, 200, 40, 120, 3, 90)]
    out = enc.encode_passages(texts)
    lengths = [len("passage: ") + len(t) for t in texts]
    expected = np.array([[n, 1.0, 0, 0] for n in lengths], dtype=np.float32)
    np.testing.assert_allclose(out, expected / np.linalg.norm(expected, axis=1, keepdims=True), rtol=1e-6)
    assert sorted(len(b) for b in model.batches) != [1] * len(texts)  # short texts did share a batch
    for b in model.batches:
        assert len(b) == 1 or len(b) * max(map(len, b)) <= 300


def test_every_index_is_in_exactly_one_batch():
    lengths = [7, 512, 512, 1, 300, 300, 300, 2, 2, 9]
    batches = token_batches(lengths, budget=1024, max_batch=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) <= 3 for b in batches)


@pytest.mark.integration
def test_budget_batching_gives_the_vectors_of_one_big_batch(real_encoder):
    texts = ["数据并行把数据切分到多张卡上，" * k for k in (1, 3, 12, 40)] + ["What is ZeRO?", "流水线并行"]
    mine = real_encoder.encode_passages(texts)
    whole = real_encoder.model.encode(["passage: " + t for t in texts], batch_size=len(texts),
                                      normalize_embeddings=True, convert_to_numpy=True)
    assert float(np.min(np.sum(mine * whole, axis=1))) > 0.9999
