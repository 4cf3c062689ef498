"""Simulated candidates for interview tests and `tutor eval interview`: an item in, an answer out.

Each persona has the band its answers should earn. The wrong persona is built from the structure of
the corpus, never from the grader's word lists (grade.contradiction's direction and negation cues):
it only moves the item's own text around, so a cue fires on its answers only where the reference
itself already says the same words. A confidently wrong candidate mixes definitions up:
- an item with labelled points ("正则化：…") gets each label with the *next* point's explanation;
- a definition item ("X（…）是一种…") gets a sibling item's points presented as X's when a pool of
  items is given (`personas(items)`), else the two named terms it contains swapped, else its subject
  and its genus swapped ("CNN 是一种深度学习模型" → "深度学习模型是一种 CNN").

Example:
    >>> from tutor.records import Item
    >>> it = Item("a.md", 1, "T", "如何避免过拟合？", key_points=("正则化：降低模型复杂度", "早停：验证集变差时停止训练"))
    >>> wrong(it)
    '正则化：验证集变差时停止训练。早停：降低模型复杂度。'
    >>> cnn = Item("b.md", 2, "T", "什么是CNN？", key_points=("卷积神经网络（CNN）是一种处理图像的深度学习模型。",))
    >>> rnn = Item("b.md", 3, "T", "什么是RNN？", key_points=("循环神经网络（RNN）是一种处理序列的神经网络。",))
    >>> wrong(cnn, pool=[cnn, rnn]), wrong(cnn)
    ('卷积神经网络（CNN）是一种处理序列的神经网络。', '深度学习模型（CNN）是一种处理图像的卷积神经网络。')
    >>> partial(it), repeat_question(it)
    ('正则化：降低模型复杂度。', '如何避免过拟合？')
"""
from __future__ import annotations

import re
from typing import Sequence

from tutor.records import Item

# "label：body" — a point that names a term and explains it. Must NOT catch a time or ratio inside a
# sentence ("10:1"): the label is at most 40 characters and ends at the first colon.
_LABELLED = re.compile(r"^(.{1,40}?)\s*[：:]\s*(.+)$", re.S)
# A named term with a parenthesised gloss: "卷积神经网络（Convolutional Neural Network，CNN）".
_NAMED = re.compile(r"([\u4e00-\u9fff]{2,12})[（(]([^）)]{1,60})[）)]")
# The subject of a definition sentence, with or without a gloss: "过拟合是指…", "CNN 是一种…", and after a
# leading clause "在深度学习模型中，深度（Depth）指的是…". Must NOT take a clause's tail without a gloss
# for a subject ("…中，模型是…"): past the start, only a glossed term counts.
_SUBJECT = re.compile(r"^\s*([^，,。（(]{2,12}?)\s*(?:[（(]([^）)]{1,60})[）)])?\s*(?:是|指)"
                      r"|[，,]\s*([\u4e00-\u9fff]{2,12})[（(]([^）)]{1,60})[）)]\s*(?:是|指)")
# The genus a definition files its subject under: "是一种专门处理图像的深度学习模型，" → 深度学习模型
# (the predicate up to its clause end, after its last 的).
_GENUS = re.compile(r"(?:是一种|指的是|是指|是)([^，,。]{2,40})")
# An enumeration "A、B和C": its first two members, each named again elsewhere in the item.
_ENUM = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,10})、([\u4e00-\u9fffA-Za-z]{2,10})")


def _sentence(text: str) -> str:
    text = text.rstrip("。；;.")
    return text + "。"


def excellent(item: Item) -> str:
    """Every key point and the 解析, stated plainly."""
    return "".join(_sentence(p) for p in item.key_points) + (_sentence(item.explanation) if item.explanation else "")


def _brief(point: str) -> str:
    """A point as a candidate would name it in passing: up to its first clause."""
    return re.split(r"[，,；;]", point, maxsplit=1)[0]


