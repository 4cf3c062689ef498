"""The click commands over fakes: what they list, exit codes, output structure, files written."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fakes import FAKE_THRESHOLDS
from tutor.cli import interview as interview_cli
from tutor.cli.main import cli, main
from tutor.compose import open_tutor
from tutor.index.embed import HashEncoder
from tutor.llm.base import ScriptedGenerator
from tutor.settings import Settings

# Every command with flags its help must show (what the README's CLI table and the Makefile use).
COMMANDS = {
    "index": ["--force"], "search": ["--k", "--json", "--batch"], "models": ["--verify", "--path"],
    "add": ["PATH..."], "ask": ["--json", "--no-llm", "--batch"], "chat": ["--no-llm"], "warm": ["--limit"],
    "grade": ["--question", "--answer", "--json", "--no-llm", "--batch", "--warm", "--profile", "--no-record"],
    "interview": ["--topics", "--n", "--profile", "--answers", "--json", "--no-llm", "--new", "--transcript"],
    "review": ["--n", "--profile", "--answers", "--new", "--plan"], "progress": ["--profile", "--json"],
}
EVALS = {"retrieval": ["--file", "--json", "--verbose"],
         "ask": ["--file", "--unanswerable", "--no-llm", "--limit", "--verbose"],
         "grade": ["--file", "--no-llm", "--verbose"], "interview": ["--no-llm", "--n"]}
SETTINGS_FLAGS = ["--corpus-dir", "--cache-dir", "--data-dir", "--embedder", "--generator"]


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args], prog_name="tutor")


@pytest.fixture
def fake_tutor(mini_corpus, tmp_path, monkeypatch):
    """Every command's tutor and retriever: the mini corpus, the hashed fake embedder, a scripted LLM."""
    tutor = open_tutor(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(),
                       generator=ScriptedGenerator(default="数据并行把训练数据切分到多个 GPU[1]。"),
                       show_progress=False, progress=lambda m: None, thresholds=FAKE_THRESHOLDS)
    monkeypatch.setattr("tutor.compose.open_tutor", lambda settings, **kw: tutor)
    monkeypatch.setattr("tutor.compose.open_retriever", lambda settings, **kw: tutor.retriever)
    return tutor


@pytest.fixture
def flags(tmp_path):
    """Keep whatever a command writes inside the test's folder (the tutor's own data_dir)."""
    return ["--cache-dir", tmp_path / "cache", "--data-dir", tmp_path / ".data"]


def test_help_lists_every_command_and_eval(run):
    top = run("--help")
    assert top.exit_code == 0
    listed = {ln.split()[0] for ln in top.output.split("Commands:")[1].splitlines() if ln.startswith("  ")}
    assert set(COMMANDS) | {"eval"} <= listed
    evals = run("eval", "--help")
    assert evals.exit_code == 0
    assert set(EVALS) <= {ln.split()[0] for ln in evals.output.split("Commands:")[1].splitlines() if ln.strip()}


@pytest.mark.parametrize("path, wanted", [((name,), f) for name, f in COMMANDS.items()]
                         + [(("eval", name), f) for name, f in EVALS.items()])
def test_each_command_help_shows_its_flags(run, path, wanted):
    out = run(*path, "-h")
    assert out.exit_code == 0
    for flag in wanted + SETTINGS_FLAGS:
        assert flag in out.output, flag


def test_unknown_command_or_eval_is_a_usage_error(run, capsys):
    out = run("eval", "nonesuch")
    assert out.exit_code == 2 and "No such command 'nonesuch'" in out.stderr
    assert run("nonesuch").exit_code == 2
    assert run().exit_code == 2  # no command at all
    assert run("search", "q", "--no-such-flag").exit_code == 2
    assert main(["eval", "nonesuch"]) == 2 and "Usage: tutor eval" in capsys.readouterr().err


def test_models_path_prints_only_the_paths(run, monkeypatch):
    from tutor.models.registry import ModelError

    monkeypatch.setattr("tutor.models.registry.generator_path",
                        lambda name, cache, verify=False, progress=None: Path("/m") / f"{name}.gguf")
    monkeypatch.setattr("tutor.models.registry.embedder_path", lambda name, cache, progress=None: Path("/m/e5"))
    out = run("models", "qwen0.5b", "other", "--path")
    assert out.exit_code == 0 and out.stdout == "/m/qwen0.5b.gguf\n/m/other.gguf\n"
    out = run("models", "qwen1.5b")
    assert out.stdout == "embedder: /m/e5\ngenerator qwen1.5b: /m/qwen1.5b.gguf\n"

    def missing(*a, **k):
        raise ModelError("neither a packaged generator nor a file")

    monkeypatch.setattr("tutor.models.registry.generator_path", missing)
    out = run("models", "--path", "/no/such.gguf")
    assert out.exit_code == 1 and out.stdout == "" and out.stderr.startswith("error: neither")


def test_nothing_to_do_is_exit_2_and_a_missing_batch_file_exit_1(run, fake_tutor, flags, tmp_path):
    out = run("ask", "  ", *flags)
    assert out.exit_code == 2 and "nothing to ask" in out.stderr
    out = run("grade", "-q", "过拟合怎么办", *flags)  # no --answer
    assert out.exit_code == 2 and "nothing to grade" in out.stderr
    out = run("search", *flags)
    assert out.exit_code == 2 and "nothing to search" in out.stderr
    out = run("ask", "--batch", tmp_path / "missing.jsonl", *flags)
    assert out.exit_code == 1 and out.stderr.startswith("error:") and "missing.jsonl" in out.stderr


