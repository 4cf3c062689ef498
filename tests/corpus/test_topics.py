"""Deterministic topic tags."""
from __future__ import annotations

import pytest

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
    # The seeds use the first ten topics; the last five are for subjects only users' notes bring.
    assert used == set(list(TOPICS)[:10])
    again = load_corpus(ROOT / "corpus")
    assert [it.topics for it in items] == [it.topics for it in again]
    assert topic_label("distributed") == "分布式训练" and topic_label("distributed", "en") == "distributed training"


@pytest.mark.parametrize("question,topic", [
    ("为何现在的大模型大部分是Decoder only结构", "llm"), ("什么是 LLMs 复读机问题？", "llm"),
    ("LoRA 微调的原理是什么？", "finetune"), ("RLHF 和 DPO 有什么区别", "finetune"),
    ("RAG 的检索召回怎么优化？", "rag"), ("Agent 如何做工具调用", "rag"),
    ("什么是 bank conflict？", "gpu"), ("cudaMalloc 和 malloc 有什么区别？", "gpu"),
    ("C++ 虚函数的实现原理", "cs"), ("TCP 三次握手", "cs"),
])
def test_subjects_beyond_the_seeds_get_their_own_topic(question, topic):
    assert tag_topics(_item(question))[0] == topic


@pytest.mark.parametrize("question,answer,not_topic", [
    ("如何处理数据存储的平均开销？", "storage on average", "rag"),  # rag only as a word, not in "storage"
    ("GAN 训练为什么不稳定？", "it began to diverge", "llm"),
    ("精确率和召回率的区别？", "", "rag"),  # 召回率 is a metric, not retrieval
    ("勘误：GFLOPS 是每秒多少次浮点运算？", "条目：hpc-for-llm-datacenter.md #4", "llm"),  # a file name names no subject
])
def test_new_topics_do_not_catch_substrings_or_file_names(question, answer, not_topic):
    assert not_topic not in tag_topics(_item(question, answer))
