"""Condense a follow-up question into a standalone retrieval query (rule-based, no LLM).

Example:
    >>> condense("那推理阶段呢？", [{"role": "user", "content": "如何优化大模型训练？"}])
    '那推理阶段呢？ 大模型 优化'
    >>> condense("什么是数据并行？", [{"role": "user", "content": "如何处理过拟合？"}])
    '什么是数据并行？'
"""
from __future__ import annotations

import re

from tutor.text.normalise import is_english
from tutor.text.tokenise import content_words, domain_terms, tokenize

_FOLLOW_UP = re.compile(r"^(那|那么|这|它|其|为什么|为啥|怎么说|why|how about|what about|and |so |then )|呢[？?]?$",
                        re.IGNORECASE)
# Words that swap the stage a follow-up asks about; the previous question's stage word must not come along.
_CONTRASTS = ({"训练", "推理"}, {"training", "inference"}, {"数据并行", "模型并行"}, {"同步", "异步"})


def condense(question: str, history: list[dict]) -> str:
    """Rule-based rewrite of a follow-up into a standalone retrieval query.

    A short or anaphoric question ("那推理阶段呢？", "why?") borrows up to three content words of the
    previous user question, minus any word it explicitly contrasts (训练 ↔ 推理).
    """
    prev = next((m["content"] for m in reversed(history or []) if m.get("role") == "user"), None)
    if not prev:
        return question
    core = re.sub(r"[\W_]+", "", question)
    short = len(core) <= 5 or (is_english(question) and len(question.split()) <= 3)
    if not (short or _FOLLOW_UP.search(question.strip())):
        return question
    mine = set(content_words(question)) | set(tokenize(question))
    dropped = {w for pair in _CONTRASTS if pair & mine for w in pair}
    words = [w for w in content_words(prev) if w not in mine and w not in dropped]
    # Domain terms first (过拟合 before 处理): they are what the conversation is about.
    terms = domain_terms()
    words = sorted(words, key=lambda w: w not in terms)[:3]
    return f"{question} {' '.join(words)}".strip()
