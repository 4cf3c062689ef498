"""Each common markdown Q&A layout becomes items (fixtures written for these tests, in the layouts of
public interview-note repositories)."""
from __future__ import annotations

import logging

from tutor.corpus.load import find_item, load_corpus
from tutor.corpus.parse import parse_document
from tutor.records import Ref


def _qa(items):
    return [(i.number, i.question, i.answer) for i in items]


def test_dotted_numbering_keeps_every_question_distinct():
    parts = ["# 分布式训练题目", "### 1. 理论篇"]
    parts += [f"#### 1.{k} 第{k}个理论问题是什么？\n\n理论答案{k}。" for k in range(1, 22)]
    parts += ["### 2. 实践篇"] + [f"#### 2.{k} 实践问题{k}如何做？\n\n实践答案{k}。" for k in range(1, 4)]
    parts += ["### 3. 并行化策略选择篇"] + [f"#### 3.{k} 场景{k}\n\n策略{k}。" for k in range(1, 4)]
    items = parse_document("\n\n".join(parts), "d.md")
    assert len(items) == 27
    assert [i.number for i in items[:2]] + [items[20].number, items[-1].number] == ["1.1", "1.2", "1.21", "3.3"]
    assert items[20].question == "第21个理论问题是什么？" and items[20].answer == "理论答案21。"
    assert items[0].title == "分布式训练题目 › 理论篇" and items[-1].title == "分布式训练题目 › 并行化策略选择篇"
    assert items[-1].question == "场景3"  # a numbered leaf heading is a question even without a "？"


def test_heading_followed_by_prose_list_and_code_without_a_label():
    doc = """# 1.推理

### 1.为什么大模型推理时显存涨的那么多还一直占着？

1. 首先，序列太长了，有大量的KV。
2. 其次，因为是逐个预测next token，每次要缓存KV加速解码。

### 2.推理速度上，INT8和FP16比起来怎么样？

根据实践经验，INT8模式一般推理会明显变慢。

```python
model = load(int8=True)
```

### 3.如何查看多卡之间的 NVLink topo？

```bash
nvidia-smi topo -m
```
"""
    items = parse_document(doc, "infer.md")
    assert [i.number for i in items] == [1, 2, 3]
    assert items[0].key_points == ("首先，序列太长了，有大量的KV。", "其次，因为是逐个预测next token，每次要缓存KV加速解码。")
    assert items[1].answer == "根据实践经验，INT8模式一般推理会明显变慢。" and items[1].code == ("model = load(int8=True)",)
    assert items[2].answer == "nvidia-smi topo -m"  # an answer that is only a command is still the answer
    assert items[0].title == "推理"


def test_bold_question_and_answer_labels():
    doc = "## 面试题\n\n**问题：** 什么是梯度累积？\n\n**回答：** 多个小批次的梯度相加后再更新。\n\n" \
          "**问题：** ZeRO 分几级？\n\n**回答：**\n\n- ZeRO-1 切优化器状态\n- ZeRO-2 再切梯度\n\n**解析：** 级别越高越省显存。\n"
    items = parse_document(doc, "qa.md")
    assert _qa(items)[0] == (1, "什么是梯度累积？", "多个小批次的梯度相加后再更新。")
    assert items[1].key_points == ("ZeRO-1 切优化器状态", "ZeRO-2 再切梯度")
    assert items[1].explanation == "级别越高越省显存。"
    assert not any("**" in i.answer + i.question for i in items)  # labels never stay as raw marks
    assert items[0].title == "面试题"


def test_q_colon_and_a_colon_lines():
    doc = "**Q:** What is tensor parallelism?\nA: Splitting one layer's matrices across GPUs.\n\n" \
          "**Q:** Why overlap communication?\nA: To hide the all-reduce behind compute.\n"
    assert _qa(parse_document(doc, "en.md")) == [
        (1, "What is tensor parallelism?", "Splitting one layer's matrices across GPUs."),
        (2, "Why overlap communication?", "To hide the all-reduce behind compute.")]


