"""Layouts of public interview notes the parser used to misread (fixtures written for these tests, in
the shapes of those notes, not copied): bold question bullets under topic headings, `- **Q：…**` bullets
with their `A：` lines, `N.text` numbers without a space after the dot."""
from __future__ import annotations

from tutor.corpus.parse import parse_document


def _qa(items):
    return [(i.number, i.question, i.answer) for i in items]


TOPIC_BULLETS = """# 深度学习基础

## 1. CNN
- **为什么 CNN 适合图像？**
    * 局部相关性
    * 权值共享

- **感受野是什么?**
    * 一个输出像素看到的输入区域。

## 2. 过拟合
- **过拟合如何解决**
    * 数据增强
    * 正则化

## 3. RNN
- **RNN 有什么缺陷？**
"""


def test_bold_question_bullets_under_a_topic_heading_are_the_items():
    items = parse_document(TOPIC_BULLETS, "dl.md")
    assert [(i.question, i.title) for i in items] == [
        ("为什么 CNN 适合图像？", "深度学习基础 › CNN"), ("感受野是什么?", "深度学习基础 › CNN"),
        ("过拟合如何解决", "深度学习基础 › 过拟合"), ("RNN 有什么缺陷？", "深度学习基础 › RNN")]
    assert items[0].key_points == ("局部相关性", "权值共享")
    assert items[1].answer.strip("* \n") == "一个输出像素看到的输入区域。"
    assert items[3].answer == ""  # a bare question bank: asked, not answered


def test_in_a_bold_bullet_question_bank_a_bullet_naming_a_topic_is_an_entry_and_a_statement_is_text():
    # Most bold bullets ask, so "- **BP**" and "- **1*1 卷积的作用**" are entries (as "## 3. BP" would be);
    # a bold bullet that ends a sentence states a point of the entry above it.
    doc = ("# 题库\n\n## 1. 训练\n- **BP**\n    * 链式法则\n- **1*1 卷积的作用**\n\n## 2. 过拟合\n"
           "- **何为共线性？**\n    * 变量高度相关。\n- **共线性会导致过拟合。**\n    * 解决：去相关。\n"
           "- **如何缓解过拟合？**\n- **Dropout 为什么有效？**\n")
    items = parse_document(doc, "bank.md")
    assert [(i.question, i.title) for i in items] == [
        ("BP", "题库 › 训练"), ("1*1 卷积的作用", "题库 › 训练"), ("何为共线性？", "题库 › 过拟合"),
        ("如何缓解过拟合？", "题库 › 过拟合"), ("Dropout 为什么有效？", "题库 › 过拟合")]
    assert "共线性会导致过拟合。" in items[2].answer and "解决：去相关。" in items[2].answer


def test_bold_bullets_of_a_knowledge_note_or_inside_an_answer_are_not_questions():
    # Bold bullets that mostly name terms: the note is not a question bank, the numbered heading stays the item.
    note = ("# Vue\n\n## 一、Vue 的基本概念\n\n> 常考\n\n- **什么是 Vue？**\n  - 渐进式框架\n"
            "- **MVVM 模型**\n  - 双向绑定\n- **插值表达式**\n  - 展示数据\n")
    items = parse_document(note, "vue.md")
    assert [i.question for i in items] == ["Vue 的基本概念"] and "MVVM 模型" in items[0].answer
    # A heading that asks keeps its bold bullets as its answer; nested bold bullets are an answer's points;
    # "- **剪枝：** 去掉权重" is not wholly bold.
    doc = ("# 笔记\n\n## 什么是正则化？\n- **L2 为什么有效？**\n    * 权重衰减\n- **剪枝：** 为什么能剪？因为冗余。\n\n"
           "## 3. 优化\n- **Adam 是什么？**\n    - **为什么收敛快？**\n    - 自适应步长\n")
    items = parse_document(doc, "n.md")
    assert [i.question for i in items] == ["什么是正则化？", "Adam 是什么？"]
    assert "**L2 为什么有效？**" in items[0].answer and "为什么收敛快？" in items[1].answer


def test_bold_q_bullets_each_take_their_own_a_line():
    doc = ("## 速答\n\n- **Q：为什么 O(L²) 是瓶颈？**\n   A：每对位置都要算相似度。\n"
           "- **Q：RoPE 与 ALiBi 何时选？**\n   A：长文本外推选 ALiBi。\n\n## 再问\n\n"
           "- **Q：什么是 KV Cache？**\n- A：缓存已算过的键值。\n- **Q：为什么 BF16 更稳？**\n- A：动态范围大。\n")
    assert _qa(parse_document(doc, "qa.md")) == [
        (1, "为什么 O(L²) 是瓶颈？", "每对位置都要算相似度。"), (2, "RoPE 与 ALiBi 何时选？", "长文本外推选 ALiBi。"),
        (3, "什么是 KV Cache？", "缓存已算过的键值。"), (4, "为什么 BF16 更稳？", "动态范围大。")]


def test_a_bold_bullet_with_text_after_the_bold_is_a_point_not_a_question():
    # "- **剪枝：** 去掉权重" and "- **Q：** …" style key points are not wholly bold question bullets.
    doc = "## 模型压缩\n\n- **剪枝：** 为什么能去掉权重？因为冗余。\n- **量化：** 降低精度\n"
    assert parse_document(doc, "c.md") == []  # no question: the loader chunks it


def test_numbers_without_a_space_after_the_dot_number_questions_even_line_after_line():
    # "1.什么是X？" with its answer on the next line and no blank line between entries: one paragraph to
    # CommonMark (no list without the space), yet each line that continues the numbering and asks is a question.
    doc = "# 深度学习\n\n1.什么是梯度消失？\n梯度越传越小。\n2.如何缓解梯度消失？\n用残差连接。\n3.为什么 ReLU 有用？\n导数为 1。\n"
    assert _qa(parse_document(doc, "dl.md")) == [
        (1, "什么是梯度消失？", "梯度越传越小。"), (2, "如何缓解梯度消失？", "用残差连接。"), (3, "为什么 ReLU 有用？", "导数为 1。")]
    heads = "# 笔记\n\n## 1.什么是梯度消失？\n\n梯度越传越小。\n\n## 2.如何缓解？\n\n残差。\n"
    assert _qa(parse_document(heads, "h.md")) == [(1, "什么是梯度消失？", "梯度越传越小。"), (2, "如何缓解？", "残差。")]


def test_decimals_versions_and_section_numbers_are_not_item_numbers():
    # "1.5B" is a model size, "3.14" a value: not "1." + "5B …"; a wrapped answer line that starts with a
    # number but does not continue the numbering ("2.1 小节") or does not ask is answer text.
    doc = "# 部署\n\n## 1.5B 模型需要多少显存？\n\n约 3GB。\n\n## 7B 模型呢？\n\n约 14GB。\n"
    assert _qa(parse_document(doc, "m.md")) == [(1, "1.5B 模型需要多少显存？", "约 3GB。"), (2, "7B 模型呢？", "约 14GB。")]
    text = ("# 笔记\n\n1.什么是 π？\n圆周率，约为\n3.14 为什么常用？书上这么写。\n用来算圆面积。\n2.什么是 e？\n"
            "自然常数，见\n2.1 小节讲了什么？\n4.为什么跳号？\n这两行都是正文。\n也是正文。\n")
    items = parse_document(text, "p.md")
    assert [(i.number, i.question) for i in items] == [(1, "什么是 π？"), (2, "什么是 e？")]
    assert "3.14 为什么常用？" in items[0].answer and "2.1 小节讲了什么？\n4.为什么跳号？" in items[1].answer
