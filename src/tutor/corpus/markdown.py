"""Markdown text helpers the parser and the grader share: front matter, marks, sentences, key points.

Pure (re only). Split out of parse.py, which finds questions; this reads the text inside them.

Example:
    >>> split_sentences(strip_md("**数据并行**切数据。模型并行切模型！"))
    ['数据并行切数据。', '模型并行切模型！']
"""
from __future__ import annotations

import re

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.、)])\s+(.*\S)\s*$")
_BOLD_NUMBERED = re.compile(r"^\s*\*\*\s*\d{1,2}[.、)]\s*(.*\S)\s*$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")


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


_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
# Single-mark emphasis (`_Large Language Models_`, `*attention*`), read as CommonMark reads it: the mark
# opens after a space or punctuation and closes before one. Must NOT catch snake_case (`top_k`, `d_model`:
# intraword), `4 * v100` (a mark followed by a space opens nothing), a product `k[0]*k[1]*k[2]` or `f(x)*g(x)*h`
# (a mark right after a bracket multiplies) or `**bold**` (strip_md's).
_EMPHASIS = re.compile(r"(?<![\w*_\\\])])([*_])(?![\s*_])(.+?)(?<![\s*_\\])\1(?![\w*_])")
# Presentational inline HTML in a heading (`<font color=red>`, `<br>`, `<sup>`): markup, not words. Must NOT
# catch other tags, which a question may be about ("centre a <div>", "<think> 标签"), nor "a < b > c".
_INLINE_HTML = re.compile(r"</?(?:font|br|span|sup|sub|b|i|u|em|strong|center|mark|small|big|del|s|ins)\b[^<>]*/?>", re.I)
_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\([^)\n]*\)")


def inline_text(text: str) -> str:
    """A heading or question as it reads: a link is its text, an image its alt text (a formula such as
    \\lambda carries meaning; an empty one is dropped), markdown marks, inline HTML tags and escapes removed.

    Must NOT touch brackets that are not links ("delete []", "[1,0,0]", "[xxx] 项目").

    >>> inline_text("[L1 和 L2 正则化的区别](https://baike.baidu.com/x)")
    'L1 和 L2 正则化的区别'
    >>> inline_text("为什么有![](http://x.png)偏差？"), inline_text("delete 和 delete [] 的区别")
    ('为什么有偏差？', 'delete 和 delete [] 的区别')
    >>> inline_text("What are _Large Language Models (LLMs)_ and *why*?"), inline_text("top_k 与 d_model、4 * v100")
    ('What are Large Language Models (LLMs) and why?', 'top_k 与 d_model、4 * v100')
    >>> inline_text("<font color=red>什么是 KV cache？</font>"), inline_text("a < b 且 c > d 吗")
    ('什么是 KV cache？', 'a < b 且 c > d 吗')
    >>> inline_text("k[0]*k[1]*k[2] 的最大值，如何 centre a <div>?")
    'k[0]*k[1]*k[2] 的最大值，如何 centre a <div>?'

    """
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _INLINE_HTML.sub(" ", _LINK.sub(lambda m: m.group(1), text))
    return strip_md(_EMPHASIS.sub(lambda m: m.group(2), text))


def split_sentences(text: str) -> list[str]:
    """Chinese-aware sentence split on 。！？； and their ASCII forms, and on line breaks.

    >>> split_sentences("数据并行切数据。模型并行切模型！Done. OK")
    ['数据并行切数据。', '模型并行切模型！', 'Done.', 'OK']
    """
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


# HTML that notes embed in markdown: its text is content, its tags are not. Only HTML's own tag names: an
# angle-bracket token that names something else ("<EOS>", "<Prompt>", "<think>", "vector<int>") is text.
_HTML_TAGS = ("div|span|p|br|hr|img|a|ul|ol|li|h[1-6]|b|i|u|em|strong|font|sup|sub|center|table|thead|tbody|tr|td|th|"
              "details|summary|blockquote|code|pre|section|small|big|mark|del|ins|s|figure|figcaption")
_HTML_BLOCK = re.compile(r"<(style|script)\b[^>]*>.*?</\1\s*>", re.I | re.S)  # CSS or JS: no words of the answer
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"\balt\s*=\s*[\"']([^\"']*)[\"']", re.I)
_HTML_BR = re.compile(r"<br\s*/?>", re.I)
_HTML_TAG = re.compile(rf"</?(?:{_HTML_TAGS})(?=[\s/>])[^<>]*>", re.I)  # "<a,b>" is a pair, not a link
# An image's alt text that is a placeholder ("image", "图片", a file name, nothing) says nothing; a real one
# ("Transformer 结构", a formula) is kept. Shared with the parser's question and answer lines.
DECORATIVE_ALT = re.compile(r"^(image|img|图片|图|pic|picture|screenshot)?[\w\-.]*\.(png|jpe?g|gif|svg)$|^(image|img|图片|图)[\w\-]*$|^$", re.I)


