"""The "is this about the field?" classifier: tied to its embedder, one bounded score, a refusal feature."""
from __future__ import annotations

import json

import numpy as np
import pytest

from tutor.retrieve.domain import CLIP, MODEL_PATH, DomainModel, load_domain
from tutor.retrieve.refusal import Signals
from tutor.retrieve.refusal_model import features, load_model

E5 = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["embedder"]


def test_the_classifier_is_tied_to_its_embedder(tmp_path):
    m = load_domain(E5)
    assert m is not None and m.n_in > 1000 and m.n_out >= 500
    assert load_domain("hash-ngrams") is None
    assert load_domain(E5, tmp_path / "missing.json") is None


def test_score_is_a_clipped_log_odds():
    m = DomainModel("x", (3.0, -3.0), 0.5)
    assert m.score(np.array([1.0, 0.0])) == pytest.approx(3.5)
    assert m.score(np.array([0.0, 1.0])) == pytest.approx(-2.5)
    assert DomainModel("x", (1e3,), 0.0).score([1.0]) == CLIP
    assert DomainModel("x", (1e3,), 0.0).score([-1.0]) == -CLIP


def test_the_refusal_model_weighs_it_and_reads_its_mean_without_it():
    base = dict(dense=0.90, coverage=0.8, unknown_terms=(), named_terms=0, unknown_words=(), injection=False, n_words=4)

    def f(off):
        return features(Signals(**base), top_lexical=10.0, lexical_coverage=0.8, question_cos=0.9, off_domain=off)

    m = load_model(E5)
    assert "off_domain" in m.names and "off_domain" not in f(None)
    probs = [m.probability(f(z)) for z in (-8.0, -2.0, 2.0, 8.0)]
    assert probs == sorted(probs) and probs[0] < probs[-1]
    assert m.probability(f(None)) == m.probability(f(m.mean[m.names.index("off_domain")]))


@pytest.mark.integration
def test_everyday_questions_with_the_fields_words_score_off_the_field(real_retriever):
    """Questions written for this test (none is in the fit data): the everyday ones borrow the field's words."""
    from tutor.retrieve.refusal import domain_score

    index = real_retriever.index
    everyday = ["How should I train my cat to use a scratching post?", "冬天家里暖气片的能耗怎么算比较省钱",
                "我的社交网络太小了，怎么拓展人脉", "What is the best way to memorize vocabulary for the GRE?"]
    field = ["Why does gradient clipping help when training RNNs?", "张量并行和流水线并行在通信上有什么不同",
             "KV cache 为什么能加速自回归解码", "How is InfiniBand different from Ethernet for GPU clusters?"]
    out = [domain_score(index, q) for q in everyday]
    inside = [domain_score(index, q) for q in field]
    assert min(out) > max(inside), (out, inside)
    assert all(z > 0 for z in out) and all(z < 0 for z in inside), (out, inside)


def test_everyday_questions_far_off_the_field_are_refused_and_field_ones_are_not(real_retriever):
    """Written for this test (none in the fit data or the eval files); both sides use the field's words."""
    from tutor.retrieve.refusal import retrieve_or_refuse

    everyday = ["How long should I rest a steak after grilling it?", "周末想给孩子报个游泳班，一般学几节课能学会？"]
    field = ["Why do we warm up the learning rate at the start of training?", "数据并行和模型并行各适合什么场景"]
    assert all(retrieve_or_refuse(real_retriever, q)[1] for q in everyday)
    assert not any(retrieve_or_refuse(real_retriever, q)[1] for q in field)
