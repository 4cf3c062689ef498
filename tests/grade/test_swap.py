"""Swapped attributions (grade.swap): two named things given each other's descriptions, and what must not read so."""
from __future__ import annotations

import pytest

from tutor.grade.keypoints import KeyPoint
from tutor.grade.swap import entities, swapped

SYNC = (KeyPoint("异步训练", "各个节点独立进行模型训练，不需要在每次迭代后同步模型参数，各自更新自己的模型参数。"),
        KeyPoint("同步训练", "各个节点在每个迭代后同步模型参数，所有节点使用相同的模型参数，保证全局一致性。"),
        KeyPoint("", "异步训练减少了节点之间的通信开销。", kind="explanation", weight=0.5))
GAN = (KeyPoint("生成器（Generator）", "学习从随机噪声生成逼真的数据。"),
       KeyPoint("判别器（Discriminator）", "学习区分真实数据和生成数据。"))
TABLE = (KeyPoint("数据", "RAG：动态数据，不断查询外部源。；SFT传统方法：静态数据，可能很快过时。"),
         KeyPoint("风格", "RAG：主要关注信息检索，可能无法定制写作风格。；SFT传统方法：可以调整语气和写作风格。"))
LOSS = (KeyPoint("Mean Squared Error", "适用于回归问题，最小化预测值与真实值之间的平方差。"),
        KeyPoint("Cross Entropy", "适用于分类问题，最小化预测概率与真实概率之间的差异。"))


@pytest.mark.parametrize("points,answer,flagged", [
    (SYNC, "同步训练就是各个节点独立训练，各自更新；异步训练要求所有节点使用相同的参数，保证一致性。", [0, 1]),
    (GAN, "判别器负责从随机噪声生成逼真的数据，生成器负责区分真实数据和生成数据。", [0]),
    # a table's cell labels are the names; the answer calls "SFT传统方法" SFT
    (TABLE, "RAG 适合静态数据，很快会过时；SFT 适合动态数据，可以查询外部源。", [0, 1]),
    # initials name a several-word English label, and the glossary's Chinese names an English one
    (LOSS, "MSE 适用于分类问题，比较预测概率；交叉熵适用于回归问题，算平方差。", [0, 1]),
])
def test_swaps_are_flagged(points, answer, flagged):
    assert [s for s, _, _ in swapped(points, answer)] == flagged


@pytest.mark.parametrize("points,answer", [
    (SYNC, "同步训练要求所有节点每次迭代后同步参数，保证一致；异步训练各节点独立更新。"),  # right way round
    (SYNC, "异步训练不像同步训练那样要等所有节点同步参数。"),  # one clause naming both compares them
    (SYNC, "同步训练不是各节点独立更新；异步训练不保证全局一致。"),  # negated clauses say what a thing is not
    (SYNC, "同步训练各节点独立更新。"),  # one-sided: a slip or loose wording, not a crossing
    (GAN, "生成器从随机噪声生成数据，判别器区分真实和生成的数据。"),
    (TABLE, "RAG 查询外部源，数据是动态的；SFT 的数据是静态的，但可以调整语气。"),
    (LOSS, "回归用 MSE，分类用交叉熵。"),  # too little said of either to cross
])
def test_right_answers_are_not_swaps(points, answer):
    assert swapped(points, answer) == []


def test_entities_come_from_labels_and_cells():
    ents = entities(TABLE + GAN)
    assert {"rag", "sft", "生成器", "判别器"} <= set(ents)
    assert "数据" not in ents  # a row whose body holds cells names its row, not a thing described
    assert ents["rag"].points == [0, 1] and ents["生成器"].points == [2]
    assert "generator" in ents["生成器"].names


def test_prose_points_name_nothing():
    assert entities((KeyPoint("", "同步训练需要同步。"), KeyPoint("方法", "x", kind="prose"))) == {}


class _Meaning:
    """A fake embedder that knows two meanings: independent updates (0) and waiting for everyone (1)."""

    def encode_queries(self, texts):
        import numpy as np

        def vec(t):
            v = np.array([sum(w in t for w in ("独立", "independent", "own pace")),
                          sum(w in t for w in ("同步模型参数", "相同", "wait", "everyone"))], dtype=float) + 0.01
            return v / np.linalg.norm(v)
        return np.array([vec(t) for t in texts])


def test_english_answers_cross_by_meaning():
    swapped_en = ("Synchronous training lets each node update independently at its own pace. "
                  "Asynchronous training makes every node wait for everyone.")
    right_en = ("Synchronous training makes every node wait for everyone. "
                "Asynchronous training lets each node update independently at its own pace.")
    assert [s for s, _, _ in swapped(SYNC, swapped_en, encoder=_Meaning())] == [0, 1]
    assert swapped(SYNC, right_en, encoder=_Meaning()) == []
    assert swapped(SYNC, swapped_en) == []  # no embedder: English shares no words with the notes to cross on


