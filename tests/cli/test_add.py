"""`tutor add`: copies notes in, refuses clashes and other types, reindexes incrementally (fake embedder)."""
from __future__ import annotations

import pytest

from tutor.cli.main import main

from fakes import CountingEncoder

NOTES = ("# 推理\n\n### 1. 什么是KV cache？\n\n缓存已算过的 key 和 value，解码时不再重算。\n\n"
         "### 2. 什么是投机解码？\n\n小模型起草，大模型一次验证多个 token。\n\n### 3. 什么是连续批处理？\n")


@pytest.fixture
def env(mini_corpus, tmp_path, monkeypatch):
    enc = CountingEncoder()
    monkeypatch.setattr("tutor.models.load.load_encoder", lambda *a, **k: enc)
    flags = ["--corpus-dir", str(mini_corpus), "--cache-dir", str(tmp_path / "cache"),
             "--data-dir", str(tmp_path / "data")]
    assert main(["index", *flags]) == 0
    enc.seen.clear()
    src = tmp_path / "incoming"
    src.mkdir()
    (src / "infer.md").write_text(NOTES, encoding="utf-8")
    return flags, src, enc, mini_corpus


def test_add_copies_reindexes_only_the_new_file_and_reports_it(env, capsys):
    flags, src, enc, corpus = env
    capsys.readouterr()
    assert main(["add", str(src / "infer.md"), *flags]) == 0
    out = capsys.readouterr().out
    assert (corpus / "infer.md").read_text(encoding="utf-8") == NOTES
    assert "infer.md: 3 questions, 0 text chunks, 1 without an answer" in out
    assert enc.seen and all("KV cache" in t or "投机解码" in t or "连续批处理" in t for t in enc.seen)
    # Adding the same file again copies nothing and embeds nothing.
    enc.seen.clear()
    assert main(["add", str(src), *flags]) == 0
    assert "infer.md: already in the corpus, unchanged" in capsys.readouterr().out and enc.seen == []


def test_clash_and_wrong_type_are_refused_and_nothing_is_copied(env, capsys):
    flags, src, enc, corpus = env
    (src / "mini.md").write_text("# 另一个同名文件\n", encoding="utf-8")  # the corpus has its own mini.md
    (src / "slides.pdf").write_bytes(b"%PDF-1.4")
    before = (corpus / "mini.md").read_bytes()
    assert main(["add", str(src), *flags]) == 1
    err = capsys.readouterr().err
    assert "mini.md: the corpus already has a different file of that name" in err and "nothing was added" in err
    assert (corpus / "mini.md").read_bytes() == before and not (corpus / "infer.md").exists()
    assert main(["add", str(src / "slides.pdf"), *flags]) == 1
    assert "only .md and .txt" in capsys.readouterr().err
    assert main(["add", str(src / "missing.md"), *flags]) == 1
    assert "no such file" in capsys.readouterr().err


def test_a_folder_brings_its_notes_and_lists_what_it_skipped(env, capsys):
    flags, src, enc, corpus = env
    (src / "sub").mkdir()
    (src / "sub" / "more.txt").write_text("一段没有标题的笔记，讲流水线并行的气泡。", encoding="utf-8")
    (src / "sub" / "fig.png").write_bytes(b"\x89PNG")
    capsys.readouterr()
    assert main(["add", str(src), *flags]) == 0
    out = capsys.readouterr().out
    assert (corpus / "more.txt").exists() and not (corpus / "fig.png").exists()
    assert "more.txt: 0 questions, 1 text chunks" in out and "fig.png" in out and "added 2 files" in out


def test_a_binary_file_named_txt_is_refused_alone_and_skipped_in_a_folder(env, capsys):
    flags, src, enc, corpus = env
    (src / "dump.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    assert main(["add", str(src / "dump.txt"), *flags]) == 1
    assert "dump.txt: not a text file" in capsys.readouterr().err and not (corpus / "dump.txt").exists()
    assert main(["add", str(src), *flags]) == 0  # the folder's real note still comes in
    out = capsys.readouterr().out
    assert (corpus / "infer.md").exists() and not (corpus / "dump.txt").exists()
    assert "dump.txt: not a text file" in out
