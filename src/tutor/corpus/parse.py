"""Documents → items: parse numbered interview items and extract their key points.

Pure: standard library only. Handles the heading and label styles of the five articles
(`#### 3. 问题` / `### 3.` / `## 3.`; `**题目：**`, `### **面试题**`, `**答案：**`,
`### **答案解析**`, `**解析：**`); any other document is chunked by sentences.

Example:
    >>> doc = "# 标题\\n\\n## 1. 什么是过拟合？\\n\\n**答案：** 模型记住了训练集。\\n\\n**解析：** 泛化差。\\n"
    >>> [(i.number, i.question, i.answer, i.explanation) for i in parse_document(doc, "a.md")]
    [(1, '什么是过拟合？', '模型记住了训练集。', '泛化差。')]
"""
from __future__ import annotations

import logging
import re
from collections import Counter

from tutor.records import Item

log = logging.getLogger(__name__)

SUFFIXES = (".md", ".txt")
_NUMBERED = re.compile(r"^(#{1,6})\s+(?:\*\*)?\s*(\d{1,3})\s*[.、．)]\s*(.+?)\s*(?:\*\*)?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
# A label line: optional heading marks, bold label, optional colon, then maybe inline text.
_LABEL = re.compile(r"^\s*(?:#{1,6}\s*)?\*\*\s*(题目|面试题|答案解析|参考答案|答案|解析)\s*[：:]?\s*\*\*\s*[：:]?\s*(.*)$")
_SECTION = {"题目": "prompt", "面试题": "prompt", "答案解析": "answer", "参考答案": "answer", "答案": "answer", "解析": "explanation"}
_CODE_CAPTION = re.compile(r"^\s*\*\*\s*(代码示例|示例代码|代码实现|源代码)")
_OUTRO = re.compile(r"^\s*(以上是|以上就是|综上所述|通过上述|通过以上|希望对您有所帮助)")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.、)])\s+(.*\S)\s*$")
_BOLD_NUMBERED = re.compile(r"^\s*\*\*\s*\d{1,2}[.、)]\s*(.*\S)\s*$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")
_TITLE_PREFIX = re.compile(r"^(主题|自拟标题|标题)\s*[：:]\s*")


def strip_md(text: str) -> str:
    """Remove bold/italic/code marks and collapse whitespace.

    >>> strip_md("**数据并行：**  将数据  切分")
    '数据并行： 将数据 切分'
    """
    text = re.sub(r"\*\*|__|`", "", text)
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Chinese-aware sentence split on 。！？； and their ASCII forms, and on line breaks.

    >>> split_sentences("数据并行切数据。模型并行切模型！Done. OK")
    ['数据并行切数据。', '模型并行切模型！', 'Done.', 'OK']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def key_points(answer: str) -> tuple[str, ...]:
    """The answer's bullet/numbered points; a prose answer falls back to its sentences.

    >>> key_points("方法包括：\\n- **剪枝：** 去掉权重\\n1. **量化：** 降低精度")
    ('剪枝： 去掉权重', '量化： 降低精度')
    >>> key_points("过拟合是训练好、测试差。常用正则化缓解。")
    ('过拟合是训练好、测试差。', '常用正则化缓解。')
    """
    points = []
    for line in answer.splitlines():
        m = _LIST_ITEM.match(line) or _BOLD_NUMBERED.match(line)
        if m:
            point = strip_md(m.group(1))
            if len(point) >= 4:
                points.append(point)
    if not points:
        points = [strip_md(s) for s in split_sentences(answer) if len(strip_md(s)) >= 6]
    return tuple(dict.fromkeys(points))  # keep order, drop exact repeats


def doc_title(lines: list[str]) -> str:
    for line in lines:
        m = _HEADING.match(line)
        if m and not _NUMBERED.match(line):
            return _TITLE_PREFIX.sub("", strip_md(m.group(2)))
    return ""


def _item_level(lines: list[str]) -> int | None:
    """The heading level the numbered items use (code-fence comments like `# 加载模型` excluded)."""
    levels, fenced = Counter(), False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := _NUMBERED.match(line)):
            levels[len(m.group(1))] += 1
    return levels.most_common(1)[0][0] if levels else None


def _parse_body(body: list[str]) -> dict:
    sections = {"prompt": [], "answer": [], "explanation": []}
    code: list[str] = []
    current, fence = None, None
    for line in body:
        if fence is not None:
            if line.lstrip().startswith("```"):
                code.append("\n".join(fence).strip("\n"))
                fence = None
            else:
                fence.append(line)
            continue
        if line.lstrip().startswith("```"):
            fence = []
            continue
        m = _LABEL.match(line)
        if m:
            current = _SECTION[m.group(1)]
            if m.group(2).strip():
                sections[current].append(m.group(2))
            continue
        if _CODE_CAPTION.match(line):
            continue
        # Text before any label is the question's own wording (002 has no 题目 label at all).
        sections[current or "prompt"].append(line)
    if fence:  # an unterminated fence still keeps its code
        code.append("\n".join(fence).strip("\n"))
    out = {k: "\n".join(v).strip() for k, v in sections.items()}
    out["code"] = tuple(c for c in code if c.strip())
    return out


def parse_document(text: str, source: str) -> list[Item]:
    """Parse one article into its numbered items, in document order.

    Args:
        text: the document's markdown.
        source: its file name, kept on every item for citations.

    Returns:
        One Item per numbered heading (empty when the document has none).
    """
    lines = text.splitlines()
    level = _item_level(lines)
    if level is None:
        return []
    title = doc_title(lines)
    raw: list[tuple[int, str, list[str]]] = []
    fenced = False
    for line in lines:
        is_fence = line.lstrip().startswith("```")
        if not fenced and not is_fence:
            m = _NUMBERED.match(line)
            h = _HEADING.match(line)
            if m and len(m.group(1)) == level:
                raw.append((int(m.group(2)), strip_md(m.group(3)), []))
                continue
            if raw and (line.strip() == "---" or (h and len(h.group(1)) < level)):
                raw.append((-1, "", []))  # a separator or higher heading closes the item
                continue
        if is_fence:
            fenced = not fenced
        if raw:
            raw[-1][2].append(line)
    raw = [r for r in raw if r[0] >= 0]
    if raw:  # the closing boilerplate ("以上是……希望对您有所帮助") is not part of the last item
        body = raw[-1][2]
        cut = next((i for i, ln in enumerate(body) if _OUTRO.match(ln)), len(body))
        del body[cut:]
    items = []
    for number, question, body in raw:
        parts = _parse_body(body)
        items.append(Item(
            source=source, number=number, title=title, question=question,
            prompt=strip_md(parts["prompt"]), answer=parts["answer"],
            explanation=strip_md(parts["explanation"]), code=parts["code"],
            key_points=key_points(parts["answer"]),
        ))
    return items
