"""Parsing, key points, duplicates, free-text chunking and file handling of the corpus stage."""
from __future__ import annotations

import logging

from tutor.corpus.chunk import chunk_document
from tutor.corpus.parse import key_points, parse_document, split_sentences
from tutor.corpus.load import load_corpus
from tutor.corpus.dedup import merge_duplicates
from tutor.records import Ref

STYLE_002 = """### 题库

#### 1. 大模型训练中常见的计算资源瓶颈是什么？

**答案：** 计算资源瓶颈通常包括GPU内存、网络带宽。其中GPU内存最常见。

**解析：** 参数和中间结果占用大量显存。

---

通过上述解析，我们可以了解到挑战。
"""

STYLE_003 = """# **AI大模型创业：面试题**

## 1. AI大模型的计算资源需求如何优化？

### **面试题**

在训练过程中，有哪些方法可以优化计算资源的使用？

### **答案解析**

**1. 分布式计算：** 将训练任务分解到多个节点。

**2. 混合精度训练：** 利用FP16进行训练。

**代码示例（使用PyTorch进行混合精度训练）：**

```python
# 初始化GradScaler
## 2. not a heading inside code
scaler = GradScaler()
```

## 2. 如何提高AI大模型的推理速度？

### **面试题**

如何提高推理速度？

### **答案解析**

**1. 模型量化：** 降低精度。
"""


def test_parses_label_style_items_with_prompt_answer_explanation_and_key_points(mini_corpus):
    items = parse_document((mini_corpus / "mini.md").read_text(), "mini.md")
    assert [i.number for i in items] == [1, 2, 3]
    first = items[0]
    assert first.title == "小题库：分布式与过拟合"
    assert first.question == "请解释数据并行和模型并行的区别。"
    assert first.prompt == "数据并行与模型并行有什么不同？"
    assert first.explanation == "数据并行扩展吞吐，模型并行解决显存不足。"
    assert len(first.key_points) == 2 and first.key_points[0].startswith("数据并行：")
    assert [kp.split("：")[0] for kp in items[1].key_points] == ["正则化", "Dropout", "早停"]
    # A prose answer falls back to its sentences as key points.
    assert items[2].key_points == ("量化把 FP32 权重转换为 INT8 等低精度表示，减少显存占用并加速推理。",)


def test_style_without_prompt_label_stops_at_separator_and_drops_outro():
    (item,) = parse_document(STYLE_002, "s.md")
    assert item.answer.startswith("计算资源瓶颈")
    assert "通过上述" not in item.text()
    assert item.key_points == ("计算资源瓶颈通常包括GPU内存、网络带宽。", "其中GPU内存最常见。")


def test_heading_level_two_style_keeps_code_out_of_text_and_ignores_headings_in_code():
    items = parse_document(STYLE_003, "u.md")
    assert [i.number for i in items] == [1, 2]
    first = items[0]
    assert first.title == "AI大模型创业：面试题"
    assert first.prompt.startswith("在训练过程中")
    assert first.key_points == ("分布式计算： 将训练任务分解到多个节点。", "混合精度训练： 利用FP16进行训练。")
    assert len(first.code) == 1 and "GradScaler" in first.code[0]
    assert "GradScaler" not in first.answer and "代码示例" not in first.answer


def test_key_points_handle_bullets_numbers_and_bold_numbers():
    text = "包括：\n- **剪枝：** 去掉权重\n2. **量化：** 降低精度\n**3. 蒸馏：** 大教小\n  - 子要点说明"
    assert key_points(text) == ("剪枝： 去掉权重", "量化： 降低精度", "蒸馏： 大教小", "子要点说明")


def test_split_sentences_is_chinese_aware():
    assert split_sentences("第一句。第二句！Third one. 第四？") == ["第一句。", "第二句！", "Third one.", "第四？"]


