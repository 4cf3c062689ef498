"""More layouts people write interview notes in (fixtures written for these tests, in the shapes of
public notes): numbered paragraphs in plain text, Q&A tables, quoted answers, decorated and English
bold questions, a question heading answered before its sub-questions, `<details>` rubrics."""
from __future__ import annotations

from tutor.corpus.parse import parse_document


def _qa(items):
    return [(i.number, i.question, i.answer) for i in items]


def test_numbered_paragraphs_in_a_text_file_are_questions():
    doc = ("第十二周 面试考点\n\n1）为什么大模型训练必须分布式？\n\n简答：\n瓶颈是显存和通信。\n\n"
           "2、训练时显存花在哪里？\n参数、梯度、优化器状态和激活。\n\n（3）ZeRO 是什么？\n\nZeRO 把冗余状态分片。\n")
    items = parse_document(doc, "w.txt")
    assert [(i.number, i.question) for i in items] == [
        (1, "为什么大模型训练必须分布式？"), (2, "训练时显存花在哪里？"), (3, "ZeRO 是什么？")]
    assert "瓶颈是显存和通信" in items[0].answer and items[2].answer == "ZeRO 把冗余状态分片。"


def test_a_numbered_statement_or_a_table_of_contents_is_not_a_question():
    statements = "笔记\n\n1、数据并行切数据。\n\n2、模型并行切模型。\n"
    assert parse_document(statements, "s.txt") == []
    toc = "目录\n\n1.1 什么是张量？ 2\n\n1.2 导数和偏导数有什么区别？ 5\n\n1.3 特征值分解 6\n\n2.1 为什么要用概率？ 7\n"
    assert parse_document(toc, "toc.md") == []


def test_a_question_and_answer_table_gives_one_item_per_row():
    doc = ("# 常见问题\n\n| 问题 | 答案 | 解析 |\n|---|---|---|\n"
           "| 什么是数据并行？ | 每张卡一份完整模型，切分数据。<br>梯度用 AllReduce 同步。 | 最常用 |\n"
           "| **什么是张量并行？** | 层内切分矩阵。 | |\n\n"
           "| 方法 | 特点 |\n|---|---|\n| RAG | 检索 |\n")
    items = parse_document(doc, "faq.md")
    assert [(i.question, i.answer) for i in items] == [
        ("什么是数据并行？", "每张卡一份完整模型，切分数据。\n梯度用 AllReduce 同步。"), ("什么是张量并行？", "层内切分矩阵。")]
    assert items[0].explanation == "最常用"


def test_quoted_answers_lose_their_quote_marks():
    doc = "## 面试问答\n\n**1. 什么是 NCCL？**\n\n> 答：NVIDIA 的集合通信库。\n\n**2. RDMA 有什么好处？**\n\n> 答：绕过 CPU，延迟低。\n"
    assert _qa(parse_document(doc, "q.md")) == [(1, "什么是 NCCL？", "NVIDIA 的集合通信库。"),
                                                 (2, "RDMA 有什么好处？", "绕过 CPU，延迟低。")]


def test_english_bold_q_lines_and_decorated_headings():
    english = "# Notes\n\n**Q1. What is overfitting?**\n\nIt memorises the training set.\n\n**Q2. Why use dropout?**\n\nIt regularises.\n"
    assert _qa(parse_document(english, "en.md")) == [(1, "What is overfitting?", "It memorises the training set."),
                                                     (2, "Why use dropout?", "It regularises.")]
    starred = ("# 题集\n\n### ⭐ Q1: 为什么要 loss_mask？\n\n**考察点**：训练原理\n\n<details>\n<summary>标准答案</summary>\n\n"
               "padding 位置不计损失。\n\n</details>\n\n**评分标准**：说出 padding 得 60 分\n\n### ⭐⭐ Q2: KV Cache 为什么能加速？\n\n缓存 K 和 V。\n")
    items = parse_document(starred, "s.md")
    assert _qa(items) == [(1, "为什么要 loss_mask？", "padding 位置不计损失。"), (2, "KV Cache 为什么能加速？", "缓存 K 和 V。")]
    assert "评分标准" in items[0].explanation and "考察点" in items[0].prompt


def test_a_question_heading_answered_before_its_sub_questions_is_an_item_too():
    doc = "什么是Dropout？\n==============\n\n随机失活神经元，起正则化作用。\n\n为什么要预热？\n--------------\n\n初期大学习率易发散。\n"
    assert _qa(parse_document(doc, "f.md")) == [(1, "什么是Dropout？", "随机失活神经元，起正则化作用。"),
                                                (2, "为什么要预热？", "初期大学习率易发散。")]
    toc = "# 面试题\n\n- [什么是X？](#x)\n\n## 什么是X？\n\nX 是 Y。\n"
    assert [i.question for i in parse_document(toc, "t.md")] == ["什么是X？"]  # "面试题" with links only is no item


