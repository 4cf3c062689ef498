#!/usr/bin/env python3
"""Build llama-cpp-python for any x86-64 CPU, decided in one place (stdlib only: runs before any install).

Why not pip's default: it compiles llama.cpp with `-march=native`, and that kernel set segfaulted on a
Xeon with AMX / AVX512-BF16 / AVX512-FP16 (issue 10). pip's wheel cache then replays that build, even
one copied from another machine. So this script builds with a named, fixed flag set (a *tier*), keeps
the wheel in the project's own cache keyed by version and flags, installs it, and smoke-tests it in a
subprocess; a crash there rebuilds one tier lower.

Why not llama.cpp's runtime dispatch (GGML_BACKEND_DL + GGML_CPU_ALL_VARIANTS): the pinned
llama-cpp-python 0.3.36 neither installs the `libggml-cpu-<variant>.so` modules nor calls
`ggml_backend_load_all()`, so a dispatch build loads no CPU backend at all.

Tiers, best first (each a subset of the one above; none has AMX, AVX512-BF16/FP16/VBMI or AVX-VNNI,
the instructions of the CPU that crashed):

    >>> [t.name for t in TIERS]
    ['avx512', 'avx2', 'sse42', 'x86-64']
    >>> choose_tier({"sse4_2", "avx", "avx2", "fma", "f16c", "bmi2"}).name
    'avx2'
    >>> choose_tier({"sse4_2"}).name
    'sse42'
    >>> [t.name for t in ladder(choose_tier({"sse4_2", "avx", "avx2", "fma", "f16c", "bmi2"}))]
    ['avx2', 'sse42', 'x86-64']

Usage (the Makefile calls these; `TUTOR_LLAMA_TIER=sse42` or `TUTOR_LLAMA_CMAKE_ARGS="..."` forces a build):
    python scripts/llama_build.py install          # pick a tier, build or reuse the cached wheel, install
    python scripts/llama_build.py smoke --model M  # eval a few hundred tokens in a subprocess; on a crash, go down a tier
    python scripts/llama_build.py status           # what is installed, with which flags
    python scripts/llama_build.py wheel --tier native   # a native wheel for the bench only (never installed)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "llama-cpp-python"
VERSION = "0.3.36"  # keep equal to constraints.txt
ROOT = Path(__file__).resolve().parents[1]
# Build-time switches shared by every tier: no multimodal library (the tutor never loads it; saves
# minutes of compile), no native tuning.
COMMON = ("-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=OFF")
# Every x86 instruction-set switch ggml has. Each tier sets all of them, ON or OFF: with GGML_NATIVE=OFF
# ggml turns SSE4.2/AVX/AVX2/BMI2/FMA/F16C *on* by default, which a pre-2013 CPU cannot run.
X86_SWITCHES = ("SSE42", "AVX", "F16C", "FMA", "BMI2", "AVX2", "AVX512", "AVX512_VNNI", "AVX512_VBMI",
                "AVX512_BF16", "AVX_VNNI", "AMX_TILE", "AMX_INT8", "AMX_BF16")


@dataclass(frozen=True)
class Tier:
    name: str
    switches: tuple[str, ...]  # ggml switches ON; the rest of X86_SWITCHES are OFF
    needs: frozenset[str]  # /proc/cpuinfo flags the CPU must report

    def cmake_args(self) -> str:
        if self.name == "native":
            return " ".join(("-DLLAVA_BUILD=OFF", "-DGGML_NATIVE=ON"))
        if platform.machine().lower() not in ("x86_64", "amd64"):
            return " ".join(COMMON)  # other architectures: the compiler's generic baseline
        flags = [f"-DGGML_{s}={'ON' if s in self.switches else 'OFF'}" for s in X86_SWITCHES]
        return " ".join(COMMON + tuple(flags))


_AVX2 = ("SSE42", "AVX", "F16C", "FMA", "BMI2", "AVX2")
TIERS = (
    # The set issue 10 measured working on the AMX machine (1.35 s for a 300-token prefill on the 0.5B).
    Tier("avx512", _AVX2 + ("AVX512", "AVX512_VNNI"),
         frozenset({"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2", "avx512f", "avx512cd", "avx512vl",
                    "avx512dq", "avx512bw", "avx512_vnni"})),
    Tier("avx2", _AVX2, frozenset({"sse4_2", "avx", "f16c", "fma", "bmi2", "avx2"})),
    Tier("sse42", ("SSE42",), frozenset({"sse4_2"})),
    Tier("x86-64", (), frozenset()),
)
NATIVE = Tier("native", (), frozenset())  # only for the bench's comparison, never installed by `install`


def cpu_flags(cpuinfo: str | None = None) -> set[str]:
    """The CPU's feature flags (first `flags` line of /proc/cpuinfo; empty when unreadable).

    >>> sorted(cpu_flags("processor: 0\\nflags\\t\\t: fpu sse4_2 avx2\\n"))
    ['avx2', 'fpu', 'sse4_2']
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
        except OSError:
            return set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def choose_tier(flags: set[str]) -> Tier:
    """The best tier whose instructions the CPU reports."""
    return next(t for t in TIERS if t.needs <= flags)


