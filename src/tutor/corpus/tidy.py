"""After the questions are found: drop a list of the questions asked again with answers below, and
give every question a unique id.

Pure. Split out of sections (which finds the questions) so each stage stays short.

Example:
    >>> from tutor.corpus.sections import Question
    >>> qs = number_questions([Question("1", "a？", ["x"]), Question("1", "b？", ["y"])])
    >>> [q.number for q in qs]
    ['1', '1-2']
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.corpus.sections import Question


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"[\W_]+", "", text.lower())
    return {t[k:k + 2] for k in range(len(t) - 1)}


def drop_index(found: list[tuple[int, Question]]) -> list[tuple[int, Question]]:
    """Drop a question with no answer that another question of the document asks again with its answer:
    a list of the questions up top, answered one by one further down ("## 参考回答"). Must NOT drop an
    unanswered question nobody answers (it stays, reported as "no answer"); "the same" is most of the
    shorter question's character pairs (DUPLICATE_SHARE) in the other.

    >>> from tutor.corpus.sections import Question
    >>> found = [(0, Question("1", "什么是 RAG？", [])), (5, Question("1", "什么是 RAG？", ["检索增强生成。"]))]
    >>> [(line, q.body) for line, q in drop_index(found)]
    [(5, ['检索增强生成。'])]
    """
    # Characters of text, a link counting as its words only ("[hello-agents](https://…)" is 12).
    size = {id(q): len(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", "".join(ln.strip() for ln in q.body)))
            for _, q in found}
    answered = [(_bigrams(q.question), size[id(q)]) for _, q in found if size[id(q)]]

    def indexed(q: Question) -> bool:
        # The list's last entry also takes whatever follows the list ("--参考自……"): a list line's body
        # that short beside a longer answer of the same question is no answer either. A heading or a
        # labelled question keeps any answer it has (two short answers to one question both stay).
        # A question with an answer of its own goes only when it is asked again word for word (SAME_SHARE):
        # "KV Cache 量化？" beside "KV Cache 原理？" shares 6 of 8 pairs and is another question.
        b, mine = _bigrams(q.question), size[id(q)]
        share = SAME_SHARE if mine else DUPLICATE_SHARE
        return bool(b) and (not mine or q.weak and mine < INDEX_BODY) and any(
            len(b & a) >= share * min(len(a), len(b)) and n > mine for a, n in answered)
    return [(line, q) for line, q in found if not indexed(q)]


DUPLICATE_SHARE = 0.7  # an unanswered list line against an answered question: a shortened copy is still a copy
SAME_SHARE = 0.9  # a short answered one: only a near-verbatim repeat is the list's leftover
INDEX_BODY = 60  # characters: a body shorter than this beside a longer answer of the same question is a leftover


def number_questions(qs: list[Question]) -> list[Question]:
    """Unique ids: the document's own numbers when every question has one (ints when all are plain
    and unique, else strings like "1.21", a repeat suffixed "-2"), else positions 1..n."""
    nums = [q.number for q in qs]
    if any(n is None for n in nums) or (all(n.isdigit() for n in nums) and len(set(nums)) == len(nums)):
        for k, q in enumerate(qs, 1):
            q.number = int(q.number) if q.number is not None and None not in nums else k
        return qs
    if len(set(nums)) < len(nums):  # "（1）" restarts under each "# 2.…" section: qualify it, "2.1"
        for q in qs:
            if q.parent and "." not in q.number:
                q.number = f"{q.parent}.{q.number}"
    seen: dict[str, int] = {}
    for q in qs:
        seen[q.number] = seen.get(q.number, 0) + 1
        q.number = q.number if seen[q.number] == 1 else f"{q.number}-{seen[q.number]}"
    return qs
