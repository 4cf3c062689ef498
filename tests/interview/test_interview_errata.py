"""The interview on a corpus with errata: never asks an erratum, expects the corrected point, reports the fix."""
from __future__ import annotations

import pytest

from tutor.compose import open_tutor
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.interviewer import Interviewer
from tutor.interview.progress import Store
from tutor.interview.session import plan
from tutor.settings import Settings

from fakes import FAKE_THRESHOLDS

SLIP, FIX = "每次迭代使用整个数据集的平均梯度", "每次迭代只用一个小批量样本的梯度来近似整体梯度"


@pytest.fixture
def rig(errata_corpus, tmp_path):
    s = Settings(home=tmp_path, corpus_dir=errata_corpus, data_dir=tmp_path / "data")
    tutor = open_tutor(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None,
                       thresholds=FAKE_THRESHOLDS)
    iv = Interviewer(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), Store(s.data_dir / "p.sqlite3"),
                     use_llm=False)
    return iv, tutor


def _to_opt(iv, session):
    """Skip ahead to the item with the slip."""
    while session.current != "opt.md#1":
        iv.respond(session, "/skip")


def test_errata_entries_are_never_planned(rig):
    _, tutor = rig
    queue = plan(tutor.items, None, 50, {}, seed=1)
    assert "opt.md#1" in queue and not any(q.startswith("errata.md") for q in queue)


def test_hints_and_expected_points_carry_the_correction_not_the_slip(rig):
    iv, _ = rig
    session, _ = iv.start("kim", None, 10, seed=2)
    _to_opt(iv, session)
    hint = iv.respond(session, "/hint")[0]
    assert FIX in hint["text"] and SLIP not in hint["text"]
    iv.respond(session, "/skip")
    turn = next(t for t in session.turns if t.item == "opt.md#1")
    assert any(FIX in m["point"] for m in turn.missed) and not any(SLIP in m["point"] for m in turn.missed)


def test_repeating_the_slip_is_marked_and_the_report_shows_the_correction(rig):
    iv, _ = rig
    session, _ = iv.start("lee", None, 10, seed=3)
    _to_opt(iv, session)
    msgs = iv.respond(session, "SGD 每次迭代使用整个数据集的平均梯度。")
    grade = next(m for m in msgs if m["kind"] == "grade")
    assert "勘误（errata.md §1）" in grade["text"] and "errata.md §1" in grade["data"]["feedback"]
    # The follow-up probes the corrected point (it may quote the candidate's own words back).
    followup = next(m for m in msgs if m["kind"] == "followup")
    assert FIX in followup["data"]["point"] and SLIP not in followup["data"]["point"]
    report = iv.respond(session, "/end")[-1]
    fixes = report["data"]["report"]["corrections"]
    assert [(c["item"], c["erratum"]) for c in fixes] == [("opt.md#1", {"source": "errata.md", "number": 1})]
    assert f"应为“{FIX}”" in report["text"]


def test_the_report_html_lists_the_correction(rig):
    from tutor.ui.interview import report_html

    iv, _ = rig
    session, _ = iv.start("ann", None, 10, seed=4)
    _to_opt(iv, session)
    iv.respond(session, "/skip")
    html = report_html(iv.respond(session, "/end"))
    assert "勘误 Corrections" in html and "errata.md §1" in html
