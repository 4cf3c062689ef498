"""Documents → items: questions found from markdown structure, their answers and key points.

Pure (markdown-it, no models). A question is a heading that asks or is numbered (`## 3.`,
`#### 1.21`, `（1）`, `Q1`, a bare `……？`), or, outside such headings, a Q/问题/题目 label line, a
bold question line, a top-level numbered list item that asks, or a `<summary>` that asks. Its answer
is everything up to the next heading at the same or a higher level (or a `---` rule, or the next
question); answer/解析 labels (答案, 回答, 参考答案, Answer, A:, 解析, 分析…) split it when present.
Headings that only organise (理论篇, 概述) hold questions and give them context in the title.
A document with no question at all is chunked by sentences (chunk.py).

Example:
    >>> doc = "# 标题\\n\\n## 1. 什么是过拟合？\\n\\n**答案：** 模型记住了训练集。\\n\\n**解析：** 泛化差。\\n"
    >>> [(i.number, i.question, i.answer, i.explanation) for i in parse_document(doc, "a.md")]
    [(1, '什么是过拟合？', '模型记住了训练集。', '泛化差。')]
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace

from tutor.corpus.labels import label_of
from tutor.records import Item

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".txt")
# Only doc_title uses these now: the title is the first heading that is not a numbered item, as before
# issue 12, so the seed articles keep their titles (the structure itself comes from markdown-it).
_NUMBERED = re.compile(r"^(#{1,6})\s+(?:\*\*)?\s*(\d{1,3})\s*[.、．)]\s*(.+?)\s*(?:\*\*)?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
# `<details>`/`<summary>` wrap answers in GitHub notes. Must NOT catch other HTML: that is kept as text.
_DETAILS = re.compile(r"</?details[^>]*>|<summary>(.*?)</summary>", re.I)
# A link's or image's target: a URL (no spaces), then an optional title in "", '' or () — a title may hold
# parentheses ("知乎 (zhihu.com)"), which "[^)]*" cut short and left as '")' in the text.
# Markdown images: the alt text carries meaning unless it is a placeholder ("image", "图片", a file name).
# Must NOT catch links: `[text](url)` keeps its text (see _LINK).
_TARGET = r"\(\s*(?:<[^>\n]*>|[^)\s]*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
_IMAGE = re.compile(r"!\[([^\]]*)\]" + _TARGET)
_PLACEHOLDER_ALT = re.compile(r"^(image|img|图片|图|pic|picture|screenshot)?[\w\-.]*\.(png|jpe?g|gif|svg)$|^(image|img|图片|图)[\w\-]*$|^$", re.I)
_SUB_HEADING = re.compile(r"^#{1,6}\s+")  # only at line start: "C# 代码" or "#include" keep their "#"
_HTML_BOLD = re.compile(r"</?(?:strong|b)>", re.I)  # only these two tags: other HTML is kept as text
_QUOTE = re.compile(r"^\s*(?:>\s?)+")  # blockquote marks at line start only: "a -> b" and "x > 0" keep theirs
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]" + _TARGET)
_CODE_CAPTION = re.compile(r"^\s*\*\*\s*(代码示例|示例代码|代码实现|源代码)")
_OUTRO = re.compile(r"^\s*(以上是|以上就是|综上所述|通过上述|通过以上|希望对您有所帮助)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.、)])\s+(.*\S)\s*$")
_BOLD_NUMBERED = re.compile(r"^\s*\*\*\s*\d{1,2}[.、)]\s*(.*\S)\s*$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")
_TITLE_PREFIX = re.compile(r"^(主题|自拟标题|标题)\s*[：:]\s*")


# YAML front matter (Hugo, Jekyll, Obsidian): `---` on the first line, `key: value` lines, `---` or `...`.
# Must NOT catch a note that opens with a thematic break and prose: every line inside must be YAML-shaped.
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n((?:[ \t]*(?:[\w-]+[ \t]*:.*|-[ \t].*|#.*)?\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_FRONT_TITLE = re.compile(r"^title[ \t]*:[ \t]*[\"']?(.*?)[\"']?[ \t]*$", re.M | re.I)


def strip_front_matter(text: str) -> str:
    """A note without its YAML front matter; its `title:` becomes the note's `#` heading.

    >>> strip_front_matter("---\\ntitle: 分布式训练\\ntags: [infra]\\n---\\n正文")
    '# 分布式训练\\n\\n正文'
    >>> strip_front_matter("---\\n\\n正文不是 YAML\\n---\\n")[:4]
    '---\\n'
    """
    m = _FRONT.match(text)
    if not m:
        return text
    title = _FRONT_TITLE.search(m.group(1))
    return (f"# {title.group(1)}\n\n" if title and title.group(1) else "") + text[m.end():]


def strip_md(text: str) -> str:
    """Remove bold/italic/code marks and collapse whitespace.

    >>> strip_md("**数据并行：**  将数据  切分")
    '数据并行： 将数据 切分'
    """
    text = re.sub(r"\\([*_`\[\]#|\\])", r"\1", text)  # markdown escapes (`\*\*`) are the characters themselves
    text = re.sub(r"\*\*|__|`", "", text)
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Chinese-aware sentence split on 。！？； and their ASCII forms, and on line breaks.

    >>> split_sentences("数据并行切数据。模型并行切模型！Done. OK")
    ['数据并行切数据。', '模型并行切模型！', 'Done.', 'OK']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def key_points(answer: str) -> tuple[str, ...]:
    """The answer's bullet/numbered points and table rows; a prose answer falls back to its sentences.

    A list item that is only a label ("1. 梯度消失") takes its indented continuation as its body, and
    a table row is one point named by its first cell (see _table_points): without them the point was
    the bare label, which naming alone earns in full, and a table's rule and header rows were points.

    >>> key_points("方法包括：\\n- **剪枝：** 去掉权重\\n1. **量化：** 降低精度")
    ('剪枝： 去掉权重', '量化： 降低精度')
    >>> key_points("过拟合是训练好、测试差。常用正则化缓解。")
    ('过拟合是训练好、测试差。', '常用正则化缓解。')
    >>> key_points("1. 梯度消失\\n    梯度越往前越小。\\n2. 梯度爆炸\\n    梯度不断累积。")
    ('梯度消失：梯度越往前越小。', '梯度爆炸：梯度不断累积。')
    """
    points: list[str] = []
    bare = False  # the last point is a bare label still waiting for its indented body
    for line in answer.splitlines():
        m = _LIST_ITEM.match(line) or _BOLD_NUMBERED.match(line)
        if m:
            point = strip_md(m.group(1))
            bare = len(point) <= BARE_LABEL and not _PUNCT.search(point)
            if len(point) >= 4 or bare and len(point) >= 2:
                points.append(point)
            else:
                bare = False
        elif bare and line[:1] in (" ", "\t") and (text := strip_md(line.strip(" \t\u200b"))):
            # "label：body"; a label that already holds a colon ("Q：K 相乘") just continues with a space.
            head = points[-1].rstrip("：:")
            points[-1] = f"{head}{'：' if head != points[-1] or '：' not in head else ' '}{text}"
        elif bare and line.strip():
            bare = False  # a line back at the margin ends the item
    points = [p for p in points if len(p) >= 4] + _table_points(answer)
    if not points:
        points = [strip_md(s) for s in split_sentences(answer) if len(strip_md(s)) >= 6]
    return tuple(dict.fromkeys(points))  # keep order, drop exact repeats


def prose(answer: str) -> str:
    """The answer without its list items (and their indented lines) and table rows: the prose around them.

    >>> prose("文本嵌入是稠密向量。\\n\\n有两个变体：\\n1. Skip-Gram\\n    跳过一个词\\n| a | b |\\n结尾。")
    '文本嵌入是稠密向量。\\n\\n有两个变体：\\n结尾。'
    """
    kept, in_item = [], False
    for line in answer.splitlines():
        if _LIST_ITEM.match(line) or _BOLD_NUMBERED.match(line) or _TABLE_ROW.match(line):
            in_item = True
        elif not (in_item and line[:1] in (" ", "\t")) and (line.strip() or not in_item):
            in_item = False
            kept.append(line)
    return "\n".join(kept).strip()


# A list item this short with no punctuation is a label, not a claim ("梯度消失", "Data parallel").
# Must NOT take a short item that says something ("减少通信。", "剪枝：去掉权重"): punctuation ends it.
BARE_LABEL = 16
_PUNCT = re.compile(r"[。，,；;：:！？!?]")
_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*:?-{3,}:?\s*$")


def _table_points(answer: str) -> list[str]:
    """One point per body row of each markdown table: "first cell：header：cell；header：cell".

    The header row names what each column says (RAG / SFT), so each point keeps which side said what;
    the rule row (|---|) and the header row are not points.

    >>> _table_points("| | RAG | SFT |\\n|---|---|---|\\n| 数据 | 动态 | 静态 |")
    ['数据：RAG：动态；SFT：静态']
    """
    rows = [[strip_md(c) for c in m.group(1).split("|")] if (m := _TABLE_ROW.match(ln)) else None
            for ln in answer.splitlines()]
    points, header = [], []
    for i, cells in enumerate(rows):
        if cells is None or all(_TABLE_RULE.match(c) for c in cells if c):
            continue
        if i + 1 < len(rows) and rows[i + 1] and all(_TABLE_RULE.match(c) for c in rows[i + 1] if c):
            header = cells  # the row above the rule
            continue
        body = [(h, c) for h, c in zip(header[1:] or [""] * (len(cells) - 1), cells[1:]) if c]
        text = "；".join(f"{h}：{c}" if h else c for h, c in body)
        if cells[0] and text:
            points.append(f"{cells[0]}：{text}")
        elif text or cells[0]:
            points.append(text or cells[0])
    return points


def doc_title(lines: list[str]) -> str:
    for line in lines:
        m = _HEADING.match(line)
        if m and not _NUMBERED.match(line):
            return _TITLE_PREFIX.sub("", strip_md(m.group(2)))
    return ""




def _clean_line(line: str) -> str:
    """Images keep a meaningful alt text, links their text; everything else is left as written.

    >>> _clean_line('[涌现能力 - 知乎 (zhihu.com)](https://zhuanlan.zhihu.com/p/62 "涌现能力 - 知乎 (zhihu.com)")')
    '涌现能力 - 知乎 (zhihu.com)'
    >>> _clean_line("见 [论文](https://arxiv.org/abs/1 'Paper') 与 ![架构图](a.png) ![image](b.png)。")
    '见 论文 与 架构图 。'
    >>> _clean_line("[文档](<https://a.io/x y>) 里的 f(x) 与 a[0] (见下)")  # code-like brackets are not links
    '文档 里的 f(x) 与 a[0] (见下)'
    """
    if "](" not in line:
        return line
    line = _IMAGE.sub(lambda m: "" if _PLACEHOLDER_ALT.match(m.group(1).strip()) else m.group(1), line)
    return _LINK.sub(r"\1", line)


# Text before an answer label is the question's own wording only while it is question-sized: the seed
# articles' longest is 104 characters in one paragraph. Longer is an answer with Q/A lines nested in it.
PROMPT_CHARS = 240
PASSAGE_CHARS = 16  # a section's text shorter than this ("见下图", "如下：") is no passage
PROMPT_PARAGRAPHS = 3  # blank-line breaks: four paragraphs are an answer, however short


def _parse_body(body: list[str]) -> dict:
    """Split an item's lines into prompt / answer / explanation by their labels, code kept apart.

    Text before any label is the question's own wording (a seed article has no 题目 label at all);
    with no answer label at all, that text is the answer (most notes put the answer right under the
    question).
    """
    sections = {"prompt": [], "answer": [], "explanation": []}
    code: list[str] = []
    current, fence, prompt_label = None, None, False
    for line in body:
        if fence is not None:
            if line.lstrip().startswith(("```", "~~~")):
                code.append("\n".join(fence).strip("\n"))
                fence = None
            else:
                fence.append(line)
            continue
        if line.lstrip().startswith(("```", "~~~")):
            fence = []
            continue
        if "<details" in line or "<summary" in line or "</details" in line:
            # A `<summary>答案</summary>` opens the answer; the tags themselves are not text. What follows
            # the answer's `</details>` (a rubric, 加分点) comments on it: explanation, not answer.
            summary = next((m.group(1) for m in _DETAILS.finditer(line) if m.group(1)), None)
            if summary is not None and (lab := label_of(strip_md(summary) + "：")):
                current = lab[0]
            elif "</details" in line and current == "answer" and sections["answer"]:
                current = "explanation"
            line = _DETAILS.sub("", line)
            if not line.strip():
                continue
        lab = label_of(line)
        if lab and lab[0] == "prompt" and any(x.strip() for v in sections.values() for x in v):
            # "问题：" after the answer has begun is the answer's own wording ("问题：…  解决方案：…"),
            # not this item's prompt: only a leading 题目/问题 label says what the item asks.
            lab = None
        if lab:
            prompt_label = prompt_label or lab[0] == "prompt"
            current = lab[0]
            if lab[1].strip():
                sections[current].append(_clean_line(lab[1]))
            continue
        if _CODE_CAPTION.match(line):
            continue
        # A sub-heading inside an answer ("#### 2.1 Prefix LM") is a line of it, without its marks; so is
        # a quoted line ("> 答：" opens the answer, "> 注意……" is text).
        line = _QUOTE.sub("", _SUB_HEADING.sub("", line))
        sections[current or "prompt"].append(_clean_line(line))
    if fence:  # an unterminated fence still keeps its code
        code.append("\n".join(fence).strip("\n"))
    out = {k: "\n".join(v).strip() for k, v in sections.items()}
    if not out["answer"] and not prompt_label:
        out["answer"], out["prompt"] = "\n".join(filter(None, (out["prompt"], out["answer"]))), ""
    elif not prompt_label and (len(out["prompt"]) > PROMPT_CHARS or out["prompt"].count("\n\n") >= PROMPT_PARAGRAPHS):
        # Paragraphs of prose before the first 答： are the answer itself, and the 答： lines answer
        # questions asked inside it ("（1）问题1：……" then "> 答：……"): keep the section whole, in order.
        out["answer"] = "\n".join(filter(None, (out["prompt"], out["answer"], out["explanation"])))
        out["prompt"] = out["explanation"] = ""
    out["code"] = tuple(c for c in code if c.strip())
    return out


def make_item(source: str, number, title: str, question: str, body: list[str]) -> Item:
    """One Item from a question and its body lines (labels split, key points extracted)."""
    parts = _parse_body(body)
    # An answer that is only a command or a snippet ("nvidia-smi topo -m") is still the answer.
    answer = parts["answer"] or "\n".join(parts["code"])
    return Item(source=source, number=number, title=title, question=question,
                prompt=strip_md(parts["prompt"]), answer=answer,
                explanation=strip_md(parts["explanation"]), code=parts["code"],
                key_points=key_points(answer))


def cut_outro(body: list[str]) -> list[str]:
    """The closing boilerplate ("以上是……希望对您有所帮助") is not part of the last item."""
    cut = next((i for i, ln in enumerate(body) if _OUTRO.match(ln)), len(body))
    return body[:cut]


def parse_document(text: str, source: str) -> list[Item]:
    """Parse one document into its question items, in document order.

    Args:
        text: the document's markdown.
        source: its file name, kept on every item for citations.

    Returns:
        One Item per question found (empty when the document asks nothing).

    Example:
        >>> doc = "# 分布式\\n### 1. 理论篇\\n#### 1.1 什么是数据并行？\\n切分数据。\\n#### 1.2 什么是张量并行？\\n切分层。\\n"
        >>> [(i.number, i.question, i.answer, i.title) for i in parse_document(doc, "d.md")]
        [('1.1', '什么是数据并行？', '切分数据。', '分布式 › 理论篇'), ('1.2', '什么是张量并行？', '切分层。', '分布式 › 理论篇')]
    """
    from tutor.corpus.sections import find_questions

    # HTML bold is markdown bold ("<strong>什么是位置编码？</strong>" is a bold question line).
    lines = _HTML_BOLD.sub("**", strip_front_matter(text)).splitlines()
    title = doc_title(lines)
    leftover: list = []
    found = find_questions(lines, leftover)
    items = []
    for k, q in enumerate(found):
        body = cut_outro(q.body) if k == len(found) - 1 else q.body
        items.append(make_item(source, q.number, _full_title(title, q.context), q.question, body))
    if items:  # a note with questions keeps the text of its other sections as passages (kind "chunk")
        for context, heading, body in leftover:
            if _TITLE_PREFIX.sub("", strip_md(heading)) == title:
                continue  # the note's own preamble ("本文整理了……") introduces the questions; it answers none
            passage = make_item(source, None, _full_title(title, context), strip_md(_clean_line(heading)), body)
            if len(passage.answer) >= PASSAGE_CHARS:
                items.append(replace(passage, kind="chunk", chunk=sum(it.kind == "chunk" for it in items) + 1))
    return items


def _full_title(title: str, context) -> str:
    # A heading that is a link ("## [上下文工程的概念](https://…)") names its text, not its address.
    inner = " › ".join(_clean_line(c) for c in context if _TITLE_PREFIX.sub("", strip_md(c)) != title)
    return " › ".join(filter(None, (title, inner)))
