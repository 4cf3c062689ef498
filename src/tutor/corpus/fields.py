"""Template fields: labelled bullets that a note repeats beside each answer but that are not the answer.

Pure: standard library only. Some notes are written to a template, every question followed by the same
labelled bullets:

    1) 多头注意力为何有效？
    - 标准答：分解为多个子空间，关注不同关系模式。
    - 反问点：在您当前模型中，各头是否做了正交约束？
    - 坑位：回答停留在“并行计算更快”。

Only the answer-labelled bullet is what a candidate must say. The others (a question to ask back, a pitfall,
a follow-up) are about the answer: graded as key points, a perfect answer covered one of three. The field
names are not listed anywhere; they are found from the document's own structure: a label is a field when,
in three or more items, it labels a top-level bullet that follows a top-level bullet answer label.

Must NOT catch:
- a list that the answer label introduces ("- 参考答案要点：" then indented bullets, or "- 答：有两种：" then
  "- 方式一：…"): the answer bullet must say something of its own, and indented bullets are its children;
- a labelled bullet that appears once or twice ("- 代码：", "- RoPE: RoFormer…" in a reference list): a field
  recurs, so a note written freely keeps every bullet in its answer.

Example:
    >>> body = ["- 标准答：分解为多个子空间。", "- 反问点：是否加了约束？", "- 坑位：只说并行更快。"]
    >>> sorted(field_labels([body, body, body]))
    ['反问点', '坑位']
    >>> field_labels([body, body])  # twice is not yet a template
    frozenset()
    >>> field_of("- 坑位：只说并行更快。"), field_of("  - 坑位：缩进的是答案的子项"), field_of("- 数据并行切分数据")
    ('坑位', None, None)
"""
from __future__ import annotations

import re
from collections import Counter

from tutor.corpus.labels import label_of

# A top-level bullet whose head is a short label and a colon: "- 坑位：…", "- **反问点**：…". Must NOT catch an
# indented bullet (a child of the line above), nor a sentence with a colon in it ("- 原因是：显存不够" has
# no label: 原因是 is allowed, but it only counts once it recurs as a field; see field_labels).
_FIELD = re.compile(r"^[-*+]\s+(?:\*\*)?([^\s：:*，。,.!?？()（）]{1,8})(?:\*\*)?\s*[：:]\s*(?:\*\*\s*)?(.*)$")
FIELD_MIN_ITEMS = 3  # a template repeats itself; fewer is a note that happened to use a label twice


def field_of(line: str) -> str | None:
    """The label of a top-level labelled bullet, else None."""
    m = _FIELD.match(line)
    return m.group(1) if m else None


def _answer_bullet(line: str) -> bool:
    """A top-level bullet that opens the answer and says something itself ("- 标准答：分解为……")."""
    if not _FIELD.match(line):
        return False
    lab = label_of(line)
    return bool(lab and lab[0] == "answer" and lab[1].strip() and not lab[1].rstrip().endswith(("：", ":")))


def fields_after_answer(body: list[str]) -> list[str]:
    """Labels of the top-level labelled bullets that follow this body's answer bullet, in order."""
    out, seen = [], False
    for line in body:
        if _answer_bullet(line):
            seen = True
        elif seen and (name := field_of(line)) and not label_of(line):
            out.append(name)
    return out


def field_labels(bodies: list[list[str]]) -> frozenset[str]:
    """The document's template fields: labels that follow a bullet answer in FIELD_MIN_ITEMS items or more."""
    counts = Counter(name for body in bodies for name in set(fields_after_answer(body)))
    return frozenset(name for name, n in counts.items() if n >= FIELD_MIN_ITEMS)
