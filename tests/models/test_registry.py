"""Weight resolution: GGUF assembly from chunk packages, sha256 verification, clear errors."""
from __future__ import annotations

import hashlib
import sys

import pytest

from tutor.models.registry import GENERATORS, GGUFSpec, ModelError, assemble_gguf, generator_path


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    """Two importable chunk packages whose bytes concatenate to b'hello world'."""
    for i, data in ((1, b"hello "), (2, b"world")):
        pkg = tmp_path / "pkgs" / f"fakechunk_part{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "data" / "p.bin").write_bytes(data)
        (pkg / "__init__.py").write_text(
            "import os\ndef get_part_path():\n    return os.path.join(os.path.dirname(__file__), 'data', 'p.bin')\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    yield
    for i in (1, 2):
        sys.modules.pop(f"fakechunk_part{i}", None)


def _spec(sha=hashlib.sha256(b"hello world").hexdigest(), size=11, n=2):
    return GGUFSpec("Fake", "fake.gguf", tuple(f"fakechunk-part{i}" for i in range(1, n + 1)), size, sha, "gen")


def test_assembles_parts_in_order_and_verifies(fake_parts, tmp_path):
    out = assemble_gguf(_spec(), tmp_path / "m" / "fake.gguf", progress=lambda m: None)
    assert out.read_bytes() == b"hello world"
    assert (tmp_path / "m" / "fake.gguf.verified.json").exists()


def test_checksum_mismatch_is_refused_and_nothing_kept(fake_parts, tmp_path):
    with pytest.raises(ModelError, match="does not match.*force-reinstall"):
        assemble_gguf(_spec(sha="0" * 64), tmp_path / "fake.gguf", progress=lambda m: None)
    assert not list(tmp_path.glob("fake.gguf*"))


def test_missing_package_names_the_fix(fake_parts, tmp_path):
    with pytest.raises(ModelError, match=r"fakechunk-part3.*make run"):
        assemble_gguf(_spec(n=3), tmp_path / "fake.gguf", progress=lambda m: None)


def test_generator_setting_accepts_a_gguf_path_and_rejects_nonsense(tmp_path):
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF")
    assert generator_path(str(gguf), tmp_path) == gguf
    with pytest.raises(ModelError, match="neither"):
        generator_path(str(tmp_path / "missing.gguf"), tmp_path)


def test_damaged_assembled_file_is_detected_and_rebuilt(fake_parts, tmp_path, monkeypatch):
    monkeypatch.setitem(GENERATORS, "fake", _spec())
    path = generator_path("fake", tmp_path, progress=lambda m: None)
    path.write_bytes(b"hello WORLD")  # same size, different bytes, newer mtime → stamp no longer matches
    again = generator_path("fake", tmp_path, progress=lambda m: None)
    assert again.read_bytes() == b"hello world"


@pytest.mark.integration
def test_packaged_small_generator_is_verified(project_settings):
    spec = GENERATORS["qwen0.5b"]
    path = generator_path("qwen0.5b", project_settings.cache_dir, verify=True, progress=lambda m: None)
    assert path.stat().st_size == spec.size
    assert path.read_bytes()[:4] == b"GGUF"
