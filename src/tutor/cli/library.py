"""`tutor add PATH…`: bring notes into the corpus, reindex incrementally, print the per-file report.

Example:
    $ tutor add ~/notes/llm-interview.md ~/notes/infra/
    added 2 files; index built (corpus_hash changed; 58 new texts embedded) in 2.3 s
      llm-interview.md: 27 questions, 0 text chunks, 2 without an answer (not graded or asked)
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from tutor.cli.common import CONTEXT, err, handler, settings_of, settings_options


@click.command("add", context_settings=CONTEXT, epilog="""\b
Example:
  tutor add ~/notes/llm-interview.md ~/notes/infra/
Other file types and name clashes with a different corpus file are refused (exit 1); nothing is overwritten.""")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH...")
@settings_options
@handler
def add(args) -> int:
    """Add .md/.txt notes (files or folders) to the corpus.

    Copies them in, reindexes incrementally (only their texts are embedded) and reports each file's items.
    """
    from tutor.compose import add_notes
    from tutor.corpus.add import report_lines
    from tutor.corpus.load import file_report

    t0 = time.perf_counter()
    settings = settings_of(args)
    plan, retriever = add_notes(settings, list(args.paths),
                                show_progress=sys.stderr.isatty(), progress=err, encoder_in_child=True)
    if retriever is None:
        err("nothing was added:")
        for reason in plan.refused:
            err(f"  {reason}")
        return 1
    index = retriever.index
    getattr(index.encoder, "close", lambda: None)()  # stop a child encoder (models.child_encoder): nothing embeds now
    print(f"added {len(plan.copy)} file{'s' * (len(plan.copy) != 1)} to {settings.corpus_dir}; index {index.status} "
          f"in {time.perf_counter() - t0:.1f} s; {len(index.items)} items in all")
    for line in report_lines(plan, file_report(index.items)):
        print(f"  {line}")
    return 0