PROSE = (KeyPoint("", "数据并行把训练数据切分到多个设备上，每个设备保存完整的模型副本。"),
         KeyPoint("", "模型并行把模型按层切开放到多个设备上，每个设备只保存模型的一部分层。"))


def test_a_comparison_question_names_the_things_of_an_unlabelled_reference():
    q = "数据并行和模型并行有什么区别？"
    wrong = "数据并行是把模型按层切开，每个设备只存一部分层；模型并行是切分训练数据，每个设备都有完整副本。"
    right = "数据并行切分训练数据，每个设备有完整副本；模型并行按层切开，每个设备只存一部分层。"
    assert [s for s, _, _ in swapped(PROSE, wrong, question=q)] == [0, 1]
    assert swapped(PROSE, right, question=q) == []
    assert swapped(PROSE, wrong) == []  # without the question nothing names them
    assert swapped(PROSE, wrong, question="什么是并行训练？") == []  # not a comparison


def test_a_derived_name_inside_another_things_name_does_not_tell_them_apart():
    # The glossary gives Group Normalization the Chinese 归一化, which is also inside 批量归一化: every clause about
    # BN named GN too, read as a comparison, and the BN/LN swap went unseen.
    pts = [KeyPoint("Batch Normalization", "在每个训练批次后，计算批次均值和方差，对输入数据进行归一化处理。"),
           KeyPoint("Layer Normalization", "在每个神经网络层后，计算层内样本均值和方差，对输入数据进行归一化处理。"),
           KeyPoint("Group Normalization", "将输入数据分组，计算组内样本均值和方差，对输入数据进行归一化处理。")]
    swapped_answer = ("Batch Normalization 是在每个神经网络层内部计算单个样本的均值和方差进行归一化，"
                      "Layer Normalization 是在每个训练批次中计算批次均值和方差进行归一化。")
    assert [s for s, _, _ in swapped(pts, swapped_answer)] == [0]
    right = ("Batch Normalization 是在每个训练批次中计算批次均值和方差进行归一化，"
             "Layer Normalization 是在每个神经网络层内部计算样本的均值和方差进行归一化。")
    assert swapped(pts, right) == []


def test_a_label_inside_another_label_still_names_its_point():
    # 过采样 is inside SMOTE's label; GPU is inside "使用GPU加速"; both still name their own point.
    pts = [KeyPoint("过采样", "增加少数类样本，如复制少数类样本。"), KeyPoint("欠采样", "减少多数类样本，如删掉部分多数类样本。"),
           KeyPoint("SMOTE（合成少数类过采样技术）", "在少数类样本之间插值合成新样本。")]
    answer = "过采样就是把多数类的样本删掉一部分；欠采样则是把少数类样本复制很多份。"
    assert [s for s, _, _ in swapped(pts, answer)] == [0, 1]


GAN_PROSE = (KeyPoint("", "生成对抗网络（Generative Adversarial Network，GAN）是一种无监督学习算法，由生成器（Generator）和"
                          "判别器（Discriminator）两个神经网络组成。生成器尝试生成逼真的数据，判别器判断数据是真实数据还是生成数据。"),)


def test_names_glossed_in_prose_are_things_a_swap_can_cross():
    question = "请解释深度学习中的生成对抗网络（GAN）。"
    swapped_zh = "GAN 里判别器负责生成逼真的数据，生成器负责判断数据是真实数据还是生成数据。"
    assert [s for s, _, _ in swapped(GAN_PROSE, swapped_zh, question=question)] == [0]
    right = "GAN 里生成器负责生成逼真的数据，判别器负责判断数据是真实还是生成的。"
    assert swapped(GAN_PROSE, right, question=question) == []
    # the question's subject (GAN) is the item, not one of its parts: naming it beside a part blanks nothing
    assert swapped(GAN_PROSE, "生成对抗网络的生成器负责生成逼真的数据。", question=question) == []


def test_labels_the_answer_never_names_give_way_to_the_question_names():
    """'相同点' / '不同点' sort the points; the answer speaks of RF(随机森林) and GBDT, which the question joins
    (glossed, and written glued to Chinese in the reference: "而GBDT是")."""
    pts = [KeyPoint("相同点", "都是由多棵树组成。"),
           KeyPoint("不同点", "组成随机森林的树可以并行生成，而GBDT是串行生成"),
           KeyPoint("", "随机森林是减少模型的方差，而GBDT是减少模型的偏差")]
    q = "RF(随机森林)与GBDT之间的区别与联系"
    wrong = "随机森林是串行生成的，主要降低模型的偏差。GBDT 的树是并行独立生成的，主要降低方差。"
    right = "随机森林的树可以并行生成，主要降低方差。GBDT 是串行生成的，主要降低偏差。"
    assert {cue for _, _, cue in swapped(pts, wrong, question=q)} == {"随机森林 ⇄ gbdt", "gbdt ⇄ 随机森林"}
    assert swapped(pts, right, question=q) == []
