"""A BERT / XLM-RoBERTa sentence encoder in plain torch: the embedder every process loads (models/load.py).

Loading through sentence-transformers took ~6 s before the first vector: importing it pulls in
transformers' model zoo, scikit-learn and scipy (~4.3 s here, torch itself ~0.9 s), then the weights
load. The encoder the tutor needs is twelve identical blocks and a mean: torch, `tokenizers` and
`safetensors` (all already installed) cover it, so it is ready in ~1.5 s (`tutor add`'s child, the app,
every CLI command). Same weights, same
tokenizer file, same truncation and pooling as sentence-transformers: the integration test compares the
vectors with sentence-transformers' (packaged e5: max difference 1.5e-8; checked once by hand on
all-MiniLM-L6-v2, a BERT: 1.2e-7). A folder this module does not recognise (another pooling, a
model type it doesn't implement, missing files or tensors) is reported and loads through
sentence-transformers as before, so no embedder setting loses anything.

Example (what decides; no weights read):
    >>> import json, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> unsupported(d)
    'no modules.json'
    >>> _ = (d / "modules.json").write_text(json.dumps([{"path": "", "type": "x.Transformer"},
    ...     {"path": "1_Pooling", "type": "x.Pooling"}, {"path": "2_Normalize", "type": "x.Normalize"}]))
    >>> (d / "1_Pooling").mkdir(); _ = (d / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    >>> unsupported(d)
    'pooling is not a plain mean'
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

_TYPES = {"xlm-roberta", "roberta", "bert"}
_LAYER = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
          "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm")
_POOL_FLAGS = ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
               "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")


class Unsupported(ValueError):
    """The folder needs sentence-transformers (the reason is the message); not a failure."""


def _json(path: Path) -> dict | list | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def unsupported(path: str | Path) -> str | None:
    """Why the folder can't run here (None: it can): the layout sentence-transformers would load, with a
    mean pooling, optional normalisation, a model type implemented below and its files present."""
    path = Path(path)
    modules = _json(path / "modules.json")
    if not isinstance(modules, list):
        return "no modules.json"
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]) or modules[0].get("path"):
        return f"modules {kinds}"
    pool = _json(path / modules[1]["path"] / "config.json") or {}
    if any(pool.get(flag) for flag in _POOL_FLAGS) or pool.get("pooling_mode_mean_tokens") is False:
        return "pooling is not a plain mean"
    conf = _json(path / "config.json") or {}
    if conf.get("model_type") not in _TYPES or conf.get("hidden_act", "gelu") != "gelu" \
            or conf.get("position_embedding_type", "absolute") != "absolute":
        return f"model type {conf.get('model_type')!r} / {conf.get('hidden_act')!r}"
    missing = [f for f in ("tokenizer.json", "model.safetensors") if not (path / f).exists()]
    return f"missing {', '.join(missing)}" if missing else None


def _mapped(path: Path) -> dict:
    """The checkpoint's tensors as read-only views of the file (np.memmap; safetensors' own layout: an
    8-byte header length, a JSON header of dtype / shape / byte offsets, then the data). Reading it all
    (safetensors.torch.load_file) cost ~190 MB more resident memory: e5's 250k-row word embedding is
    384 MB, and a query touches only its own rows. Anything but float32 goes through load_file."""
    import warnings

    import torch

    with open(path, "rb") as fh:
        size = int.from_bytes(fh.read(8), "little")
        header = json.loads(fh.read(size))
    if any(v["dtype"] != "F32" for k, v in header.items() if k != "__metadata__"):
        from safetensors.torch import load_file

        return load_file(str(path))
    data = np.memmap(path, dtype=np.uint8, mode="r")
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "not writable": the weights are only ever read
        for name, v in header.items():
            if name != "__metadata__":
                start, end = (8 + size + o for o in v["data_offsets"])
                out[name] = torch.from_numpy(data[start:end].view(np.float32).reshape(v["shape"]))
    return out


class _Tokenizer:
    """The slice of a transformers tokenizer that SentenceTransformerEncoder calls, over `tokenizers`."""

    def __init__(self, path: Path, max_length: int):
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.enable_truncation(max_length=max_length)  # counts the <s> … </s> it adds, as transformers does

    def ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch(texts, add_special_tokens=True)]

    def __call__(self, texts: list[str], **_) -> dict:
        return {"input_ids": self.ids(texts)}


class LeanSentenceModel:
    """The `SentenceTransformer` calls the tutor makes (encode, tokenizer, max_seq_length, dimension)."""

    def __init__(self, path: str | Path):
        import torch

        path = Path(path)
        why = unsupported(path)
        if why:
            raise Unsupported(f"{path} can't load without sentence-transformers: {why}")
        self.conf = _json(path / "config.json")
        st = _json(path / "sentence_bert_config.json") or {}
        self.max_seq_length = int(st.get("max_seq_length") or self.conf.get("max_position_embeddings", 512))
        self.normalize = len(_json(path / "modules.json")) == 3
        self.tokenizer = _Tokenizer(path, self.max_seq_length)
        w = _mapped(path / "model.safetensors")
        prefix = next((p for p in ("", "roberta.", "bert.", "model.")
                       if f"{p}embeddings.word_embeddings.weight" in w), "")
        self.w = {k[len(prefix):]: v for k, v in w.items() if k.startswith(prefix)}
        self.layers = int(self.conf["num_hidden_layers"])
        # Every tensor the forward pass reads, checked now: a surprise layout falls back at load, never mid-index.
        need = [f"embeddings.{n}.weight" for n in ("word_embeddings", "position_embeddings", "token_type_embeddings")]
        need += [f"{m}.{t}" for m in ["embeddings.LayerNorm"] + [f"encoder.layer.{i}.{n}" for i in range(self.layers)
                 for n in _LAYER] for t in ("weight", "bias")]
        missing = [k for k in need if k not in self.w]
        if missing:
            raise ValueError(f"{path / 'model.safetensors'} lacks {len(missing)} tensors, e.g. {missing[0]}")
        self.heads = int(self.conf["num_attention_heads"])
        self.eps = float(self.conf.get("layer_norm_eps", 1e-12))
        # RoBERTa numbers positions after its padding index (ids pad+1, pad+2, …); BERT from 0.
        self.pos_offset = int(self.conf.get("pad_token_id", 1)) + 1 if self.conf["model_type"] != "bert" else 0
        self.pad_id = int(self.conf.get("pad_token_id", 1 if self.pos_offset else 0))
        self.torch = torch

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.conf["hidden_size"])

    def _ln(self, x, name):
        return self.torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"],
                                                   self.eps)

    def _lin(self, x, name):
        return self.torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _forward(self, ids: list[list[int]]):
        """Mean-pooled last hidden states of one right-padded batch (the XLM-R / BERT encoder, eval mode)."""
        torch, F = self.torch, self.torch.nn.functional
        n, length = len(ids), max(map(len, ids))
        input_ids = torch.full((n, length), self.pad_id, dtype=torch.long)
        mask = torch.zeros((n, length), dtype=torch.bool)
        for i, row in enumerate(ids):
            input_ids[i, :len(row)] = torch.tensor(row)
            mask[i, :len(row)] = True
        positions = torch.arange(length).expand(n, length) + self.pos_offset
        x = (F.embedding(input_ids, self.w["embeddings.word_embeddings.weight"])
             + F.embedding(positions, self.w["embeddings.position_embeddings.weight"])
             + self.w["embeddings.token_type_embeddings.weight"][0])
        x = self._ln(x, "embeddings.LayerNorm")
        head_dim = x.shape[-1] // self.heads
        attn_mask = mask[:, None, None, :]  # keys only: padded queries are dropped by the pooling
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (self._lin(x, f"{p}.attention.self.{s}").view(n, length, self.heads, head_dim).transpose(1, 2)
                       for s in ("query", "key", "value"))
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, scale=1 / math.sqrt(head_dim))
            ctx = ctx.transpose(1, 2).reshape(n, length, -1)
            x = self._ln(self._lin(ctx, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
            h = F.gelu(self._lin(x, f"{p}.intermediate.dense"))
            x = self._ln(self._lin(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        m = mask.unsqueeze(-1).to(x.dtype)
        return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)

    def encode(self, texts: list[str], batch_size: int = 32, normalize_embeddings: bool = False,
               convert_to_numpy: bool = True, show_progress_bar: bool = False) -> np.ndarray:
        """Vectors for texts, in order (batches sorted by length, as sentence-transformers does)."""
        ids = self.tokenizer.ids(list(texts))
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.zeros((len(ids), self.get_sentence_embedding_dimension()), dtype=np.float32)
        with self.torch.inference_mode():
            for s in range(0, len(order), max(1, batch_size)):
                idx = order[s:s + batch_size]
                vec = self._forward([ids[i] for i in idx])
                if normalize_embeddings or self.normalize:
                    vec = self.torch.nn.functional.normalize(vec, dim=-1)
                out[idx] = vec.numpy()
        return out
