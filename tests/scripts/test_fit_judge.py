"""scripts/fit_judge.py: it never reads a held-out file, and replays exactly the distributions it recorded."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tutor.grade.judge import LEADS, judge_claims
from tutor.llm.prompts import CLAIM_VERDICTS

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fit_judge", ROOT / "scripts" / "fit_judge.py")
fj = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fj)


def test_held_out_files_are_refused_and_dev_files_pass():
    assert fj.dev_only(["eval/grading_claims_dev.jsonl", "eval/grading.jsonl"]) == [
        "eval/grading_claims_dev.jsonl", "eval/grading.jsonl"]
    for held_out in ("eval/grading_claims_test.jsonl", "eval/foreign/grading2_test.jsonl", "eval/grading_holdout.jsonl"):
        with pytest.raises(SystemExit, match="held-out"):
            fj.dev_only(["eval/grading_dev.jsonl", held_out])


def test_a_recorded_judge_is_replayed_prompt_for_prompt_and_decided_without_a_cut():
    probs = [{"correct": 0.6, "extra": 0.05, "wrong": 0.35, "irrelevant": 0.0}]

    class Inner:
        name = "inner"

        def warm(self, prefix):
            return True

        def choose(self, messages, words, n, lead="", sep=""):
            assert list(words) == list(CLAIM_VERDICTS)
            return probs * n

    rec = fj.Recording(Inner())
    assert judge_claims(rec, "Q", ["P"], ["A。", "B。"], {})[:2] == (["correct", "correct"], "used")  # argmax
    assert len(rec.seen) == 4 and {c["lead"] for c in rec.seen} == set(LEADS)  # every reading is kept
    row = {"file": "x", "k": 0, "band": "excellent", "calls": rec.seen}
    replay = fj.Replaying([row, {"file": "x", "k": 1, "band": "empty", "calls": []}])  # unjudged rows: nothing
    assert judge_claims(replay, "Q", ["P"], ["A。", "B。"], {})[:2] == (["correct", "correct"], "used")
    assert judge_claims(replay, "Q", ["P"], ["B。"], {})[1].startswith("failed: KeyError")  # never recorded


def test_an_older_record_of_one_reading_replays_as_the_first_opening():
    probs = [{"correct": 0.2, "extra": 0.0, "wrong": 0.8, "irrelevant": 0.0}]
    replay = fj.Replaying([{"file": "x", "k": 0, "band": "wrong", "prompt": "P", "probs": probs}])
    assert replay.by_prompt == {("P", LEADS[0]): probs}