def test_numbered_q_and_a_lines():
    doc = "Q1. 什么是 NCCL？\nA1. NVIDIA 的集合通信库。\n\nQ2. AllReduce 做什么？\nA2. 把各卡的梯度求和再分发。\n"
    assert _qa(parse_document(doc, "q.md")) == [(1, "什么是 NCCL？", "NVIDIA 的集合通信库。"),
                                                 (2, "AllReduce 做什么？", "把各卡的梯度求和再分发。")]


def test_details_summary_answers():
    under_heading = "## 1. 什么是 KV cache？\n\n<details><summary>答案</summary>\n\n缓存已算过的键和值，解码时复用。\n\n</details>\n"
    (item,) = parse_document(under_heading, "k.md")
    assert item.answer == "缓存已算过的键和值，解码时复用。" and "<" not in item.answer
    summary_asks = "<details>\n<summary>为什么需要 warmup？</summary>\n\n训练初期梯度大，小学习率更稳。\n\n</details>\n"
    assert _qa(parse_document(summary_asks, "w.md")) == [(1, "为什么需要 warmup？", "训练初期梯度大，小学习率更稳。")]


def test_numbered_list_questions():
    doc = "# 量化面试题\n\n1. 什么是 INT8 量化？\n\n   把权重从 FP32 映射到 8 位整数。\n\n" \
          "2. 量化为什么会掉点？\n\n   舍入误差累积，离群值被截断。\n"
    assert _qa(parse_document(doc, "quant.md")) == [(1, "什么是 INT8 量化？", "把权重从 FP32 映射到 8 位整数。"),
                                                    (2, "量化为什么会掉点？", "舍入误差累积，离群值被截断。")]


def test_section_headings_and_plain_prose_are_not_questions():
    doc = "# 笔记\n\n## 概述\n\n这是一些背景。\n\n## Transformer\n\n一种结构。\n"
    assert parse_document(doc, "n.md") == []  # load_corpus chunks it instead


