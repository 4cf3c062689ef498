"""corpus/errata.md → corrections attached to the items they correct, their key points rewritten.

errata.md is an ordinary corpus document (each entry is a numbered question heading, so the corpus
parser indexes it as items: citable as "errata.md §3", shown in the Library). This module reads the
entries back from those parsed items — no second parser — and applies them:

    ## 3. 勘误：什么是对称量化？                 ← the entry's question (errata.md §3)
    - **条目 Item：** ai2-compute-infra.md #4   ← the item it corrects (prompt part, before any label)
    - **原文 Wrong：** “将权重和激活值……”        ← the wrong words, verbatim (markdown marks removed)
    **答案：** 关于 0 对称地映射……              ← the correction; it replaces the quote in the key point
    **解析：** “对称”说的是……                   ← why

Pure: the corpus parser and the records only.

Example:
    >>> doc = ("# 勘误\\n\\n## 1. 勘误：GFLOPS 是多少？\\n\\n- **条目 Item：** a.md #1\\n"
    ...        "- **原文 Wrong：** “每秒亿亿次”\\n\\n**答案：** 每秒十亿次\\n\\n**解析：** G 是 10^9。\\n")
    >>> e = parse_errata(doc)[0]
    >>> e.ref, e.target, e.wrong, e.correction, e.why
    (Ref(source='errata.md', number=1), Ref(source='a.md', number=1), '每秒亿亿次', '每秒十亿次', 'G 是 10^9。')
    >>> from tutor.records import Item
    >>> it = Item("a.md", 1, "", "算力指标？", answer="- **GFLOPS：** 每秒亿亿次浮点运算", key_points=("GFLOPS： 每秒亿亿次浮点运算",))
    >>> fixed, problems = apply_errata([it], [e])
    >>> fixed[0].key_points, problems
    (('GFLOPS： 每秒十亿次浮点运算',), [])
    >>> print(annotate(it.answer, fixed[0].corrections))
    - **GFLOPS：** 每秒亿亿次浮点运算
       > 勘误 Correction（errata.md §1）：每秒十亿次。G 是 10^9。
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from tutor.corpus.parse import parse_document, strip_md
from tutor.records import Correction, Item, Ref, cite

log = logging.getLogger(__name__)

ERRATA_FILE = "errata.md"
# "- 条目 Item： notes.md #1.21" (or "§1.21", as citations show it) in an entry's prompt part. Only read
# inside errata.md entries, so it must NOT catch anything else there: the file name needs .md/.txt, the
# number digits (dotted allowed).
_TARGET = re.compile(r"条目[^：:\n]*[：:]\s*(\S+?\.(?:md|txt))\s*[#§]\s*(\d{1,4}(?:\.\d{1,4})*(?:-\d{1,2})?)", re.I)
# "- 原文 Wrong： “……”" — the quote is what stands between the outer quotation marks of that line.
_WRONG = re.compile(r"原文[^：:\n]*[：:]\s*[“\"「](.+)[”\"」]\s*$", re.M)


@dataclass(frozen=True)
class Erratum:
    """One entry of errata.md: the item it corrects, the wrong words, the correction and why."""

    number: int | str
    target: Ref
    wrong: str
    correction: str
    why: str

    @property
    def ref(self) -> Ref:
        return Ref(ERRATA_FILE, self.number)

    def as_correction(self) -> Correction:
        return Correction(self.wrong, self.correction, self.why, self.ref)


def is_errata(item: Item) -> bool:
    """An entry of errata.md itself (never asked as an interview question: it quotes the slip)."""
    return item.source == ERRATA_FILE


def _flat(text: str) -> str:
    """Text as a reader sees it: markdown marks removed, whitespace runs as one space."""
    return re.sub(r"\s+", " ", strip_md(text)).strip()


def errata_of(items: list[Item]) -> tuple[list[Erratum], list[str]]:
    """The errata entries among parsed items, and a message for every entry that lacks a field.

    Returns:
        (errata in file order, problems such as "errata.md §4: no “原文 Wrong” quote").
    """
    errata, problems = [], []
    for it in (i for i in items if is_errata(i)):
        target, wrong = _TARGET.search(it.prompt), _WRONG.search(it.prompt)
        correction, why = _flat(it.answer), _flat(it.explanation)
        missing = [name for name, v in (("条目 Item", target), ("原文 Wrong", wrong), ("答案 correction", correction))
                   if not v]
        if missing:
            problems.append(f"{cite(it.source, it.number)}: missing {', '.join(missing)}")
            continue
        n = target.group(2)
        errata.append(Erratum(it.number, Ref(target.group(1), int(n) if n.isdigit() else n),
                              _flat(wrong.group(1)), correction, why))
    return errata, problems


def parse_errata(text: str) -> list[Erratum]:
    """Parse errata.md's text into its entries (entries missing a field are left out)."""
    return errata_of(parse_document(text, ERRATA_FILE))[0]


