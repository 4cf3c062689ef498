"""Tokenising for BM25 and topic words: jieba (taught the domain's terms), stop words, CJK bigrams.

Pure apart from jieba's dictionary, loaded once and quietly (`silence_jieba`).

Example:
    >>> tokenize("显存不够 怎么训练 GPT")
    ['显存', '不够', '显存', '存不', '不够', '训练', '么训', '训练', 'gpt']
"""
from __future__ import annotations

import logging
import re

from tutor.text.normalise import CJK_RUN, normalise

# Greek letters are words too: hyperparameters are named by them (Adam 的 β1、β2, Focal Loss 的 γ, L2 的 λ), and a
# question about "β1" shared no token with "给定超参数0 ≤ β1 < 1（建议设为0.9）".
_WORD = re.compile(r"[a-z0-9\u03b1-\u03c9]+(?:[-_.+][a-z0-9\u03b1-\u03c9]+)*")
# Function words that carry no topic: question scaffolding in both languages.
STOP_ZH = frozenset("""的 了 是 在 和 与 及 或 中 对 把 被 有 吗 呢 吧 啊 么 哪些 什么 怎么 怎样 如何 为什么 请 请问
解释 简述 一下 一些 这个 那个 我们 你 我 可以 需要 进行 以及 通过 问题 哪 个 些 要 会 能 怎么办 怎么样 是否
还是 就 都 也 很 比较 主要 常见 方面 有哪些 一个 说说 讲讲 聊聊""".split())
STOP_EN = frozenset("""a an the of to in on for and or is are was were be been how what why which when who do does
did can could should would i you we it its this that these those with by as at from about into vs versus
me my your explain describe tell please there their them some any""".split())


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: jieba words and character bigrams of CJK runs, lower-cased ASCII words.

    Bigrams catch compounds jieba splits differently in query and document (显存/显存不足);
    words keep precise matches. Stop words are dropped from both.

    >>> [t for t in tokenize("Adam 的 β1 和 Focal Loss 的 γ") if t.isascii() or not t.isalpha() or len(t) < 3]
    ['adam', 'β1', 'focal', 'loss', 'γ']
    """
    import jieba  # imported here: its dictionary load is slow and logs on first use

    silence_jieba()
    text = normalise(text)
    tokens: list[str] = []
    for run in CJK_RUN.findall(text):
        words = [w for w in jieba.lcut(run) if len(w) > 1 and w not in STOP_ZH]
        bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
        tokens.extend(words)
        tokens.extend(b for b in bigrams if b not in STOP_ZH)
    tokens.extend(w for w in _WORD.findall(text) if w not in STOP_EN and not w.isdigit())
    return tokens


def joined_forms(text: str) -> list[str]:
    """Adjacent ASCII words written as one ("focal loss" → "focalloss"), and compounds without their
    separators ("focal-loss" → "focalloss"): how notes often spell a term their reader types apart.

    The caller keeps a form only when the corpus vocabulary holds it, so a join means that a document writes
    the term as one word (Focalloss, DataParallel, ResNet). Must not catch: words across a CJK run or
    punctuation ("focal loss 用 numpy": no "lossnumpy"; "loss，focal" is not joined), or more than two
    words at once (a sentence is not a name).

    >>> joined_forms("Focal Loss 用 numpy 怎么写"), joined_forms("focal_loss 和 soft-nms")
    (['focalloss'], ['focalloss', 'softnms'])
    >>> joined_forms("loss，focal")
    []
    """
    out: list[str] = []
    for run in re.findall(r"[a-z0-9][a-z0-9 _.+-]*", normalise(text)):
        words = _WORD.findall(run)
        out.extend(a + b for a, b in zip(words, words[1:]))
        out.extend(re.sub(r"[-_.+]", "", w) for w in words if re.search(r"[-_.+]", w))
    return out


_READY = False


def domain_terms() -> set[str]:
    """Chinese terms of the field: the glossary's renderings and the topic keywords."""
    from tutor.text.glossary import GLOSSARY
    from tutor.corpus.topics import TOPICS

    terms = {t for zh in GLOSSARY.values() for t in zh.split()} | {k for *_, kws in TOPICS.values() for k in kws}
    return {t for t in terms if CJK_RUN.fullmatch(t) and len(t) >= 2}


def silence_jieba() -> None:
    """Load jieba once: quiet (it logs its dictionary load on stderr) and taught the domain's terms.

    Without them jieba splits 过拟合 into 过/拟合 and 数据并行 into 数据/并行.
    """
    global _READY
    if _READY:
        return
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for term in domain_terms():
        jieba.add_word(term)
    _READY = True


def content_words(text: str) -> list[str]:
    """The words that carry a text's topic: jieba words (≥ 2 chars, no stop words) and ASCII words.

    >>> content_words("如何处理过拟合？")
    ['处理', '过拟合']
    """
    import jieba

    silence_jieba()
    text = normalise(text)
    words = [w for run in CJK_RUN.findall(text) for w in jieba.lcut(run) if len(w) > 1 and w not in STOP_ZH]
    words += [w for w in _WORD.findall(text) if w not in STOP_EN and not w.isdigit()]
    return list(dict.fromkeys(words))
