"""A corpus folder → canonical, topic-tagged items (parse or chunk each file, merge duplicates, tag topics)."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path

from tutor.corpus.chunk import chunk_document
from tutor.corpus.decode import Undecodable, decode_note
from tutor.corpus.dedup import merge_duplicates
from tutor.corpus.errata import apply_errata
from tutor.corpus.parse import parse_document
from tutor.corpus.topics import tag_topics
from tutor.records import Item, Ref

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".txt")


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in Path(corpus_dir).iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def corpus_hash(corpus_dir: Path) -> str:
    """sha256 over every corpus file's name and bytes: the index is stale when this changes."""
    h = hashlib.sha256()
    for p in corpus_files(corpus_dir):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def load_corpus(corpus_dir: Path) -> list[Item]:
    """Read every .md/.txt in corpus_dir into canonical, topic-tagged items.

    UTF-8 (with or without BOM), UTF-16 with a BOM and GB18030/GBK are read (anything but UTF-8 is
    logged, naming the encoding); binary or undecodable files are skipped with a warning naming them.
    The entries of errata.md are applied last (corpus.errata): an entry that no longer matches its item
    is logged and left out, never silently applied elsewhere.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir} (set TUTOR_CORPUS_DIR)")
    items: list[Item] = []
    for path in corpus_files(corpus_dir):
        try:
            text, encoding = decode_note(path.read_bytes())
        except OSError as exc:
            log.warning("skipping %s: cannot read it (%s)", path.name, exc)
            continue
        except Undecodable as exc:
            log.warning("skipping %s: not a text file (%s)", path.name, exc)
            continue
        if encoding not in ("utf-8", "utf-8-sig"):
            # "utf-8, 2 damaged bytes replaced" says what happened; any other encoding is named as not UTF-8.
            log.warning("%s: read as %s%s", path.name, encoding, "" if encoding.startswith("utf-8") else " (not UTF-8)")
        parsed = parse_document(text, path.name) or chunk_document(text, path.name)
        items.extend(parsed)
    merged = merge_duplicates(items)
    corrected, problems = apply_errata([replace(it, topics=tag_topics(it)) for it in merged])
    for problem in problems:
        log.warning("errata: %s", problem)
    return corrected


def find_item(items: list[Item], ref: Ref) -> Item | None:
    """The canonical item standing for ref (directly or as a merged duplicate)."""
    return next((it for it in items if ref in it.refs), None)


def sections(item: Item) -> set[tuple[str, str]]:
    """The numbered sections an item sits in: (file, number without its last part) for a dotted number.

    Items of one section answer neighbouring questions about one subject (siblings), even when their
    content put them under different topics. A plain number (the seeds' "3") names no section.

    >>> sections(Item("n.md", "6.2", "", "为什么会复读？")), sections(Item("a.md", 3, "", "Q？"))
    ({('n.md', '6')}, set())
    """
    return {(r.source, str(r.number).rsplit(".", 1)[0]) for r in item.refs if "." in str(r.number or "")}


def file_report(items: list[Item]) -> dict[str, dict[str, int]]:
    """Per corpus file: questions parsed, plain-text chunks, and questions with no reference answer.

    >>> file_report([Item("a.md", 1, "", "Q？", answer="A"), Item("a.md", 2, "", "Q2？"),
    ...              Item("n.txt", None, "", "n (1)", answer="x", kind="chunk", chunk=1)])
    {'a.md': {'items': 2, 'chunks': 0, 'no_answer': 1}, 'n.txt': {'items': 0, 'chunks': 1, 'no_answer': 0}}
    """
    report: dict[str, dict[str, int]] = {}
    for it in items:
        empty = it.kind == "item" and not (it.answer.strip() or it.explanation.strip())
        for ref in it.refs:  # a merged duplicate still counts for its own file
            row = report.setdefault(ref.source, {"items": 0, "chunks": 0, "no_answer": 0})
            row["items" if it.kind == "item" else "chunks"] += 1
            row["no_answer"] += empty
    return dict(sorted(report.items()))
