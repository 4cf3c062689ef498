"""Gates an answer must pass before its points count: not stuffed, not a bare list, about this item.

Coverage scoring credits every key point an answer mentions, so three answer styles fooled it:
- keyword stuffing ("显存 显存 显存 …" ×300) scored 55: repeats matched a point again and again;
- a bare term list ("Dropout、L2、早停、数据增强") scored "excellent": each label matched its point;
- another item's answer scored up to 75: generic training vocabulary matched some points.

The other-item gate asks two questions of the answer: do its *words* come from another item's
reference rather than this item's (lexical share, any embedder), and is its *meaning* closer to
another item's question (cosine, one embedder's scale)? Either one clearly, or both together. Items
of the same topic (siblings) need a wider word gap: they share vocabulary by nature.

Each gate is a plain function on text or similarities (no model inside), so it is testable on its own.

Example:
    >>> repetition("显存 " * 300), repetition("数据并行把数据切分到多个 GPU，每个 GPU 持有完整模型副本。")
    (True, False)
    >>> is_term_list("Dropout、L2 正则化、早停、数据增强"), is_term_list("Dropout 随机丢弃神经元，防止共适应。")
    (True, False)
"""
from __future__ import annotations

import re

import numpy as np

from tutor.index.profile import E5_SMALL
from tutor.text.tokenise import tokenize

TERM_LIST_CAP = 74  # the top of "partial": naming the points is not explaining them
OFF_ITEM_CAP = 14  # the top of "empty / off-topic"
# Distinct tokens below this share of all tokens (and at least MIN_TOKENS tokens): the answer repeats
# itself. Ordinary prose sits well above 0.3 (function words repeat; content rarely does 5 times over).
DISTINCT_SHARE = 0.2
MIN_TOKENS = 20
# A list part longer than this (characters, CJK; words ×4 for English) is a phrase with content.
TERM_CHARS = 16
# Term separators only: 、 and ASCII , ; / and new lines. The Chinese comma "，" joins clauses of a
# sentence ("Dropout 随机丢弃神经元，防止共适应"), so it never splits a list here.
_PARTS = re.compile(r"[、,;；/|\n]+|\s+(?:and|or)\s+")
# How much more an answer must resemble another topic's question than its own item's questions to be an
# answer to something else. Read off eval/grading.jsonl: its partial and excellent answers reach a gap of
# 0.056 (0.02 pushed 5 partial answers to "empty"), so the gate sits above that; on
# eval/grading_styles_dev.jsonl it then catches about a third of the other-item answers by itself.
# The margin is a cosine difference, so it belongs to one embedder: it lives in the embedder's profile
# (index/profile.py; estimated for an unknown embedder, off when too few items say nothing of its scale).
OTHER_ITEM_MARGIN = E5_SMALL.other_item_margin  # 0.06
# How much larger a share of the answer's words (jieba words, CJK bigrams, ASCII words) another topic's
# reference must hold than this item's. Words common to the field sit in both and cancel out. Fitted on
# the dev splits only (eval/grading.jsonl, grading_styles_dev, grading_handwritten_dev), among answers that
# fully state none of the item's points: legitimate answers reach a gap of 0.08, answers to another item
# start at 0.50 (hand-written paraphrases) and sit near 0.9 (copied references); 0.3 is midway.
# A share of tokens, not a cosine: it holds for any embedder. It fires only when the answer is also
# closer in meaning to another topic's question than to its own (the sign of the cosine gap).
WORD_SHARE_MARGIN = 0.3
# The same test against the graded item's siblings (items sharing a topic with it) needs a wider word gap:
# siblings legitimately share vocabulary. On the dev splits a partial answer's word gap to a sibling
# reached 0.40, a copied sibling's reference (eval/grading_siblings_dev.jsonl and its foreign twin, made
# by scripts/make_sibling_answers.py) sat at 0.63-0.97; 0.5 caught 25 of 60 seed and 17 of 24 foreign
# copies (the other-topic test alone: 2 and 6) and capped no partial or excellent answer. Must not catch:
# an answer to "数据并行的优缺点" that explains data parallelism in the words of the sibling "什么是数据并行"
# (a word gap below 0.5). An answer that states one of the graded item's own points in full never reaches
# the gate (Grader._cap), which is why the remaining copies keep their credit: siblings overlap.
SIBLING_WORD_MARGIN = 0.5


