"""Q/A blocks in lines that belong to no heading item: labels, bold questions, numbered paragraphs.

Pure. sections.find_questions hands this module the spans between heading items; each line that opens a
question (a Q/问题/题目 label, a wholly bold line that asks, a top-level numbered list item that asks, a
`<summary>` that asks, a "1、……？" paragraph) starts one, and the lines after it are its body.

Example:
    >>> qs = free_questions(["**问题：** 什么是X？", "**回答：** X 是 Y。", "Q2: 为什么？", "A2: 因为。"], range(0, 4),
    ...                     set(), {}, set(), ())
    >>> [(q.number, q.question, q.body) for q in qs]
    [(None, '什么是X？', ['**回答：** X 是 Y。']), ('2', '为什么？', ['A2: 因为。'])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.corpus.labels import BOLD_LINE as _BOLD_LINE
from tutor.corpus.labels import asks, asks_as_item, ends_asking, has_number, label_of, plain, split_number
from tutor.corpus.tables import faq_table

# A numbered Q label opening a line ("**Q26：如果……？**", "Q3: …"): the note's own next question, even inside a
# heading's section and even when it asks without a question word ("Q9：……应该修改注意力层还是前馈层的参数。").
# Must NOT catch "QPS", "Q&A" or "QKV": a digit follows the Q.
Q_NUMBER = re.compile(r"^\s*(?:\*\*)?\s*Q\d{1,3}\s*[：:.、]")
_SUMMARY = re.compile(r"<summary>(.*?)</summary>", re.I)
TOPIC_CHARS = 60  # a numbered entry that names a topic is a title, not a paragraph of answer
# A bold bullet that ends a sentence states a point ("- **共线性会造成冗余。**"), one that ends with a colon
# names the list under it ("- **相关模块：**"): both are the answer's text, even in a note of bold-bullet
# questions. Must NOT catch a question mark ("？" asks) nor an ellipsis or a version ("v1.0").
# A label opening a question, not part of it: an interviewer's follow-up (its group "follow") or 面试问. Must NOT
# catch 追问 inside a sentence ("面试官会追问哪些细节？" asks about follow-ups): only a label opening the line, with
# its colon.
_LEAD_LABEL = re.compile(r"^(?:(?P<follow>追问|继续追问|延伸|follow[- ]?up(?: question)?)|面试问)\s*[：:]\s*", re.I)
_STATEMENT = re.compile(r"[。！!；;：:]\s*$|[^.\d]\.\s*$")


@dataclass
class Question:
    number: str | None  # the document's own number ("1.21"), None when it has none
    question: str
    body: list[str]
    context: tuple[str, ...] = ()  # the organising headings above it, outermost first
    parent: str | None = None  # the number of the nearest organising heading ("2" for "# 2.RAG解决的问题")
    weak: bool = False  # found only by its shape (a bold or list line that asks), not by a heading or a Q label


def question_line(line: str, list_items: dict[int, str], i: int, paragraph_start: bool = False,
                  bullets: dict[int, str] | None = None) -> str | None:
    """The question a free line starts, or None.

    Besides labels, list items and `<summary>`: a wholly bold line that asks ("**Q1. What is X?**",
    "**什么是 NCCL？**"), or a top-level bullet that is (`- **感受野是什么？**`, `- **Q：……**`; a nested
    bullet is an answer's point and never asks here), and a paragraph that opens with a number CommonMark does not read as a list
    ("1、什么是X？", "1）为什么……？", "（2）……？", "一、……？") and asks. Must NOT catch a numbered line
    inside a paragraph (a wrapped answer's "2）" continuation) or a numbered statement ("1、数据并行切数据").
    """
    lab = label_of(line)
    if lab and lab[0] == "prompt":
        return lab[1].strip() or None
    if i in list_items and asks_as_item(list_items[i]):
        return plain(list_items[i])
    if bullets and i in bullets and not _BOLD_LINE.match(bullets[i]) and ends_asking(bullets[i]):
        return plain(bullets[i])  # a plain bullet that asks, answered by the bullets nested under it
    if m := _BOLD_LINE.match((bullets or {}).get(i, line)):
        inner = label_of(m.group(1))  # "**Q1. What is X?**": the label sits inside the bold
        if inner and inner[0] == "prompt" and (asks(inner[1]) or i in (bullets or {}) or Q_NUMBER.match(line)):
            return plain(inner[1])
        if (asks(m.group(1)) or i in (bullets or {}) and not inner and not _STATEMENT.search(m.group(1))) \
                and not label_of(m.group(1) + "："):
            # In a note whose bold bullets are its questions, "- **BP**" is an entry too, as "## 3. BP" is.
            return plain(split_number(m.group(1))[1])
    if paragraph_start and i not in list_items and has_number(line) and asks_as_item(line):
        return plain(split_number(line)[1])
    if (m := _SUMMARY.search(line)) and asks(plain(m.group(1))):
        return plain(m.group(1))
    return None


# A contents line ends with its page number after a space or tab ("1.4.7 联合概率的区别 9", "…? 10").
# Must NOT catch a number that belongs to the question: it needs whitespace before it and nothing after.
_PAGE = re.compile(r"[\s？?]\d{1,3}\s*$")


def _drop_contents(qs: list[Question], plain_numbered: dict[int, str]) -> list[Question]:
    """Undo "1、……？" paragraph questions whose body is only more numbered lines, or nothing: that is a
    table of contents ("1.1 什么是X？ 2" then "1.2 ……"), not a question with its answer. Their lines go
    back to the block before them, so nothing is lost (a document of only such lines is chunked)."""
    out: list[Question] = []
    for q in qs:
        text = [ln for ln in q.body if ln.strip()]
        toc = id(q) in plain_numbered and (_PAGE.search(plain_numbered[id(q)])
                                           or 2 * sum(has_number(ln) for ln in text) >= len(text))
        if not toc:
            out.append(q)
        elif out:
            out[-1].body.extend([plain_numbered[id(q)], *q.body])
    return out


def _next_number(prev: Question, line: str) -> bool:
    """Does this line go on with the numbering of the question before it, inside one paragraph?
    "1.什么是X？" then its answer then "2.为什么？" with no blank line between: CommonMark reads no list
    without a space after the dot, so each is a paragraph's inner line. Must NOT catch a wrapped answer's
    own enumeration ("1）显存 2）通信？" under question 1: the body numbers lines already), a number that
    skips ("3.14 为什么……" after question 1) or a dotted one ("2.1 小节").

    >>> _next_number(Question("1", "什么是X？", ["X 是 Y。"]), "2.为什么？")
    True
    >>> _next_number(Question("1", "什么是X？", ["1）显存"]), "2）通信为什么慢？"), _next_number(Question("1", "q", []), "2.1 小节")
    (False, False)
    """
    number = split_number(line)[0]
    return (bool(prev.number and prev.number.isdigit() and number and number.isdigit())
            and int(number) == int(prev.number) + 1
            and not any((split_number(ln)[0] or "").isdigit() for ln in prev.body))  # "3.14 …" enumerates nothing


def free_questions(lines: list[str], span: range, code: set[int], list_items: dict[int, str],
                   rules: set[int], context: tuple[str, ...], list_numbers: dict[int, str] | None = None,
                   inside: set[int] = frozenset(), bullets: dict[int, str] | None = None) -> list[Question]:
    """Q/A blocks in lines that belong to no heading item."""
    out: list[Question] = []
    plain_numbered: dict[int, str] = {}  # id(question) → its line, for questions found as "1、……？" paragraphs
    follow_up: set[int] = set()  # id(question) of those labelled as an interviewer's follow-up
    table_end = span.start
    for i in span:
        if i < table_end:
            continue
        rows, end = faq_table(lines, i)
        if rows:
            table_end = end
            out.extend(Question(None, q, body, context) for q, body in rows)
            out.append(Question(None, "", [], context))  # closes the last row: what follows is not its answer
            continue
        if i in code:
            if out:
                out[-1].body.append(lines[i])
            continue
        if i in rules:
            if out:
                out[-1].body.append("---")  # kept so the block ends here (see _close)
            continue
        # Inside a numbered item ("1." then its indented answer) a bold line is the answer's sub-heading.
        start = i == span.start or not lines[i - 1].strip() or bool(out) and _next_number(out[-1], lines[i])
        q = None if i in inside else question_line(lines[i], list_items, i, start, bullets)
        if (q is None and start and out and id(out[-1]) in plain_numbered and i not in list_items
                and _next_number(out[-1], lines[i]) and len(lines[i].strip()) <= TOPIC_CHARS
                and not _STATEMENT.search(lines[i])):
            # "10.……问题？" then "11.领域大模型训练Trick": the next number of a run of numbered paragraph
            # questions is the next entry even when it names a topic instead of asking (it was item 10's answer).
            q = plain(split_number(lines[i].strip())[1])
        if q is not None:
            if not q and i + 1 < len(lines):  # "**问题：**" alone: the question is the next line
                q = lines[i + 1].strip()
            text = (bullets or {}).get(i, lines[i])  # a bullet's words without its "- "
            number = (split_number(text.lstrip("*# "))[0] or (re.findall(r"Q(\d{1,2})", text[:6]) or [None])[0]
                      or (list_numbers or {}).get(i))  # "1." alone on its line, the question below it
            weak = not (label_of(lines[i]) or _SUMMARY.search(lines[i]))  # a bold or list line that asks
            label = _LEAD_LABEL.match(q)
            out.append(Question(number, q[label.end():] if label and q[label.end():] else q, [], context, weak=weak))
            if label and label.group("follow") and number is None:
                follow_up.add(id(out[-1]))
            if weak and i not in list_items and not _BOLD_LINE.match(text):
                plain_numbered[id(out[-1])] = lines[i]
        elif out:
            out[-1].body.append(lines[i])
    out = _drop_contents(out, plain_numbered)
    out = [q for q in out if q.question]
    # A labelled follow-up ("**追问：KV Cache有多大？**" under "### Q1: …") is numbered under the question before it
    # (1.1), so the numbers the note writes stay the items' ids (Q2 is §2). Only the label says so: an essay's bold
    # rhetorical questions after a numbered one are no follow-ups.
    root, k = None, 0
    for q in out:
        if q.number:
            root, k = q.number, 0
        elif root and id(q) in follow_up:
            k += 1
            q.number = f"{root}.{k}"
    for q in out:
        if "---" in q.body:  # a rule closes a Q/A block: what follows is the document's outro
            del q.body[q.body.index("---"):]
        # A list-item question's answer is indented under it.
        q.body = [ln[3:] if ln.startswith("   ") else ln for ln in q.body]
        # "1." alone, then the question indented under it: the question is not the first line of its answer.
        first = next((k for k, ln in enumerate(q.body) if ln.strip()), None)
        if first is not None and plain(q.body[first]).strip() == q.question:
            del q.body[first]
    return out
