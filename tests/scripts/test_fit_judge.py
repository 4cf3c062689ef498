"""scripts/fit_judge.py: it never reads a held-out file, and replays exactly the distributions it recorded."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tutor.grade.judge import judge_claims
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
    assert judge_claims(rec, "Q", ["P"], ["A。"], {})[:2] == (["correct"], "used")  # argmax: recording fits nothing
    (seen,) = rec.seen
    replay = fj.Replaying([seen, {"file": "x", "k": 1, "band": "empty"}])  # rows the judge never saw are skipped
    assert judge_claims(replay, "Q", ["P"], ["A。"], {})[:2] == (["correct"], "used")
    assert judge_claims(replay, "Q", ["P"], ["B。"], {})[1].startswith("failed: KeyError")  # never recorded
