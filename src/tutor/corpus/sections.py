"""Where the questions are: heading sections that ask, and Q/A blocks between them.

Pure. A heading is a *container* when a heading under it asks (or, if it does not ask itself,
is numbered): `### 1. 理论篇` over `#### 1.1 …` holds questions and is their context. A heading that
asks or is numbered and holds no question is an *item*: its section is its answer. Lines outside
every item (a document with no headings, a `## 面试题` section of Q/A pairs) are scanned for
question lines: a Q/问题/题目 label, a bold question, a top-level numbered list item that asks, a
`<summary>` that asks. In a note whose top-level bold bullets mostly ask (a question bank), each bold
bullet is a question, and a numbered heading over them (`## 1. CNN`) is their topic, not an item.

Example:
    >>> qs = find_questions(["## 面试题", "**问题：** 什么是X？", "**回答：** X 是 Y。", "Q2: 为什么？", "A2: 因为。"])
    >>> [(q.number, q.question, q.body) for q in qs]
    [(1, '什么是X？', ['**回答：** X 是 Y。']), (2, '为什么？', ['A2: 因为。'])]
"""
from __future__ import annotations

import re

from tutor.corpus.follow_ups import follow_ups
# Question is re-exported: tidy and the tests import it from here.
from tutor.corpus.free import Q_NUMBER, Question, free_questions, question_line  # noqa: F401
from tutor.corpus.labels import BOLD_LINE as _BOLD_LINE
from tutor.corpus.labels import asks, ends_asking, has_number, label_of, no_content, organises, plain, split_number
from tutor.corpus.structure import Heading, read_blocks
from tutor.corpus.tidy import drop_index, number_questions


_plain = plain


def _section_end(heads: list[Heading], i: int, n_lines: int) -> int:
    return next((h.line for h in heads[i + 1:] if h.level <= heads[i].level), n_lines)


# A question mark is the strong sign of a question; 区别/对比/介绍 in a heading may also name a section
# ("1. 核心区别概览", "1.1 对比表格"), which the words alone (labels.asks) can't tell apart.
_MARK = re.compile(r"[？?]")


def _is_container(heads: list[Heading], i: int, end: int) -> bool:
    """Does the heading hold questions (it is their context) rather than answer one itself?

    A heading that asks with a question mark ("# cudaMalloc和malloc有什么区别？") holds questions only
    when a heading under it asks with one too: its numbered sections ("1. 核心区别概览", "1.1 对比表格")
    are the parts of its answer, however their words read.

    >>> hs = [Heading(1, 0, 1, "malloc 和 cudaMalloc 有什么区别？"), Heading(2, 2, 3, "1. 核心区别概览")]
    >>> _is_container(hs, 0, 9), _is_container([Heading(1, 0, 1, "分布式训练"), hs[1]], 0, 9)
    (False, True)
    >>> parts = [Heading(2, 4, 5, t) for t in ("概念", "为什么需要稀疏模型？", "类型", "优势")]
    >>> asked = [Heading(2, 4, 5, t) for t in ("什么是数据并行？", "什么是张量并行？")]
    >>> _is_container([Heading(1, 0, 1, "什么是稀疏模型？"), *parts], 0, 9), _is_container([hs[0], *asked], 0, 9)
    (False, True)
    """
    inner = [_plain(h.text) for h in heads[i + 1:] if h.line < end]
    me = _plain(heads[i].text)
    if _MARK.search(me) and asks(me):
        # ... and when at least half of them do: "## 什么是稀疏模型？" over "### 概念", "### 为什么需要稀疏模型？",
        # "### 类型", "### 优势" is one question answered in parts, one of which is phrased as a question.
        # Numbered sub-headings ("1. 什么是 DeepSpeed？", "13.7.1 …") enumerate the note's entries: any asking one
        # makes a container, as before.
        asking = sum(bool(_MARK.search(t) and asks(t)) for t in inner)
        return asking > 0 and (2 * asking >= len(inner) or any(has_number(t) for t in inner))
    return any(asks(t) for t in inner) or (not asks(me) and any(has_number(t) and not organises(t) for t in inner))


