"""The gates before coverage counts: repetition, bare term lists, another item's answer."""
from __future__ import annotations

import pytest

from tutor.grade.gates import answers_another_item, is_term_list, repetition

from test_grader import FULL, items, make  # noqa: F401 - the module fixture is reused


@pytest.mark.parametrize("text", ["Dropout、L2 正则化、早停、数据增强", "正则化, dropout, early stopping",
                                  "1. 数据并行\n2. 模型并行\n3. 流水线并行"])
def test_term_lists(text):
    assert is_term_list(text)


@pytest.mark.parametrize("text", [FULL, "Dropout 在训练时随机丢弃一部分神经元，相当于训练很多子网络的集成。",
                                  "Weight decay adds an L2 penalty that pulls every weight towards zero.", "就是把数据分成几份，放到多个节点上同时算"])
def test_explanations_are_not_term_lists(text):
    assert not is_term_list(text)


def test_repetition_needs_length_and_few_distinct_tokens():
    assert repetition("显存 " * 300) and repetition("Dropout " * 50)
    assert not repetition(FULL) and not repetition("显存 显存")


def test_another_item_needs_a_clear_margin():
    assert answers_another_item(0.80, 0.90) and not answers_another_item(0.85, 0.86)


def test_meaning_alone_does_not_decide_when_the_words_are_the_items_own():
    # A zh/en mix or a heading-only question puts the answer far from its own question in e5; its words
    # still come from its own item's reference, so it is not another item's answer.
    assert not answers_another_item(0.84, 0.90, 0.06, own_words=0.29, other_words=0.18)
    # Words that side with the other item (or tie) leave meaning to decide, as before.
    assert answers_another_item(0.84, 0.90, 0.06, own_words=0.1, other_words=0.9)
    assert answers_another_item(0.84, 0.90, 0.06)


def test_grader_applies_the_gates(items):  # noqa: F811
    g = make(items)
    full = g.grade("mini.md#2", FULL, use_llm=False)
    listed = g.grade("mini.md#2", "正则化、Dropout、早停", use_llm=False)
    stuffed = g.grade("mini.md#2", "Dropout " * 300, use_llm=False)
    assert full.score > 74 and full.reason == ""
    assert listed.score <= 74 and listed.score > 0
    assert (stuffed.score, stuffed.reason) == (0, "repetition")


def test_another_topics_answer_scores_below_15(items):  # noqa: F811
    from dataclasses import replace

    from tutor.corpus.topics import tag_topics

    tagged = [replace(it, topics=tag_topics(it)) for it in items]
    assert tagged[0].topics and not set(tagged[0].topics) & set(tagged[1].topics)
    g = make(tagged)
    g.other_item_margin = 0.02  # the fake encoder has no fitted margin (the gate is off for it by default)
    other = g.grade("mini.md#2", tagged[0].answer.replace("**", ""), use_llm=False)
    own = g.grade("mini.md#2", FULL, use_llm=False)
    assert other.score < 15 and other.reason == "other_item"
    assert own.score > 74 and own.reason == ""


def test_stating_one_of_the_items_own_points_is_never_an_answer_to_another_topic(items):  # noqa: F811
    from dataclasses import replace

    from tutor.corpus.topics import tag_topics

    tagged = [replace(it, topics=tag_topics(it)) for it in items]
    g = make(tagged)
    g.other_item_margin = -1.0  # so loose that every answer would look like another topic's
    own_point = g.grade("mini.md#2", tagged[1].key_points[0], use_llm=False)
    other = g.grade("mini.md#2", tagged[0].answer.replace("**", ""), use_llm=False)
    assert own_point.reason != "other_item" and own_point.score >= 15
    assert other.reason == "other_item"


