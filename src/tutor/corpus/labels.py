"""What a line or heading says about itself: a number, a question, a Q/A label, a section name.

Pure: standard library only. Every pattern here is a claim about all notes, so each says what it
must not catch.

Example:
    >>> split_number("1.21 常见的分布式训练框架哪一些？"), split_number("1.什么是梯度消失？")
    (('1.21', '常见的分布式训练框架哪一些？'), ('1', '什么是梯度消失？'))
    >>> split_number("1.5B 模型需要多少显存？")
    (None, '1.5B 模型需要多少显存？')
    >>> split_number("3D并行是什么？"), asks("3D并行是什么？"), asks("理论篇")
    ((None, '3D并行是什么？'), True, False)
    >>> label_of("**回答：** 数据并行切数据"), label_of("A100 显卡")
    (('answer', '数据并行切数据'), None)
"""
from __future__ import annotations

import re

# A leading item number: 1. / 1.1 / 3.1.1 / 1、 / 1) / （1） / 一、 / Q1 / Q1: .
# Must NOT catch a number that is part of a word: "3D并行", "4 \* v100", "8卡A100", "2024年":
# a digit run counts only when a separator or a space follows, or (dotted numbers only, "1.1训练") a CJK char.
# A separator must not be a decimal point: "1.5B 模型" and "3.14" are values, not "1." + "5B 模型"
# (a number's own dots are kept: "1.21 框架" is number 1.21).
# Decoration before the number (emoji, stars, dingbats: "⭐⭐ Q2:", "🔥 1.") is skipped. Must NOT skip
# letters, digits, CJK or brackets: only the symbol blocks of _DECOR.
_DECOR = r"(?:[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f\u200d★☆●○◆◇■□▶►]\s*)*"
_NUMBER = re.compile(
    r"^\s*" + _DECOR + r"(?:"
    r"(?P<d>\d{1,3}(?:\.\d{1,3})+)(?=[\u4e00-\u9fff])"
    r"|(?:Q|问题|题目)?\s*(?P<n>\d{1,3}(?:\.\d{1,3})*)(?:\s*[.、．)）:：](?!\d)\s*|\s+)"
    r"|[（(](?P<p>\d{1,3})[)）]\s*"
    r"|(?P<c>[一二三四五六七八九十]{1,3})\s*[、.．]\s*"
    r")(?P<rest>.*)$", re.S)

# Asking: a question mark, or an interrogative word, or an interview's imperative (请介绍…, 请比较…; not
# 请注意 or 请参考). Must NOT catch section names (理论篇, 概述,
# "Transformer") nor a word that merely contains 什么-like characters in another sense; the list is
# the interrogatives interview notes use, Chinese and English.
_ASKS = re.compile(
    r"[？?]\s*$|什么|为什么|为何|如何|怎么|怎样|哪些|哪个|哪一些|是否|多少|多大|多长|吗|呢|区别|对比|比较|"
    r"简述|简要|介绍一下|讲一下|说一下|谈谈|说说|解释|是啥|能否|可以.*吗|"
    r"^请(?:你|您)?(?:详细)?(?:介绍|说明|描述|列举|比较|分析|阐述|举例|设计|解释)|"
    r"^(?:what|why|how|when|which|explain|describe|compare|is|are|can|does|do)\b", re.I)

# Headings that organise a document rather than ask. Must NOT catch a question that names one of
# these words ("总结一下数据并行的优缺点？" asks, so `asks` is checked first).
_NOT_QUESTIONS = re.compile(r"^(目录|参考|参考资料|参考文献|引用|总结|小结|概述|前言|引言|写在前面|附录|"
                            r"references?|contents|summary|overview|introduction|toc)[：:]?$", re.I)