def partial(item: Item) -> str:
    """About a third of what the reference says, briefly: a third of the points by their first clause."""
    points = item.key_points or (item.answer,)
    if len(points) >= 3:
        return "".join(_sentence(_brief(p)) for p in points[: len(points) // 3])
    head = points[0]
    return _sentence(_brief(head) if len(points) == 2 else head[: max(4, len(head) // 2)])


def _subject(item: Item) -> tuple[str, tuple[str, ...]] | None:
    """(the term an item defines, its aliases from the gloss), or None for an item that defines nothing."""
    m = _SUBJECT.search(item.key_points[0]) if item.key_points else None
    if not m:
        return None
    name, gloss = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    aliases = tuple(a.strip() for a in re.split(r"[，,]", gloss or "") if a.strip())
    return name.strip(), aliases


def _swap(text: str, a: str, b: str) -> str:
    return text.replace(a, "\0").replace(b, a).replace("\0", b)


def _sibling(item: Item, pool: Sequence[Item]) -> Item | None:
    """The nearest other item that also defines a term: same document and topic first, then by number."""
    mine = set(item.refs)

    def distance(other: Item) -> tuple:
        near = abs(other.number - item.number) if isinstance(other.number, int) and isinstance(item.number, int) else 999
        return (other.source != item.source, not set(other.topics) & set(item.topics), near, other.id)

    others = [o for o in pool if o.kind == "item" and o.key_points and not set(o.refs) & mine
              and o.question != item.question and _subject(o) and not _labelled(o)]
    return min(others, key=distance, default=None)


def _labelled(item: Item) -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2).strip()) for p in item.key_points if (m := _LABELLED.match(p))]


def wrong(item: Item, pool: Sequence[Item] = ()) -> str:
    """A fluent, on-topic answer that mixes the definitions up (see the module docstring).

    Args:
        item: the item asked.
        pool: other items to borrow a sibling definition from (the corpus); optional.
    """
    labelled = _labelled(item)
    if len(labelled) >= 2:
        return "".join(_sentence(f"{label}：{labelled[(i + 1) % len(labelled)][1]}")
                       for i, (label, _) in enumerate(labelled))
    subject = _subject(item)
    sibling = _sibling(item, pool)
    if sibling is not None:
        text = "".join(_sentence(p) for p in sibling.key_points)
        if subject is None:  # this item defines no term: the sibling's points stand as they are
            return text
        (mine, my_aliases), (theirs, their_aliases) = subject, _subject(sibling)
        # The sibling's gloss becomes this item's, then its name and its short names become this item's.
        text = re.sub(re.escape(theirs) + r"\s*[（(][^）)]*[）)]", mine + "\0", text, count=1)
        for alias in (theirs, *their_aliases):
            text = text.replace(alias, my_aliases[-1] if my_aliases and alias != theirs else mine)
        gloss = f"（{'，'.join(my_aliases)}）" if my_aliases else ""
        return text.replace(mine + "\0", mine + gloss)
    text = "".join(_sentence(p) for p in item.key_points)
    named = list(dict.fromkeys(n for n, _ in _NAMED.findall(text)))[1:]  # the terms besides the subject
    named = [n for n in named if text.count(n) >= 2]  # named again later: a term, not a phrase ending in one
    if len(named) >= 2:
        return _swap(text, named[0], named[1])
    genus = _GENUS.search(item.key_points[0], _SUBJECT.search(item.key_points[0]).end() - 2) if subject else None
    if genus and (kind := genus.group(1).split("的")[-1].strip()) and len(kind) >= 2 and kind != subject[0]:
        return _swap(text, subject[0], kind)
    enum = next((m for m in _ENUM.finditer(text) if text.count(m.group(1)) >= 2 or text.count(m.group(2)) >= 2), None)
    if enum:
        return _swap(text, enum.group(1), enum.group(2))
    # Nothing to mix up inside the item and no pool to borrow from (2 of the 107 seed items: statements
    # with no term defined and no list named twice): the points stand, and that answer is not wrong.
    return text


def empty(item: Item) -> str:
    return ""


def gibberish(item: Item) -> str:
    return "asdf qwer 啊啊啊 zxcv 12345"


def repeat_question(item: Item) -> str:
    return item.question


def personas(pool: Sequence[Item] = ()) -> dict:
    """persona → (answer function of an item, expected band); `pool` lets the wrong one borrow siblings."""
    return {"excellent": (excellent, "excellent"), "partial": (partial, "partial"),
            "wrong": ((lambda item: wrong(item, pool)) if pool else wrong, "wrong"),
            "empty": (empty, "empty"), "gibberish": (gibberish, "empty"), "repeats_question": (repeat_question, "empty")}


# The personas without a pool (the interview eval's default): a definition item then mixes up its own terms.
PERSONAS = personas()


def followup_answer(persona: str, point: str) -> str:
    """How a persona answers a follow-up aimed at `point`: the strong one states it, the rest don't know."""
    return _sentence(point) if persona == "excellent" else ("不知道" if persona != "wrong" else "这个不重要。")
