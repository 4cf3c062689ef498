"""Contradiction cues: verbs that end their clause, 越-comparatives, 较-comparatives (and what they must not catch)."""
from __future__ import annotations

import pytest

from tutor.grade.contradiction import contradiction_cue


@pytest.mark.parametrize("sentence,point,expected", [
    ("Dropout 会加重过拟合。", "Dropout：随机丢弃神经元，减少过拟合。", "加重 ↔ 减少"),
    ("L2 正则会让模型变得更复杂。", "正则化：加入 L2 正则项，防止模型过于复杂。", "更复杂 ↔ 防止"),
    ("训练中不需要同步参数。", "模型同步：节点需要定期同步模型参数。", "不需要"),
    ("通信开销基本可以忽略。", "通信开销：需要考虑节点之间的通信开销。", "忽略"),
    # "减少" ends its clause: it reports a result about what precedes it (迭代次数), like "下降" would.
    ("batch 越大，每个 epoch 迭代次数越多。", "跑完一次 epoch 所需的迭代次数减少，要想达到相同的精度。", "越多 ↔ 减少"),
    ("内存利用率会降低。", "内存利用率提高了，但是内存容量可能撑不住了。", "降低 ↔ 提高"),
    # 越X is "more X" whatever X is.
    ("同步越频繁越好。", "减少通信开销：采用高效的通信协议或减少同步频率。", "越频繁 ↔ 减少"),
    # Speed against speed; a cause against what the same doer prevents.
    ("使用预训练模型的权重初始化会减慢收敛速度。", "权重初始化：使用预训练模型的权重初始化，加快收敛速度。", "减慢 ↔ 加快"),
    ("正则化会导致过拟合。", "正则化：在损失函数中加入正则项，防止过拟合。", "导致 ↔ 防止"),
    # A phase against a phase: what the reference does during training, said of inference.
    ("Dropout 是在推理阶段随机丢弃神经元，训练阶段保留全部神经元。", "Dropout：在训练过程中随机丢弃一部分神经元。",
     "推理阶段 ↔ 训练过程中"),
    ("BN 推理时使用当前批次的均值和方差。", "BN 在训练时使用当前批次的均值和方差，推理时使用累积的移动平均。", "推理时 ↔ 训练时"),
])
def test_cues_fire(sentence, point, expected):
    cue = contradiction_cue(sentence, point)
    assert cue is not None and cue.startswith(expected)


@pytest.mark.parametrize("sentence,point", [
    ("Dropout 可以减少过拟合。", "Dropout：随机丢弃神经元，减少过拟合。"),
    ("节点间的通信开销不能忽略。", "通信开销：需要考虑节点之间的通信开销。"),  # double negation asserts
    ("异步训练不需要每次迭代后同步参数。", "异步训练：不需要在每次迭代后同步模型参数。"),  # the reference denies too
    ("用数据增强来防止过拟合。", "防止过拟合：通过正则化、数据增强等技术防止过拟合。"),
    ("减少临时内存分配。", "减小批量大小：以减少内存占用。"),
    ("限制梯度的范数。", "批量归一化：提高梯度传播的稳定性。"),  # same word, different object
    ("迭代次数减少了。", "跑完一次 epoch 所需的迭代次数减少，要想达到相同的精度。"),  # same direction
    ("显存占用会增加。", "显存占用减少通信开销。"),  # the reference's verb has an object of its own (通信开销)
    ("所需的资源更少。", "这是因为数据类型所需的内存和计算资源较少。"),  # 较少 = 更少
    ("同步越少越好。", "减少通信开销：采用高效的通信协议或减少同步频率。"),  # agrees
    ("效果卓越，同步开销也可以接受。", "减少通信开销：减少同步频率。"),  # 卓越 is a word, not a comparative
    ("训练越快越好。", "减少训练时间：使用混合精度。"),  # speed is not set against time
    ("显存越来越大。", "增大显存：换更大的卡。"),  # 越来越 is one comparative, and it agrees
    ("加快推理。", "量化：降低推理延迟。"),  # speed is read only against speed
    ("模型太复杂会导致过拟合，所以要加正则化。", "正则化：在损失函数中加入正则项，防止过拟合。"),  # another doer
    ("不加正则化会导致过拟合。", "正则化：在损失函数中加入正则项，防止过拟合。"),  # the doer's absence
    ("权重过大会导致梯度消失。", "缩放因子：避免权重过大导致梯度消失。"),  # the reference names the cause
    # phases: the same phase, a phase the reference also gives that object, a negated phase, bare nouns
    ("Dropout 在训练时随机丢弃神经元。", "Dropout：在训练过程中随机丢弃一部分神经元。"),
    ("BN 训练时用批次统计量，推理时用移动平均。", "BN 在训练时使用当前批次的均值和方差，推理时使用累积的移动平均。"),
    ("推理时不丢弃神经元，只在训练时随机丢弃。", "Dropout：在训练过程中随机丢弃一部分神经元。"),
    ("推理速度更快，训练数据更多。", "Dropout：在训练过程中随机丢弃一部分神经元。"),
    # a duration is no phase: 推理时间, 推理时延 hold 推理时
    ("推理时间里随机丢弃神经元的开销很小。", "Dropout：在训练时间内随机丢弃一部分神经元。"),
    ("推理时延降低，显存占用减少。", "量化：训练时降低显存占用。"),
])
def test_cues_stay_quiet(sentence, point):
    assert contradiction_cue(sentence, point) is None


