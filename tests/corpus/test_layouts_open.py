"""Layouts of public notes written by other people (stop 35): HTML headings, numbered questions under a
section heading, and Q labels after a heading's answer. Each test also pins what must not change."""
from tutor.corpus.parse import parse_document


def test_html_headings_are_headings_but_not_inside_code():
    doc = ('# 目录\n\n<h2 id="1.q">1.什么是模型量化？</h2>\n\n把浮点权重映射到低比特整数。\n\n'
           '<h2 id="2.q">2.什么是模型剪枝？</h2>\n\n去掉不重要的权重。\n\n```html\n<h2>不是标题？</h2>\n```\n')
    items = [i for i in parse_document(doc, "m.md") if i.kind == "item"]
    assert [(i.number, i.question) for i in items] == [(1, "什么是模型量化？"), (2, "什么是模型剪枝？")]


def test_a_question_heading_answered_in_parts_stays_one_item():
    # One of its four parts is phrased as a question: the parts are its answer, not its children.
    doc = ("## 6.什么是稀疏模型？\n\n### 概念\n\n大部分参数为零。\n\n### 为什么需要稀疏模型？\n\n省算力。\n\n"
           "### 类型\n\n结构化与非结构化。\n\n### 优势\n\n推理快。\n")
    items = parse_document(doc, "s.md")
    assert [(i.number, i.question) for i in items] == [(6, "什么是稀疏模型？")]
    assert "省算力" in items[0].answer and "推理快" in items[0].answer
    # Must not change: a question heading over question headings holds them.
    doc2 = "# 并行有哪些？\n\n## 什么是数据并行？\n\n切数据。\n\n## 什么是张量并行？\n\n切层。\n"
    assert [i.question for i in parse_document(doc2, "p.md")] == ["什么是数据并行？", "什么是张量并行？"]


def test_numbered_questions_under_a_section_heading_are_items():
    doc = ("## 一、模型与预训练（30题）\n1) 多头注意力为何有效？\n- 标准答：分解为多个子空间，关注不同关系模式。\n"
           "- 坑位：只说并行更快。\n\n2) Pre-LN vs Post-LN？\n- 标准答：Pre-LN 更稳定易收敛，现代模型多用。\n")
    items = parse_document(doc, "f.md")
    assert [i.question for i in items] == ["多头注意力为何有效？", "Pre-LN vs Post-LN？"]
    assert "子空间" in items[0].answer and "坑位" in items[0].answer and "Pre-LN 更稳定" in items[1].answer
    # Must not change: a contents list (questions with no answers under them) stays the heading's answer,
    # and a heading's answer that merely enumerates with "（1）" stays one item.
    toc = "### 1. 面试题汇总\n\n1. 为何使用多头？\n2. 为何要缩放？\n   （注意区别）\n"
    assert [i.question for i in parse_document(toc, "t.md")] == ["面试题汇总"]
    enum = "### 2.9.2 逻辑回归适用性\n\n（1）用于概率预测，结果有可比性吗？是的。\n\n（2）用于分类呢？也可以。\n"
    assert [(i.number, i.question) for i in parse_document(enum, "e.md")] == [("2.9.2", "逻辑回归适用性")]


def test_a_q_label_ends_the_answer_of_the_heading_above_it():
    doc = ("**Q25：如何约束输出？**\n\n用 JSON schema 约束。\n\n### **英语学习应用中如何限制词汇范围？**\n\n- 提示中给出词表。\n\n"
           "**Q26：如何生成长篇小说？**\n\n分步生成。\n\n**Q27：应该修改注意力层还是前馈层的参数。**\n\n前馈层。\n")
    items = parse_document(doc, "q.md")
    assert [i.question for i in items] == ["如何约束输出？", "英语学习应用中如何限制词汇范围？", "如何生成长篇小说？",
                                           "应该修改注意力层还是前馈层的参数。"]
    assert items[1].answer == "- 提示中给出词表。" and items[3].answer == "前馈层。"


