"""Deterministic topic tags."""
from __future__ import annotations

from tutor.corpus.load import load_corpus
from tutor.records import Item
from tutor.corpus.topics import TOPICS, tag_topics, topic_label


def _item(question, answer="", prompt=""):
    return Item("t.md", 1, "", question, prompt=prompt, answer=answer)


def test_question_decides_topics_over_passing_mentions_in_the_answer():
    assert tag_topics(_item("如何实现大模型的分布式训练？", "可以用 GPU 并结合量化")) == ("distributed",)
    assert tag_topics(_item("如何实现深度学习模型的量化？")) == ("compression",)
    assert tag_topics(_item("请解释 AI 大模型训练中的数据隐私保护问题？")) == ("security",)
    assert tag_topics(_item("如何优化深度学习模型的推理速度？")) == ("inference",)


def test_falls_back_to_prompt_then_body_then_general():
    assert tag_topics(_item("这是什么？", prompt="如何避免过拟合")) == ("overfitting",)
    assert tag_topics(_item("这是什么？", answer="学习率衰减与优化器")) == ("optimization",)
    assert tag_topics(_item("这是什么？", answer="无关内容")) == ("architectures",)


def test_every_real_item_gets_known_topics_and_all_topics_are_used():
    from conftest import ROOT

    items = load_corpus(ROOT / "corpus")
    used = {t for it in items for t in it.topics}
    assert used <= set(TOPICS)
    assert used == set(TOPICS)
    again = load_corpus(ROOT / "corpus")
    assert [it.topics for it in items] == [it.topics for it in again]
    assert topic_label("distributed") == "分布式训练" and topic_label("distributed", "en") == "distributed training"
