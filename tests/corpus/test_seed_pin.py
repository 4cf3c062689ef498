"""Pins what the five seed articles parse to, so a new parser can't change them silently."""
from __future__ import annotations

import hashlib
import json

import pytest

from conftest import ROOT
from tutor.corpus.parse import parse_document

# (items, sha256 prefix over every field of every item), recorded with the regex parser before issue 12.
SEEDS = {
    "ai2-compute-infra.md": (30, "86f4b21b4d9c1fcd"),
    "hpc-for-llm-datacenter.md": (30, "56a638ccb54bf4ba"),
    "llm-datacenter-build.md": (30, "91cf61cb13d00cb1"),
    "llm-startup-challenges.md": (30, "ac1dbd2004e7de30"),
    "llm-sustainable-dev.md": (20, "07df537229cfddc4"),
}


def _items(name):
    return parse_document((ROOT / "corpus" / name).read_text(encoding="utf-8"), name)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_article_parses_to_the_pinned_items(name):
    items = _items(name)
    blob = json.dumps([[i.number, i.title, i.question, i.prompt, i.answer, i.explanation, list(i.code),
                        list(i.key_points)] for i in items], ensure_ascii=False)
    assert (len(items), hashlib.sha256(blob.encode()).hexdigest()[:16]) == SEEDS[name]
    assert [i.number for i in items] == list(range(1, len(items) + 1))


def test_a_few_seed_items_read_as_before():
    hpc = _items("hpc-for-llm-datacenter.md")
    startup = _items("llm-startup-challenges.md")
    snap = [(i.number, i.question, i.answer[:30], i.key_points[:1]) for i in (hpc[0], hpc[4], startup[0])]
    assert snap == [
        (1, '为什么需要高性能计算在AI大模型训练中？', 'AI大模型的训练通常涉及大量的数据处理和复杂的计算任务，如矩', ('AI大模型的训练通常涉及大量的数据处理和复杂的计算任务，如矩阵运算、深度学习模型的反向传播等。',)),
        (5, '请简述分布式深度学习训练的基本原理。', '分布式深度学习训练的基本原理如下：\n\n- **任务分解：**', ('任务分解： 将整个深度学习模型分解为多个部分，每个部分分配给不同的计算节点。',)),
        (1, 'AI大模型在训练过程中的计算资源需求如何优化？', '**1. 分布式计算：** 通过将训练任务分解为多个子任务，', ('分布式计算： 通过将训练任务分解为多个子任务，并行地在多个计算节点上执行，可以有效减少单个节点的计算压力。',)),
    ]
