"""A small torch encoder for an XLM-RoBERTa sentence-transformers folder (e5): mean pooling, unit vectors.

Why not `SentenceTransformer(dir)`: importing sentence-transformers and transformers takes ~7 s here
and their model load ~3 s more, which every `tutor add` or `tutor index` paid before embedding anything.
This forward pass is the same arithmetic (embeddings → 12 post-norm encoder layers → masked mean →
L2 normalise) on the same fp32 weights, read straight from `model.safetensors` with the folder's own
`tokenizer.json`, so its vectors agree with sentence-transformers' to float rounding (checked by an
integration test) and the embedding cache stays valid. Only torch, tokenizers and safetensors are imported.

`fits(folder)` says whether a folder is this architecture; anything else keeps loading through
sentence-transformers (see models.load).

Example:
    >>> fits("/nonexistent")
    False
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize"]


def fits(folder) -> bool:
    """An XLM-R folder with exactly Transformer → mean Pooling → Normalize, and a fast tokenizer."""
    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text())
        modules = [m["type"] for m in json.loads((folder / "modules.json").read_text())]
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens")
    return (config.get("model_type") == "xlm-roberta" and config.get("hidden_act") == "gelu"
            and modules == _MODULES and bool(mean_only) and (folder / "tokenizer.json").is_file()
            and (folder / "model.safetensors").is_file())


class XlmrEncoder:
    """`encode(texts, batch_size, normalize_embeddings, …)` like SentenceTransformer's, for the fields used."""

    def __init__(self, folder, max_seq_length: int | None = None):
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.config = json.loads((folder / "config.json").read_text())
        st = json.loads((folder / "sentence_bert_config.json").read_text()) \
            if (folder / "sentence_bert_config.json").is_file() else {}
        self.max_seq_length = max_seq_length or st.get("max_seq_length", 512)
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.pad = self.config.get("pad_token_id", 1)
        self.tokenizer.enable_padding(pad_id=self.pad)
        self.torch = torch

    def get_sentence_embedding_dimension(self) -> int:
        return self.config["hidden_size"]

    def _forward(self, ids):
        """Token ids (B, T) → mean-pooled hidden states (B, H): the XLM-R encoder, post-norm layers."""
        torch, w, c = self.torch, self.w, self.config
        F = torch.nn.functional
        eps, heads = c["layer_norm_eps"], c["num_attention_heads"]
        mask = ids != self.pad
        pos = torch.cumsum(mask, 1) * mask + self.pad  # RoBERTa positions start after the pad index
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][pos] \
            + w["embeddings.token_type_embeddings.weight"][0]
        x = F.layer_norm(x, x.shape[-1:], w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        b, t, h = x.shape
        attn_mask = torch.zeros(b, 1, 1, t).masked_fill(~mask[:, None, None, :], -math.inf)
        for i in range(c["num_hidden_layers"]):
            p = f"encoder.layer.{i}."

            def lin(name, v):
                return F.linear(v, w[p + name + ".weight"], w[p + name + ".bias"])

            q, k, v = (lin(f"attention.self.{n}", x).view(b, t, heads, h // heads).transpose(1, 2)
                       for n in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask).transpose(1, 2).reshape(b, t, h)
            x = F.layer_norm(lin("attention.output.dense", ctx) + x, (h,), w[p + "attention.output.LayerNorm.weight"],
                             w[p + "attention.output.LayerNorm.bias"], eps)
            y = lin("output.dense", F.gelu(lin("intermediate.dense", x)))
            x = F.layer_norm(y + x, (h,), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)

    def encode(self, texts: list[str], batch_size: int = 16, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        """Vectors for texts in order; batches are formed longest first, so little of each is padding."""
        torch = self.torch
        if not texts:
            return np.zeros((0, self.get_sentence_embedding_dimension()), np.float32)
        self.tokenizer.no_padding()
        lengths = [len(e.ids) for e in self.tokenizer.encode_batch(list(texts))]
        self.tokenizer.enable_padding(pad_id=self.pad)
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        out = np.zeros((len(texts), self.get_sentence_embedding_dimension()), np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                enc = self.tokenizer.encode_batch([texts[i] for i in idx])
                vecs = self._forward(torch.tensor([e.ids for e in enc]))
                if normalize_embeddings:
                    vecs = torch.nn.functional.normalize(vecs, dim=-1)
                out[idx] = vecs.numpy()
        return out
