"""Documents → items: questions found from markdown structure, their answers and key points.

Pure (markdown-it, no models). A question is a heading that asks or is numbered (`## 3.`,
`#### 1.21`, `（1）`, `Q1`, a bare `……？`), or, outside such headings, a Q/问题/题目 label line, a
bold question line, a top-level numbered list item that asks, or a `<summary>` that asks. Its answer
is everything up to the next heading at the same or a higher level (or a `---` rule, or the next
question); answer/解析 labels (答案, 回答, 参考答案, Answer, A:, 解析, 分析…) split it when present.
Headings that only organise (理论篇, 概述) hold questions and give them context in the title.
A document with no question at all becomes passages, section by section (chunk.py).

Example:
    >>> doc = "# 标题\\n\\n## 1. 什么是过拟合？\\n\\n**答案：** 模型记住了训练集。\\n\\n**解析：** 泛化差。\\n"
    >>> [(i.number, i.question, i.answer, i.explanation) for i in parse_document(doc, "a.md")]
    [(1, '什么是过拟合？', '模型记住了训练集。', '泛化差。')]
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace

from tutor.corpus.fields import field_labels, field_of
from tutor.corpus.formulas import formula_images
from tutor.corpus.labels import label_of, placeholder, question_list
# Re-exported: the grader and the chunker import these from here.
from tutor.corpus.markdown import (DECORATIVE_ALT, inline_text, key_points, prose, split_sentences,  # noqa: F401
                                   strip_front_matter, strip_md)
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
_SUB_HEADING = re.compile(r"^#{1,6}\s+")  # only at line start: "C# 代码" or "#include" keep their "#"
_HTML_BOLD = re.compile(r"</?(?:strong|b)>", re.I)  # only these two tags: other HTML is kept as text
# A whole line that is an HTML heading ("<h2 id=\"1.x\">1.什么是模型量化？</h2>", as notes exported from a site
# write them) is a markdown heading of that level. Must NOT catch a heading tag inside a paragraph or a
# code fence (an HTML example stays code), nor a line holding more than the one heading.
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>((?:(?!</?h[1-6]\b).)*?)</h\1\s*>\s*$", re.I)
_FENCE = re.compile(r"^\s*(```|~~~)")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")  # blockquote marks at line start only: "a -> b" and "x > 0" keep theirs
_LINK = re.compile(r"(?<!!)\[([^\]]+)\]" + _TARGET)
_CODE_CAPTION = re.compile(r"^\s*\*\*\s*(代码示例|示例代码|代码实现|源代码)")
_OUTRO = re.compile(r"^\s*(以上是|以上就是|综上所述|通过上述|通过以上|希望对您有所帮助)")
_TITLE_PREFIX = re.compile(r"^(主题|自拟标题|标题)\s*[：:]\s*")


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
    >>> _clean_line("![](https://latex.codecogs.com/gif.latex?PE(pos,2i)=sin(pos))")
    '$PE(pos,2i)=sin(pos)$'
    """
    if "](" not in line:
        return line
    line = formula_images(line)  # a formula drawn by a LaTeX service is text: its URL holds the formula
    line = _IMAGE.sub(lambda m: "" if DECORATIVE_ALT.match(m.group(1).strip()) else m.group(1), line)
    return _LINK.sub(r"\1", line)


# Text before an answer label is the question's own wording only while it is question-sized: the seed
# articles' longest is 104 characters in one paragraph. Longer is an answer with Q/A lines nested in it.
PROMPT_CHARS = 240
PASSAGE_CHARS = 16  # a section's text shorter than this ("见下图", "如下：") is no passage
_PROSE_FENCES = frozenset({"text", "txt", "plain", "plaintext", "markdown", "md"})
PROMPT_PARAGRAPHS = 3  # blank-line breaks: four paragraphs are an answer, however short


