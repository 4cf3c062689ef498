"""Simulated candidates: the wrong persona is independent of the grader's cue lists and never the reference."""
from __future__ import annotations

import re

import pytest

from tutor.corpus.load import load_corpus
from tutor.evaluate import personas
from tutor.evaluate.personas import excellent, wrong
from tutor.grade import contradiction
from tutor.records import Item

# Every word list the contradiction cues look for.
CUE_LISTS = {name: value for name, value in vars(contradiction).items()
             if name.isupper() and isinstance(value, (tuple, frozenset)) and all(isinstance(w, str) for w in value)}
CUE_WORDS = {w for words in CUE_LISTS.values() for w in words}


@pytest.fixture(scope="module")
def seed_items():
    from conftest import ROOT

    return [it for it in load_corpus(ROOT / "corpus") if it.kind == "item" and it.key_points]


def _strings(value) -> set[str]:
    """Every string inside a module constant (nested tuples, dicts, sets)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(k) | _strings(v) for k, v in value.items())) if value else set()
    if isinstance(value, (tuple, list, set, frozenset)):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def test_personas_module_holds_no_word_list_of_the_cues():
    assert CUE_LISTS and "UP_VERB" in CUE_LISTS and "NEGATION_VERB" in CUE_LISTS  # the scan sees the lists
    constants = set().union(*(_strings(v) for name, v in vars(personas).items() if name.isupper()))
    assert not constants & CUE_WORDS
    assert not hasattr(personas, "FLIPS")


def _cue_words_in(text: str) -> set[str]:
    text = text.lower()
    return {w for w in CUE_WORDS if re.search(r"(?<![a-z])" + re.escape(w) if w[0].isalpha() and w.isascii()
                                              else re.escape(w), text)}


def test_wrong_answers_bring_no_cue_word_of_their_own(seed_items):
    # The wrong persona only rearranges corpus text: every cue word in its answer is already in the item
    # (or, when it borrows, in the sibling it borrowed from), so no cue can fire because of the persona.
    corpus_words = _cue_words_in("\n".join(excellent(it) for it in seed_items))
    for it in seed_items:
        assert _cue_words_in(wrong(it)) <= _cue_words_in(excellent(it)), it.id
        assert _cue_words_in(wrong(it, seed_items)) <= corpus_words, it.id


def test_wrong_answers_are_not_the_reference(seed_items):
    for it in seed_items:
        reference = "".join(p.rstrip("。；;.") + "。" for p in it.key_points)
        answer = wrong(it, seed_items)
        assert answer and answer != reference and answer != excellent(it), it.id
        # No labelled point keeps its own explanation.
        stated = {s.strip() for s in answer.split("。")}
        for p in it.key_points:
            label, _, body = p.partition("：")
            if body and len(it.key_points) >= 2:
                assert f"{label.strip()}：{body.strip().rstrip('。')}" not in stated, (it.id, p)


def test_a_definition_item_borrows_a_sibling_definition_under_its_own_name():
    gan = Item("n.md", 1, "T", "什么是GAN？", topics=("architectures",), key_points=(
        "生成对抗网络（Generative Adversarial Network，GAN）是一种无监督学习算法。", "GAN 由生成器和判别器组成。"))
    ae = Item("n.md", 2, "T", "什么是自编码器？", topics=("architectures",), key_points=(
        "自编码器（Autoencoder，AE）是一种用于学习数据压缩表示的算法。", "AE 由编码器和解码器组成。"))
    far = Item("m.md", 9, "T", "什么是量化？", topics=("compression",), key_points=("量化是把参数变成低比特表示的方法。",))
    answer = wrong(gan, [gan, far, ae])
    assert answer == "生成对抗网络（Generative Adversarial Network，GAN）是一种用于学习数据压缩表示的算法。GAN 由编码器和解码器组成。"
    # Without a pool it mixes up its own terms: subject and genus trade places.
    assert wrong(gan) == "无监督学习算法（Generative Adversarial Network，GAN）是一种生成对抗网络。GAN 由生成器和判别器组成。"

