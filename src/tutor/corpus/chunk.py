"""A note that asks no questions → passages, one or more per heading section, lines kept.

Notes without Q&A structure are still structured: headings name what each part is about, and tables
and code only read as tables and code line by line. Packing the whole file's sentences into 400-character
runs (the old way) cut across sections, titled every chunk by the first heading anywhere in the file
("Milvus (3)" for a comparison table above "### Milvus") and flattened a table into one line of pipes.
Now each heading section is packed on its own, at line boundaries, under its heading path; a line
longer than a chunk is split at sentence ends; a code block split across two chunks is closed and
reopened so that each renders.
"""
from __future__ import annotations

import re
from pathlib import Path

from tutor.corpus.parse import PASSAGE_CHARS, doc_title, key_points, split_sentences, strip_front_matter, strip_md
from tutor.corpus.markdown import rule_row
from tutor.corpus.parse import _clean_line as clean_line
from tutor.corpus.labels import no_content
from tutor.records import Item
from tutor.text.normalise import CJK_RUN

# An ATX heading outside code. Must not catch "#include" or "#!/bin/sh" (no space after the marks) or
# a "# comment" inside a fenced block (fences are tracked).
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _squeeze(row: str) -> str:
    """A table row without the spaces and dashes that only line it up.

    >>> _squeeze("| 社区   | 活跃 |"), _squeeze("|:--------|-----:|")
    ('| 社区 | 活跃 |', '|:---|---:|')
    """
    return re.sub(r"-{3,}", "---", re.sub(r" {2,}", " ", row)) if rule_row(row) else re.sub(r" {2,}", " ", row)


def _sections(lines: list[str]) -> list[tuple[tuple[str, ...], list[str]]]:
    """(heading path, body lines) in order; the text before the first heading has the path ().

    >>> _sections(["intro", "# A", "a", "```", "# not a heading", "```", "## B", "b"])
    [((), ['intro']), (('A',), ['a', '```', '# not a heading', '```']), (('A', 'B'), ['b'])]
    """
    out: list[tuple[tuple[str, ...], list[str]]] = [((), [])]
    stack: list[tuple[int, str]] = []
    fence = False
    for line in lines:
        if _FENCE.match(line):
            fence = not fence
        m = None if fence else _ATX.match(line)
        if m and m.group(2):
            level = len(m.group(1))
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, strip_md(clean_line(m.group(2))))]
            out.append((tuple(t for _, t in stack), []))
        else:
            out[-1][1].append(line)
    return out


def _pieces(lines: list[str], max_chars: int) -> list[str]:
    """Lines, with any line longer than max_chars cut at its sentence ends (CJK joined without spaces)."""
    out = []
    for line in lines:
        if len(line) <= max_chars:
            out.append(line)
            continue
        buf = ""
        for sent in split_sentences(line):
            if buf and len(buf) + len(sent) > max_chars:
                out.append(buf)
                buf = ""
            buf += sent if not buf or CJK_RUN.match(sent[:1]) else " " + sent
        if buf:
            out.append(buf)
    return out


def _pack(lines: list[str], max_chars: int) -> list[str]:
    """Runs of whole lines of at most ~max_chars; blank-line runs collapse. A code fence open at a cut is
    closed and reopened in the next run, and a table cut in two repeats its header rows there (a row
    without its column names says nothing).

    >>> _pack(["| 库 | 索引 |", "|---|---|", "| Milvus | HNSW |", "| Faiss | IVF |"], 30)
    ['| 库 | 索引 |\\n|---|---|\\n| Milvus | HNSW |', '| 库 | 索引 |\\n|---|---|\\n| Faiss | IVF |']
    """
    runs, buf, size, fence, header = [], [], 0, None, []
    for line in _pieces(lines, max_chars):
        if not line.strip() and (not buf or not buf[-1].strip()):
            continue
        row = fence is None and line.lstrip().startswith("|")
        # Never cut after nothing but a table's header or a reopened fence: the row must go with them.
        if size + len(line) > max_chars and line.strip() and any(x not in header and x != fence for x in buf):
            runs.append("\n".join(buf + (["```"] if fence else [])).strip())
            buf = [fence] if fence else (list(header) if row and header else [])
            size = sum(len(x) + 1 for x in buf)
        if _FENCE.match(line):
            fence = None if fence else line.strip()
        if not row:
            header = []
        elif not header or (len(header) == 1 and rule_row(line)):
            header.append(line)  # the header row, then its |---| rule
        buf.append(line)
        size += len(line) + 1
    if buf:
        runs.append("\n".join(buf).strip())
    # A run that is only fence marks (a cut right before a fence closed) holds nothing.
    return [r for r in runs if re.sub(r"```\S*|~~~", "", r).strip()]


def chunk_document(text: str, source: str, max_chars: int = 400) -> list[Item]:
    """Split a note that asks nothing into passages of at most ~max_chars, section by section.

    A passage is titled by the note's title and its heading path and asks its own heading; text before
    any heading (or a note with no headings at all) asks "title (n)".

    >>> [(c.question, c.answer) for c in chunk_document("第一句。第二句。", "n.txt", max_chars=5)]
    [('n (1)', '第一句。'), ('n (2)', '第二句。')]
    >>> doc = "| 库 | 索引 |\\n|---|---|\\n| Milvus | HNSW、IVF |\\n\\n## Faiss\\nFacebook 开发的向量检索库。\\n"
    >>> [(c.title, c.question, c.answer) for c in chunk_document(doc, "向量数据库.md")]
    [('向量数据库', '向量数据库 (1)', '| 库 | 索引 |\\n|---|---|\\n| Milvus | HNSW、IVF |'), ('向量数据库', 'Faiss', 'Facebook 开发的向量检索库。')]
    """
    text = strip_front_matter(text)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    # The first heading names the note only when the note opens with it; a "### Milvus" further down
    # names its own section, not the file.
    title = (doc_title([first]) if _ATX.match(first) else "") or Path(source).stem
    items: list[Item] = []
    preamble = 0
    sections: list[tuple[tuple[str, ...], list[str]]] = []
    for path, body in _sections(lines):
        if path and path[0] == title:
            path = path[1:]
        if path and no_content(path[-1]):
            continue
        # A table's cells are padded with spaces to line up in a text editor: padding says nothing.
        body = [_squeeze(ln) if ln.lstrip().startswith("|") else ln for ln in body]
        runs = _pack([clean_line(ln) for ln in body], max_chars)
        sections.append((path, runs))
    # A few characters ("见下图", "举例") are no passage, unless the note says nothing more.
    if any(len(r) >= PASSAGE_CHARS for _, runs in sections for r in runs):
        sections = [(p, [r for r in runs if len(r) >= PASSAGE_CHARS]) for p, runs in sections]
    for path, runs in sections:
        for k, run in enumerate(runs):
            if path:
                question = path[-1] if k == 0 else f"{path[-1]} ({k + 1})"
            else:
                preamble += 1
                question = f"{title} ({preamble})"
            items.append(Item(source=source, number=None, title=" › ".join((title,) + path[:-1]), question=question,
                              answer=run, key_points=key_points(run), kind="chunk", chunk=len(items) + 1))
    return items
