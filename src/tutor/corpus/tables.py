"""Q&A tables: a markdown table whose header names a question column and an answer column.

Pure. Each row is one question with its answer (and 解析) cells, `<br>` splitting a cell into lines.

Example:
    >>> faq_table(["| Q | A |", "|---|---|", "| 为什么？ | 因为。 |"], 0)
    ([('为什么？', ['因为。'])], 3)
"""
from __future__ import annotations

import re

from tutor.corpus.labels import label_of
from tutor.corpus.labels import plain as _plain


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def faq_table(lines: list[str], i: int) -> tuple[list[tuple[str, list[str]]], int]:
    """A Q&A table starting at line i: ([(question, body lines)], the line after it), or ([], i).

    The header must name a question column and an answer column with the labels Q/A lines use
    (问题 | 答案, Question | Answer, 题目 | 参考答案 | 解析). Must NOT catch a table inside an answer
    (a comparison with columns RAG | SFT): its header holds no such pair of labels.

    >>> faq_table(["| 问题 | 答案 |", "|---|---|", "| 什么是X？ | X 是 Y。<br>再补一句 |"], 0)
    ([('什么是X？', ['X 是 Y。', '再补一句'])], 3)
    >>> faq_table(["| 方法 | 特点 |", "|---|---|", "| RAG | 检索 |"], 0)
    ([], 0)
    """
    if i + 1 >= len(lines) or not _TABLE_LINE.match(lines[i]) or not _TABLE_RULE.match(lines[i + 1]):
        return [], i
    kinds = [_column_kind(c) for c in _cells(lines[i])]
    if "prompt" not in kinds or "answer" not in kinds:
        return [], i
    rows, j = [], i + 2
    while j < len(lines) and _TABLE_LINE.match(lines[j]):
        cells = _cells(lines[j]) + [""] * len(kinds)
        parts = {k: re.split(r"<br\s*/?>", cells[n], flags=re.I) for n, k in enumerate(kinds) if k}
        question = " ".join(parts["prompt"]).strip()
        if question:
            body = [x.strip() for x in parts["answer"] if x.strip()]
            body += [f"解析：{x.strip()}" for x in parts.get("explanation", []) if x.strip()]
            rows.append((_plain(question), body))
        j += 1
    return rows, j


def _column_kind(cell: str) -> str:
    """"prompt", "answer" or "explanation" for a header cell that is exactly such a label, else ""."""
    lab = label_of(_plain(cell) + "：")
    return lab[0] if lab and not lab[1].strip() else ""


_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
