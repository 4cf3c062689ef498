"""Grading on a corrected point (corpus/errata.md): the correction earns it, the document's slip does not.

Fast tier: the hashed-n-gram encoder over the mini corpus plus one slip and its erratum. The integration
tier checks the same on the real corpus's errata with e5.
"""
from __future__ import annotations

import numpy as np
import pytest

from tutor.corpus.load import load_corpus
from tutor.grade.calibrate import Calibration
from tutor.grade.errata import closer_to_wrong, errata_cues, negates, prepare_errata
from tutor.grade.grader import Grader
from tutor.grade.keypoints import answer_units, reference_points
from tutor.index.embed import HashEncoder
from tutor.records import Ref

FAKE = Calibration(dense_none=0.10, dense_full=0.30, topical_none=0.08, topical_full=0.15)
SLIP = Ref("errata.md", 1)


@pytest.fixture
def grader(errata_corpus):
    return Grader(None, encoder=HashEncoder(), items=load_corpus(errata_corpus), calibration=FAKE)


def _sgd(grade):
    return next(p for p in grade.points if p.point.startswith("SGD"))


def test_the_corrected_point_is_what_is_graded(grader):
    points = [p.text for p in grader.prepare(grader.items[[i.id for i in grader.items].index("opt.md#1")]).points]
    assert "SGD：随机梯度下降，每次迭代只用一个小批量样本的梯度来近似整体梯度。" in points
    assert not any("整个数据集" in p for p in points)


def test_stating_the_correction_earns_the_point(grader):
    g = grader.grade("opt.md#1", "SGD 每次迭代只用一个小批量样本的梯度来近似整体梯度。", use_llm=False)
    p = _sgd(g)
    assert p.status in ("covered", "partial") and p.credit > 0 and p.erratum is None
    assert g.wrong == []


def test_repeating_the_slip_earns_nothing_and_the_feedback_cites_the_erratum(grader):
    g = grader.grade("opt.md#1", "SGD 每次迭代使用整个数据集的平均梯度。Adam 结合了 Momentum 和 RMSprop。",
                     use_llm=False)
    p = _sgd(g)
    assert p.status == "contradicted" and p.credit == 0.0 and p.erratum == SLIP
    assert p.evidence == "SGD 每次迭代使用整个数据集的平均梯度。" and p.cue.startswith("用整个数据集")
    (wrong,) = g.wrong
    assert wrong["erratum"] == {"source": "errata.md", "number": 1}
    assert "errata.md §1" in g.feedback
    right = grader.grade("opt.md#1", "SGD 每次迭代只用一个小批量样本的梯度来近似整体梯度。Adam 结合了 Momentum 和 RMSprop。",
                         use_llm=False)
    assert g.score < right.score


def test_denying_the_slip_is_not_repeating_it(grader):
    g = grader.grade("opt.md#1", "SGD 并不是每次迭代使用整个数据集的平均梯度。", use_llm=False)
    assert _sgd(g).erratum is None


def test_a_sentence_about_another_point_is_not_tied_to_the_slip(grader):
    g = grader.grade("opt.md#1", "学习率衰减在训练后期逐渐减小学习率，帮助模型收敛。", use_llm=False)
    assert all(p.erratum is None for p in g.points)


def test_the_model_answer_shows_the_correction_under_the_slip(grader):
    g = grader.grade("opt.md#1", "SGD 每次迭代使用整个数据集的平均梯度。", use_llm=False)
    lines = g.model_answer.split("\n")
    at = next(i for i, line in enumerate(lines) if "整个数据集" in line)
    assert "勘误 Correction（errata.md §1）" in lines[at + 1]