def test_prose_before_a_nested_answer_label_stays_the_answer():
    prose = "在第一部分介绍了通用强化学习的流程，现在把它对应到 NLP 任务中。" * 8
    doc = f"## 2.NLP中的强化学习\n\n{prose}\n\n**（1）问题1：** 下标对吗？\n\n> 答：不用纠结下标。\n"
    [item] = parse_document(doc, "p.md")
    assert item.answer.startswith("在第一部分") and "不用纠结下标" in item.answer and item.prompt == ""


def test_questions_listed_up_top_then_answered_one_by_one():
    doc = ("# LLM 八股\n1.  什么是位置编码？为什么需要它？\n2.  请比较 BPE 和 WordPiece。\n3.  什么是涌现能力？\n\n"
           "## 参考回答\n1. \n    <strong>什么是位置编码？为什么需要它？</strong>\n\n    位置编码给每个位置一个向量。\n\n"
           "    <strong>为什么需要？</strong>\n    自注意力本身不分先后。\n\n---\n\n"
           "2.\n    <strong>请比较 BPE 和 WordPiece。</strong>\n\n    <strong>1. 两者对比：</strong>\n    * **问题：** 都是子词切分。\n"
           "    * **区别：** BPE 按频率合并，WordPiece 按似然合并。\n")
    items = parse_document(doc, "bagu.md")
    by_q = {i.question: i for i in items}
    assert set(by_q) == {"什么是位置编码？为什么需要它？", "请比较 BPE 和 WordPiece。", "什么是涌现能力？"}
    pe = by_q["什么是位置编码？为什么需要它？"]
    assert pe.number == 1 and pe.answer.startswith("位置编码给每个位置一个向量。") and "不分先后" in pe.answer
    assert "<strong>" not in pe.answer and "什么是位置编码" not in pe.answer  # the repeated question is not its answer
    assert "BPE 按频率合并" in by_q["请比较 BPE 和 WordPiece。"].answer  # a "问题：" inside an answer is its text
    assert by_q["什么是涌现能力？"].answer == ""  # asked and never answered: kept, reported as no answer


def test_short_bold_questions_that_look_alike_are_different_questions():
    # Leftovers of a question list are dropped only when repeated word for word: two short answered
    # questions sharing most characters ("KV Cache 原理？" / "KV Cache 量化？") both stay.
    doc = ("# LLM 面试题\n\n**13. KV Cache 原理？**\n 推理时缓存历史 K/V，只算新 token。\n\n"
           "**14. MQA/GQA 好处？**\n 共享 KV，减少显存。\n\n**67. KV Cache 量化？**\n 常用 8/4bit，需评估质量回退。\n")
    items = parse_document(doc, "yy.md")
    assert [(i.number, i.question) for i in items] == [
        (13, "KV Cache 原理？"), (14, "MQA/GQA 好处？"), (67, "KV Cache 量化？")]
    assert items[2].answer == "常用 8/4bit，需评估质量回退。"


def test_sections_that_ask_nothing_are_kept_as_passages():
    doc = ("# 上下文工程笔记\n\n本文整理上下文工程的要点，供面试复习。\n\n## 什么是上下文工程？\n\n为模型准备恰当的上下文。\n\n"
           "## 上下文挑战\n\n### Context Poisoning\n\n幻觉进入上下文后被反复引用，错误不断放大。\n\n"
           "### [上下文修剪](https://example.com/prune)\n\n按规则删除过时消息，或按相关性打分保留最相关的片段。\n\n"
           "## 参考资料\n\n- 某篇博客的链接地址与说明文字，足够长但不是内容本身\n")
    items = parse_document(doc, "ctx.md")
    assert [(i.kind, i.number, i.question) for i in items] == [
        ("item", 1, "什么是上下文工程？"), ("chunk", None, "Context Poisoning"), ("chunk", None, "上下文修剪")]
    poison, prune = items[1], items[2]
    assert poison.title == "上下文工程笔记 › 上下文挑战" and "错误不断放大" in poison.answer
    assert prune.chunk == 2 and "https" not in prune.question + prune.title
    # the preamble under the title and the reading list are no passages; a note with no question at all is
    # left to the sentence chunker (load_corpus), as before
    assert not any("面试复习" in i.answer or "博客" in i.answer for i in items)
    assert parse_document("# 随笔\n\n## 背景\n\n只有叙述，没有任何提问的一段足够长的文字内容。\n", "e.md") == []