# Q/A labels at the start of a line, bold or plain, with or without a colon after the bold part.
# Must NOT catch "问题解释：" (a seed article's prose), "A100：" (a GPU) or "Answer the call":
# a plain (non-bold) label needs its colon, and Q/A carry at most two digits.
_LABELS = {
    "prompt": r"题目|面试题|问题|问|Question|Q\d{0,2}",
    "answer": r"答案解析|参考答案|标准答案|参考回答|标准答|参考答|答案|回答|解答|答|Answer|A\d{0,2}",
    "explanation": r"解析|分析|Explanation",
}
_LABEL_ALT = "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items())
_LABEL = re.compile(
    r"^\s*(?:>\s*)*(?:#{1,6}\s*)?(?:[-*+]\s+)?"
    rf"(?:\*\*\s*(?:{_LABEL_ALT})\s*[：:.]?\s*\*\*\s*[：:]?|(?:{_LABEL_ALT.replace('?P<', '?P<p_')})\s*[：:]"
    r"|(?P<qn>Q\d{1,2})\s*[.、]|(?P<an>A\d{1,2})\s*[.、])"
    r"\s*(?P<text>.*)$", re.I)


# A line that is bold from start to end ("**什么是 NCCL？**", "**1*1 卷积的作用**": a lone "*" is text):
# a question when it asks. Must NOT catch bold key points inside an answer ("**1. 分布式计算：** 将……"
# is not wholly bold) nor two bold runs ("**RAG** 与 **SFT**"): no "**" inside.
BOLD_LINE = re.compile(r"^\s*\*\*((?:[^*]|\*(?!\*))+?)\*\*\s*$")


def plain(text: str) -> str:
    """Text without its bold, underline-bold and code marks (a heading's or a cell's words).

    >>> plain("**什么是 `NCCL`？**")
    '什么是 NCCL？'
    """
    return re.sub(r"\*\*|__|`", "", text).strip()


def split_number(text: str) -> tuple[str | None, str]:
    """(the leading arabic number or None, the text without its number marker)."""
    m = _NUMBER.match(text)
    if not m or not m.group("rest").strip():
        return None, re.sub(r"^\s*" + _DECOR, "", text).strip() or text.strip()
    return (m.group("n") or m.group("d") or m.group("p")), m.group("rest").strip()


def has_number(text: str) -> bool:
    """True for any number marker, Chinese numerals included (一、 gives no arabic id but still numbers)."""
    m = _NUMBER.match(text)
    return bool(m and m.group("rest").strip())


def asks(text: str) -> bool:
    """Does this heading or line ask something (once its number and its bold or code marks are removed)?

    The marks go first: "**RoPE 的优势？**" ends with its question mark only without them.

    >>> asks("**RoPE (旋转位置编码) 的优势？**"), asks("2. `KV Cache` 的作用？"), asks("**核心痛点**")
    (True, True, False)
    """
    body = split_number(plain(text))[1]
    return bool(_ASKS.search(body)) and not _NOT_QUESTIONS.match(body)


# A request anywhere in a list item ending with a full stop: "……请简述几个常见的 smoothing 方法。", "试着推导 SVM，
# 并说明什么是 KKT 条件。", "你能大概讲一下." ask. Without one, the interrogative words such an item uses are its
# statement's words: "3. 通过统一评测集比较结构变体的效果与效率差异。", "可解释性强：向量空间更易可视化。" (解释 in
# 可解释性), "准备工作：check字典是否初始化好。". Must NOT catch 说明 alone ("说明了如何提高吞吐。") nor 比较 as
# "rather" ("信息量要比较少").
_REQUEST = re.compile(r"请|讲一下|讲讲|说一下|说说|谈谈|谈一下|聊聊|聊一下|简述|介绍一下|解释一下|试着|试述|推导|你能|能否|有没有|"
                      r"问一下|列举|描述一下|^(?:简单|简要)?(?:介绍|解释|比较|对比|什么|为什么|为何|如何|怎么|怎样|哪些|"
                      r"是否)|^(?:what|why|how|when|which|explain|describe|compare|discuss|list|name)\b", re.I)
