"""Bring note files into the corpus folder: check everything first, then copy; never overwrite.

A named file must be .md or .txt; a folder contributes its .md/.txt files (recursively; anything else
in it is listed as skipped, since notes folders often hold images). The corpus is one flat folder, so
two files with the same name can't both go in: a name already taken by different content, or
given twice, refuses the whole request and nothing is copied. Identical content already there is
"unchanged", not an error, so adding the same folder twice is harmless.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); corpus = d / "corpus"; corpus.mkdir()
    >>> _ = (d / "a.md").write_text("# A"); _ = (d / "b.pdf").write_bytes(b"%PDF")
    >>> plan = plan_add([d / "a.md"], corpus); [p.name for p in plan.copy], plan.refused
    (['a.md'], [])
    >>> apply_add(plan, corpus); plan_add([d / "a.md"], corpus).unchanged
    ['a.md']
    >>> plan_add([d / "b.pdf"], corpus).refused
    ["b.pdf: only .md and .txt notes can be added (this is '.pdf')"]
    >>> _ = (d / "c.txt").write_bytes(b"\\x00\\x01PK"); plan_add([d / "c.txt"], corpus).refused
    ['c.txt: not a text file (binary data (NUL bytes)); save it as UTF-8 text']
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tutor.corpus.decode import Undecodable, decode_note
from tutor.corpus.load import SUFFIXES


@dataclass
class AddPlan:
    """What adding would do: files to copy, names already present unchanged, notes, and refusals."""

    copy: list[Path] = field(default_factory=list)  # source files whose name is free in the corpus
    unchanged: list[str] = field(default_factory=list)  # already in the corpus with the same bytes
    skipped: list[str] = field(default_factory=list)  # non-note files found inside a folder
    refused: list[str] = field(default_factory=list)  # problems that stop the whole request

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.copy]


def _candidates(path: Path, plan: AddPlan) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        plan.skipped += [str(p) for p in found if p.suffix.lower() not in SUFFIXES]
        return [p for p in found if p.suffix.lower() in SUFFIXES]
    if not path.exists():
        plan.refused.append(f"{path}: no such file or folder")
    elif path.suffix.lower() not in SUFFIXES:
        plan.refused.append(f"{path.name}: only .md and .txt notes can be added (this is '{path.suffix or 'no suffix'}')")
    else:
        return [path]
    return []


def _unreadable(src: Path) -> str | None:
    """Why a note can't be read as text (None when it can)."""
    try:
        decode_note(src.read_bytes())
    except OSError as exc:
        return f"can't be read ({exc.strerror or exc})"
    except Undecodable as exc:
        return f"not a text file ({exc}); save it as UTF-8 text"
    return None


def plan_add(paths: list[Path], corpus_dir: Path) -> AddPlan:
    """Check every path against the corpus folder; copy nothing.

    Args:
        paths: files and folders to add.
        corpus_dir: the corpus folder (flat: only its own files are indexed).

    Returns:
        An AddPlan; when `refused` is not empty, `apply_add` must not be called.
    """
    plan, corpus_dir = AddPlan(), Path(corpus_dir)
    seen: dict[str, Path] = {}
    for path in map(Path, paths):
        for src in _candidates(path, plan):
            if (why := _unreadable(src)) is not None:
                # A .txt that is really binary would sit in the corpus and be skipped on every index:
                # a named file refuses the request; one found in a folder is listed as skipped.
                (plan.refused if src == path else plan.skipped).append(f"{src.name if src == path else src}: {why}")
                continue
            dst = corpus_dir / src.name
            if src.name in seen:
                plan.refused.append(f"{src.name}: given twice ({seen[src.name]} and {src}); rename one")
            elif dst.exists() and dst.resolve() == src.resolve():
                plan.unchanged.append(src.name)  # it is the corpus file itself
            elif dst.exists() and dst.read_bytes() == src.read_bytes():
                plan.unchanged.append(src.name)
            elif dst.exists():
                plan.refused.append(f"{src.name}: the corpus already has a different file of that name; "
                                    f"rename yours or remove {dst} first (nothing is overwritten)")
            else:
                plan.copy.append(src)
            seen[src.name] = src
    return plan


def apply_add(plan: AddPlan, corpus_dir: Path) -> None:
    """Copy the planned files into corpus_dir (each written beside, then renamed: no half files)."""
    if plan.refused:
        raise ValueError("; ".join(plan.refused))
    Path(corpus_dir).mkdir(parents=True, exist_ok=True)
    for src in plan.copy:
        tmp = Path(corpus_dir) / f".{src.name}.adding"
        shutil.copyfile(src, tmp)
        tmp.rename(Path(corpus_dir) / src.name)


def report_lines(plan: AddPlan, report: dict[str, dict[str, int]]) -> list[str]:
    """The per-file report for what was added: items, plain chunks, items with no answer.

    Args:
        plan: the applied AddPlan.
        report: `load.file_report` over the reindexed corpus.

    >>> report_lines(AddPlan(copy=[Path("x/n.md")], unchanged=["o.md"], skipped=["x/i.png"]),
    ...              {"n.md": {"items": 3, "chunks": 0, "no_answer": 1}})
    ['n.md: 3 questions, 0 text chunks, 1 without an answer (not graded or asked)', 'o.md: already in the corpus, unchanged', 'skipped (not a .md/.txt note, or not text): x/i.png']
    """
    lines = []
    for name in plan.names:
        row = report.get(name)
        if row is None:  # load_corpus warned why (undecodable, empty): say so here too
            lines.append(f"{name}: nothing indexed (empty, or not readable as text)")
            continue
        lines.append(f"{name}: {row['items']} questions, {row['chunks']} text chunks"
                     + (f", {row['no_answer']} without an answer (not graded or asked)" if row["no_answer"] else ""))
    lines += [f"{name}: already in the corpus, unchanged" for name in plan.unchanged]
    if plan.skipped:
        lines.append("skipped (not a .md/.txt note, or not text): " + ", ".join(plan.skipped))
    return lines
