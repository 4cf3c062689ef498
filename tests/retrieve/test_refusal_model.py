"""The fitted refusal model: loads for its own embedder only, and weighs the evidence sensibly."""
from __future__ import annotations

import json

from tutor.retrieve.refusal import Signals
from tutor.retrieve.refusal_model import FEATURES, MODEL_PATH, features, load_model, name_weight

E5 = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["embedder"]


def _f(number_unmet=False, question_cos=0.90, **kw):
    base = dict(dense=0.90, coverage=0.8, unknown_terms=(), named_terms=0, unknown_words=(), injection=False,
                n_words=4)
    return features(Signals(**(base | kw)), top_lexical=10.0, lexical_coverage=0.8, number_unmet=number_unmet,
                    question_cos=question_cos)


def test_model_is_tied_to_its_embedder(tmp_path):
    assert load_model(E5) is not None and load_model(E5).names == FEATURES
    assert load_model("hash-ngrams") is None
    assert load_model(E5, tmp_path / "missing.json") is None


def test_covered_question_is_answered_and_far_one_refused():
    m = load_model(E5)
    assert not m.refuse(_f())
    assert m.refuse(_f(dense=0.80, coverage=0.0, question_cos=0.80))


def test_a_question_unlike_the_near_items_questions_is_more_likely_refused():
    m = load_model(E5)
    probs = [m.probability(_f(question_cos=c)) for c in (0.80, 0.85, 0.90, 0.95)]
    assert probs == sorted(probs, reverse=True)
    # An index without question vectors gives no evidence either way: the feature reads as its mean.
    no_vectors = _f(question_cos=None)
    assert "question_cos" not in no_vectors
    assert m.probability(no_vectors) == m.probability(_f(question_cos=m.mean[m.names.index("question_cos")]))


def test_symptom_tokens_do_not_count_as_unknown_names():
    m = load_model(E5)
    plain = m.probability(_f())
    assert m.probability(_f(unknown_terms=("NaN", "inf", "OOM"), named_terms=3)) == plain
    assert m.probability(_f(unknown_terms=("NVLink",), named_terms=1)) > plain
    assert name_weight("ZeRO-3") == 1.0 and name_weight("oom") == 0.0


def test_a_number_asked_and_stated_by_no_hit_counts_against_coverage():
    m = load_model(E5)
    assert m.probability(_f(number_unmet=True)) > m.probability(_f())
    assert m.probability(_f(number_unmet=True, dense=0.86)) > m.probability(_f(dense=0.86))


def test_model_features_read_the_hits_for_a_number():
    """number_unmet is set only when the question asks for a number and no hit states one."""
    from types import SimpleNamespace

    from tutor.records import Item
    from tutor.retrieve.refusal import model_features

    # The corpus's idf: 示例 and 函数 are words many items use; a word no item uses (gamma, 例里) weighs 0.
    idf = {"fp16": 2.0, "尾数": 2.0, "字节": 2.0, "混合精度": 1.0, "focal": 2.0, "loss": 2.0, "keras": 2.0, "dense": 2.0,
           "单元": 1.0, "示例": 0.2, "函数": 0.2}
    lexical = SimpleNamespace(coverage=lambda tokens: 0.8, idf=lambda t: idf.get(t, 0.0))
    s = Signals(0.9, 0.8, (), 0, (), False, n_words=4)
    hit = lambda answer: SimpleNamespace(item=Item("a.md", 1, "", "q", answer=answer), lexical=5.0)
    plain = [hit("1. **混合精度：** 用 FP16 计算，FP32 保存主权重。")]  # list marker and names hold no number
    stated = [hit("FP16 的尾数位有 10 位。")]
    assert model_features("混合精度有哪几种做法？", s, plain, lexical)["number_unmet"] == 0.0  # asks for a list
    assert model_features("FP16 占几个字节？", s, plain, lexical)["number_unmet"] == 1.0
    assert model_features("FP16 的尾数位是几位？", s, plain, lexical)["number_unmet"] == 1.0
    assert model_features("FP16 的尾数位是几位？", s, stated, lexical)["number_unmet"] == 0.0
    assert model_features("什么是混合精度？", s, plain, lexical)["number_unmet"] == 0.0
    # A number in a sentence that shares only a common word (函数) is about another thing (Sigmoid's range).
    sigmoid = [hit("Sigmoid 函数将输入映射到 0 到 1 之间。")]
    assert model_features("Focal Loss 函数的 gamma 一般取多少？", s, sigmoid, lexical)["number_unmet"] == 1.0
    # A number stated only in the item's code example counts (the Keras example's Dense(64, ...)); the whole
    # block is its context, so "keras" on the import line ties the number to the question.
    code = "import tensorflow as tf\nmodel.add(tf.keras.layers.Dense(64, activation='relu'))"
    coded = [SimpleNamespace(item=Item("a.md", 2, "", "q", answer="示例如下：", code=(code,)), lexical=5.0)]
    assert model_features("Keras 示例里 Dense 层设了多少个单元？", s, coded, lexical)["number_unmet"] == 0.0
    assert model_features("Keras 示例里 Dense 层设了多少个单元？", s, [hit("示例如下：")], lexical)["number_unmet"] == 1.0
    # The item's own question is what its sentences are about: a formula line under "Positional Encoding"
    # answers the formula question though it names only pos and sin.
    idf.update({"positional": 2.0, "encoding": 2.0, "sin": 1.0})
    formula = SimpleNamespace(item=Item("t.md", 3, "", "Positional Encoding", answer="$PE(pos,2i)=sin(pos/10000)$"),
                              lexical=5.0)
    assert model_features("Positional Encoding 的公式是什么？", s, [formula], lexical)["number_unmet"] == 0.0


def test_more_similar_means_less_likely_refused():
    m = load_model(E5)
    probs = [m.probability(_f(dense=d)) for d in (0.82, 0.86, 0.90, 0.94)]
    assert probs == sorted(probs, reverse=True)


def test_a_corpus_with_a_higher_null_level_needs_a_higher_cosine(tmp_path):
    """After notes are added, every cosine sits higher: the same raw evidence must count for less."""
    from dataclasses import replace as dc_replace

    m = load_model(E5)
    assert m.null_dense is not None and m.dense_shift(m.null_dense) == 0.0
    grown = m.null_dense + 0.02
    raw = 0.86
    assert m.probability(_f(dense=raw - m.dense_shift(grown))) > m.probability(_f(dense=raw))
    capped = dc_replace(m, null_dense=0.0)
    assert capped.dense_shift(0.9) == 0.05  # one odd corpus can't move refusal past the covered/off-topic spread
