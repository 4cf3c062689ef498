"""Template fields (stop 36): a note that follows every answer with the same labelled bullets (反问点, 坑位)
grades the answer bullet only; the fields stay with the item, set aside (shown, never graded). Each test pins what must
not change: bullets used freely, or fewer than three times, stay in the answer."""
from tutor.corpus.parse import parse_document
from tutor.grade.feedback import model_answer
from tutor.grade.keypoints import reference_points

_ITEM = "{n}) {q}\n- 标准答：{a}\n- 反问点：线上是否做过{x}的评估？\n- 坑位：只说“{x}更快”而不解释原因。\n\n"
_QA = [("多头注意力为何有效？", "分解为多个子空间，关注不同关系模式。", "多头"),
       ("Pre-LN 与 Post-LN 如何取舍？", "Pre-LN 更稳定易收敛，现代模型多用。", "Pre-LN"),
       ("为什么用 RMSNorm？", "RMSNorm 计算更省、数值更稳。", "RMSNorm")]


def _doc(qa) -> str:
    return "## 一、模型（3题）\n" + "".join(_ITEM.format(n=k + 1, q=q, a=a, x=x) for k, (q, a, x) in enumerate(qa))


def test_repeated_fields_after_an_answer_bullet_are_set_aside_not_graded():
    items = [i for i in parse_document(_doc(_QA), "t.md") if i.kind == "item"]
    assert [i.answer for i in items] == [a for _, a, _ in _QA]
    for it, (_, _, x) in zip(items, _QA):
        assert "坑位" in it.aside and "反问点" in it.aside and x in it.aside and not it.explanation
        assert not any("坑位" in p.text or "反问点" in p.text for p in reference_points(it))
        assert "坑位" in model_answer(it) and "坑位" not in it.text()  # shown with the reference, not indexed


def test_fields_seen_in_only_two_items_stay_in_the_answer():
    items = parse_document(_doc(_QA[:2]), "t.md")
    assert all("坑位" in i.answer and not i.aside for i in items)


def test_a_list_the_answer_introduces_stays_the_answer():
    # The answer bullet only introduces ("要点：") or its points are indented: they are the answer itself.
    doc = "".join(f"{k}) 问题{k}怎么做？\n- 答：有两种：\n- 方式一：切分数据。\n- 方式二：切分层。\n\n" for k in (1, 2, 3))
    doc += "".join(f"{k}) 问题{k}为何？\n- 答：因为显存。\n  - 原因：激活太大。\n\n" for k in (4, 5, 6))
    items = parse_document(doc, "l.md")
    assert len(items) == 6 and not any(i.aside or i.explanation for i in items)
    assert all("方式一" in i.answer and "方式二" in i.answer for i in items[:3])
    assert all("激活太大" in i.answer for i in items[3:])


def test_bold_field_labels_and_a_plain_answer_label_are_read_too():
    doc = "".join(f"### {k}. 问题{k}是什么？\n- **答案**：答{k}的内容。\n- **追问**：那么{k}呢？\n\n" for k in (1, 2, 3))
    items = parse_document(doc, "b.md")
    assert [i.answer for i in items] == [f"答{k}的内容。" for k in (1, 2, 3)]
    assert all("追问" in i.aside for i in items)


# Follow-ups (stop 36): an interview log's bold question after a heading's answer is an item of its own.
_LOG = ("## 某公司一面\n\n### 2. 计算流体力学会用到高性能计算吗？\n是的，主要有并行计算、稀疏矩阵运算优化和分布式通信。\n\n"
        "**与大模型推理相比这个HPC的区别在哪里？**\n\n计算模式不同：PDE 与高精度，大模型是矩阵与低精度。\n\n"
        "### 3. 项目中的分级内存管理策略是什么？\n双池设计：大内存池和小内存池分别管理，延迟释放。\n")


def test_a_bold_follow_up_after_a_headings_answer_is_its_own_item():
    items = parse_document(_LOG, "log.md")
    assert [(str(i.number), i.question) for i in items] == [
        ("2", "计算流体力学会用到高性能计算吗？"), ("2.1", "与大模型推理相比这个HPC的区别在哪里？"),
        ("3", "项目中的分级内存管理策略是什么？")]
    assert "PDE" not in items[0].answer and "PDE" in items[1].answer and "稀疏矩阵" in items[0].answer
    assert items[1].title.endswith("某公司一面 › 计算流体力学会用到高性能计算吗？")  # what "这个HPC" refers to


def test_an_answer_told_in_bold_parts_keeps_its_bold_questions():
    # The first bold paragraph opens the answer, or titles a part: every bold question is a part of it.
    opens = ("### 3.4.1 为什么需要非线性激活函数？\n\n**为什么需要激活函数？**\n\n引入非线性，拟合复杂函数。\n\n"
             "**为什么激活函数需要非线性函数？**\n\n线性的组合还是线性。\n")
    titled = ("### 3.1.3 如何选择深度学习开发平台？\n\n现有平台很多，可按以下几点参考。\n\n**参考1：与现有编程平台整合的难易程度**\n\n"
              "看团队熟悉的语言。\n\n**参考5：平台利用是否多样性？**\n\n有些平台专门为研究开发。\n")
    rhetorical = "### 5. 为什么要归一化？\n各特征量纲不同，梯度下降会绕远路。\n\n**那么 BN 呢？**\n"
    for doc in (opens, titled, rhetorical):
        items = parse_document(doc, "p.md")
        assert len(items) == 1, doc
