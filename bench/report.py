"""Write one bench's section of docs/benchmarks.md (or another doc), leaving every other section as it was.

A section is the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (HTML comments, so the
markers don't render). Each bench calls `write_section` at the end of its run; `--no-write` skips it.

Example:
    >>> doc = "# Benchmarks\\n\\n<!-- bench:a -->\\nold a\\n<!-- /bench:a -->\\n\\nprose\\n"
    >>> print(replace_section(doc, "a", "new a"))
    # Benchmarks
    <BLANKLINE>
    <!-- bench:a -->
    new a
    <!-- /bench:a -->
    <BLANKLINE>
    prose
    <BLANKLINE>
    >>> replace_section(doc, "b", "| x |").endswith("prose\\n\\n<!-- bench:b -->\\n| x |\\n<!-- /bench:b -->\\n")
    True
"""
from __future__ import annotations

import argparse
import datetime
import re
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
# A bench's name as it appears in a marker: a module-like word. Must not admit spaces, '-->' or '/',
# which would let a name close the comment or pass for an end marker.
NAME = re.compile(r"[a-z][a-z0-9_]*")


def markers(name: str) -> tuple[str, str]:
    """The opening and closing marker of section `name`.

    >>> markers("ask_bench")
    ('<!-- bench:ask_bench -->', '<!-- /bench:ask_bench -->')
    """
    if not NAME.fullmatch(name):
        raise ValueError(f"bad section name {name!r}: lower-case letters, digits and '_' only")
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def replace_section(text: str, name: str, body: str) -> str:
    """Return text with section `name` holding body; a section not yet in text is appended at the end.

    Args:
        text: the whole document.
        name: the section's name (the bench's module name by convention).
        body: markdown to put between the markers (surrounding blank lines are trimmed).

    Raises:
        ValueError: the document holds the section's opening marker twice or without its closing one,
            or body holds a bench marker (it would break the next rewrite).
    """
    start, end = markers(name)
    if "<!-- bench:" in body or "<!-- /bench:" in body:
        raise ValueError(f"the body of section {name!r} holds a bench marker")
    block = f"{start}\n{body.strip()}\n{end}"
    if text.count(start) > 1:
        raise ValueError(f"{start} appears {text.count(start)} times")
    i = text.find(start)
    if i < 0:
        return (text.rstrip("\n") + "\n\n" if text.strip() else "") + block + "\n"
    j = text.find(end, i)
    if j < 0:
        raise ValueError(f"{start} has no closing {end}")
    return text[:i] + block + text[j + len(end):]


def query_latencies_ms(retriever, queries: list[str], k: int = 5, refuse: bool = False) -> list[float]:
    """Milliseconds per `retriever.search(q, k)` over `queries`, after one warm-up search; with `refuse`, per
    search plus the refusal decision (`retrieve_or_refuse`, as ask and quick mode call it)."""
    from tutor.retrieve.refusal import retrieve_or_refuse

    def run(q: str):
        return retrieve_or_refuse(retriever, q, k=k) if refuse else retriever.search(q, k=k)

    run(queries[0])
    times = []
    for q in queries:
        t0 = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def cpu_model(cpuinfo: str | None = None) -> str:
    """The CPU's model name and the cores this process may use.

    >>> cpu_model("processor : 0\\nmodel name : AMD EPYC 7B13\\n").startswith("AMD EPYC 7B13, ")
    True
    """
    import os

    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
                 "unknown CPU")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{model}, {cores} cores"


def stamp(command: str, day: datetime.date, cpu: str) -> str:
    """The line that opens every section: when, on what, by which command.

    >>> stamp("python bench/x.py --n 2", datetime.date(2026, 12, 3), "AMD EPYC, 2 cores")
    '*Written by `python bench/x.py --n 2` on 2026-12-03 (AMD EPYC, 2 cores).*'
    """
    return f"*Written by `{command}` on {day.isoformat()} ({cpu}).*"


def this_command() -> str:
    """How this process was started, as one could type it again from the project root."""
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    return shlex.join(["python", str(shown), *sys.argv[1:]])


def write_section(name: str, body: str, doc: Path = DOC, command: str | None = None) -> Path:
    """Stamp body and write it as section `name` of doc; print where it went.

    Args:
        name: the section (by convention the bench's module name, e.g. "retrieval_bench").
        body: the markdown table(s) and lines the bench produced.
        doc: the document (docs/benchmarks.md unless the bench has its own page).
        command: the command to show; default: this process's own.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    stamped = stamp(command or this_command(), datetime.date.today(), cpu_model()) + "\n\n" + body.strip()
    doc.write_text(replace_section(text, name, stamped), encoding="utf-8")
    print(f"wrote section {name!r} of {doc.relative_to(ROOT) if doc.is_relative_to(ROOT) else doc}")
    return doc


def add_no_write(ap: argparse.ArgumentParser) -> None:
    """The `--no-write` flag every bench takes: a dry run prints its figures and leaves the docs alone."""
    ap.add_argument("--no-write", action="store_true", help="don't rewrite this bench's section of the docs")