def test_plural_and_membership_negations():
    # "trick" denies "tricks"; 不属于 denies membership like 不是.
    assert contradiction_cue("它没有 trick。", "word2vec 里有大量的 tricks，对词向量至关重要。") is not None
    assert contradiction_cue("广播、规约不属于集体通信。", "集体通信常见的操作包括广播、散射、规约。") is not None
    # Plurals that are not plurals stay whole, and 不仅 (an assertion) is no negation.
    assert contradiction_cue("不仅仅是点对点的通信。", "涉及多个节点，而不仅仅是点对点的通信。") is None


def test_one_negation_read_as_two_words_still_denies():
    # "并不会" is 并不 + 不会 overlapping: one negation, not a double one. Filler (任何) takes no window room.
    assert contradiction_cue("预训练并不会学到任何语义知识。", "预训练从中学习语言的统计特征、语义知识和语言规律。") is not None
    # A real double negation still asserts.
    assert contradiction_cue("不是不需要同步参数。", "各个节点需要定期同步模型参数。") is None


def test_not_only_is_no_negation():
    # "不是只在两个节点之间" = not only between two nodes: it agrees with "不仅仅是点对点".
    assert contradiction_cue("集体通信是一组节点参与的，而不是只在两个节点之间点对点地传。",
                             "这种通信形式涉及到多个节点之间的集体参与，而不仅仅是点对点的通信。") is None
    # A plain negation of the same words still clashes.
    assert contradiction_cue("集体通信不是多个节点之间的集体参与。",
                             "这种通信形式涉及到多个节点之间的集体参与，而不仅仅是点对点的通信。") is not None


@pytest.mark.parametrize("sentence,point", [
    # English cue windows are measured in words: a character window reached one truncated word ("reall").
    ("Data parallelism does not need to synchronise parameters.", "模型同步：各个节点需要定期同步模型参数。"),
    ("In practice mixed precision never really uses FP16.", "混合精度训练：结合 FP32 和 FP16，提高计算速度。"),
    ("Vanishing gradients are not something deep networks suffer from.", "梯度消失：深层网络中梯度会越来越小，前面层学习很慢。"),
])
def test_english_negations_reach_their_object(sentence, point):
    assert contradiction_cue(sentence, point) is not None


@pytest.mark.parametrize("sentence,point", [
    ("It doesn't saturate like sigmoid does.", "sigmoid 激活函数：输出在 0 到 1 之间，两端会饱和。"),  # compared with, not denied
    ("It is not just about memory, it also cuts communication.", "显存 memory：减少显存 memory 占用。"),  # not just = also
    ("Without monitoring data, scheduling is blind.", "资源监控：实时收集监控数据。"),  # a condition, not a denial
    ("The gradient gets smaller and smaller in early layers.",  # the item itself says 越来越小 of 梯度
     "梯度爆炸：梯度在网络更新的过程中累积，变成非常大的梯度。"),
])
def test_english_cues_stay_quiet(sentence, point):
    context = "梯度消失：梯度会变的越来越小，前面层的学习会显著慢于后面层。"
    assert contradiction_cue(sentence, point, context=context) is None


def test_english_negation_words_are_whole_words():
    # "no" denies what follows; "has nothing to do with" is a denial too (与…无关).
    assert contradiction_cue("There are no dead neurons at all.", "Dead ReLU：负半轴梯度为 0，部分神经元永远不会被激活 dead neurons。")
    assert contradiction_cue("It has nothing to do with the activation function.",
                             "梯度消失的原因：激活函数 activation function 的导数小于 1。") is not None
    # ... but a cue word inside another word is none: "nothing" holds "not", "node" holds "no".
    assert contradiction_cue("Each node keeps a full copy of the model.", "数据并行：每个节点 node 保存完整的模型 model 副本。") is None
    assert contradiction_cue("The model learns nothing new here, only the optimizer state changes.",
                             "模型 model 学习新的知识 new。") is None
    # "no matter how large" asserts.
    assert contradiction_cue("No matter how large the batch, memory stays bounded.", "显存 memory：batch 越大显存占用越多。") is None