def test_gbk_crlf_and_bom_files_load_with_a_warning_naming_the_encoding(tmp_path, caplog):
    doc = "# 笔记\r\n\r\n### 1. 什么是数据并行？\r\n\r\n每张卡一份模型，切分数据。\r\n"
    (tmp_path / "gbk.md").write_bytes(doc.replace("数据并行", "流水线并行").encode("gbk"))
    (tmp_path / "bom.md").write_bytes(b"\xef\xbb\xbf" + doc.encode("utf-8"))
    (tmp_path / "crlf.md").write_bytes(doc.replace("数据并行", "张量并行").encode("utf-8"))
    (tmp_path / "bin.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with caplog.at_level(logging.WARNING):
        items = load_corpus(tmp_path)
    assert "gbk.md: read as gb18030" in caplog.text and "skipping bin.md" in caplog.text
    assert "bom.md: read" not in caplog.text and "crlf.md: read" not in caplog.text
    by_source = {r.source: it for it in items for r in it.refs}
    assert set(by_source) == {"gbk.md", "bom.md", "crlf.md"}
    assert by_source["gbk.md"].question == "什么是流水线并行？"
    assert all("\r" not in it.answer and not it.title.startswith("\ufeff") for it in items)
    assert by_source["bom.md"].title == "笔记"


def test_utf8_with_a_few_broken_characters_is_read_with_the_damage_marked(tmp_path, caplog):
    # A lossy conversion cut two characters short ("巩固�?"): the note is kept, the warning says so.
    doc = "# 笔记\n\n### 1. 什么是数据并行？\n\n每张卡一份模型，切分数据进行巩固。\n\n### 2. 什么是张量并行？\n\n切分层的权重。\n"
    raw = doc.encode("utf-8").replace("固。".encode(), "固".encode()[:2] + b"?").replace("重。".encode(), "重".encode()[:1] + b"?")
    (tmp_path / "cut.md").write_bytes(raw)
    # Must not catch: a GBK note stays GBK, and Latin-1 prose full of accents is not "damaged UTF-8".
    (tmp_path / "gbk.md").write_bytes(doc.replace("数据并行", "流水线并行").encode("gbk"))
    (tmp_path / "latin.md").write_bytes("# Café\n\n### 1. Qu'est-ce que la réplication ?\n\nÉté, où, déjà.\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        items = load_corpus(tmp_path)
    assert "cut.md: read as utf-8, 2 damaged bytes replaced" in caplog.text
    assert "gbk.md: read as gb18030" in caplog.text and "latin.md: read as utf-8" not in caplog.text
    cut = [it for it in items if it.source == "cut.md"]
    assert [it.question for it in cut] == ["什么是数据并行？", "什么是张量并行？"] and "\ufffd" in cut[0].answer


def test_dotted_numbers_are_citable():
    from tutor.grade.grader import parse_ref

    items = parse_document("# T\n### 1. 篇\n#### 1.21 什么是 FSDP？\n\n全分片数据并行。\n", "t.md")
    ref = parse_ref("t.md#1.21")
    assert ref == Ref("t.md", "1.21") and find_item(items, ref).question == "什么是 FSDP？"
    assert items[0].id == "t.md#1.21"


def test_a_plain_number_in_a_dotted_note_is_citable_as_typed():
    """In a note numbered "2", "3.1", the plain numbers are strings; a typed "llm.md#2" reads as 2."""
    from tutor.grade.grader import parse_ref

    doc = "# LLM\n### 2.什么是前缀语言模型？\n\n前缀双向。\n\n### 3.复读机\n\n#### 3.1 什么是复读机问题？\n\n重复生成。\n"
    items = parse_document(doc, "llm.md")
    assert items[0].number == "2" and parse_ref("llm.md#2").number == 2
    assert find_item(items, parse_ref("llm.md#2")).question == "什么是前缀语言模型？"
    assert find_item(items, parse_ref("llm.md#3")) is None


def test_sub_headings_of_a_question_are_its_answer_not_more_items():
    doc = "# LLM\n### 2.prefix LM 和 causal LM 区别是什么？\n\n两者注意力掩码不同。\n\n#### 2.1 Prefix LM\n\n前缀双向。\n\n" \
          "#### 2.2 Causal LM\n\n只看左侧。\n\n### 3.LLMs复读机问题\n\n#### 3.1 什么是复读机问题？\n\n重复生成。\n"
    items = parse_document(doc, "llm.md")
    assert [(i.number, i.question) for i in items] == [("2", "prefix LM 和 causal LM 区别是什么？"),
                                                       ("3.1", "什么是复读机问题？")]
    assert "只看左侧。" in items[0].answer and items[1].title == "LLM › LLMs复读机问题"


def test_one_rhetorical_bold_question_in_an_essay_does_not_swallow_it():
    essay = "# 随笔\n\n今天聊聊显存。\n\n**为什么显存总是不够？**\n\n因为模型越来越大。\n\n后面还有很多段落。\n"
    assert parse_document(essay, "essay.md") == []


def test_a_link_with_a_title_keeps_only_its_text():
    """`[text](url "title (site)")`: the title's parenthesis once cut the link short, leaving '")' in a point."""
    doc = ("# LLM\n### 4. 涌现能力是啥原因？\n\n[涌现能力：现象与解释 - 知乎 (zhihu.com)](https://zhuanlan.zhihu.com/p/1 "
           "\"涌现能力：现象与解释 - 知乎 (zhihu.com)\")\n\n1. **评价指标不够平滑**：一字不错才算对。\n2. **复杂任务**：由多个子任务构成。\n")
    item = parse_document(doc, "llm.md")[0]
    assert "zhihu.com)\"" not in item.answer and "https://" not in item.answer
    assert "涌现能力：现象与解释 - 知乎 (zhihu.com)" in item.answer
    assert not any('")' in p or "http" in p for p in item.key_points)
