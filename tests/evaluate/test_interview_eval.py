"""The simulated-candidate interview eval: band accuracy per persona and follow-up coverage, good vs poor."""
from __future__ import annotations

from tutor.compose import open_tutor
from tutor.evaluate.sessions import eval_interview
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.interviewer import Interviewer
from tutor.interview.progress import Store
from tutor.settings import Settings


def test_followup_coverage_separates_a_good_candidate_from_a_poor_one(mini_corpus, tmp_path):
    from fakes import FAKE_THRESHOLDS

    tutor = open_tutor(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(), show_progress=False,
                       progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    iv = Interviewer(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), None, use_llm=False)
    results = eval_interview(iv, 3, lambda name: Store(tmp_path / f"{name}.sqlite3"))
    good, poor = results["followup_good"], results["followup_poor"]
    assert good["followups"] == poor["followups"] > 0  # same main answers, so the same follow-ups
    assert good["followup_coverage"] == 1.0 and poor["followup_coverage"] == 0.0
    assert good["followup_reply_s_median"] >= 0
    for name, r in results.items():
        assert len(r["bands"]) == 3 and 0 <= r["band_accuracy"] <= 1
        assert (r["followup_coverage"] is None) == (r["followups"] == 0)
