"""An item with no answer or no key points never crashes the grader."""
from __future__ import annotations

from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.records import Item

EMPTY = Item("notes.md", "2.3", "", "训练框架如何选？")
SHORT = Item("notes.md", "1.18", "", "平民适不适合玩3D并行？", answer="不适合。")
FULL = Item("notes.md", "1.4", "", "什么是数据并行？", answer="- 每张卡一份模型副本，切分数据，梯度 AllReduce 同步",
            key_points=("每张卡一份模型副本，切分数据，梯度 AllReduce 同步",))


def _grader():
    return Grader(None, encoder=HashEncoder(), items=[EMPTY, SHORT, FULL])


def test_an_item_without_answer_abstains_with_a_reason():
    g = _grader().grade("notes.md#2.3", "看团队熟悉哪个框架，再看规模。", use_llm=False)
    assert g.abstained and g.score is None and g.reason == "no_reference"
    assert "没有参考答案" in g.feedback and g.item.number == "2.3"


def test_an_answer_too_short_for_key_points_is_graded_against_its_text():
    g = _grader().grade("notes.md#1.18", "不适合，平民没有 NVLink。", use_llm=False)
    assert not g.abstained and 0 <= g.score <= 100 and g.points[0].point == "不适合。"


def test_the_other_items_still_grade_after_an_empty_one():
    grader = _grader()
    grader.grade("notes.md#2.3", "随便", use_llm=False)
    g = grader.grade("notes.md#1.4", "切分数据，每张卡一份模型副本，用 AllReduce 同步梯度", use_llm=False)
    assert g.score is not None and g.score > 35


def test_the_interviewer_never_plans_an_item_without_a_reference_answer():
    from tutor.interview.session import plan

    picked = plan([EMPTY, SHORT, FULL], None, 5, {}, seed=0)
    assert sorted(picked) == sorted([SHORT.id, FULL.id])
