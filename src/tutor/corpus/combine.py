"""A scratch corpus folder holding the user's corpus plus an extra notes folder, for evals over both.

The evals measure foreign notes next to the seeds without touching the user's corpus or index: the
files are copied into a folder of their own (rebuilt on every call, so a file removed from either
side leaves it too), with the same checks as `tutor add` — a name given twice, or an extra file
whose name the corpus already uses for different bytes, refuses the whole request.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for folder, name in (("corpus", "seed.md"), ("notes", "foreign.md")):
    ...     (d / folder).mkdir(); _ = (d / folder / name).write_text("# " + name)
    >>> combine_corpora(d / "corpus", d / "notes", d / "scratch")
    ['foreign.md']
    >>> sorted(p.name for p in (d / "scratch").iterdir())
    ['foreign.md', 'seed.md']
"""
from __future__ import annotations

import shutil
from pathlib import Path

from tutor.corpus.add import apply_add, plan_add
from tutor.corpus.load import corpus_files


def combine_corpora(corpus_dir: Path, extra_dir: Path, dest: Path) -> list[str]:
    """Fill dest with corpus_dir's note files plus extra_dir's (recursively, as `tutor add` reads a folder).

    Args:
        corpus_dir: the user's corpus folder (read only).
        extra_dir: a folder of extra .md/.txt notes (read only).
        dest: the scratch folder; emptied first.

    Returns:
        The names the extra folder added (its files already in the corpus with the same bytes are not listed).

    Raises:
        ValueError: extra_dir is missing or has no notes, or a name clashes (nothing is left half-copied
            that a later call would trust: dest is rebuilt every time).
    """
    extra_dir, dest = Path(extra_dir), Path(dest)
    if not extra_dir.is_dir():
        raise ValueError(f"extra corpus folder not found: {extra_dir}")
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for path in corpus_files(corpus_dir):
        shutil.copyfile(path, dest / path.name)
    plan = plan_add([extra_dir], dest)
    if plan.refused:
        raise ValueError(f"can't combine {extra_dir} with the corpus: " + "; ".join(plan.refused))
    if not plan.copy and not plan.unchanged:
        raise ValueError(f"{extra_dir} holds no .md or .txt notes")
    apply_add(plan, dest)
    return plan.names
