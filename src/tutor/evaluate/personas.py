"""Simulated candidates for interview tests and `tutor eval interview`: an item in, an answer out.

Each persona has the band its answers should earn. The wrong persona flips the direction of the
reference's claims (降低 → 提高, 避免 → 导致), which is what a confidently wrong answer looks like.

Example:
    >>> from tutor.records import Item
    >>> it = Item("a.md", 1, "T", "如何避免过拟合？", key_points=("正则化：降低模型复杂度", "早停：避免过拟合"))
    >>> wrong(it)
    '正则化：提高模型复杂度。早停：导致过拟合。'
    >>> partial(it), repeat_question(it)
    ('正则化：降低模型复杂度。', '如何避免过拟合？')
"""
from __future__ import annotations

import re

from tutor.records import Item

FLIPS = (("降低", "提高"), ("减少", "增加"), ("减小", "增大"), ("缓解", "加重"), ("避免", "导致"), ("防止", "引发"),
         ("提高", "降低"), ("增加", "减少"), ("加速", "拖慢"), ("更快", "更慢"), ("节省", "浪费"), ("提升", "削弱"))


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


def wrong(item: Item) -> str:
    """The key points with their direction flipped: fluent, on-topic and wrong."""
    out = []
    for p in item.key_points:
        flipped = p
        for a, b in FLIPS:
            if a in flipped:
                flipped = flipped.replace(a, "\0").replace(b, a).replace("\0", b)
                break
        else:
            flipped = "其实不需要" + p.split("：")[0] + "，这种做法没有任何作用"
        out.append(_sentence(flipped))
    return "".join(out)


def empty(item: Item) -> str:
    return ""


def gibberish(item: Item) -> str:
    return "asdf qwer 啊啊啊 zxcv 12345"


def repeat_question(item: Item) -> str:
    return item.question


# persona -> (answer function, expected band of its answers)
PERSONAS = {"excellent": (excellent, "excellent"), "partial": (partial, "partial"), "wrong": (wrong, "wrong"),
            "empty": (empty, "empty"), "gibberish": (gibberish, "empty"), "repeats_question": (repeat_question, "empty")}


def followup_answer(persona: str, point: str) -> str:
    """How a persona answers a follow-up aimed at `point`: the strong one states it, the rest don't know."""
    return _sentence(point) if persona == "excellent" else ("不知道" if persona != "wrong" else "这个不重要。")
