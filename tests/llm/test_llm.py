"""Generators: the scripted fake, the OpenAI-compatible client against a real llama.cpp server on loopback,
and the in-process llama.cpp backend with prefix states (0.5B GGUF)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tutor.llm.base import ScriptedGenerator, timed_stream
from tutor.grade.judge import claims_schema, parse_claims
from tutor.llm.prompts import answer_messages, answer_prefix, chatml, judge_claims_messages


def test_scripted_generator_records_prompts_and_fails_loudly_when_empty():
    gen = ScriptedGenerator(["a", "bb"])
    assert "".join(gen.stream([{"role": "user", "content": "1"}])) == "a"
    assert "".join(gen.stream([{"role": "user", "content": "2"}])) == "bb"
    assert [h[0]["content"] for h in gen.history] == ["1", "2"]
    with pytest.raises(RuntimeError):
        list(gen.stream([]))


def test_timed_stream_records_first_token_and_total():
    timings: dict = {}
    out = "".join(timed_stream(ScriptedGenerator(["abcdefgh"]), [], timings))
    assert out == "abcdefgh" and 0 <= timings["first_token_s"] <= timings["generation_s"]


@pytest.fixture(scope="module")
def small_gguf(project_settings):
    from tutor.models.registry import generator_path

    return str(generator_path("qwen0.5b", project_settings.cache_dir, progress=lambda m: None))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration
def test_openai_compatible_backend_against_a_real_llama_cpp_server(small_gguf, tmp_path):
    from tutor.llm.openai import OpenAICompatGenerator

    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", small_gguf, "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", "1024", "--n_threads", "2", "--model_alias", "small"],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
                time.sleep(0.5)
        gen = OpenAICompatGenerator(f"http://127.0.0.1:{port}/v1", "small")
        text = "".join(gen.stream([{"role": "user", "content": "用一句话解释过拟合。"}], max_tokens=24))
        assert text.strip()
        # The grader's own judge prompt and schema, over HTTP: the server must honour the JSON schema.
        msgs = judge_claims_messages("如何防止过拟合？", ["正则化", "Dropout"], ["用 Dropout。", "Dropout 会加重过拟合。"])
        raw = "".join(gen.stream(msgs, max_tokens=40, json_schema=claims_schema(2)))
        assert len(parse_claims(raw, 2)) == 2, raw
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.integration
def test_llama_cpp_reads_the_gguf_template_and_restores_prefix_states_from_disk(small_gguf, tmp_path, mini_corpus):
    from tutor.corpus.load import load_corpus
    from tutor.llm.llamacpp import LlamaCppGenerator

    items = load_corpus(mini_corpus)
    gen = LlamaCppGenerator(small_gguf, n_ctx=1024, state_dir=str(tmp_path / "states"))
    # The GGUF's own template, not the ChatML fallback; for Qwen it renders our prompts exactly as ChatML.
    assert gen.chat.source and gen.chat.name.startswith("gguf:") and gen.chat.stop == ["<|im_end|>"]
    msgs = answer_messages(items[0], "数据并行是什么？")
    assert gen.chat.render(msgs) == chatml(msgs)
    assert gen.warm(answer_prefix(items[0])) is True  # computed and saved
    assert [p.name for p in (tmp_path / "states").iterdir()] == [f"{os.path.basename(gen.state_dir)}-t{gen.chat.digest}"]
    assert gen.warm(answer_prefix(items[1])) is True
    fresh = LlamaCppGenerator(small_gguf, n_ctx=1024, state_dir=str(tmp_path / "states"))
    assert fresh.has_state(answer_prefix(items[0]))
    assert fresh.warm(answer_prefix(items[0])) is False  # loaded from disk, not recomputed
    out = "".join(fresh.stream(answer_messages(items[0], "数据并行是什么？"), max_tokens=16))
    assert fresh.last_restored > 20 and out.strip()
    raw = "".join(fresh.stream(judge_claims_messages("Q", ["P"], ["A。"]), max_tokens=40,
                               json_schema=claims_schema(1)))
    assert len(parse_claims(raw, 1)) == 1, raw


@pytest.mark.integration
def test_llama_cpp_forced_choice_gives_the_judge_one_distribution_per_sentence_from_the_warmed_prefix(small_gguf):
    from tutor.grade.judge import LEAD, SEP
    from tutor.llm.llamacpp import LlamaCppGenerator
    from tutor.llm.prompts import CLAIM_VERDICTS, judge_claims_prefix

    gen = LlamaCppGenerator(small_gguf, n_ctx=1024)
    question, points = "如何防止过拟合？", ["正则化", "Dropout"]
    assert gen.warm(judge_claims_prefix(question, points)) is True
    msgs = judge_claims_messages(question, points, ["用 Dropout。", "Dropout 会加重过拟合。", "今天天气很好。"])
    probs = gen.choose(msgs, list(CLAIM_VERDICTS), 3, lead=LEAD, sep=SEP)  # the live context holds the prefix
    assert len(probs) == 3 and all(list(p) == list(CLAIM_VERDICTS) for p in probs)
    assert all(abs(sum(p.values()) - 1.0) < 1e-3 and min(p.values()) >= 0.0 for p in probs)
    assert gen.warm(judge_claims_prefix("什么是数据并行？", ["切分数据"])) is True  # another item's prefix now live
    again = gen.choose(msgs, list(CLAIM_VERDICTS), 3, lead=LEAD, sep=SEP)
    assert gen.last_restored > 20  # the first item's prefix came back from its state: only the sentences ran
    assert all(abs(a[w] - b[w]) < 0.02 for a, b in zip(again, probs) for w in CLAIM_VERDICTS)
    with pytest.raises(ValueError, match="share a first token"):
        gen.choose(msgs, ["wrong", "wrong answer"], 1)
