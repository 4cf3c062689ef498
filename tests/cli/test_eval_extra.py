"""`tutor eval retrieval|grade --extra-corpus DIR --extra-file F`: seed and foreign columns, the user's index untouched."""
from __future__ import annotations

import json

import pytest

from tutor.cli.main import main
from tutor.corpus.load import corpus_hash
from tutor.index.embed import HashEncoder

FOREIGN = ("# 推理\n\n### 1. 什么是KV cache？\n\n缓存已经算过的 key 和 value，解码下一个 token 时不再重算，"
           "用显存换时间。\n\n### 2. 什么是投机解码？\n\n小模型先起草几个 token，大模型一次前向验证，接受的直接输出。\n")


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def setup(mini_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("tutor.models.load.load_encoder", lambda *a, **k: HashEncoder())
    flags = ["--corpus-dir", str(mini_corpus), "--cache-dir", str(tmp_path / "cache"),
             "--data-dir", str(tmp_path / "data")]
    assert main(["index", *flags]) == 0
    extra = tmp_path / "foreign"
    extra.mkdir()
    (extra / "infer.md").write_text(FOREIGN, encoding="utf-8")
    seed = _jsonl(tmp_path / "seed.jsonl", [{"query": "数据并行和模型并行有什么区别", "lang": "zh",
                                              "relevant": [{"source": "mini.md", "number": 1}]}])
    foreign = _jsonl(tmp_path / "foreign.jsonl", [
        {"query": "什么是KV cache", "lang": "mixed", "relevant": [{"source": "infer.md", "number": 1}]},
        {"query": "投机解码是什么", "lang": "zh", "relevant": [{"source": "infer.md", "number": 2}]}])
    return flags, extra, seed, foreign, mini_corpus, tmp_path / "cache" / "index"


def test_retrieval_columns_and_the_users_index_is_untouched(setup, capsys):
    flags, extra, seed, foreign, corpus, user_index = setup
    manifest = (user_index / "manifest.json").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["eval", "retrieval", "--file", str(seed), "--extra-corpus", str(extra),
                 "--extra-file", str(foreign), "--json", *flags]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["runs"]) == ["seed", "seed (+extra)", "foreign.jsonl"]
    assert report["runs"]["foreign.jsonl"]["hybrid"]["metrics"]["all"]["n"] == 2
    assert report["runs"]["foreign.jsonl"]["hybrid"]["metrics"]["all"]["hit@3"] == 1.0
    # The user's corpus and index are as they were; the combined index lives elsewhere.
    assert sorted(p.name for p in corpus.iterdir()) == ["mini.md"]
    assert (user_index / "manifest.json").read_text(encoding="utf-8") == manifest
    assert json.loads(manifest)["corpus_hash"] == corpus_hash(corpus)
    assert main(["eval", "retrieval", "--file", str(seed), "--extra-corpus", str(extra),
                 "--extra-file", str(foreign), *flags]) == 0
    out = capsys.readouterr().out
    header = next(ln for ln in out.splitlines() if ln.strip().startswith("hybrid"))
    assert header.split()[1:] == ["seed", "seed", "(+extra)", "foreign.jsonl"]
    assert "index loaded" in out  # the second run reuses the combined index


def test_grade_reports_the_foreign_column(setup, tmp_path, capsys):
    flags, extra, seed, foreign, corpus, user_index = setup
    seed_rows = _jsonl(tmp_path / "seed_grading.jsonl", [
        {"source": "mini.md", "number": 2, "question": "如何处理深度学习中的过拟合问题？",
         "answer": "加 L1/L2 正则，用 Dropout，验证集损失不降就早停。", "band": "excellent", "lang": "zh"}])
    foreign_rows = _jsonl(tmp_path / "foreign_grading.jsonl", [
        {"source": "infer.md", "number": 1, "question": "什么是KV cache？",
         "answer": "把算过的 key 和 value 缓存起来，解码时不再重算。", "band": "excellent", "lang": "zh"},
        {"source": "infer.md", "number": 1, "question": "什么是KV cache？",
         "answer": "今天天气不错，适合出去散步。", "band": "wrong", "lang": "zh"}])
    capsys.readouterr()
    assert main(["eval", "grade", "--no-llm", "--file", str(seed_rows), "--extra-corpus", str(extra),
                 "--extra-file", str(foreign_rows), "--json", *flags]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["runs"]) == ["seed", "foreign_grading.jsonl"]
    assert report["runs"]["foreign_grading.jsonl"]["deterministic"]["n"] == 2
    assert report["runs"]["seed"]["deterministic"]["n"] == 1
    assert "full" not in report["runs"]["seed"]


def test_extra_flags_go_together_and_a_name_clash_is_refused(setup, capsys):
    flags, extra, seed, foreign, corpus, user_index = setup
    assert main(["eval", "retrieval", "--file", str(seed), "--extra-corpus", str(extra), *flags]) == 1
    assert "go together" in capsys.readouterr().err
    (extra / "mini.md").write_text("# 同名但内容不同\n", encoding="utf-8")
    assert main(["eval", "retrieval", "--file", str(seed), "--extra-corpus", str(extra),
                 "--extra-file", str(foreign), *flags]) == 1
    assert "mini.md: the corpus already has a different file of that name" in capsys.readouterr().err
