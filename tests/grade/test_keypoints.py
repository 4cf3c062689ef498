"""Reference points: prose beside a list, and which points may show an answer is on topic."""
from __future__ import annotations

from tutor.grade.keypoints import reference_points, topical_rows
from tutor.records import Item


def _item(answer: str, key_points: tuple[str, ...]) -> Item:
    return Item("a.md", 1, "", "文本嵌入", answer=answer, key_points=key_points)


def test_prose_beside_a_list_is_a_half_weight_point_that_never_shows_topic():
    answer = "文本嵌入是把词表示成稠密的实值向量。\n\nWord2vec有两个变体：\n\n1. Skip-Gram：用中心词预测上下文\n2. CBOW：用上下文预测中心词"
    points = reference_points(_item(answer, ("Skip-Gram：用中心词预测上下文", "CBOW：用上下文预测中心词")))
    kinds = [(p.kind, p.weight) for p in points]
    assert kinds[:2] == [("answer", 1.0), ("answer", 1.0)]
    assert ("prose", 0.5) in kinds and any("稠密的实值向量" in p.body for p in points if p.kind == "prose")
    assert topical_rows(points).tolist() == [k == "answer" for k, _ in kinds]


def test_a_prose_answer_has_no_prose_points_beside_itself():
    answer = "过拟合是训练好、测试差。常用正则化缓解。"
    points = reference_points(_item(answer, ("过拟合是训练好、测试差。", "常用正则化缓解。")))
    assert [p.kind for p in points] == ["answer", "answer"]