def test_text_before_the_first_question_of_a_section_is_kept():
    # Nothing is lost: the heading's list of advantages came before any question that could take it.
    doc = ("# 深度学习基础\n\n## 1. 什么是激活函数？\n\n引入非线性。\n\n## ReLU 相比 sigmoid 的优势\n\n1. **避免梯度消失**\n"
           "    - 导数恒为 1，不会饱和。\n2. **减缓过拟合**\n    - 负半区输出 0。\n\n**为什么 ReLU 不可导也能用？**\n\n几乎处处可导。\n")
    items = parse_document(doc, "r.md")
    kept = [i for i in items if i.kind == "chunk"]
    assert [i.question for i in items if i.kind == "item"] == ["什么是激活函数？", "为什么 ReLU 不可导也能用？"]
    assert len(kept) == 1 and "避免梯度消失" in kept[0].answer and "几乎处处可导" not in kept[0].answer


def test_formula_images_keep_their_latex_and_leave_no_debris():
    """A formula drawn by a LaTeX service (codecogs, Zhihu) is the answer's content: kept as $…$, and the URL's own
    parentheses no longer end the image early (which left "=sin(\\frac{pos}…))" in the answer)."""
    doc = ("## 1. 位置编码的公式是什么？\n\n论文中的计算方法如下：\n\n"
           "![](https://latex.codecogs.com/gif.latex?PE(pos,2i)=sin(\\frac{pos}{10000^{2i/d}}))\n\n"
           "即 ![](https://www.zhihu.com/equation?tex=f%28x%29%3Dx) 时，![架构图](arch.png) 不变。\n")
    [item] = parse_document(doc, "pe.md")
    assert "$PE(pos,2i)=sin(\\frac{pos}{10000^{2i/d}})$" in item.answer
    assert "即 $f(x)=x$ 时" in item.answer and "架构图" in item.answer
    assert item.answer.count("=sin(") == 1  # no debris of the URL after the image


def test_topic_article_numbered_bold_questions_and_numbered_steps():
    # A topic article (EthanAlgoX/LLM-Core layout): a list of bold questions, each answered by a nested bullet,
    # and a how-to list whose last step uses 比较 as a verb, with the next heading right under it.
    doc = ("# 注意力\n\n## 技术核心解析\n\n1. **Softmax 为什么需要减去 Max？**\n   - 为了数值稳定性。\n"
           "2. **RoPE (旋转位置编码) 的优势？**\n   - 具备外推性。\n3. **KV Cache 显存如何计算？**\n   - 按层数乘头数。\n\n"
           "## 关键步骤\n\n1. 确定核心结构。\n2. 结合显存预算设计推理路径。\n3. 通过统一评测集比较结构变体的效果与效率差异。\n"
           "## 关键公式\n\n`softmax(QK^T / sqrt(d_k)) V`\n")
    items = parse_document(doc, "a.md")
    asked = [(i.number, i.question, i.answer) for i in items if i.kind == "item"]
    # The question mark before the closing bold counts: the middle question is an item, not item 1's answer.
    assert asked == [(1, "Softmax 为什么需要减去 Max？", "- 为了数值稳定性。"), (2, "RoPE (旋转位置编码) 的优势？", "- 具备外推性。"),
                     (3, "KV Cache 显存如何计算？", "- 按层数乘头数。")]
    # The step is the steps' text, not a question with an empty answer.
    from pathlib import Path
    import tempfile

    from tutor.corpus.load import load_corpus

    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.md").write_text(doc, encoding="utf-8")
        steps = [i for i in load_corpus(Path(d)) if i.question == "关键步骤"]
    assert len(steps) == 1 and "通过统一评测集比较结构变体" in steps[0].text()
    # Must not change: a numbered request ending with a full stop still asks.
    req = ("## 面试题\n\n1. 请简述几个常见的 smoothing 方法以及它们的优缺点。\n   加一平滑、古德图灵，各有取舍。\n\n"
           "2. SVM 是 margin-based classifier，试着推导 SVM，并说明什么是 KKT 条件。\n   拉格朗日对偶后得到的最优性条件。\n")
    assert [i.question for i in parse_document(req, "r.md") if i.kind == "item"] == [
        "请简述几个常见的 smoothing 方法以及它们的优缺点。", "SVM 是 margin-based classifier，试着推导 SVM，并说明什么是 KKT 条件。"]


