"""Merge near-duplicate items: same question, overlapping text; the fullest copy stands for all."""
from __future__ import annotations

import re
from dataclasses import replace

from tutor.records import Item
from tutor.text.normalise import char_bigrams


def _norm_question(q: str) -> str:
    return re.sub(r"[\W_]+", "", q).lower()


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text)
    return char_bigrams(t)


def similarity(a: Item, b: Item) -> float:
    """Overlap coefficient of two items' character bigrams (0..1).

    Containment rather than Jaccard: a terser copy of an item (same points, shorter wording)
    is a duplicate even though the longer one has many bigrams of its own.
    """
    x, y = _bigrams(a.text()), _bigrams(b.text())
    return len(x & y) / min(len(x), len(y)) if x and y else 0.0


def merge_duplicates(items: list[Item], threshold: float = 0.6) -> list[Item]:
    """Merge near-duplicates: same question (ignoring punctuation) and similar text.

    The canonical item is the fullest member (longest text); it keeps every (source, number)
    it stands for in `duplicates`, itself first. Order follows the canonical items' first appearance.
    """
    groups: list[list[Item]] = []
    for item in items:
        for group in groups:
            head = group[0]
            if (item.kind == "item" and head.kind == "item"
                    and _norm_question(item.question) == _norm_question(head.question)
                    and max(similarity(item, g) for g in group) >= threshold):
                group.append(item)
                break
        else:
            groups.append([item])
    merged = []
    for group in groups:
        canon = max(group, key=lambda it: (len(it.text()), -group.index(it)))
        refs = [canon.ref] + [g.ref for g in group if g is not canon]
        merged.append(replace(canon, duplicates=tuple(refs)))
    return merged