def test_near_duplicates_merge_and_keep_every_ref():
    doc = """# T

#### 1. 如何处理过拟合问题？

**答案：**
1. **正则化：** 添加正则项，限制模型复杂度。
2. **Dropout：** 随机丢弃神经元。

#### 2. 如何处理过拟合问题？

**答案：**
1. **正则化：** 添加正则项，限制模型复杂度，避免过拟合。
2. **Dropout：** 随机丢弃神经元。

#### 3. 如何处理过拟合问题？

**答案：** 多喝热水，早点睡觉，这个答案与其他条目完全不同。
"""
    merged = merge_duplicates(parse_document(doc, "d.md"))
    assert len(merged) == 2
    canon = merged[0]
    assert canon.number == 2  # the fullest member is canonical
    assert canon.refs == (Ref("d.md", 2), Ref("d.md", 1))
    assert merged[1].refs == (Ref("d.md", 3),)  # same question, different text: not merged


def test_free_text_documents_are_chunked_and_bad_files_skipped(tmp_path, caplog, mini_corpus):
    (mini_corpus / "notes.txt").write_text("这是笔记。" * 150 + "\n\nNVLink 是互联。", encoding="utf-8")
    (mini_corpus / "broken.md").write_bytes(b"\x00\x01binary\x00")
    (mini_corpus / "image.png").write_bytes(b"\x89PNG")
    with caplog.at_level(logging.WARNING):
        items = load_corpus(mini_corpus)
    assert "broken.md" in caplog.text
    chunks = [i for i in items if i.kind == "chunk"]
    assert len(chunks) >= 2 and all(i.number is None and i.source == "notes.txt" for i in chunks)
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(len(c.answer) <= 400 for c in chunks)
    assert {i.source for i in items} == {"mini.md", "notes.txt"}


def test_chunk_document_packs_sentences():
    chunks = chunk_document("甲。乙。丙。", "n.md", max_chars=4)
    assert [c.answer for c in chunks] == ["甲。乙。", "丙。"]


def test_real_corpus_has_140_items_107_canonical_plus_the_errata():
    from conftest import ROOT

    items = load_corpus(ROOT / "corpus")
    errata = [it for it in items if it.source == "errata.md"]
    assert len(items) - len(errata) == 107 and len(errata) >= 1
    refs = [r for it in items if it.source != "errata.md" for r in it.refs]
    assert len(refs) == 140 == len(set(refs))
    assert {r.source for r in refs} | {"errata.md"} == {p.name for p in (ROOT / "corpus").glob("*.md")}
    assert all(it.answer and it.key_points and it.topics for it in items)
    assert all(len(it.code) > 0 for it in items if it.source == "llm-startup-challenges.md")


def test_a_bare_label_list_item_takes_its_indented_body():
    # "1. 梯度消失" alone is a label; its indented paragraph says what it is.
    text = "1. 梯度消失\n    梯度越往前越小，前面的层学不动。\n\n2. 梯度爆炸\n    梯度不断累积变大。\n3. 权重矩阵的退化导致有效自由度减少。"
    assert key_points(text) == ("梯度消失：梯度越往前越小，前面的层学不动。", "梯度爆炸：梯度不断累积变大。",
                                "权重矩阵的退化导致有效自由度减少。")


def test_a_list_item_that_says_something_keeps_its_own_words():
    # Not a bare label (it has punctuation): a following indented line is not glued to it, and a
    # line back at the margin ends a bare label's body.
    assert key_points("- 剪枝：去掉权重\n    见下文\n- 蒸馏\n正文") == ("剪枝：去掉权重",)


def test_table_rows_are_points_named_by_their_first_cell():
    text = "| | RAG | SFT |\n| --- | --- | --- |\n| 数据 | 动态数据 | 静态数据 |\n| 透明度 | 可追溯 | 黑盒 |"
    assert key_points(text) == ("数据：RAG：动态数据；SFT：静态数据", "透明度：RAG：可追溯；SFT：黑盒")
