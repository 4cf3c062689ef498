"""The plain-torch encoder: what it accepts, what it hands to sentence-transformers, and its vectors."""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from tutor.models.lean_encoder import unsupported


def _folder(tmp_path, pooling=None, model_type="xlm-roberta", files=("tokenizer.json", "model.safetensors")):
    (tmp_path / "modules.json").write_text(json.dumps([
        {"path": "", "type": "sentence_transformers.models.Transformer"},
        {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling or {"pooling_mode_mean_tokens": True}))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type, "hidden_act": "gelu"}))
    for f in files:
        (tmp_path / f).write_text("x")
    return tmp_path


def test_a_mean_pooled_xlm_r_folder_is_accepted(tmp_path):
    assert unsupported(_folder(tmp_path)) is None


@pytest.mark.parametrize("kw, why", [
    ({"pooling": {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}}, "pooling"),
    ({"model_type": "qwen2"}, "model type"),
    ({"files": ("tokenizer.json",)}, "missing model.safetensors"),
])
def test_other_folders_are_left_to_sentence_transformers(tmp_path, kw, why):
    assert why in unsupported(_folder(tmp_path, **kw))


def test_a_hub_id_is_not_a_folder():
    assert unsupported("intfloat/multilingual-e5-small") == "no modules.json"


def test_a_file_that_fails_to_load_falls_back_to_sentence_transformers(tmp_path, monkeypatch, caplog):
    import tutor.models.load as load

    monkeypatch.setattr(load, "st_encoder", lambda path, model_id: ("st", path, model_id))
    with caplog.at_level(logging.WARNING, logger="tutor.models.load"):
        got = load.encoder_at(str(_folder(tmp_path)), "m")  # "x" is no tokenizer file
    assert got == ("st", str(tmp_path), "m") and "sentence-transformers" in caplog.text


@pytest.mark.integration
def test_plain_torch_gives_the_sentence_transformers_vectors(real_encoder, project_settings):
    from tutor.models.lean_encoder import LeanSentenceModel
    from tutor.models.load import st_encoder
    from tutor.models.registry import embedder_path

    path = embedder_path(project_settings.embedder, project_settings.cache_dir, lambda m: None)
    assert isinstance(real_encoder.model, LeanSentenceModel)  # the packaged e5 runs without sentence-transformers
    st = st_encoder(path, real_encoder.model_id)
    texts = ["什么是张量并行？", "x", "ZeRO-3 shards parameters, gradients and optimizer states. " * 80,
             "混合精度训练 mixed precision：FP16 计算、FP32 主权重、loss scaling。"]
    assert real_encoder._lengths(texts) == st._lengths(texts)  # same tokens, same truncation at 512
    for mine, theirs in ((real_encoder.encode_passages(texts), st.encode_passages(texts)),
                         (real_encoder.encode_queries(texts), st.encode_queries(texts))):
        assert mine.shape == theirs.shape == (4, real_encoder.dim)
        assert np.allclose(mine, theirs, atol=1e-5)


def test_a_checkpoint_missing_layer_tensors_is_refused_at_load(tmp_path):
    # Found now, not halfway through an index build: the caller then falls back to sentence-transformers.
    import torch
    from safetensors.torch import save_file
    from tokenizers import Tokenizer, models

    from tutor.models.lean_encoder import LeanSentenceModel

    folder = _folder(tmp_path, files=())
    (folder / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 4, "num_hidden_layers": 1,
                                                    "num_attention_heads": 1, "pad_token_id": 0}))
    Tokenizer(models.WordLevel({"[UNK]": 0, "a": 1}, unk_token="[UNK]")).save(str(folder / "tokenizer.json"))
    save_file({f"embeddings.{n}.weight": torch.zeros(2, 4)
               for n in ("word_embeddings", "position_embeddings", "token_type_embeddings")},
              str(folder / "model.safetensors"))
    with pytest.raises(ValueError, match="lacks"):
        LeanSentenceModel(folder)