def test_front_matter_is_metadata_and_its_title_names_the_note():
    doc = '---\ntitle: "LLM 显存计算"\ndate: 2025-06-02\ntags: ["GPU"]\n---\n\n## 1. 显存由哪几块组成？\n\n参数、梯度、优化器状态和激活。\n'
    [item] = parse_document(doc, "blog.md")
    assert (item.title, item.question, item.answer) == ("LLM 显存计算", "显存由哪几块组成？", "参数、梯度、优化器状态和激活。")
    opening_rule = "---\n\n正文开头的分隔线后是一段散文，不是元数据。\n\n## 1. 什么是X？\n\nX 是 Y。\n"
    assert parse_document(opening_rule, "n.md")[0].question == "什么是X？"


def test_a_text_box_is_answer_text_and_a_code_block_stays_code():
    # ```text holds prose pasted as plain text (an answer); ```python holds code. Both under a Q label
    # and under a numbered question with other text.
    doc = ("### How\n\nQ0:什么是tensor(张量)?\n\n```text\nTensor实际上就是一个多维数组\n```\n\n"
           "```python\nx = torch.empty(5, 3)\n```\n\n## 2. 为什么要用混合精度？\n\n原因如下：\n\n"
           "```text\n省显存，算得快。\n```\n")
    items = parse_document(doc, "pt.md")
    tensor, amp = items
    # The Q label is the item's question: "### How" right over it is a title, not an item of its own.
    assert tensor.question == "什么是tensor(张量)?" and tensor.answer == "Tensor实际上就是一个多维数组"
    assert tensor.code == ("x = torch.empty(5, 3)",)
    assert amp.answer == "原因如下：\n\n省显存，算得快。" and amp.code == ()


def test_a_placeholder_answer_is_no_answer():
    # Public notes keep unanswered questions as "- [ ] TODO" (with a reading list under some): such an item has
    # no reference, so grade abstains and the interviewer skips it; a short real answer stays an answer.
    doc = ("## 1. XGBoost 有哪些参数？\n\n- [ ] TODO\n\n**参考资料**\n\n- [XGBoost 调参](https://x.cn/a)\n\n"
           "## 2. BN 在推理时用什么统计量？\n\n待补充\n\n"
           "## 3. 学习率应该是 1 吗？\n\n略大于 0.1 时就会发散。\n")
    items = parse_document(doc, "todo.md")
    assert [bool(it.answer) for it in items] == [False, False, True]


def test_a_question_reads_as_text_not_markdown():
    # Public notes link their question headings to a source and escape characters: the question the tutor
    # shows, asks and cites is the text, not "[…](https://…)" or "4 \* v100".
    doc = ("### 1. [L1 和 L2 正则化的区别](https://baike.baidu.com/item/x)\n\nL1 产生稀疏解。\n\n"
           "### 2. 能否用4 \\* v100 训练 65b？\n\n不能，显存不够。\n\n"
           "### 3. delete 和 delete [] 的区别？\n\n后者释放数组。\n")
    assert [it.question for it in parse_document(doc, "q.md")] == [
        "L1 和 L2 正则化的区别", "能否用4 * v100 训练 65b？", "delete 和 delete [] 的区别？"]


def test_emphasis_and_presentational_html_are_not_part_of_a_question():
    # English notes italicise the key term of each question; Chinese ones colour it with <font>. A product
    # written with asterisks and a question about an HTML tag keep their characters.
    doc = ("## 1. What are _Large Language Models (LLMs)_ and how do they work?\n\nThey predict tokens.\n\n"
           "## 2. <font color=red>什么是 top_k 采样？</font>\n\n只在概率最高的 k 个词里采样。\n\n"
           "## 3. k[0]*k[1]*k[2] 的最大乘积是多少？\n\n用动态规划。\n\n"
           "## 4. How do you centre a <div>?\n\nUse flexbox.\n")
    assert [it.question for it in parse_document(doc, "e.md")] == [
        "What are Large Language Models (LLMs) and how do they work?", "什么是 top_k 采样？",
        "k[0]*k[1]*k[2] 的最大乘积是多少？", "How do you centre a <div>?"]


def test_a_note_titled_by_its_question_is_one_item_whatever_its_section_names():
    # One-question-per-file notes: the title asks, numbered sections explain ("1. 核心区别概览" reads as asking
    # only by its word 区别). They were 20 items the interviewer asked ("对比表格？"); the note answers one question.
    doc = ("# cudaMalloc 和 malloc 有什么区别？\n\n## 标准答案\n\nmalloc 分配主机内存，cudaMalloc 分配显存。\n\n"
           "## 1. 核心区别概览\n\n### 1.1 对比表格\n\n位置不同。\n\n### 1.2 内存架构图\n\n经 PCIe 拷贝。\n")
    items = parse_document(doc, "cm.md")
    assert [(it.question, it.kind) for it in items] == [("cudaMalloc 和 malloc 有什么区别？", "item")]
    assert "分配显存" in items[0].answer and "PCIe" in items[0].answer
    # A sub-heading that asks with a question mark is a question of its own, as before.
    doc2 = "# 分布式训练？\n\n## 1. 什么是数据并行？\n\n切数据。\n\n## 2. 什么是模型并行？\n\n切模型。\n"
    assert [it.question for it in parse_document(doc2, "d.md")] == ["什么是数据并行？", "什么是模型并行？"]