def test_ask_batch_answers_good_lines_and_reports_bad_ones(run, fake_tutor, flags, tmp_path):
    batch = tmp_path / "conv.jsonl"
    rows = [{"query": "数据并行和模型并行的区别是什么？"},
            {"messages": [{"role": "user", "content": "如何处理过拟合？"}]},
            {"messages": [{"role": "assistant", "content": "不是提问"}]}]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\nnot json\n\n[1, 2]\n",
                     encoding="utf-8")
    out = run("ask", "--batch", batch, *flags)
    lines = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert out.exit_code == 1 and len(lines) == 5  # the blank line is skipped, not answered
    for answer in lines[:2]:
        assert {"answer", "refused", "reference", "citations", "unsupported", "timings"} <= answer.keys()
        assert not answer["refused"] and answer["reference"]["source"] == "mini.md"
    assert [(r["source"], r["number"]) for r in lines[0]["citations"]] == [("mini.md", 1)]
    assert lines[1]["reference"]["number"] == 2  # the conversation's last user turn was the question asked
    assert [ln["error"].split(":")[0] for ln in lines[2:]] == ["line 3", "line 4", "line 6"]


def test_grade_json_is_recorded_for_the_profile_unless_no_record(run, fake_tutor, flags, tmp_path):
    db = tmp_path / ".data" / "progress.sqlite3"
    out = run("grade", "-q", "mini.md#2", "-a", "加 L2 正则，用 Dropout，并且早停。", "--json", "--no-llm",
              "--no-record", *flags)
    assert out.exit_code == 0 and not db.exists()
    grade = json.loads(out.stdout)
    assert 0 <= grade["score"] <= 100 and grade["item"]["number"] == 2
    assert {"band", "covered", "missed", "wrong", "feedback", "timings"} <= grade.keys()
    assert run("grade", "-q", "mini.md#2", "-a", "加 L2 正则。", "--no-llm", "--profile", "kim", *flags).exit_code == 0
    assert db.exists()
    progress = run("progress", "--profile", "kim", "--json", *flags)
    assert progress.exit_code == 0 and json.loads(progress.stdout)["items_seen"] == 1


def test_a_finished_interview_saves_its_markdown_transcript(run, fake_tutor, flags, tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps({"answer": a}, ensure_ascii=False) for a in ["/skip"] * 6), encoding="utf-8")
    md = tmp_path / "out" / "talk.md"
    out = run("interview", "--n", "2", "--answers", answers, "--no-llm", "--transcript", md, "--profile", "t", *flags)
    assert out.exit_code == 0 and f"Transcript saved: {md}" in out.stdout
    text = md.read_text(encoding="utf-8")
    assert text.count("\n## ") == 3 and "建议复习 Review plan" in text  # two questions and the review plan
    out = run("interview", "--n", "1", "--answers", answers, "--no-llm", "--json", "--new", "--profile", "t", *flags)
    saved = Path(json.loads(out.stdout)["transcript"])
    assert saved.name.startswith("interview-") and saved.read_text(encoding="utf-8").startswith("# 模拟面试记录")


def test_interview_topics_take_the_argparse_form_and_unknown_ones_are_refused(run, fake_tutor, flags, monkeypatch):
    seen = {}

    def fake_session(interviewer, profile, topics, n, mode, answers=None, fresh=False, echo=True, queue=None):
        seen.update(profile=profile, topics=topics, n=n, mode=mode, fresh=fresh)
        return {"session": 1}

    monkeypatch.setattr(interview_cli, "run_session", fake_session)
    out = run("interview", "--topics", "distributed", "inference", "--n", "3", "--profile", "kim", "--new", *flags)
    assert out.exit_code == 0
    assert seen == {"profile": "kim", "topics": ["distributed", "inference"], "n": 3, "mode": "interview",
                    "fresh": True}
    assert run("interview", "--topics", "mixed", *flags).exit_code == 0 and seen["topics"] is None
    assert run("review", *flags).exit_code == 0 and seen["mode"] == "review" and seen["topics"] is None
    out = run("interview", "--topics", "cooking", *flags)
    assert out.exit_code == 1 and "unknown topic(s) cooking" in out.stderr


def test_eval_retrieval_reports_every_retriever(run, fake_tutor, flags, tmp_path):
    labels = tmp_path / "labels.jsonl"
    labels.write_text("\n".join(json.dumps({"query": q, "lang": "zh", "relevant": [{"source": "mini.md",
                                                                                   "number": n}]},
                                           ensure_ascii=False)
                                for q, n in (("数据并行和模型并行", 1), ("过拟合怎么处理", 2))) + "\n",
                      encoding="utf-8")
    out = run("eval", "retrieval", "--file", labels, "--json", *flags)
    assert out.exit_code == 0
    report = json.loads(out.stdout)
    assert set(report) == {"hybrid", "dense", "lexical"}
    assert all(r["metrics"]["zh"]["n"] == 2 for r in report.values())
    text = run("eval", "retrieval", "--file", labels, *flags)
    assert text.exit_code == 0 and f"2 queries from {labels}" in text.stdout
    assert [ln.split()[0] for ln in text.stdout.splitlines() if "latency" in ln] == ["hybrid", "dense", "lexical"]


def test_python_m_tutor_cli_runs_the_same_command():
    out = subprocess.run([sys.executable, "-m", "tutor.cli", "eval", "--help"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and "retrieval" in out.stdout and "interview" in out.stdout
    out = subprocess.run([sys.executable, "-m", "tutor.cli", "eval", "nonesuch"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 2 and "No such command" in out.stderr
