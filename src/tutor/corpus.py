"""Documents → items: parse numbered interview items, extract key points, merge near-duplicates.

Pure: standard library only. Handles the heading and label styles of the five articles
(`#### 3. 问题` / `### 3.` / `## 3.`; `**题目：**`, `### **面试题**`, `**答案：**`,
`### **答案解析**`, `**解析：**`); any other document is chunked by sentences.

Example:
    >>> doc = "# 标题\\n\\n## 1. 什么是过拟合？\\n\\n**答案：** 模型记住了训练集。\\n\\n**解析：** 泛化差。\\n"
    >>> [(i.number, i.question, i.answer, i.explanation) for i in parse_document(doc, "a.md")]
    [(1, '什么是过拟合？', '模型记住了训练集。', '泛化差。')]
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .records import Item, Ref
from .topics import tag_topics

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


def _title(lines: list[str]) -> str:
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
    title = _title(lines)
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


def chunk_document(text: str, source: str, max_chars: int = 400) -> list[Item]:
    """Split a free-text document into sentence-packed chunks of at most ~max_chars.

    >>> [c.answer for c in chunk_document("第一句。第二句。", "n.txt", max_chars=5)]
    ['第一句。', '第二句。']
    """
    title = _title(text.splitlines()) or Path(source).stem
    chunks, buf = [], ""
    for sent in split_sentences(text):
        if buf and len(buf) + len(sent) > max_chars:
            chunks.append(buf)
            buf = ""
        buf += sent if not buf or re.match(r"[\u3400-\u9fff]", sent[:1]) else " " + sent
    if buf:
        chunks.append(buf)
    return [
        Item(source=source, number=None, title=title, question=f"{title} ({i + 1})", answer=c,
             key_points=key_points(c), kind="chunk", chunk=i + 1)
        for i, c in enumerate(chunks)
    ]


def _norm_question(q: str) -> str:
    return re.sub(r"[\W_]+", "", q).lower()


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text)
    return {t[i:i + 2] for i in range(len(t) - 1)}


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


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in Path(corpus_dir).iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def corpus_hash(corpus_dir: Path) -> str:
    """sha256 over every corpus file's name and bytes: the index is stale when this changes."""
    h = hashlib.sha256()
    for p in corpus_files(corpus_dir):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def load_corpus(corpus_dir: Path) -> list[Item]:
    """Read every .md/.txt in corpus_dir into canonical, topic-tagged items.

    Unreadable or non-UTF-8 files are skipped with a warning naming them.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus_dir} (set TUTOR_CORPUS_DIR)")
    items: list[Item] = []
    for path in corpus_files(corpus_dir):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("skipping %s: not readable as UTF-8 text (%s)", path.name, exc.__class__.__name__)
            continue
        parsed = parse_document(text, path.name) or chunk_document(text, path.name)
        items.extend(parsed)
    merged = merge_duplicates(items)
    return [replace(it, topics=tag_topics(it)) for it in merged]


def find_item(items: list[Item], ref: Ref) -> Item | None:
    """The canonical item standing for ref (directly or as a merged duplicate)."""
    return next((it for it in items if ref in it.refs), None)
