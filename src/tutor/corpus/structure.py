"""Markdown → its block structure, from markdown-it tokens: headings, rules, code and list items.

Only structure is read here (which lines are headings, code, rules or top-level ordered list
items); what the text means is decided in parse. A `#` inside a code fence is never a heading,
a `1.` inside one never a list item.

Example:
    >>> b = read_blocks("# T\\n\\n## 1. 什么是X？\\n\\n```\\n# not a heading\\n```\\n\\n---\\n1. 问？\\n")
    >>> [(h.level, h.line, h.text) for h in b.headings], sorted(b.code), sorted(b.rules), b.list_items
    ([(1, 0, 'T'), (2, 2, '1. 什么是X？')], [4, 5, 6], [8], [(9, '1', '问？')])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for `#` … 6 for `######` (setext `===` is 1, `---` is 2)
    line: int  # 0-based first line
    end: int  # 0-based line after the heading
    text: str  # the heading's inline markdown, marks kept (`**1. 问题**`)


@dataclass
class Blocks:
    headings: list[Heading] = field(default_factory=list)
    rules: set[int] = field(default_factory=set)  # lines holding a thematic break (`---`, `***`)
    code: set[int] = field(default_factory=set)  # lines inside fenced or indented code
    list_items: list[tuple[int, str, str]] = field(default_factory=list)  # top-level ordered: (line, number, first line)
    inside_items: set[int] = field(default_factory=set)  # lines of top-level ordered items after their first
    bullets: dict[int, str] = field(default_factory=dict)  # top-level bullet items: line → first line, marker cut


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # CommonMark plus tables: notes use GFM tables, and a table row must not read as a paragraph break.
    return MarkdownIt("commonmark").enable("table")


def read_blocks(text: str) -> Blocks:
    """The block structure of a markdown text (line numbers index text.split("\\n")).

    Args:
        text: markdown with LF line ends.

    Returns:
        Blocks: headings in order, rule lines, code lines, top-level ordered list items, top-level bullets.
    """
    tokens = _md().parse(text)
    out = Blocks()
    for i, tok in enumerate(tokens):
        if tok.map is None:
            continue
        start, end = tok.map
        if tok.type == "heading_open":
            out.headings.append(Heading(int(tok.tag[1]), start, end, tokens[i + 1].content.strip()))
        elif tok.type == "hr":
            out.rules.add(start)
        elif tok.type in ("fence", "code_block"):
            out.code.update(range(start, end))
        elif tok.type == "list_item_open" and tok.level == 1 and tok.markup in (".", ")"):
            # tok.level 1 = an item of a list at the document's top level (its list is level 0).
            inline = next((t for t in tokens[i + 1:i + 4] if t.type == "inline"), None)
            first = inline.content.split("\n", 1)[0].strip() if inline is not None else ""
            out.list_items.append((start, tok.info, first))
            out.inside_items.update(range(start + 1, end))
        elif tok.type == "list_item_open" and tok.level == 1:
            # A top-level `- ` item: its text without the marker ("- **Q：…**" reads as "**Q：…**").
            # Nested bullets (level 3 and deeper) are an answer's points and are not kept here.
            inline = next((t for t in tokens[i + 1:i + 4] if t.type == "inline"), None)
            if inline is not None:
                out.bullets[start] = inline.content.split("\n", 1)[0].strip()
    return out
