"""Two additions at the same moment (threads, or processes like `tutor add` beside a Library upload) are
serialised: both files end up in the corpus and in the index, and nothing is lost."""
from __future__ import annotations

import multiprocessing
import threading
import time

from tutor.compose import add_notes, open_retriever
from tutor.index.embed import HashEncoder
from tutor.settings import Settings


class SlowEncoder(HashEncoder):
    """The fake embedder, slow enough that two unserialised rebuilds would overlap."""

    def encode_passages(self, texts, progress=False):
        time.sleep(0.3)
        return super().encode_passages(texts)


def _notes(folder, name, topic):
    path = folder / name
    path.write_text(f"# {topic}\n\n### 1. 什么是{topic}？\n\n{topic}是一种常见的训练技巧，细节见笔记。\n\n"
                    f"### 2. {topic}有什么缺点？\n\n{topic}会增加显存或通信开销。\n", encoding="utf-8")
    return path


def _add(home, corpus, path, barrier):
    """One addition, as a separate process or thread would run it (its own settings and encoder)."""
    barrier.wait(30)  # both start together: without the lock their rebuilds overlap
    plan, retriever = add_notes(Settings(home=home, corpus_dir=corpus), [path], encoder=SlowEncoder())
    assert retriever is not None, plan.refused


def _check_both_indexed(home, corpus, names):
    assert all((corpus / n).exists() for n in names)
    index = open_retriever(Settings(home=home, corpus_dir=corpus), encoder=HashEncoder(), show_progress=False,
                           progress=lambda m: None).index
    assert index.status == "loaded"  # the last build saw every file: its corpus hash is current
    assert {ref.source for it in index.items for ref in it.refs} >= set(names)


def _setup(mini_corpus, tmp_path):
    open_retriever(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(), show_progress=False,
                   progress=lambda m: None)
    src = tmp_path / "incoming"
    src.mkdir()
    return _notes(src, "zero.md", "梯度检查点"), _notes(src, "offload.md", "参数卸载")


def test_two_threads_adding_at_once_both_end_up_indexed(mini_corpus, tmp_path):
    a, b = _setup(mini_corpus, tmp_path)
    errors, barrier = [], threading.Barrier(2)

    def run(path):
        try:
            _add(tmp_path, mini_corpus, path, barrier)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check_both_indexed(tmp_path, mini_corpus, ["zero.md", "offload.md"])


def test_two_processes_adding_at_once_both_end_up_indexed(mini_corpus, tmp_path):
    a, b = _setup(mini_corpus, tmp_path)
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_add, args=(tmp_path, mini_corpus, p, barrier)) for p in (a, b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    _check_both_indexed(tmp_path, mini_corpus, ["zero.md", "offload.md"])