def html_text(text: str) -> str:
    """The text of the HTML inside markdown: a line break inside a table cell becomes "；" (the row stays
    one row), elsewhere a new line; an image its alt text unless that is a placeholder; CSS/JS dropped.

    >>> html_text('| TF | 1.功能齐全<br/>2.支持多 GPU；<br />3.社区活跃 |')
    '| TF | 1.功能齐全；2.支持多 GPU；3.社区活跃 |'
    >>> html_text('<div class="box"><b>关键</b>：按 token 选专家</div> <img src="a.png" alt="image" />')
    '关键：按 token 选专家 '
    >>> html_text('<img src="x.png" style="zoom:50%" alt="Transformer 结构">')
    'Transformer 结构'
    >>> html_text("输出 <EOS> 后停止，vector<int> 不变，<a,b> 作为输入")
    '输出 <EOS> 后停止，vector<int> 不变，<a,b> 作为输入'
    """
    if "<" not in text:
        return text
    text = _HTML_BLOCK.sub("", text)
    text = _HTML_IMG.sub(lambda m: "" if DECORATIVE_ALT.match(alt := (a.group(1).strip() if (a := _ALT.search(m.group(0)))
                                                                       else "")) else alt, text)
    lines = [re.sub(r"[；;]?\s*<br\s*/?>\s*", "；", line) if line.lstrip().startswith("|") else _HTML_BR.sub("\n", line)
             for line in text.split("\n")]
    return _HTML_TAG.sub("", "\n".join(lines))


# A display formula ($$ … $$, on one line or many; \begin{align} … \end{align}) is notation, not a claim a
# candidate states in words: as key points its lines (`P(x=1) &= \phi \\`) were "covered" by any other formula.
# Must NOT drop inline $x$ inside a sentence (the sentence stays a point) or a line that only mentions "$".
# Only a block that opens its line: "当$x=0$$f'(x)=1$" inside a table cell holds "$$" and is a row of text.
_DISPLAY_MATH = re.compile(r"^[ \t]*\$\$.*?\$\$[ \t]*$|^[ \t]*\\begin\{(\w+\*?)\}.*?\\end\{\1\}[ \t]*$", re.S | re.M)
# A point that only names a list to come ("工作流程：", "主要性质有:") or only points elsewhere
# ("具体可参考：https://…") says nothing by itself.
_LABEL_ONLY = re.compile(r"^[^：:]{1,30}[：:]$")
_URL = re.compile(r"https?://\S+")


def without_math(text: str) -> str:
    """The text without its display formulas.

    >>> without_math("期望为：\\n$$\\nE[x] = \\\\phi\\n$$\\n方差较小。")
    '期望为：\\n\\n方差较小。'
    >>> without_math("| ReLU | 当$x=0$$f(x)=0$ |\\n| Tanh | $f=tanh$ |\\n$$y=1$$")
    '| ReLU | 当$x=0$$f(x)=0$ |\\n| Tanh | $f=tanh$ |\\n'
    """
    return _DISPLAY_MATH.sub("", text) if "$$" in text or "\\begin{" in text else text


def _says_something(point: str) -> bool:
    """Not a bare label ("工作流程：") nor only a link ("具体可参考：https://…").

    >>> [_says_something(p) for p in ("工作流程：", "具体可参考：https://zhuanlan.zhihu.com/p/6", "早停：验证集变差就停")]
    [False, False, True]
    """
    if _LABEL_ONLY.match(point):
        return False
    rest = _URL.sub("", point)
    return len(re.sub(r"^[^：:]{0,12}[：:]", "", rest).strip(" ；;，,。")) >= 2


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
    answer = without_math(html_text(answer))
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
    points = [p for p in points if len(p) >= 4 and _says_something(p)] + _table_points(answer)
    if not points:
        points = [strip_md(s) for s in split_sentences(answer) if len(strip_md(s)) >= 6 and _says_something(strip_md(s))]
    return tuple(dict.fromkeys(points))  # keep order, drop exact repeats


def prose(answer: str) -> str:
    """The answer without its list items (and their indented lines) and table rows: the prose around them.

    >>> prose("文本嵌入是稠密向量。\\n\\n有两个变体：\\n1. Skip-Gram\\n    跳过一个词\\n| a | b |\\n结尾。")
    '文本嵌入是稠密向量。\\n\\n有两个变体：\\n结尾。'
    """
    kept, in_item = [], False
    for line in without_math(html_text(answer)).splitlines():
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


def rule_row(line: str) -> bool:
    """A table's |---|:--:| line (every cell a rule), which says nothing itself.

    >>> rule_row("|:---|---:|"), rule_row("| a | --- |")
    (True, False)
    """
    m = _TABLE_ROW.match(line)
    return bool(m) and all(_TABLE_RULE.match(c) for c in m.group(1).split("|") if c.strip())


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
