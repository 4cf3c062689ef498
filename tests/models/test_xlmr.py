"""Tests for tutor.models.xlmr: the light e5 forward pass must give sentence-transformers' vectors."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tutor.models.xlmr import XlmrEncoder, fits
from tutor.models.registry import embedder_path
from tutor.settings import Settings

TEXTS = [
    "passage: 显存不够怎么训练大模型",
    "query: How does data parallelism work?",
    "passage: data parallel 和 model parallel 的区别，ZeRO-3 与 FSDP",
    "passage: " + "数据并行把数据切分到多个 GPU，每个 GPU 持有完整模型副本，梯度同步后更新。" * 40,  # > 512 tokens
    "passage: ①②③ ｶﾀｶﾅ ﬁle ㎏ ™ 🚀",
]


def _folder(tmp_path, modules=None, pooling=None, model_type="xlm-roberta"):
    (tmp_path / "1_Pooling").mkdir(parents=True)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type, "hidden_act": "gelu"}))
    (tmp_path / "modules.json").write_text(json.dumps([{"type": f"sentence_transformers.models.{m}"}
                                                       for m in modules or ("Transformer", "Pooling", "Normalize")]))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling or {"pooling_mode_mean_tokens": True}))
    (tmp_path / "tokenizer.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"")
    return tmp_path


def test_fits_only_a_mean_pooled_xlmr_folder(tmp_path):
    assert fits(_folder(tmp_path / "a"))
    assert not fits(_folder(tmp_path / "b", model_type="bert"))
    assert not fits(_folder(tmp_path / "c",
                            pooling={"pooling_mode_mean_tokens": True, "pooling_mode_cls_token": True}))
    assert not fits(_folder(tmp_path / "d",
                            modules=("Transformer", "Pooling")))  # not normalised: different vectors
    shutil.rmtree(tmp_path / "a" / "1_Pooling")
    assert not fits(tmp_path / "a")  # a broken folder is left to sentence-transformers' own error


@pytest.mark.integration
def test_vectors_match_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    s = Settings.from_env()
    path = embedder_path(s.embedder, s.cache_dir, lambda m: None)
    assert fits(path)
    ours = XlmrEncoder(path).encode(TEXTS, batch_size=2)
    theirs = SentenceTransformer(str(path), device="cpu").encode(TEXTS, batch_size=2, normalize_embeddings=True)
    cos = (ours * theirs).sum(axis=1)
    assert ours.shape == theirs.shape
    assert cos.min() > 0.99999, cos
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