def test_an_outline_of_further_questions_is_no_answer_but_stays_searchable():
    # Outline notes list what to study under each topic: the list asks, it doesn't answer. The interviewer
    # asked "分支预测" and graded the candidate against six questions; an answer that asks and answers stays.
    doc = ("## 1. 分支预测\n\n**基础**\n- 为什么分支预测对性能至关重要？\n- 预测错误的代价是什么？\n"
           "- 静态和动态分支预测的区别是什么？\n\n**类型**\n- 两比特饱和计数器如何工作？\n\n"
           "## 2. 为什么要归一化？\n\n为什么？因为量纲不同。那 BN 呢？按批统计。LN 呢？按样本统计。\n")
    outline, real = parse_document(doc, "o.md")
    assert outline.answer == "" and "两比特饱和计数器" in outline.prompt and "两比特饱和计数器" in outline.text()
    assert real.answer.startswith("为什么？因为量纲不同")


def test_html_in_an_answer_gives_its_text_to_the_key_points_not_its_tags():
    # Notes embed HTML: <br> inside table cells, <img> with an alt or a long URL, coloured <font>, boxes.
    # A key point was '<img src="https://…png" alt="img" style="zoom:67%;', which no candidate can cover.
    doc = ("## 1. 各框架的优缺点？\n\n| 框架 | 优点 |\n|---|---|\n| TF | 1.功能齐全<br/>2.支持多 GPU |\n\n"
           "## 2. 注意力怎么算？\n\n- 先算 Q 与 K 的相似度\n- <img src=\"https://x.io/a.png\" alt=\"img\" style=\"zoom:67%;\" />\n"
           "- <font color=red>softmax 归一化后加权 V</font>\n- 输入 <a,b> 对，末尾加 <EOS>\n")
    table, attention = parse_document(doc, "h.md")
    assert table.key_points == ("TF：优点：1.功能齐全；2.支持多 GPU",)
    assert attention.key_points == ("先算 Q 与 K 的相似度", "softmax 归一化后加权 V", "输入 <a,b> 对，末尾加 <EOS>")


def test_a_bare_link_is_no_answer_and_a_numbered_topic_line_starts_the_next_entry():
    # "10.问题" then only "具体可参考：https://…": the question has no answer here (any answer scored 80-100 against
    # the stray next line). "11.领域大模型训练Trick" goes on the numbering: it is entry 11, not 10's answer.
    doc = ("9.为什么会重复？\n\n温度太低时模型反复选同一个词。\n\n10.大模型如何解决生成的内容重复的问题\n\n"
           "    具体可参考：https://zhuanlan.zhihu.com/p/631847634\n\n11.领域大模型LLM训练Trick\n\n"
           "    详见 https://zhuanlan.zhihu.com/p/656244605\n")
    items = parse_document(doc, "p.md")
    assert [(it.number, it.question, bool(it.answer)) for it in items] == [
        (9, "为什么会重复？", True), (10, "大模型如何解决生成的内容重复的问题", False), (11, "领域大模型LLM训练Trick", False)]


def test_formulas_bare_labels_and_links_are_not_key_points():
    # A formula line ("P(x=1) &= \phi") was a point any other formula covered (another item's answer scored 86
    # on a note of formulas); so were "工作流程：" and "具体可参考：https://…". A table row with "$$" inside a cell
    # is text, and a sentence with inline $x$ stays a point.
    from tutor.corpus.markdown import key_points
    answer = ("- **定义：** 单个二值随机变量的分布，$\\phi$ 给出取 1 的概率。\n- **主要性质：**\n\n$$\n"
              "\\begin{align*}\nP(x=1) &= \\phi \\\\\n\\end{align*}\n$$\n\n- **工作流程：**\n"
              "- 具体可参考：https://zhuanlan.zhihu.com/p/1\n\n| 函数 | 备注 |\n|---|---|\n| ReLU | 当$x=0$$f(x)=0$ |\n")
    assert key_points(answer) == ("定义： 单个二值随机变量的分布，$\\phi$ 给出取 1 的概率。", "ReLU：备注：当$x=0$$f(x)=0$")
