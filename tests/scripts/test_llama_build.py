"""The portable llama.cpp build: tier choice, cache keys, and the smoke test's step-down (with fake builds)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("llama_build", ROOT / "scripts" / "llama_build.py")
lb = importlib.util.module_from_spec(_spec)
sys.modules["llama_build"] = lb  # dataclasses look their module up while the class is built
_spec.loader.exec_module(lb)

# /proc/cpuinfo flags of the CPU that crashed with the native build (issue 10), and of this team's AMD EPYC.
AMX_XEON = {"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2", "avx512f", "avx512cd", "avx512vl", "avx512dq",
            "avx512bw", "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx512vbmi", "amx_tile", "amx_int8",
            "amx_bf16"}
EPYC_AVX2 = {"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2", "vaes"}


def test_no_tier_ever_enables_the_instructions_of_the_crashing_cpu(monkeypatch):
    monkeypatch.setattr(lb.platform, "machine", lambda: "x86_64")
    for tier in lb.TIERS:
        args = tier.cmake_args()
        assert "-DGGML_NATIVE=OFF" in args
        for off in ("AMX_TILE", "AMX_INT8", "AMX_BF16", "AVX512_BF16", "AVX512_VBMI", "AVX_VNNI"):
            assert f"-DGGML_{off}=OFF" in args, (tier.name, off)
    # Every switch is set explicitly: with NATIVE=OFF ggml would default AVX2 & co. to ON.
    assert "-DGGML_AVX2=OFF" in lb.TIERS[2].cmake_args() and "-DGGML_SSE42=OFF" in lb.TIERS[3].cmake_args()


def test_the_tier_follows_what_the_cpu_reports_and_steps_down_in_order():
    assert lb.choose_tier(AMX_XEON).name == "avx512"
    assert lb.choose_tier(EPYC_AVX2).name == "avx2"
    assert lb.choose_tier(EPYC_AVX2 - {"avx2"}).name == "sse42"
    assert lb.choose_tier(set()).name == "x86-64"
    names = [t.name for t in lb.ladder(lb.choose_tier(AMX_XEON))]
    assert names == ["avx512", "avx2", "sse42", "x86-64"]


def test_wheels_are_cached_by_version_and_exact_flags():
    a, b = lb.TIERS[0].cmake_args(), lb.TIERS[1].cmake_args()
    assert lb.wheel_key(a) != lb.wheel_key(b)
    assert lb.wheel_key(a, "0.3.36") != lb.wheel_key(a, "0.3.37")
    assert lb.wheel_key(a) == lb.wheel_key(a)


@pytest.fixture
def venv(tmp_path, monkeypatch):
    """Point the script's record and smoke stamp at a temp 'venv'; a 1-byte model file."""
    monkeypatch.setattr(lb.sys, "prefix", str(tmp_path))
    monkeypatch.delenv("TUTOR_LLAMA_TIER", raising=False)
    monkeypatch.delenv("TUTOR_LLAMA_CMAKE_ARGS", raising=False)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"x")
    return tmp_path, str(model)


def _fake_installer(installed: list):
    def install(tier, args=None):
        installed.append(tier.name)
        rec = {"tier": tier.name, "cmake_args": args or tier.cmake_args(), "wheel": f"/w/{tier.name}.whl"}
        lb.record_path().write_text(json.dumps(rec))
        return rec
    return install


def test_a_crashing_build_is_rebuilt_one_tier_lower_and_then_remembered(venv, capsys):
    _, model = venv
    installed: list = []
    install = _fake_installer(installed)
    install(lb.TIERS[0])  # what `install` put there: the avx512 tier on an AMX Xeon
    runs = []

    def runner(m):  # the avx512 build segfaults, the avx2 one works
        tier = json.loads(lb.record_path().read_text())["tier"]
        runs.append(tier)
        return (tier != "avx512"), ("killed by signal 11" if tier == "avx512" else "OK 300")

    assert lb.smoke(model, runner=runner, installer=install) == 0
    assert runs == ["avx512", "avx2"] and installed == ["avx512", "avx2"]
    assert "rebuilding with the safer tier avx2" in capsys.readouterr().out
    # Passed once for this build, model and CPU: the next make run does not run it again.
    assert lb.smoke(model, runner=lambda m: (False, "must not run"), installer=install) == 0


def test_when_every_tier_crashes_setup_fails_with_what_to_do(venv, capsys):
    _, model = venv
    installed: list = []
    install = _fake_installer(installed)
    install(lb.TIERS[1])
    assert lb.smoke(model, runner=lambda m: (False, "killed by signal 4"), installer=install) == 1
    err = capsys.readouterr().err
    assert installed == ["avx2", "sse42", "x86-64"]
    assert "TUTOR_LLAMA_CMAKE_ARGS" in err and "TUTOR_NO_LLM=1" in err and "signal 4" in err


def test_a_forced_flag_set_is_tried_as_given(venv, monkeypatch):
    _, model = venv
    monkeypatch.setenv("TUTOR_LLAMA_CMAKE_ARGS", "-DGGML_NATIVE=OFF -DGGML_AVX=OFF")
    installed: list = []
    install = _fake_installer(installed)
    assert lb.smoke(model, runner=lambda m: (False, "exit code 1"), installer=install) == 1
    assert installed == ["custom"]  # no step-down: the user asked for exactly these flags
    monkeypatch.setenv("TUTOR_LLAMA_CMAKE_ARGS", "")
    monkeypatch.setenv("TUTOR_LLAMA_TIER", "avx9000")
    with pytest.raises(SystemExit, match="not one of"):
        lb.forced()


def test_a_missing_model_is_a_clear_error(venv, capsys):
    assert lb.smoke("/nowhere/model.gguf", runner=lambda m: (True, ""), installer=_fake_installer([])) == 2
    assert "not found" in capsys.readouterr().err


def test_the_smoke_child_reports_a_crash_by_signal(monkeypatch):
    class Proc:
        returncode, stdout, stderr = -11, "", "Segmentation fault"

    monkeypatch.setattr(lb.subprocess, "run", lambda *a, **k: Proc())
    ok, what = lb.smoke_once("/m.gguf")
    assert not ok and what.startswith("killed by signal 11")