def ladder(start: Tier) -> list[Tier]:
    """start, then every safer tier: what a crashing smoke test falls back through."""
    return list(TIERS[TIERS.index(start):])


def wheel_key(cmake_args: str, version: str = VERSION) -> str:
    """Cache folder name: version + a hash of the exact flags, so a wheel built with other flags
    (natively, elsewhere) is never picked up.

    >>> wheel_key("-DGGML_NATIVE=OFF", "0.3.36")
    '0.3.36-b16d23460823'
    """
    return f"{version}-{hashlib.sha256(cmake_args.encode()).hexdigest()[:12]}"


def cache_root() -> Path:
    return Path(os.environ.get("TUTOR_WHEEL_CACHE") or ROOT / ".cache" / "llama-wheels")


def record_path() -> Path:
    # Beside the interpreter's venv: the record describes what *this* environment has installed.
    return Path(sys.prefix) / "llama-build.json"


def cpu_fingerprint() -> str:
    """Model name + flags: a venv copied to another CPU type smoke-tests again."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return hashlib.sha256((model + " ".join(sorted(cpu_flags()))).encode()).hexdigest()[:12]


def build_wheel(tier: Tier, cmake_args: str | None = None) -> Path:
    """The cached wheel for these flags, building it when missing (~6–10 min on 2 cores)."""
    args = cmake_args or tier.cmake_args()
    # A native build only fits the CPU it was built on: key it by that CPU too.
    key = wheel_key(args) + (f"-cpu{cpu_fingerprint()}" if tier.name == "native" else "")
    folder = cache_root() / f"{tier.name}-{key}"
    found = sorted(folder.glob("llama_cpp_python-*.whl")) if folder.is_dir() else []
    if found:
        print(f"== llama.cpp: reusing cached {tier.name} wheel {found[-1]}")
        return found[-1]
    print(f"== llama.cpp: building {PACKAGE}=={VERSION} for tier {tier.name} (about 6–10 min on 2 cores)\n"
          f"   CMAKE_ARGS={args}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="llama-wheel-", dir=cache_root().parent if cache_root().parent.exists() else None))
    env = dict(os.environ, CMAKE_ARGS=args, FORCE_CMAKE="1", CMAKE_BUILD_PARALLEL_LEVEL=str(os.cpu_count() or 2))
    # --no-cache-dir: pip's wheel cache is exactly what replays another machine's native build.
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps", "--no-binary", PACKAGE,
           "--progress-bar", "on", "-w", str(tmp), f"{PACKAGE}=={VERSION}"]
    subprocess.run(cmd, env=env, check=True)
    built = sorted(tmp.glob("llama_cpp_python-*.whl"))
    if not built:
        raise SystemExit(f"llama.cpp build produced no wheel in {tmp}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "flags.txt").write_text(args + "\n")
    dst = folder / built[-1].name
    shutil.move(str(built[-1]), dst)  # moved last: a half-built folder never looks complete
    shutil.rmtree(tmp, ignore_errors=True)
    return dst


def install(tier: Tier, cmake_args: str | None = None) -> dict:
    """Build (or reuse) and install the wheel into this interpreter; record what was installed."""
    wheel = build_wheel(tier, cmake_args)
    pip = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--progress-bar", "on"]
    subprocess.run(pip + ["--force-reinstall", "--no-deps", str(wheel)], check=True)
    constraints = ROOT / "constraints.txt"
    extra = ["-c", str(constraints)] if constraints.exists() else []
    subprocess.run(pip + extra + [f"{wheel}[server]"], check=True)  # its dependencies, from the index
    record = {"package": PACKAGE, "version": VERSION, "tier": tier.name,
              "cmake_args": cmake_args or tier.cmake_args(), "wheel": str(wheel), "forced": bool(cmake_args),
              "cpu": cpu_fingerprint()}
    record_path().write_text(json.dumps(record, indent=1) + "\n")
    return record


def read_record() -> dict | None:
    try:
        return json.loads(record_path().read_text())
    except (OSError, ValueError):
        return None


def forced() -> tuple[Tier | None, str | None]:
    """The user's override: TUTOR_LLAMA_CMAKE_ARGS (exact flags) or TUTOR_LLAMA_TIER (a tier name)."""
    args = os.environ.get("TUTOR_LLAMA_CMAKE_ARGS", "").strip()
    if args:
        return Tier("custom", (), frozenset()), args
    name = os.environ.get("TUTOR_LLAMA_TIER", "").strip()
    if name:
        by_name = {t.name: t for t in TIERS + (NATIVE,)}
        if name not in by_name:
            raise SystemExit(f"TUTOR_LLAMA_TIER={name!r} is not one of {', '.join(by_name)}")
        return by_name[name], None
    return None, None