def _intro(lines: list[str], h: Heading, nxt: Heading | None, rules: set[int],
           bullets: dict[int, str] | None = None) -> list[str]:
    """A container heading's own lines before its first sub-heading (or rule) and before its first Q/A line
    (those are free questions), when they hold prose: [] for blank lines or links only (a table of contents).
    "## ReLU 相比 sigmoid 的优势" over its list of advantages, then "**为什么 ReLU 不可导也能用？**": the list is
    the heading's text (before, it was dropped: no question came before it to take it).

    >>> doc = ["## ReLU 的优势", "1. 避免梯度消失。", "**为什么 ReLU 不可导也能用？**", "因为几乎处处可导。"]
    >>> _intro(doc, Heading(2, 0, 1, "ReLU 的优势"), None, set())
    ['1. 避免梯度消失。']
    """
    stop = min([nxt.line if nxt else len(lines)] + [r for r in rules if r >= h.end])
    stop = next((k for k in range(h.end, stop) if lines[k].strip()
                 and question_line(lines[k], {}, k, True, bullets) is not None), stop)
    body = lines[h.end:stop]
    text = [k for k in range(h.end, stop)
            if lines[k].strip() and not re.fullmatch(r"\s*(?:[-*+]\s*|\d+[.)]\s*)?\[[^\]]*\]\([^)]*\)\s*", lines[k])]
    return body if text else []


# A note asks through its bold bullets when at least this share of them ask. Must NOT catch a knowledge
# note whose bold bullets name terms ("- **MVVM 模型**", "- **插值表达式**") and only now and then ask.
BULLET_QUESTION_SHARE = 0.5


def question_bullets(lines: list[str], bullets: dict[int, str]) -> dict[int, str]:
    """The top-level bullets that are wholly bold, when they are the note's questions: at least
    BULLET_QUESTION_SHARE of them ask. Else {} (the note reads as it did: bold bullets are text).
    In such a note each bold bullet is an entry, asking or not ("- **BP**", "- **1*1卷积的作用**").

    >>> question_bullets(["- **感受野是什么？**", "- **BP**"], {0: "**感受野是什么？**", 1: "**BP**"})
    {0: '**感受野是什么？**', 1: '**BP**'}
    >>> question_bullets(["- **MVVM**", "- **指令**", "- **是什么？**"], {0: "**MVVM**", 1: "**指令**", 2: "**是什么？**"})
    {}
    """
    bold = {k: t for k, t in bullets.items() if _BOLD_LINE.match(t)}
    asking = sum(question_line(text, {}, k) is not None for k, text in bold.items())  # the words alone ask
    return bold if asking and asking >= BULLET_QUESTION_SHARE * len(bold) else {}


