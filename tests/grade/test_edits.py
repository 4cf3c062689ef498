"""Near copies of a reference clause with a flipped claim (tutor.grade.edits), and what they must not catch."""
from __future__ import annotations

import pytest

from tutor.grade.edits import edit_cue, swap_of, _tokens

REF = ("RNN：将前一个时间步的输出作为当前时间步的输入。类别权重：给少数类分配更高的权重，平衡多数类和少数类。\n"
       "激活函数：引入非线性变换，使网络能拟合复杂函数。\n1. **Sigmoid：** 将输入映射到 (0, 1) 区间。\n"
       "2. **Tanh：** 将输入映射到 (-1, 1) 区间。\n3. **方法：** 逐个比较。")


@pytest.mark.parametrize("sentence,why", [
    ("RNN 将当前时间步的输出作为前一个时间步的输入。", "swapped"),        # two terms traded places
    ("类别权重调整就是给多数类分配更高的权重。", "少数 → 多数"),           # another term of the item in the slot
    ("激活函数的作用是引入线性变换，使网络能拟合复杂函数。", "非 → ∅"),   # a negation dropped
    ("Sigmoid 将输入映射到 (-1, 1) 区间。", "tanh → sigmoid"),            # the sibling's description
])
def test_flipped_copies_are_caught(sentence, why):
    hit = edit_cue(sentence, REF)
    assert hit is not None and why in hit[1]


@pytest.mark.parametrize("sentence", [
    "RNN 将前一个时间步的输出作为当前时间步的输入。",       # the reference's own words
    "给多数类分配更低的权重，也就是少数类权重更高。",       # two flips cancel, the rest is new wording
    "Tanh 将输入映射到 (-1, 1) 区间。",                     # matches another clause exactly
    "ReLU 将输入映射到 (0, +∞) 区间。",                      # a term the item never uses: another claim
    "激活函数会引入非线性的变换，让网络可以拟合复杂的函数。",  # a paraphrase: edits that are no flips
    "平衡少数类和多数类。",                                 # a conjunction's order is no claim
    "梯度消失。",                                           # too short to read alone
    "Sigmoid 和 Tanh 不同，Tanh 将输入映射到 (-1, 1) 区间。",  # its own label named
    "这种方法将输入映射到 (-1, 1) 区间。",                   # a word, not another thing's name
])
def test_paraphrases_and_agreements_are_not(sentence):
    assert edit_cue(sentence, REF) is None


def test_a_swap_needs_more_than_a_conjunction_between():
    assert swap_of(_tokens("剪枝和量化可以压缩模型"), _tokens("量化和剪枝可以压缩模型")) is None
    assert swap_of(_tokens("用上下文预测中心词"), _tokens("用中心词预测上下文")) == ("上下文", "中心词")