# A sentence's own end: a full stop, or an English period after a word (not a version's "v1." nor "…").
_FULL_STOP = re.compile(r"(?:。|[^.\d]\.)\s*$")


def ends_asking(text: str) -> bool:
    """Does the text end with a question mark (trailing spaces aside)?

    >>> ends_asking("overfitting怎么办? "), ends_asking("？ 之后还有字")
    (True, False)
    """
    return bool(re.search(r"[？?]\s*$", text))


def asks_as_item(text: str) -> bool:
    """Does a list item ask? As `asks`, except that an item ending with a full stop and no question mark is
    a statement unless it makes a request (_REQUEST): the steps of a how-to list and a definition list use
    比较, 如何, 是否 and 区别 as their own words.

    >>> [asks_as_item(t) for t in ("通过统一评测集比较结构变体的效果与效率差异。", "说明了如何提高吞吐。",
    ...                            "可解释性强：向量空间更易可视化。", "信息量要比较少。")]
    [False, False, False, False]
    >>> [asks_as_item(t) for t in ("数据并行和模型并行的区别", "简述 BN 的原理。", "请比较 SGD 与 Adam。",
    ...                            "**RoPE 的优势？**", "Explain why warmup helps.", "风控这一块你能大概讲一下.",
    ...                            "RLHF 不稳定。请解释 DPO 的核心思想。", "简单讲一下残差结构以及意义。")]
    [True, True, True, True, True, True, True, True]
    """
    body = split_number(plain(text))[1]
    if not asks(body):
        return False
    return not (_FULL_STOP.search(body) and not re.search(r"[？?]", body) and not _REQUEST.search(body))


def organises(text: str) -> bool:
    """A heading like 目录, 参考资料 or 总结 that is never an item."""
    return bool(_NOT_QUESTIONS.match(split_number(text)[1].strip()))


def label_of(line: str) -> tuple[str, str] | None:
    """(section, inline text) when the line starts with a Q/A/解析 label, else None."""
    m = _LABEL.match(line)
    if not m:
        return None
    for name, numbered in (("prompt", "qn"), ("answer", "an"), ("explanation", None)):
        if m.group(name) or m.group("p_" + name) or (numbered and m.group(numbered)):
            return name, m.group("text")
    return None


# Headings whose text is never content: a table of contents or a reading list. Must NOT catch 总结 or
# 概述 (a summary says things worth finding).
_NO_CONTENT = re.compile(r"^(目录|参考|参考资料|参考文献|引用|相关链接|references?|contents|toc|links?)[：:]?$", re.I)
_ASIDE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")  # a trailing "(参考文档)": "Reference(参考文档)" is a reference list


def no_content(heading: str) -> bool:
    """A heading whose section holds no content of its own (contents, references, links).

    Must not catch 总结 or 概述 (they say things), nor a heading that only starts with 参考 ("参考答案的写法").

    >>> no_content("参考资料"), no_content("Reference(参考文档)"), no_content("总结"), no_content("参考答案的写法")
    (True, True, False, False)
    """
    return bool(_NO_CONTENT.match(_ASIDE.sub("", heading.strip())))


# Where an answer will go, not an answer: "- [ ] TODO", "待补充", "略". Must NOT catch a short real answer
# ("不适合。", "略大于 1", "无需同步", "无。" to a yes/no question): only a line that is the placeholder alone.
_PLACEHOLDER = re.compile(r"^(?:todo|tbd|tba|wip|fixme|coming soon|待补充|待补|待完善|待更新|待整理|待填|待续|未完待续|"
                          r"暂无|暂缺|略|…+|\.{3,})[\s。.!！~]*$", re.I)