def _parse_body(body: list[str], fields: frozenset[str] = frozenset()) -> dict:
    """Split an item's lines into prompt / answer / explanation by their labels, code kept apart.

    Text before any label is the question's own wording (a seed article has no 题目 label at all);
    with no answer label at all, that text is the answer (most notes put the answer right under the
    question). A template field after the answer ("- 坑位：…", see fields.py) is set aside: shown, not graded.
    """
    sections = {"prompt": [], "answer": [], "explanation": [], "aside": []}
    code: list[str] = []
    current, fence, prompt_label, prose_box = None, None, False, False
    for line in body:
        if fence is not None:
            if line.lstrip().startswith(("```", "~~~")):
                if prose_box:
                    # A ```text block is prose in a box (an answer pasted as plain text): it is answer
                    # text, not code. Must NOT take ```python/```bash or an unlabelled block: those are code.
                    # Right under a 题目/Q label it answers that question (the label's line is the prompt).
                    to = "answer" if prompt_label and current == "prompt" else current or "prompt"
                    sections[to].extend(_clean_line(x) for x in fence)
                else:
                    code.append("\n".join(fence).strip("\n"))
                fence = None
            else:
                fence.append(line)
            continue
        if line.lstrip().startswith(("```", "~~~")):
            fence = []
            prose_box = line.strip().strip("`~").strip().lower() in _PROSE_FENCES
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
        if fields and current in ("answer", "explanation", "aside") and field_of(line) in fields:
            current = "aside"
            sections[current].append(_clean_line(line.lstrip("-*+ ")))
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


def make_item(source: str, number, title: str, question: str, body: list[str],
              fields: frozenset[str] = frozenset()) -> Item:
    """One Item from a question and its body lines (labels split, key points extracted; `fields`: the
    document's template fields, see fields.py)."""
    parts = _parse_body(body, fields)
    # An answer that is only a command or a snippet ("nvidia-smi topo -m") is still the answer.
    answer = parts["answer"] or "\n".join(parts["code"])
    if placeholder(answer):  # "- [ ] TODO": no answer yet, so nothing to grade or ask (it graded its copy 100)
        answer = ""
    prompt = parts["prompt"]
    if question_list(answer):
        # An outline of further questions answers none of them: the interviewer asked "执行流水线" and graded
        # the candidate against a list of questions. They stay searchable as the item's own wording.
        prompt, answer = "\n".join(filter(None, (prompt, answer))), ""
    return Item(source=source, number=number, title=title, question=inline_text(question),
                prompt=strip_md(prompt), answer=answer,
                explanation=strip_md(parts["explanation"]), code=parts["code"], aside=strip_md(parts["aside"]),
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
    lines = html_headings(_HTML_BOLD.sub("**", strip_front_matter(text)).splitlines())
    title = doc_title(lines)
    leftover: list = []
    found = find_questions(lines, leftover)
    items = []
    fields = field_labels([q.body for q in found])
    for k, q in enumerate(found):
        body = cut_outro(q.body) if k == len(found) - 1 else q.body
        items.append(make_item(source, q.number, _full_title(title, q.context), q.question, body, fields))
    if items:  # a note with questions keeps the text of its other sections as passages (kind "chunk")
        for context, heading, body in leftover:
            if _TITLE_PREFIX.sub("", strip_md(heading)) == title:
                continue  # the note's own preamble ("本文整理了……") introduces the questions; it answers none
            passage = make_item(source, None, _full_title(title, context), strip_md(_clean_line(heading)), body)
            if len(passage.answer) >= PASSAGE_CHARS:
                items.append(replace(passage, kind="chunk", chunk=sum(it.kind == "chunk" for it in items) + 1))
    return items


def html_headings(lines: list[str]) -> list[str]:
    """Lines with each whole-line HTML heading outside code fences written as a markdown heading.

    >>> html_headings(['<h2 id="2.q">2.什么是模型量化？</h2>', "```html", "<h1>demo</h1>", "```", "见 <h3>x</h3> 一节"])
    ['## 2.什么是模型量化？', '```html', '<h1>demo</h1>', '```', '见 <h3>x</h3> 一节']
    """
    out, fence = [], None
    for line in lines:
        if m := _FENCE.match(line):
            fence = None if fence == m.group(1) else fence or m.group(1)
        elif fence is None and (h := _HTML_HEADING.match(line)) and h.group(2).strip():
            line = "#" * int(h.group(1)) + " " + h.group(2).strip()
        out.append(line)
    return out


def _full_title(title: str, context) -> str:
    # A heading that is a link ("## [上下文工程的概念](https://…)") names its text, not its address.
    inner = " › ".join(_clean_line(c) for c in context if _TITLE_PREFIX.sub("", strip_md(c)) != title)
    return " › ".join(filter(None, (title, inner)))