def answered_bullets(lines: list[str], bullets: dict[int, str]) -> dict[int, str]:
    """Plain top-level bullets that ask with a question mark and are answered by bullets nested under them
    ("- overfitting怎么办?" over "    - dropout", "    - regularization"): each is a question, its nested
    bullets its answer. Must NOT catch a question bullet with nothing nested under it (a list of questions
    is a reading list or the heading's answer), a bold bullet (question_bullets decides those), nor a
    table of contents, whose nested entries are sub-questions or numbered sections ("- 二、什么是 RAG?" over
    "  - 2.1 R：检索器模块", "    - 2.1.1 如何获得准确的语义表示？").

    >>> doc = ["## 其他", "- overfitting怎么办?", "    - dropout", "- 还有什么？", "- 结论"]
    >>> answered_bullets(doc, {1: "overfitting怎么办?", 3: "还有什么？", 4: "结论"})
    {1: 'overfitting怎么办?'}
    >>> answered_bullets(["- 二、什么是 RAG?", "  - 2.1 R：检索器模块", "    - 2.1.1 如何获得准确的语义表示？"], {0: "二、什么是 RAG?"})
    {}
    """
    out = {}
    for k, text in bullets.items():
        if _BOLD_LINE.match(text) or not ends_asking(text):
            continue
        nested = []
        for j in range(k + 1, len(lines)):
            if j in bullets or lines[j].strip() and not re.match(r"\s{2,}\S", lines[j]):
                break
            nested.append(lines[j])
        entries = [e for ln in nested if re.match(r"\s{2,}(?:[-*+]|\d+[.)])\s", ln)
                   if re.search(r"\w\w", e := re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", ln))]  # "- ..." says nothing
        contents = sum(bool(has_number(e) or ends_asking(e)) for e in entries)
        if entries and 2 * contents < len(entries):
            out[k] = text
    return out


def _topic_of_bullets(lines: list[str], own: range, bullets: dict[int, str]) -> bool:
    """Does a heading's own text ask through bold bullets ("## 1. CNN" over "- **感受野是什么？**";
    bullets: the note's question bullets, see question_bullets)?
    Then the heading names their topic: it is their context, not an item answered by them. Only
    top-level bold bullets count: a bold line or a numbered list under "### 3. 数据并行" stays its answer,
    as it always has (and a heading that asks keeps its bold bullets as its answer's points).

    >>> _topic_of_bullets(["## 1. CNN", "- **感受野是什么？**"], range(1, 2), {1: "**感受野是什么？**"})
    True
    >>> _topic_of_bullets(["## 1. CNN", "- **卷积会共享权重。**"], range(1, 2), {1: "**卷积会共享权重。**"})
    False
    """
    return any(k in bullets and question_line(lines[k], {}, k, False, bullets) is not None for k in own)


def _holds_questions(lines: list[str], own: range, list_items: dict[int, str], inside: set[int],
                     list_numbers: dict[int, str | None] | None = None) -> bool:
    """Does a heading that asks nothing hold two or more numbered questions of its own, each answered below
    it ("## 一、模型与预训练（30题）" over "1) 多头注意力为何有效？" and its bullets)? Then it names their
    section, as a heading over question headings does. Only ordered list lines that end with a question mark
    count. Must NOT catch one question under a heading (a seed
    article's "#### 3. 标题" over its "**题目：**" line stays that item), bulleted or nested questions (an
    answer's own "- 反问点：……？" or "- NSP：……？" points), nor a list of questions with no answers between
    them (a reading list or the note's contents: the heading's answer is that list).

    >>> qs = {1: "多头注意力为何有效？", 3: "Pre-LN vs Post-LN？"}
    >>> doc = ["## 一、模型", "1) 多头注意力为何有效？", "- 标准答：分解为多个子空间，关注不同关系。", "2) Pre-LN vs Post-LN？",
    ...        "- 标准答：Pre-LN 更稳定易收敛，现代模型多用。"]
    >>> _holds_questions(doc, range(1, 5), qs, set(), {1: "1", 3: "2"})
    True
    >>> _holds_questions(["## 面试题", *doc[1:2], doc[3]], range(1, 3), {1: qs[1], 2: qs[3]}, set(), {1: "1", 2: "2"})
    False
    >>> _holds_questions(["#### 3. 数据并行", "**题目：** 什么是数据并行？", "**答案：** 切数据。"], range(1, 3), {}, set())
    False
    """
    numbers = list_numbers or {}
    text = [k for k in own if lines[k].strip()]
    asked: list[int] = []
    answered = [0] * len(own)  # characters of answer under the n-th question
    for k in own:
        start = k == own.start or not lines[k - 1].strip()
        # An ordered list line ending in a question mark: "（1）用于概率预测……呢" in a paragraph is an answer's text.
        q = numbers.get(k) is not None and k not in inside and question_line(lines[k], list_items, k, start)
        if q and _MARK.search(q[-1:]):
            asked.append(k)
        elif asked and lines[k].strip():
            answered[len(asked) - 1] += len(lines[k].strip())
    # Answered: some words under every question. A contents list's wrapped line ("（注意和第一个问题的区别）")
    # is not an answer.
    # ... and the section opens with its first question: "**FPN有哪些创新点？**" over a list of the questions FPN
    # answers is one item whose answer is that list.
    # A preamble that asks nothing may come first: "**🔑 知识点详解**" and its bullets, then "**🔥 面试高频题**" and the
    # numbered questions (the preamble stays the heading's passage).
    opens = asked and (asked[0] == text[0] or all(
        question_line(lines[k], list_items, k, k == own.start or not lines[k - 1].strip()) is None
        for k in text if k < asked[0]))
    return bool(len(asked) >= 2 and opens and all(answered[j] >= ANSWER_CHARS for j in range(len(asked))))


ANSWER_CHARS = 16


def find_questions(lines: list[str], leftover: list | None = None) -> list[Question]:
    """Every question of a document with its body lines, in document order, numbered uniquely.

    Args:
        lines: the document's lines (LF-split).

    Returns:
        Questions with `number` set to an int when the document's numbers are plain and unique,
        else to its own dotted number ("1.21") or its position.
    """
    blocks = read_blocks("\n".join(lines))
    # `### **答案解析**` is a label inside an item, not structure.
    heads = [h for h in blocks.headings if label_of(h.text) is None]
    list_items = {line: first for line, _, first in blocks.list_items}
    list_numbers = {line: number for line, number, _ in blocks.list_items}
    bullets = question_bullets(lines, blocks.bullets) | answered_bullets(lines, blocks.bullets)
    found: list[tuple[int, Question]] = []
    taken: set[int] = set()
    q_resume: list[int] = []  # lines where a Q label ends a heading's answer: free questions go on there
    stack: list[tuple[int, str, str | None]] = []  # (level, text, number) of the containers above
    for i, h in enumerate(heads):
        end = _section_end(heads, i, len(lines))
        text = _plain(h.text)
        while stack and stack[-1][0] >= h.level:
            stack.pop()
        if h.line in taken:  # a sub-heading of an item ("#### 2.1 Prefix LM" under "### 2. …区别是什么？") is its answer
            continue
        own = range(h.end, heads[i + 1].line if i + 1 < len(heads) else len(lines))
        if (_is_container(heads, i, end) or organises(text) or not (asks(text) or has_number(text))
                or not asks(text) and (_topic_of_bullets(lines, own, bullets)
                                       or _holds_questions(lines, own, list_items, blocks.inside_items,
                                                           list_numbers))):
            intro = _intro(lines, h, heads[i + 1] if i + 1 < len(heads) else None, blocks.rules, bullets)
            if intro and asks(text) and not organises(text):
                # "# 什么是分布式训练？" answered in its own paragraph, then "## 数据并行是什么？" under it:
                # the heading is a question too, answered by the text before its first sub-heading.
                number, question = split_number(text)
                found.append((h.line, Question(number, question, intro, tuple(t for _, t, _ in stack),
                                               stack[-1][2] if stack else None)))
            elif intro and leftover is not None and not no_content(split_number(text)[1]):
                # A section that asks nothing ("## 上下文挑战", "### Context Poisoning") still says things:
                # the caller keeps its text as a passage, so a question about it is not refused.
                leftover.append((tuple(t for _, t, _ in stack), split_number(text)[1], intro))
            stack.append((h.level, split_number(text)[1], split_number(text)[0]))
            continue
        stop = next((r for r in sorted(blocks.rules) if h.end <= r < end), end)
        # "### **英语学习应用中如何限制词汇范围？**" among "**Q25：…**" questions: the next Q label ends its answer.
        stop = next((k for k in range(h.end, stop) if k not in blocks.code and Q_NUMBER.match(lines[k])), stop)
        if stop < end and stop not in blocks.rules:
            q_resume.append(stop)
            if not any(ln.strip() for ln in lines[h.end:stop]):  # "### How" right over "Q0:…": a title, no item
                taken.update(range(h.line, stop))
                continue
        number, question = split_number(text)
        question = question.rstrip("：:").strip() or question  # "（1）长尾知识：" asks about 长尾知识
        ctx, parent = tuple(t for _, t, _ in stack), stack[-1][2] if stack else None
        cuts = follow_ups(lines, h.end, stop, blocks, list_items)
        ends = cuts + [stop]
        found.append((h.line, Question(number, question, lines[h.end:ends[0]], ctx, parent)))
        for k, cut in enumerate(cuts, 1):  # numbered under the item they follow: "2.1", "2.2"
            asked = split_number(_plain(_BOLD_LINE.match(lines[cut]).group(1)))[1]
            # Its context is the question it follows: "这个HPC" in the follow-up means that question's CFD.
            found.append((cut, Question(f"{number}.{k}" if number else None, asked, lines[cut + 1:ends[k]],
                                        (*ctx, question), parent)))
        taken.update(range(h.line, stop if stop in q_resume else end))
    # Lines in no item, between headings, may hold Q/A pairs.
    bounds = sorted({h.line for h in heads} | {len(lines)})
    starts = sorted([0] + [h.end for h in heads] + q_resume)
    for s in starts:
        e = next((b for b in bounds if b >= s), len(lines))
        span = range(s, e)
        if not span or s in taken:
            continue
        ctx = tuple(split_number(_plain(h.text))[1] for h in heads if h.end == s)
        parent = next((split_number(_plain(h.text))[0] for h in heads if h.end == s), None)
        for q in free_questions(lines, span, blocks.code, list_items, blocks.rules, ctx, list_numbers,
                                 blocks.inside_items, bullets):
            q.parent = q.parent or parent  # "1. ……？" under "### 8.4.6 Cascade CNN" is 8.4.6.1 in a dotted note
            found.append((s, q))
    found.sort(key=lambda f: f[0])
    found = drop_index(found)
    if len(found) == 1 and found[0][1].weak:
        # One bold "……？" in an essay is a rhetorical line, not a Q&A layout: chunk the essay instead.
        found = []
    return number_questions([q for _, q in found])