def repetition(answer: str) -> bool:
    """True when the answer is mostly the same few tokens over and over."""
    toks = tokenize(answer)
    return len(toks) >= MIN_TOKENS and len(set(toks)) < DISTINCT_SHARE * len(toks)


def is_term_list(answer: str) -> bool:
    """True for a bare enumeration of terms: two or more parts, none long enough to explain anything."""
    text = re.sub(r"^\s*(?:\d+[.、)]|[-*•])\s*", "", answer.strip(), flags=re.MULTILINE)
    text = text.strip(" 。.!！")
    parts = [p.strip(" 。.:：") for p in _PARTS.split(text) if p.strip(" 。.:：")]
    if len(parts) < 2:
        return False
    return all(len(p) <= TERM_CHARS if re.search(r"[\u4e00-\u9fff]", p) else len(p.split()) <= TERM_CHARS // 4
               for p in parts)


def enumeration(points: list[tuple[str, str]]) -> bool:
    """True when one short sentence is the whole evidence for three or more points and states none in full.

    is_term_list sees "Dropout、L2、早停"; the same list written as a sentence ("可以加 L2 正则化和
    Dropout，再配合早停和数据增强。") is still a list: a sentence that is the evidence of every point it
    touches explains none of them. Must NOT catch: an answer that states a point in full ("covered": a
    one-sentence answer explaining five measures in a clause each, on the hand-written dev set), one whose
    points are touched by different sentences (a short answer that explains as it goes), or a sentence
    longer than a list of that many terms. It misses a list whose short labels count as stating their
    points ("主要是精度和召回率，还有F1分数": is_term_list catches it only when written with 、).

    Args:
        points: per key point, (status, evidence sentence) as the grader reports them.

    >>> s = "可以加 L2 正则化和 Dropout，再配合早停和数据增强。"
    >>> enumeration([("partial", s), ("partial", s), ("partial", s), ("missed", "")])
    True
    >>> enumeration([("covered", s), ("partial", s), ("partial", s)]), enumeration([("partial", s), ("partial", s)])
    (False, False)
    >>> enumeration([("partial", "加 L2 正则约束权重。"), ("partial", s), ("partial", s)])
    False
    >>> long = "Like pipeline parallelism it splits the model across GPUs, but it splits the tensors inside a layer."
    >>> enumeration([("partial", long)] * 3)
    False
    """
    credited = [(status, evidence) for status, evidence in points if status in ("covered", "partial") and evidence]
    sentences = {evidence for _, evidence in credited}
    return (len(credited) >= 3 and len(sentences) == 1 and all(status == "partial" for status, _ in credited)
            and len(next(iter(sentences))) <= TERM_CHARS * len(credited))