def test_an_answer_in_another_topics_words_is_capped_without_a_fitted_margin(items):  # noqa: F811
    # The word-share rule needs no cosine margin: the hashed fake has none, and a paraphrase of the
    # distributed item's answer, given for the overfitting item, is still another topic's answer.
    from dataclasses import replace

    from tutor.corpus.topics import tag_topics

    tagged = [replace(it, topics=tag_topics(it)) for it in items]
    g = make(tagged)
    assert getattr(g, "other_item_margin", None) is None
    other = g.grade("mini.md#2", "数据并行就是把训练数据切分到多个 GPU 上，每个 GPU 都持有一份完整模型副本，最后梯度用 AllReduce 同步。",
                    use_llm=False)
    own = g.grade("mini.md#2", FULL, use_llm=False)
    # Own points plus a fact the reference lacks: its words are still mostly this item's.
    extra = g.grade("mini.md#2", FULL + "另外也可以用数据增强扩充训练集。", use_llm=False)
    assert (other.reason, other.score < 15) == ("other_item", True)
    assert own.reason == "" and extra.reason == "" and extra.score > 74


def test_word_share_gap_alone_is_not_enough_when_the_meaning_is_ours():
    from tutor.grade.gates import WORD_SHARE_MARGIN, answers_another_item

    assert answers_another_item(0.80, 0.81, None, own_words=0.0, other_words=WORD_SHARE_MARGIN)
    assert not answers_another_item(0.81, 0.80, None, own_words=0.0, other_words=1.0)
    assert not answers_another_item(0.80, 0.81, None, own_words=0.5, other_words=0.5 + WORD_SHARE_MARGIN - 0.01)


def test_a_siblings_answer_needs_the_wider_word_gap():
    from tutor.grade.gates import SIBLING_WORD_MARGIN, WORD_SHARE_MARGIN

    gap = (WORD_SHARE_MARGIN + SIBLING_WORD_MARGIN) / 2  # enough against another topic, not against a sibling
    assert answers_another_item(0.80, 0.81, None, own_words=0.1, other_words=0.1 + gap)
    assert not answers_another_item(0.80, 0.81, None, 0.1, 0.1 + gap, word_margin=SIBLING_WORD_MARGIN)
    assert answers_another_item(0.80, 0.81, None, 0.1, 0.1 + SIBLING_WORD_MARGIN, word_margin=SIBLING_WORD_MARGIN)


def test_a_copied_answer_of_the_same_topic_scores_below_15(items):  # noqa: F811
    # Every item shares one topic: the distributed item is the overfitting item's sibling, and its
    # copied reference is still another item's answer. The item's own full answer is untouched.
    from dataclasses import replace

    same = [replace(it, topics=("training",)) for it in items]
    g = make(same)
    copied = g.grade("mini.md#2", same[0].answer.replace("**", ""), use_llm=False)
    own = g.grade("mini.md#2", FULL, use_llm=False)
    assert (copied.reason, copied.score < 15) == ("other_item", True)
    assert own.reason == "" and own.score > 74


def test_items_of_one_numbered_section_are_siblings_whatever_their_topics(monkeypatch):
    """6.2 and 6.3 of "6. 复读机问题" got different topics from their content; the other-item gate still
    judges them as siblings (the wider word margin), never as another topic's answer."""
    import tutor.grade.grader as grader_mod
    from tutor.grade.grader import Grader
    from tutor.index.embed import HashEncoder
    from tutor.records import Item

    items = [Item("n.md", "6.2", "", "为什么会出现复读机问题？", answer="数据偏差；训练目标。", topics=("architectures",)),
             Item("n.md", "6.3", "", "如何缓解复读机问题？", answer="数据多样性；惩罚重复。", topics=("data",)),
             Item("n.md", "7", "", "输入可以无限长吗？", answer="受位置编码限制。", topics=("data",)),
             Item("x.md", 1, "", "数据偏差如何解决？", answer="重采样；数据增强。", topics=("data",))]
    seen = {}

    def spy(answer, own, others, sims, shares, margin, siblings=(), listed=False):
        seen.update(own=own, others=others, siblings=list(siblings))
        return 100, ""

    monkeypatch.setattr(grader_mod, "cap", spy)
    Grader(None, encoder=HashEncoder(), items=items)._cap(items[0], "数据偏差和训练目标导致")
    assert seen == {"own": [0], "others": [2, 3], "siblings": [1]}
