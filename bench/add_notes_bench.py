"""Adding notes: one ~30 KB file into an indexed corpus vs a full rebuild (the peer), and seeds + 10 foreign files.

All in scratch folders (the user's corpus and index are never touched), in one run:
1. `tutor add FILE` as a user runs it (a fresh process: imports, embedder load, reindex), then the
   peer: `tutor index --force` on the same corpus (every text re-embedded), same process shape.
2. The same addition inside a running process that already holds the embedder (the Library upload),
   split into parse, embedding of the new texts, and the rest of the rebuild; embedding cost per KB.
3. Index build from scratch for the seeds plus 10 foreign files (target ≤ 60 s), and query p50 on the
   seed questions over that index vs over the seeds alone.

    python bench/add_notes_bench.py --notes ~/foreign-notes --more ~/foreign-more [--no-write]

The notes come from scripts/fetch_foreign_notes.py (--bench-extra gives the 2 more). --src measures
another checkout's code (a before/after); its section is written only for this checkout's code.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402  (bench/report.py, beside this script)


def _args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=Path, required=True, help="the 8 foreign notes (scripts/fetch_foreign_notes.py)")
    ap.add_argument("--more", type=Path, required=True, help="the 2 more (its --bench-extra folder)")
    ap.add_argument("--file", default="分布式训练题目.md", help="the note to add (in --notes; ~28 KB)")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the tutor code to measure")
    ap.add_argument("--queries", type=int, default=60, help="seed questions timed per index")
    report.add_no_write(ap)
    return ap.parse_args()


ARGS = _args() if __name__ == "__main__" else None
sys.path.insert(0, str(ARGS.src if ARGS else ROOT / "src"))  # before the first tutor import: --src decides

from tutor.settings import Settings  # noqa: E402


def _scratch(tmp: Path, models: Path) -> dict[str, str]:
    """A seed corpus copy and a cache holding only the models: the env a `tutor` process runs with."""
    shutil.copytree(ROOT / "corpus", tmp / "corpus")
    (tmp / "cache").mkdir()
    (tmp / "cache" / "models").symlink_to(models)
    return dict(os.environ, PYTHONPATH=str(ARGS.src), TUTOR_CORPUS_DIR=str(tmp / "corpus"),
                TUTOR_CACHE_DIR=str(tmp / "cache"), TUTOR_DATA_DIR=str(tmp / "data"))


def _tutor(env: dict, *argv) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tutor.cli", *map(str, argv)], env=env, capture_output=True,
                         text=True, check=True)
    return time.perf_counter() - t0, out.stdout


def _p50(retriever, queries: list[str]) -> float:
    return statistics.median(report.query_latencies_ms(retriever, queries))


def main() -> None:
    from tutor.compose import add_notes, open_retriever
    from tutor.corpus.load import corpus_hash, load_corpus
    from tutor.evaluate.metrics import load_jsonl
    from tutor.index.store import build_index, item_views
    from tutor.models.load import load_encoder
    from tutor.models.registry import embedder_path

    settings = Settings.from_env()
    models = (settings.cache_dir / "models").resolve()
    embedder_path(settings.embedder, settings.cache_dir)  # materialised once, outside the timings
    note = ARGS.notes / ARGS.file
    kb = note.stat().st_size / 1024
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = _scratch(tmp / "cli", models)
        _tutor(env, "index")  # the seed index the user already has
        add_s, out = _tutor(env, "add", note)
        new_texts = int(re.search(r"(\d+) new texts embedded", out).group(1))
        force_s, out = _tutor(env, "index", "--force")
        all_texts = int(re.search(r"(\d+) new texts embedded", out).group(1))
        print(f"tutor add {note.name} ({kb:.1f} KB): {add_s:.1f} s, {new_texts} texts embedded")
        print(f"  peer: tutor index --force (same corpus): {force_s:.1f} s, {all_texts} texts embedded")
        rows.append((f"`tutor add` one {kb:.0f} KB file (fresh process)", f"{add_s:.1f} s ({new_texts} texts embedded)",
                     f"`tutor index --force`, same corpus: {force_s:.1f} s ({all_texts} texts)"))

        t0 = time.perf_counter()
        encoder = load_encoder(settings.embedder, settings.cache_dir, progress=lambda m: None)
        load_s = time.perf_counter() - t0
        _scratch(tmp / "warm", models)
        s = Settings(home=tmp / "warm")  # its corpus/ and .cache/ below
        (tmp / "warm" / "cache").rename(tmp / "warm" / ".cache")
        open_retriever(s, encoder=encoder, show_progress=False, progress=lambda m: None)
        t0 = time.perf_counter()
        _, retriever = add_notes(s, [note], encoder=encoder)
        warm_s = time.perf_counter() - t0
        mine = [it for it in retriever.index.items if it.source == note.name]
        texts = list(dict.fromkeys(v for it in mine for v in item_views(it)))
        t0 = time.perf_counter()
        encoder.encode_passages(texts)
        embed_s = time.perf_counter() - t0
        print(f"embedder load (in process) {load_s:.1f} s; add with the embedder loaded {warm_s:.1f} s, of which "
              f"embedding its {len(texts)} texts ≈ {embed_s:.1f} s ({embed_s / kb * 1000:.0f} ms per KB)")
        rows.append(("the same addition, embedder already loaded (Library upload)", f"{warm_s:.1f} s", ""))
        rows.append(("  of which: embedding its texts again, alone",
                     f"{embed_s:.1f} s ({len(texts)} texts, {embed_s / kb * 1000:.0f} ms per KB of note)", ""))
        rows.append(("embedder load (import + weights, in process)", f"{load_s:.1f} s", ""))

        big = tmp / "big"
        shutil.copytree(ROOT / "corpus", big)
        foreign = sorted(ARGS.notes.glob("*.md")) + sorted(ARGS.more.glob("*.md"))
        for p in foreign:
            shutil.copyfile(p, big / p.name)
        items = load_corpus(big)
        t0 = time.perf_counter()
        index = build_index(items, encoder, tmp / "big-index", corpus_hash(big), show_progress=False)
        build_s = time.perf_counter() - t0
        seed_items = load_corpus(ROOT / "corpus")
        seed_index = build_index(seed_items, encoder, tmp / "seed-index", corpus_hash(ROOT / "corpus"),
                                 show_progress=False)
        from tutor.retrieve.fuse import Retriever

        queries = [q["query"] for q in load_jsonl(ROOT / "eval" / "retrieval.jsonl")][:ARGS.queries]
        p50_big = _p50(Retriever(index, settings.lexical_weight, settings.candidates), queries)
        p50_seed = _p50(Retriever(seed_index, settings.lexical_weight, settings.candidates), queries)
        print(f"index build, seeds + {len(foreign)} foreign files ({len(items)} items, {index.embedded} texts): "
              f"{build_s:.1f} s (target ≤ 60 s); query p50 {p50_big:.1f} ms vs seeds only {p50_seed:.1f} ms")
        rows.append((f"index build from scratch, seeds + {len(foreign)} foreign files ({len(items)} items)",
                     f"{build_s:.1f} s ({index.embedded} texts embedded)", ""))
        rows.append((f"query p50 over that index ({len(queries)} seed questions, k=5)", f"{p50_big:.1f} ms",
                     f"seeds-only index: {p50_seed:.1f} ms"))
    if ARGS.no_write or ARGS.src.resolve() != (ROOT / "src").resolve():
        return
    body = "| measure | this run | peer, same run |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |"
                                                                          for a, b, c in rows)
    report.write_section("add_notes_bench", body)


if __name__ == "__main__":
    main()
