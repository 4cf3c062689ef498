"""`tutor progress` (text bars and --json) and `tutor review --plan`, with CliRunner over fakes and a seeded store."""
from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from fakes import FAKE_THRESHOLDS
from tutor.cli.main import cli
from tutor.compose import open_tutor
from tutor.corpus.topics import TOPICS
from tutor.index.embed import HashEncoder
from tutor.interview.progress import Store
from tutor.settings import Settings


@pytest.fixture
def run(mini_corpus, tmp_path, monkeypatch):
    tutor = open_tutor(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(), show_progress=False,
                       progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    monkeypatch.setattr("tutor.compose.open_tutor", lambda settings, **kw: tutor)
    runner = CliRunner()
    flags = ["--cache-dir", str(tmp_path / "cache"), "--data-dir", str(tmp_path / ".data")]
    return lambda *args: runner.invoke(cli, [str(a) for a in args] + flags, prog_name="tutor")


@pytest.fixture
def seeded(tmp_path):
    """kim answered two items a week ago (both due now), in two sessions."""
    store = Store(tmp_path / ".data" / "progress.sqlite3")
    week_ago = time.time() - 7 * 86_400
    store.record("kim", "mini.md#1", 20, "wrong", "interview", [{"point": "AllReduce"}], "s1", now=week_ago)
    store.record("kim", "mini.md#3", 80, "excellent", "review", [], "s2", now=week_ago + 3600)
    store.close()


def test_progress_json_is_the_dashboard_record(run, seeded):
    out = run("progress", "--profile", "kim", "--json")
    assert out.exit_code == 0, out.output
    d = json.loads(out.stdout)
    assert {"profile", "topics", "items", "trend", "trend_ready", "plan", "due_now", "next_due", "items_seen"} <= d.keys()
    topics = {t["topic"]: t for t in d["topics"]}
    assert list(topics) == [t for t in TOPICS if t in topics]  # the list's order, topics with items only
    assert all(t["items"] for t in topics.values()) and {"distributed", "overfitting"} <= topics.keys()
    assert (topics["distributed"]["practised"], topics["distributed"]["mastery"]) == (1, 20.0)
    assert topics["overfitting"]["mastery"] is None and topics["overfitting"]["items"] == 1
    assert [p["item"] for p in d["plan"]] == ["mini.md#1", "mini.md#3"] and d["due_now"] == 2
    assert d["trend_ready"] and [p["session"] for p in d["trend"] if p["topic"] == "all"] == ["s1", "s2"]
    assert d["next_due"] is None  # both are due now: nothing falls due later


def test_progress_text_prints_bars_trend_plan_and_next_review(run, seeded):
    out = run("progress", "--profile", "kim")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    bars = {ln.split()[0]: ln for ln in lines if "题)" in ln}
    assert len(bars) == len(json.loads(run("progress", "--profile", "kim", "--json").stdout)["topics"])
    assert "██" in bars["分布式训练"] and "(1/1 题)" in bars["分布式训练"]
    assert "未练习" in bars["过拟合与正则化"] and "(0/1 题)" in bars["过拟合与正则化"]
    assert any(ln.startswith("趋势 Trend: 第1次 20 → 第2次 80") for ln in lines)
    assert any("到期 due · 上次 20" in ln for ln in lines) and "tutor review --plan --profile kim" in out.stdout
    assert lines[-1].startswith("下次复习：")


def test_review_plan_asks_exactly_the_plan(run, seeded, tmp_path):
    plan = [p["item"] for p in json.loads(run("progress", "--profile", "kim", "--json").stdout)["plan"]]
    answers = tmp_path / "a.jsonl"
    answers.write_text("\n".join(json.dumps({"answer": "/skip"}) for _ in plan), encoding="utf-8")
    out = run("review", "--plan", "--profile", "kim", "--answers", answers, "--json", "--no-llm")
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["phase"] == "done" and [q["item"] for q in result["report"]["questions"]] == plan
