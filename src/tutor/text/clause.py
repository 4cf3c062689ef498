"""Readable names for key points: the point's own label, or a whole clause, never a word cut in half.

A key point is usually "标签：解释" (the seed documents' layout) or one long sentence. Feedback names a
point by its label when it has a short one; otherwise by its first clause, cut only at punctuation, at a
space between English words, or at a jieba word boundary, and never inside a bracket it opened.

Example:
    >>> label("使用正则化：应用L1、L2正则化，降低模型参数的复杂度")
    '使用正则化'
    >>> label("对称量化（Symmetric Quantization）是指将权重和激活值同时量化到同一范围内的方法", 12)
    '对称量化…'
    >>> label("Gradient clipping caps the norm of the gradient before the optimizer step", 30)
    'Gradient clipping caps the…'
    >>> label("量化方法应根据具体应用场景和硬件平台进行选择", 10)
    '量化方法应根据具体…'
    >>> label("使用正则化方法降低模型参数的复杂度并提高泛化能力和稳定性", 13)
    '使用正则化方法降低模型参数…'
"""
from __future__ import annotations

import re

# Clause ends: Chinese and ASCII punctuation. Not "." inside numbers (FP8.5, 1.12) or "-" in terms (all-reduce).
_CLAUSE_END = re.compile(r"[，、；。！？,;!?：:]|\.(?!\d)")
# Single function words a name must not end on ("…参数的", "…硬件和"). Content words ending in these
# characters (目的, 总和) are whole jieba words and are not affected: only a lone particle is dropped.
_DANGLING = frozenset("的 地 得 和 与 及 或 在 对 把 被 将 是 了 中 为 以 等 而".split())
_OPEN, _CLOSE = "（(「“《[", "）)」”》]"
# A label is "标签：…" with a short head; a head with a clause mark inside is a sentence, not a label.
_LABEL = re.compile(r"^\s*([^：:，。；,;]{1,16})\s*[：:]")


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch in _OPEN) - (ch in _CLOSE)
    return depth <= 0


def _words(text: str) -> list[str]:
    """jieba's words of `text`, loaded quietly (only long label-less Chinese clauses need it)."""
    import jieba

    from tutor.text.tokenise import silence_jieba

    silence_jieba()
    return jieba.lcut(text)


def _word_cut(text: str, limit: int) -> str:
    """The longest prefix within `limit` that ends on a word boundary (jieba for CJK, spaces for ASCII)."""
    if re.search(r"[\u4e00-\u9fff]", text[:limit]):
        words: list[str] = []
        for word in _words(text):
            if sum(map(len, words)) + len(word) > limit:
                break
            words.append(word)
        while words and words[-1] in _DANGLING:  # "降低模型参数的…" reads as cut off: end before the particle
            words.pop()
        return "".join(words).rstrip()
    head = text[:limit + 1]
    return head[:head.rfind(" ")].rstrip() if " " in head else ""


def label(point: str, limit: int = 28) -> str:
    """A name for `point` no longer than `limit` characters (plus "…"), cut only at a boundary.

    The label before "：" wins; else the text up to the last clause end within `limit`; else the longest
    word-boundary prefix. A cut never leaves a bracket open: the cut moves before the bracket.
    """
    text = " ".join(point.split())
    m = _LABEL.match(text)
    if m:
        return m.group(1).strip()
    if len(text) <= limit:
        return text
    ends = [e.start() for e in _CLAUSE_END.finditer(text, 0, limit + 1) if e.start() > 0]
    cut = text[:ends[-1]] if ends else _word_cut(text, limit)
    while cut and not _balanced(cut):  # "对称量化（Symmetric Quantizat" → "对称量化"
        cut = cut[:max(cut.rfind(c) for c in _OPEN)].rstrip()
    cut = cut.rstrip(" ，、；,;：:") or text[:limit]
    return cut if cut == text else cut + "…"


def is_boundary_cut(full: str, shown: str) -> bool:
    """Whether `shown` (a name from `label`, maybe ending in "…") ends where `full` has a boundary.

    >>> is_boundary_cut("降低模型参数的复杂度", "降低模型参…")
    False
    >>> is_boundary_cut("使用正则化：应用L1", "使用正则化")
    True
    """
    text = " ".join(full.split())
    head = shown[:-1] if shown.endswith("…") else shown
    if not text.startswith(head):
        return False
    rest = text[len(head):]
    if not rest or rest[0] in " ，、；。！？,;!?：:（(" or not head:
        return True
    if re.match(r"[A-Za-z0-9]", rest[0]) and re.search(r"[A-Za-z0-9]$", head):
        return False  # inside an ASCII word
    if re.match(r"[\u4e00-\u9fff]", rest[0]) and re.search(r"[\u4e00-\u9fff]$", head):
        pos = 0
        for word in _words(text):
            pos += len(word)
            if pos == len(head):
                return True
            if pos > len(head):
                return False
    return True