def test_numbered_questions_after_a_knowledge_preamble_are_items():
    # A numbered topic heading holds a knowledge preamble, then its interview questions, each answered below it.
    doc = ("### 大模型推理优化\n#### **1. 模型量化（INT8, GPTQ, AWQ）**\n**🔑 知识点详解**\n- **定义**：降低权重和激活的精度。\n\n"
           "**🔥 面试高频题**\n1. 模型量化的核心优势是什么？为什么需要量化？\n   - **一句话答案**：减少计算和存储，同时加速推理。\n"
           "2. GPTQ 和 AWQ 有什么区别？\n   - **一句话答案**：GPTQ 逐层最小化误差，AWQ 按激活保护重要权重。\n")
    items = [i for i in parse_document(doc, "q.md") if i.kind == "item"]
    assert [(i.number, i.question) for i in items] == [(1, "模型量化的核心优势是什么？为什么需要量化？"),
                                                        (2, "GPTQ 和 AWQ 有什么区别？")]
    assert "加速推理" in items[0].answer and "AWQ 按激活" in items[1].answer
    # Must not change: a bold question opening the section is its question, and the list under it its answer.
    fpn = ("## 3. FPN\n\n**FPN有哪些创新点？**\n\n1. 为什么要自顶向下？\n   因为高层语义强，需要传给低层特征。\n"
           "2. 为什么要横向连接？\n   因为低层定位准，融合后两者兼得。\n")
    assert [i.question for i in parse_document(fpn, "f.md") if i.kind == "item"] == ["FPN"]


def test_a_labelled_follow_up_is_numbered_under_its_question():
    doc = ("## P0级\n\n### Q1: KV Cache为什么能加速推理？\n\n> 之前 token 的 K、V 不变，缓存后每步只算新 token。\n\n"
           "**追问：KV Cache有多大？**\n> 2 × 层数 × 头数 × 头维度 × 序列长度 × 精度字节。\n\n---\n\n"
           "### Q2: PagedAttention原理？\n\n> 把 KV Cache 切成固定大小的 block，按需分配。\n")
    items = [i for i in parse_document(doc, "d.md") if i.kind == "item"]
    # The label is no part of the question, and Q2 stays §2.
    assert [(str(i.number), i.question) for i in items] == [("1", "KV Cache为什么能加速推理？"), ("1.1", "KV Cache有多大？"),
                                                             ("2", "PagedAttention原理？")]
    # Must not change: a question that mentions follow-ups asks it whole.
    q = parse_document("## 面试\n\n**面试官会追问哪些细节？**\n\n部署、监控和回滚。\n\n**为什么要压测？**\n\n找到容量上限。\n", "m.md")
    assert [i.question for i in q if i.kind == "item"] == ["面试官会追问哪些细节？", "为什么要压测？"]


def test_plain_bullet_questions_answered_by_nested_bullets():
    doc = ("## 其他\n- overfitting怎么办?\n    - dropout\n    - regularization\n- 面试问：为何需要packing？\n"
           "  - 提升吞吐，减少 padding 浪费\n\n## 目录\n- 二、什么是 RAG?\n  - 2.1 R：检索器模块\n"
           "    - 2.1.1 如何获得准确的语义表示？\n")
    items = [i for i in parse_document(doc, "b.md") if i.kind == "item"]
    assert [i.question for i in items] == ["overfitting怎么办?", "为何需要packing？"]
    assert "dropout" in items[0].answer and "regularization" in items[0].answer and "padding" in items[1].answer
