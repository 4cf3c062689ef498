"""Free text → sentence-packed chunks, for documents that are not numbered interview items."""
from __future__ import annotations

from pathlib import Path

from tutor.corpus.parse import doc_title, key_points, split_sentences, strip_front_matter
from tutor.records import Item
from tutor.text.normalise import CJK_RUN


def chunk_document(text: str, source: str, max_chars: int = 400) -> list[Item]:
    """Split a free-text document into sentence-packed chunks of at most ~max_chars.

    >>> [c.answer for c in chunk_document("第一句。第二句。", "n.txt", max_chars=5)]
    ['第一句。', '第二句。']
    """
    text = strip_front_matter(text)
    title = doc_title(text.splitlines()) or Path(source).stem
    chunks, buf = [], ""
    for sent in split_sentences(text):
        if buf and len(buf) + len(sent) > max_chars:
            chunks.append(buf)
            buf = ""
        buf += sent if not buf or CJK_RUN.match(sent[:1]) else " " + sent
    if buf:
        chunks.append(buf)
    return [
        Item(source=source, number=None, title=title, question=f"{title} ({i + 1})", answer=c,
             key_points=key_points(c), kind="chunk", chunk=i + 1)
        for i, c in enumerate(chunks)
    ]
