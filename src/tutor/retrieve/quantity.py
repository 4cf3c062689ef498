"""Does a question ask for a number, and does an item state one?

A question asking "how many bits / how much memory / what value" is answered only by a passage that states
a number. Near-domain questions the documents don't answer are often of this kind ("BF16 的尾数位是几位",
"温度 T 一般设多少", "KV cache 占多少显存"): every word of them is in the corpus, but no item near them
holds a number. Structure, not topic: the refusal model weighs it with the other evidence.

Example:
    >>> asks_quantity("知识蒸馏里的温度 T 一般设多少？"), asks_quantity("过拟合有哪几种处理方法？")
    (True, False)
    >>> q = "FP16 占几个字节？"
    >>> states_number_about(q, "1. **FP16：** 半精度。"), states_number_about(q, "FP16 只占 2 个字节。")
    (False, True)
"""
from __future__ import annotations

import re

from tutor.corpus.markdown import split_sentences
from tutor.text.glossary import expand_query
from tutor.text.tokenise import tokenize

# How much / how many / what size, in Chinese. Must NOT catch:
# - a list question: 哪几种, 几个方面, 几点, 几类, 几步 (they ask for items, not a number: 几 + those is left out);
# - "a few" in a statement: 前面几层, 后几层, 好几天, 这几张卡, 几千步 (几 after 前/后/头/末/好/这/那, or before 千/百/十);
# - an extent question: 多大程度, 多大影响/作用/区别/关系/意义 (a judgement, not a quantity);
# - a mechanism question: "self-attention 是怎么算的", "怎么计算输出" (only 换算 and a formula ask for numbers);
# - idioms: 或多或少, 多多少少, 多少有点/有些 ("somewhat");
# - 多重 ("multiple": 多重共线性, 多重采样), which is why 重 is not among the 多X of size.
_ZH = re.compile(
    r"(?<!或多或)(?<!多多)多少(?!有点|有些)"
    r"|(?<![前后头末好这那])几(?:位|倍|个?字节|比特|bit|块|台|[GMKT]B|瓦|个百分点)"
    r"|多(?:大|长|久|高|宽|深)(?!程度|影响|作用|区别|差别|差异|关系|意义|帮助|优势|不同|用处|好处)"
    r"|换算|计算公式|公式是")
# The same in English. Must NOT catch "how much does X help" (an extent: "how much" followed by a verb is
# left to the other signals only when no number-like noun follows), nor "how" alone.
_EN = re.compile(r"\b(?:how (?:many|large|big|long|fast)|how much (?:memory|time|data|power|bandwidth|space|vram|"
                 r"ram|storage|faster|slower|larger|smaller|more|less)|what (?:value|size|percentage|ratio)|"
                 r"formula|how (?:do|to|can) (?:i|you|we) (?:compute|calculate))\b", re.I)
# A number standing alone or with its unit glued on (8Gb/s, 80GB, 400W, 10ms, 7B, 4x): not the digits of a name
# (FP16, A100, INT8, L2, 1F1B, ZeRO-3, 3D, 2i), whose letters are no unit.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.\-_])\d+(?:\.\d+)?(?:[KMGTP]i?[Bb](?:ps)?|[kK]?[Ww]|[mun]s|[xXkKMB])?(?![A-Za-z0-9_])")
# A list marker opening a line ("1. ", "2、", "3) ") numbers the items of a list, not a quantity.
_LIST = re.compile(r"^\s*(?:[-*+]\s*)?(?:\*\*)?\d+[.、)）]\s*", re.M)
# A number answers the question when its sentence uses this share of the question's idf-weighted words. Read off
# the dev splits (scripts/fit_refusal.py's rows that ask for a number): answerable ones reach 0.46-0.81 in a
# top-3 item, unanswerable ones whose near items state some number 0.12-0.34 (a shared 量化 or 函数). Midway.
NUMBER_FOCUS = 0.4


def asks_quantity(question: str) -> bool:
    """Does the question ask for a number (an amount, a size, a value, a formula)?

    >>> [asks_quantity(q) for q in ("BF16 的尾数位分别是几位", "How many GPUs fit in one node?",
    ...                              "batch size 设多大比较好", "梯度累积以后全局 batch size 怎么换算")]
    [True, True, True, True]
    >>> [asks_quantity(q) for q in ("数据并行有哪几种实现方式", "正则化对过拟合有多大影响", "或多或少都会过拟合吧",
    ...                              "How much does dropout help?", "什么是混合精度训练", "网络前面几层不学东西",
    ...                              "self-attention 是怎么算的", "训练一个 epoch 要好几天", "多重共线性怎么处理")]
    [False, False, False, False, False, False, False, False, False]
    """
    return bool(_ZH.search(question) or _EN.search(question))


def number_focus(question: str, text: str, weight=None, code: tuple[str, ...] = (), context: str = "") -> float:
    """The share of the question's words that the text's sentences stating a number use (all of them together),
    each word weighted by `weight` (the corpus's idf: LexicalIndex.idf; 0 for a word the corpus never
    uses, which then counts for nothing). Without weights every word counts 1.

    A sentence sharing only the question's generic words is about something else: "Focal Loss 的 gamma
    一般取多少" against "Sigmoid 函数将输入映射到(0, 1)区间" shares 函数, a word many items use, and not
    Focal Loss, which few do. The question's own asking words (多少, how many) name nothing and are left out.
    A code block is one unit: its number ("Dense(128, …)") is about what its other lines name ("tf.keras").
    `context` (the item's own question) is what every sentence of it is about: a formula line under
    "Positional Encoding" names nothing but pos and sin, yet answers "位置编码的公式是什么".

    >>> ref = "Focal Loss：降低易分类样本的权重。\\n过采样：把少数类复制 10 倍。"
    >>> number_focus("Focal Loss 里的 gamma 一般取多少", ref), number_focus("少数类一般复制多少倍", ref) >= NUMBER_FOCUS
    (0.0, True)
    """
    weight = weight or (lambda _t: 1.0)
    asked = _EN.sub(" ", _ZH.sub(" ", question))
    words = {t: weight(t) for t in tokenize(expand_query(asked)) if len(t) >= 2}
    total = sum(words.values())
    if total <= 0:
        return 0.0
    # The sentences that state numbers, together: "SDR、DDR、QDR 分别是多少" is answered one rate per line.
    toks = set(tokenize(expand_query(context))) if context else set()
    stated = False
    for s in [*split_sentences(_LIST.sub("", text)), *code]:
        if _NUMBER.search(s):
            stated = True
            toks |= set(tokenize(expand_query(s)))
    if not stated:
        return 0.0
    toks |= {part for t in toks if "." in t for part in t.split(".")}  # tf.keras.layers.dense names keras
    return sum(words.get(t, 0.0) for t in toks) / total


def states_number_about(question: str, text: str, weight=None, code: tuple[str, ...] = (), context: str = "") -> bool:
    """Does the text state a number in a sentence about the question: one that uses at least NUMBER_FOCUS
    of the question's (weighted) words? List markers and the digits of names (FP16, A100) are no number.

    >>> ref = "Focal Loss：降低易分类样本的权重。\\n过采样：把少数类复制 10 倍。"
    >>> states_number_about("Focal Loss 里的 gamma 一般取多少", ref), states_number_about("少数类一般复制多少倍", ref)
    (False, True)
    >>> [bool(_NUMBER.search(t)) for t in ("即8Gb/s", "80GB 显存", "A100", "1F1B 调度", "3D 卷积", "FP16")]
    [True, True, False, False, False, False]
    """
    return number_focus(question, text, weight, code, context) >= NUMBER_FOCUS