_MARKER = re.compile(r"^\s*(?:[-*+]\s+)?(?:\[[ xX]?\]\s*)?(?:\*\*|__)?\s*|\s*(?:\*\*|__)?\s*$")  # bullet, checkbox, bold
_LINK_ONLY = re.compile(r"^(?:!?\[[^\]]*\]\([^)]*\)|<?https?://\S+>?)[\s,，;；]*(?:[-—–]\s*\S{0,20})?$")
# A bare address after a short pointer label ("具体可参考：https://…", "详见 https://…", "See: https://…"): it
# names no content, unlike a reading-list entry "[XGBoost 调参](https://…)" whose text says what is there.
_POINTER = re.compile(r"^(?:[^：:\s]{0,12}[：:]\s*|(?:详见|参见|参考|见|see|ref)\s*)?<?https?://\S+>?[\s。.]*$", re.I)


def placeholder(answer: str) -> bool:
    """An answer that is only a placeholder, possibly followed by a reading list: the item has no answer yet.

    >>> placeholder("- [ ] TODO"), placeholder("- [ ] TODO\\n\\n**参考资料**\\n\\n- [XGBoost 调参](https://x.cn/a)")
    (True, True)
    >>> placeholder("待补充。"), placeholder("略大于 1"), placeholder("TODO：补上 BN 的推导\\nBN 先标准化再缩放平移。")
    (True, False, False)
    >>> placeholder("- [XGBoost 调参](https://x.cn/a)")  # a reading list alone is left as it is
    False
    >>> placeholder("具体可参考：https://zhuanlan.zhihu.com/p/631847634"), placeholder("详见 https://a.io/x\\n原因是显存碎片。")
    (True, False)
    """
    seen = False
    for line in answer.splitlines():
        text = _MARKER.sub("", line)
        if not text:
            continue
        if _PLACEHOLDER.match(text) or _POINTER.match(text):
            seen = True
        elif seen and no_content(text):
            return True  # only a reading list follows the placeholder
        elif not (seen and _LINK_ONLY.match(text)):
            return False
    return seen


# A line that asks with a question mark at its end (a closing bracket may follow: "（如条件语句中）？"),
# once its bullet, number, checkbox and marks are gone.
_ASKS_LINE = re.compile(r"[?？]\s*[)）]?\s*$")
# A group label inside a list of questions ("**端口与调度**", "在代码审查时，检查：") names the questions under
# it; it neither asks nor answers. Must NOT catch a short plain answer line ("需要", "按批统计"): bold or a colon only.
_GROUP = re.compile(r"^(?:\*\*[^*]+\*\*[：:]?|[^。.!！?？]{1,40}[：:])$")
QUESTION_LIST_SHARE = 0.75  # of the lines that are not group labels
QUESTION_LIST_MIN = 3


def question_list(answer: str) -> bool:
    """An "answer" that is a list of further questions (an outline, a checklist, a question bank's index):
    it answers nothing, so the item can't be graded or asked. Must NOT catch an answer that raises a
    question or two and answers them ("为什么？因为……"), nor a list of named techniques without "?".

    >>> question_list("**执行延迟**\\n- 延迟和吞吐量有什么区别？\\n- 为什么某些指令延迟高？\\n- 如何查询？")
    True
    >>> question_list("为什么要归一化？\\n因为各特征量纲不同。\\n那 BN 呢？\\n按批统计。")
    False
    >>> question_list("- 数据并行\\n- 模型并行\\n- 流水线并行")
    False
    >>> question_list("要同步吗？\\n需要\\n要广播吗？\\n需要\\n要切分吗？\\n不需要")
    False
    """
    asking = rest = 0
    for raw in answer.splitlines():
        line = re.sub(r"^\s*(?:[-*+]\s+|\d{1,3}[.、)）]\s*|[(（]\d{1,3}[)）]\s*)?", "", raw).strip()
        if not line or _GROUP.match(line):
            continue
        if _ASKS_LINE.search(_MARKER.sub("", line)):
            asking += 1
        else:
            rest += 1
    return asking >= QUESTION_LIST_MIN and asking >= QUESTION_LIST_SHARE * (asking + rest)