def wanted() -> tuple[Tier, str]:
    tier, args = forced()
    if tier is None:
        tier = choose_tier(cpu_flags())
    return tier, args or tier.cmake_args()


# The child evaluates ~300 tokens in batches (the path that crashed: any eval of more than one token),
# then decodes a few. Exit 0 and "OK" means the kernels work on this CPU.
SMOKE = r"""
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=1024, n_batch=256, n_ubatch=256, n_threads=2, flash_attn=True, verbose=False)
text = "数据并行、张量并行和流水线并行的区别是什么？请解释 all-reduce 的通信量。" * 12
toks = llm.tokenize(text.encode(), add_bos=False)[:300]
llm.eval(toks)
out = llm.create_completion("你好，", max_tokens=8, temperature=0.0)
print("OK", len(toks), repr(out["choices"][0]["text"][:20]))
"""


def smoke_once(model: str, timeout: float = 600.0) -> tuple[bool, str]:
    """Run the smoke child; (passed, what happened)."""
    try:
        proc = subprocess.run([sys.executable, "-c", SMOKE, model], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"hung for more than {timeout:.0f} s"
    if proc.returncode == 0 and "OK" in proc.stdout:
        return True, proc.stdout.strip()
    how = f"killed by signal {-proc.returncode}" if proc.returncode < 0 else f"exit code {proc.returncode}"
    return False, f"{how}: {(proc.stderr or proc.stdout).strip()[-400:]}"


def smoke_stamp(model: str) -> Path:
    rec = read_record() or {}
    st = os.stat(model)
    key = hashlib.sha256(f"{rec.get('wheel')}|{model}|{st.st_size}|{cpu_fingerprint()}".encode()).hexdigest()[:16]
    return Path(sys.prefix) / f".llama-smoke-{key}"


def smoke(model: str, runner=smoke_once, installer=install) -> int:
    """Smoke-test the installed build; on a crash, rebuild one tier lower until one works (or fail clearly)."""
    if not Path(model).is_file():
        print(f"llama.cpp smoke test: model {model} not found", file=sys.stderr)
        return 2
    if smoke_stamp(model).exists():
        return 0
    rec = read_record()
    tier_forced, args_forced = forced()
    if rec is None:
        rec = installer(wanted()[0], args_forced)
    by_name = {t.name: t for t in TIERS}
    # A forced build is tried as it is: the user asked for those flags.
    todo = [None] if (tier_forced or args_forced or rec["tier"] not in by_name) else ladder(by_name[rec["tier"]])
    tried = []
    for i, tier in enumerate(todo):
        if i > 0:
            print(f"== llama.cpp: the {tried[-1][0]} build crashed; rebuilding with the safer tier {tier.name}")
            rec = installer(tier, None)
        ok, what = runner(model)
        tried.append((rec["tier"], what))
        print(f"== llama.cpp smoke test ({rec['tier']} build, 300-token eval): {'passed' if ok else 'FAILED'}"
              f" — {what[:200]}", flush=True)
        if ok:
            smoke_stamp(model).touch()
            return 0
    lines = "\n".join(f"  - {t}: {w}" for t, w in tried)
    print(f"""
llama.cpp does not run on this CPU with any build tried:
{lines}
The generator cannot start, so answers would have no generated part. What to do:
  - force other flags: TUTOR_LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=OFF ..." make test
    (or a tier: TUTOR_LLAMA_TIER=x86-64), then run make again;
  - or use the reference-only mode (TUTOR_NO_LLM=1), or an OpenAI-compatible server (TUTOR_LLM_URL);
  - `python scripts/llama_build.py status` shows what is installed.""", file=sys.stderr)
    return 1


def ensure_installed(installer=install) -> dict:
    """Install unless this environment already has the wanted build (same flags, recorded by us)."""
    tier, args = wanted()
    forced_tier, forced_args = forced()
    rec = read_record()
    if rec and _installed_version() == VERSION:
        if rec.get("cmake_args") == args and Path(rec.get("wheel", "")).is_file():
            return rec
        names = [t.name for t in TIERS]
        if (not (forced_tier or forced_args) and rec.get("cpu") == cpu_fingerprint() and rec.get("tier") in names
                and names.index(rec["tier"]) > names.index(tier.name)):
            return rec  # an earlier smoke test stepped down to a safer tier on this CPU: keep it
    return installer(tier, forced_args)


def _installed_version() -> str | None:
    proc = subprocess.run([sys.executable, "-m", "pip", "show", PACKAGE], capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("Version:"):
            return line.split(":", 1)[1].strip()
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    i = sub.add_parser("install", help="build (or reuse) and install the portable wheel")
    i.add_argument("--stamp", help="touch this file when something was (re)installed (for make)")
    s = sub.add_parser("smoke", help="evaluate a few hundred tokens in a subprocess; step down a tier on a crash")
    s.add_argument("--model", required=True)
    w = sub.add_parser("wheel", help="build a tier's wheel into the cache without installing it; print its path")
    w.add_argument("--tier", required=True, choices=[t.name for t in TIERS + (NATIVE,)])
    sub.add_parser("status", help="print the installed build's record")
    args = p.parse_args(argv)
    if args.cmd == "install":
        before = read_record()
        rec = ensure_installed()
        if args.stamp and (rec != before or not Path(args.stamp).exists()):
            Path(args.stamp).touch()
        print(f"== llama.cpp: {rec['tier']} build installed ({rec['cmake_args']})")
        return 0
    if args.cmd == "smoke":
        return smoke(args.model)
    if args.cmd == "wheel":
        tier = {t.name: t for t in TIERS + (NATIVE,)}[args.tier]
        print(build_wheel(tier))
        return 0
    print(json.dumps(read_record(), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