def test_closer_to_wrong_needs_both_the_words_and_the_embedding():
    wrong, right = {"整个", "数据集"}, {"小批量", "近似"}
    assert closer_to_wrong({"sgd", "整个", "数据集"}, wrong, right, 0.9, 0.8)
    assert not closer_to_wrong({"sgd", "整个", "数据集"}, wrong, right, 0.8, 0.9)  # embedding disagrees
    assert not closer_to_wrong({"sgd", "整个", "小批量", "近似"}, wrong, right, 0.9, 0.8)  # says more of the fix
    assert not closer_to_wrong({"sgd"}, wrong, right, 0.9, 0.8)  # says neither version's own words


def test_negation_is_read_as_a_word_in_english():
    assert negates("It is not the whole dataset") and not negates("see the notebook annotation")


def test_errata_cues_use_the_finest_units(errata_corpus):
    # A two-clause sentence is judged clause by clause: the clause about another point doesn't borrow the slip.
    items = load_corpus(errata_corpus)
    item = next(it for it in items if it.id == "opt.md#1")
    enc = HashEncoder()
    points = reference_points(item)
    check = prepare_errata(item, points, enc)
    assert [e.erratum for e in check.entries] == [SLIP] and check.entries[0].point == 0
    for text, fired in (("SGD 每次迭代使用整个数据集的平均梯度，学习率衰减帮助收敛。", True),
                        ("学习率衰减帮助收敛，Adam 自适应调整学习率。", False)):
        units = answer_units(text)
        cues = errata_cues(check, units, enc.encode_queries([u for u, _ in units]),
                           enc.encode_queries([p.text for p in points]))
        assert bool(cues) is fired, text
        assert all(ref == SLIP and i == 0 for i, _, ref in cues.values())


@pytest.mark.integration
def test_real_errata_credit_the_correction_and_catch_the_slip(real_encoder):
    from conftest import ROOT

    grader = Grader(None, encoder=real_encoder, items=load_corpus(ROOT / "corpus"))
    # (item, erratum, the slip restated, the correction restated) — one per kind of slip.
    cases = [
        ("ai2-compute-infra.md#2", 1, "ROC 曲线描述了不同阈值下的精确率和召回率。",
         "ROC 曲线的横轴是假正例率 FPR，纵轴是真正例率 TPR，也就是召回率。"),
        ("hpc-for-llm-datacenter.md#4", 13, "GFLOPS 表示每秒亿亿次浮点运算。", "GFLOPS 表示每秒十亿次浮点运算，也就是 10^9 次。"),
        ("hpc-for-llm-datacenter.md#14", 15, "Adam 结合了 SGD 和 Momentum 的优点。",
         "Adam 结合了 Momentum 的一阶矩和 RMSprop 的二阶矩。"),
        ("ai2-compute-infra.md#11", 7, "梯度裁剪可以避免梯度消失。", "梯度裁剪在梯度范数超过阈值时缩小梯度，防止梯度爆炸。"),
        ("ai2-compute-infra.md#5", 5, "多头注意力把输入序列划分为多个子序列，分别做自注意力。",
         "多头注意力用多组投影把 Q、K、V 映射到不同子空间，每个头都看整个序列。"),
        ("llm-sustainable-dev.md#2", 30, "数据并行就是每个GPU独立训练，最后合并结果。",
         "数据并行中每个GPU持有完整模型副本，每一步用 all-reduce 同步梯度。"),
        ("llm-startup-challenges.md#14", 29, "tmpfs 把训练数据存储在临时内存中，可以减少对物理内存的占用。",
         "tmpfs 把训练数据放在内存文件系统里加快读取，这会增加物理内存占用。"),
    ]
    for ref, number, slip, fix in cases:
        bad, good = grader.grade(ref, slip, use_llm=False), grader.grade(ref, fix, use_llm=False)
        flagged = [p for p in bad.points if p.erratum == Ref("errata.md", number)]
        assert flagged and flagged[0].status == "contradicted", (ref, slip)
        point = flagged[0].point
        earned = next(p for p in good.points if p.point == point)
        assert earned.status in ("covered", "partial") and earned.erratum is None, (ref, fix)
        assert not any(p.erratum for p in good.points), (ref, fix)
        assert good.score > bad.score, ref