def replacement(c: Correction) -> str:
    """What stands in the key point in place of the wrong words.

    >>> replacement(Correction("每秒亿亿次", "每秒十亿次。", "", Ref(ERRATA_FILE, 1)))
    '每秒十亿次'
    """
    # The correction stands in the middle of a key point: its own closing 。 would end the sentence early.
    return c.correction if c.wrong.endswith("。") else c.correction.rstrip("。")


def apply_errata(items: list[Item], errata: list[Erratum] | None = None) -> tuple[list[Item], list[str]]:
    """Attach each erratum to the item it corrects and rewrite the key point that states the slip.

    The item's answer text stays as the document wrote it (the reference card shows it with a note);
    its key points — what grading, interview hints and the index's key-point view use — carry the
    corrected wording, so every mode sees the correction from one place.

    Args:
        items: canonical items (a target given by a merged duplicate's number still finds its item).
        errata: the entries; default: read from the errata.md items among `items`.

    Returns:
        (items, problems): an entry whose target is unknown or whose quote is not in the target's
        text (or in none of its key points) is reported and not applied.
    """
    problems: list[str] = []
    if errata is None:
        errata, problems = errata_of(items)
    by_ref = {ref: i for i, it in enumerate(items) for ref in it.refs}
    out = list(items)
    for e in errata:
        i = by_ref.get(e.target)
        where = f"{cite(ERRATA_FILE, e.number)} → {cite(e.target.source, e.target.number)}"
        if i is None:
            problems.append(f"{where}: no such item")
            continue
        item = out[i]
        if e.wrong not in _flat(item.text()):
            problems.append(f"{where}: quote “{e.wrong}” not found in the item's text")
            continue
        points = tuple(p.replace(e.wrong, replacement(e.as_correction())) for p in item.key_points)
        if points == item.key_points:
            problems.append(f"{where}: quote “{e.wrong}” is in none of the item's key points")
            continue
        out[i] = replace(item, key_points=points, corrections=item.corrections + (e.as_correction(),))
    return out, problems


def note(c: Correction) -> str:
    """The one-line "勘误 Correction" note shown under the affected sentence."""
    why = f"。{c.why}" if c.why else ""
    return f"勘误 Correction（{cite(c.erratum.source, c.erratum.number)}）：{c.correction.rstrip('。')}{why}"


def annotate(text: str, corrections: tuple[Correction, ...]) -> str:
    """The text with each correction's note on the line after the sentence it corrects.

    The note is a markdown blockquote indented into the line's list item, so it renders under that
    point in the UI and reads plainly in a terminal. A quote no longer in the text (the reference was
    clipped before it) gets its note at the end.
    """
    lines = text.split("\n")
    notes: dict[int, list[str]] = {}
    for c in corrections:
        at = next((k for k, line in enumerate(lines) if c.wrong in _flat(line)), len(lines) - 1)
        notes.setdefault(at, []).append(f"   > {note(c)}")
    return "\n".join(part for k, line in enumerate(lines) for part in [line, *notes.get(k, [])])


def correction_text(item: Item) -> str:
    """The item's corrections as plain lines for an LLM prompt or a support check ("" when none)."""
    return "".join(f"\n勘误：原文“{c.wrong}”有误，应为：{c.correction.rstrip('。')}。" for c in item.corrections)


def errata_refs(items) -> tuple[Ref, ...]:
    """The errata entries of the given items, in order, once each: what an answer citing them also cites."""
    return tuple(dict.fromkeys(c.erratum for it in items for c in it.corrections))