def answers_another_item(own: float, other: float, margin: float | None = OTHER_ITEM_MARGIN,
                         own_words: float = 0.0, other_words: float = 0.0,
                         word_margin: float = WORD_SHARE_MARGIN) -> bool:
    """True when the answer belongs to another item: by meaning clearly, or by words and meaning.

    Args:
        own: the best cosine of the answer to the graded item (or a duplicate of it) — its question.
        other: the best cosine of the answer to any item of the group compared (other topics, or siblings).
        margin: the cosine gap that decides alone (None: no margin fitted for this embedder).
        own_words: the share of the answer's words found in the graded item's reference (word_share).
        other_words: the largest such share among the items of that group.
        word_margin: the word-share gap that decides with meaning (wider for the item's siblings).

    >>> answers_another_item(0.80, 0.88), answers_another_item(0.84, 0.85)
    (True, False)
    >>> answers_another_item(0.84, 0.85, None, own_words=0.1, other_words=0.7)  # its words are another's
    True
    >>> answers_another_item(0.85, 0.84, None, own_words=0.1, other_words=0.7)  # but its meaning is ours
    False
    >>> answers_another_item(0.80, 0.88, own_words=0.3, other_words=0.2)  # closer in meaning, but its words are ours
    False
    >>> answers_another_item(0.84, 0.85, None, 0.1, 0.5, word_margin=SIBLING_WORD_MARGIN)  # a sibling: 0.4 is not enough
    False
    >>> answers_another_item(0.80, 0.88, own_words=1.0, other_words=1.0)  # "正则化和Dropout": every word is ours too
    False
    """
    # Meaning decides alone only when the words do not side with the graded item. A short heading as the
    # question ("文本嵌入") or a zh/en mix sits far from its own question in e5 while using its own
    # item's words: on the dev splits every such false alarm had its words favour the graded item
    # (word gap -0.4 to -0.11), every real answer to another item the other one (gap ≥ 0.25). A tie is
    # not "the other side": a terse answer ("梯度消失和梯度爆炸", "正则化和Dropout") whose every word is in
    # its own reference and in many others sits closest in meaning to whichever question names those
    # words; of 211 such two-label answers built from the seed and foreign items, 19 were gated with ties
    # counted, 12 without (5 of them junk labels), and no dev figure moved. Only an answer with none of
    # the graded item's words (own share 0) is judged by meaning alone.
    by_meaning = margin is not None and other - own > margin and (other_words > own_words or not own_words)
    return by_meaning or (other_words - own_words >= word_margin and other > own)


def word_share(answer_words: set[str], reference_words: set[str]) -> float:
    """The share of an answer's words that a reference holds (0 for an answer with none).

    >>> word_share({"数据", "并行", "切分"}, {"数据", "并行", "同步"})
    0.6666666666666666
    """
    return len(answer_words & reference_words) / len(answer_words) if answer_words else 0.0


def cap(answer: str, own: list[int], others: list[int], sims: np.ndarray | None, shares: np.ndarray | None,
        margin: float | None, siblings: list[int] = (), listed: bool = False) -> tuple[int, str]:
    """(the highest score the gates allow, why): another item's answer, else a bare term list, else none.

    Args:
        answer: the candidate's answer.
        own: indices of the graded item and its duplicates among all items.
        others: indices of the items sharing no topic with it.
        sims, shares: per item, the answer's cosine to its question and word_share with its text.
        margin: the cosine gap that decides alone for this embedder (its profile's other_item_margin), or None.
        siblings: indices of the other items sharing a topic with it (judged with SIBLING_WORD_MARGIN).
            With neither others nor siblings the other-item gate is skipped.
        listed: the item's reference is itself a bare list ("1. 友元函数 2. 成员函数", a table of bit widths;
            see `listed`): a list is all it asks for, so the term-list cap is not applied (a note's own answer
            scored 74 against itself).

    >>> cap("Dropout、早停", [0], [], None, None, None)
    (74, 'term_list')
    >>> cap("友元函数、成员函数", [0], [], None, None, None, listed=listed("1. 友元函数\\n2. 通过目标类的成员函数访问"))
    (100, '')
    >>> cap("数据并行把数据切分到多个 GPU。", [0], [1], np.array([0.80, 0.82]), np.array([0.1, 0.8]), None)
    (14, 'other_item')
    >>> cap("数据并行把数据切分到多个 GPU。", [0], [], np.array([0.80, 0.82]), np.array([0.1, 0.5]), None, [1])
    (100, '')
    """
    for group, word_margin in ((others, WORD_SHARE_MARGIN), (list(siblings), SIBLING_WORD_MARGIN)):
        if own and group and answers_another_item(float(sims[own].max()), float(sims[group].max()), margin,
                                                  float(shares[own].max()), float(shares[group].max()),
                                                  word_margin):
            return OFF_ITEM_CAP, "other_item"
    return (TERM_LIST_CAP, "term_list") if is_term_list(answer) and not listed else (100, "")


def listed(reference: str) -> bool:
    """Is the reference answer itself a bare list of terms (or a table of values)? Then listing is answering.

    >>> listed("1. Reduce\\n\\n2. Transpose\\n\\n3. Softmax"), listed("Dropout：随机丢弃神经元，防止共适应。早停：验证集变差就停。")
    (True, False)
    """
    return bool(reference.strip()) and is_term_list(reference)
