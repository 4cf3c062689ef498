"""A near copy of the reference with a wrong edit: the candidate's clause is a reference clause whose claim flipped.

Pure. A confident wrong answer is often written in the reference's own words with one thing moved: two
terms traded places ("前一个时间步的输出作为当前时间步的输入" → "当前…的输出作为前一个…的输入"), one of
the item's terms put in the slot of another that differs from it by a token ("给少数类分配更高的权重" →
"给多数类…"; "映射到 (0, 1)" → "(-1, 1)"), a negation added or dropped ("引入非线性" → "引入线性"), or a
labelled point's description given to another label ("Tanh：映射到 (-1, 1)" said of Sigmoid). Word lists
can't see these; the alignment can. Each clause of the answer is aligned token by token (Chinese
characters, ASCII words, numbers) with the clauses of the item's reference. Where its best match is a near
copy whose *every* edit is such a flip, an odd number of flips is a wrong claim (two flips cancel: "少数类
权重高" and "多数类权重低" say the same). A clause that says some reference clause whole, or changes anything
else (a synonym, a number the item never states, a third term), is no flip: that is agreement, a
paraphrase or another claim, left to coverage and the judge.

Example:
    >>> ref = "RNN：将前一个时间步的输出作为当前时间步的输入。LSTM：缓解了梯度消失。"
    >>> edit_cue("RNN 将当前时间步的输出作为前一个时间步的输入", ref)[1]
    '前一个 ↔ 当前 (swapped)'
    >>> edit_cue("RNN 把前一个时间步的输出作为当前时间步的输入", ref) is None
    True
    >>> edit_cue("类别权重调整是给多数类分配更高的权重", "类别权重：给少数类分配更高的权重，平衡多数类和少数类。")[1]
    '少数 → 多数'
    >>> edit_cue("给多数类分配更低的权重", "类别权重：给少数类分配更高的权重，平衡多数类和少数类。") is None
    True
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from tutor.text.normalise import normalise

# A token: an ASCII word or number, a Chinese character, or a symbol that carries meaning in a claim (a
# bracket of an interval, a sign, ∞, %). Other punctuation and markdown (**, ：) say nothing.
_TOKEN = re.compile(r"[a-z0-9_]+(?:\.[0-9]+)?|[\u3400-\u9fff]|[()\[\]+\-<>=%∞]")
# A clause ends at punctuation; an ASCII comma inside a number pair ("(0, 1)") ends nothing.
_CLAUSE = re.compile(r"[，；;。！？!?\n]|,(?!\s*[-+]?\d)")
_SENTENCE = re.compile(r"(?<=[。！？!?；;])")
_URL = re.compile(r"https?://\S+|www\.\S+")  # an address names a page; its digits are no claim
_LIST = re.compile(r"^\s*(?:[-*+]|[(（]?\d{1,2}[.、)）])\s+|^\s*[(（]?\d{1,2}[.、)）]")  # a list item's marker
# A point's label opens its line ("1. **类别权重：** …"): the thing the clauses after it describe.
_LABEL = re.compile(r"^\s*(?:[-*\d.、)]+\s*)?(?:\*\*)?([^：:\n*]{1,16}?)(?:\*\*)?\s*[：:](?:\*\*)?")
# A negation morpheme added or dropped is a flip ("非线性" ↔ "线性", "不需要" ↔ "需要"). Closed class of the
# language. Must NOT count 不同/不断/不仅 (they assert): only a whole deleted or inserted run of negation
# tokens is read, and "不同" is two tokens that a paraphrase keeps or drops together.
_NEGATION = frozenset({"不", "非", "无", "未", "没", "not", "no", "never", "non"})
_SYMMETRIC = frozenset("和与及或跟同以") | {"and", "or", "vs"}  # "A 和 B" = "B 和 A": no swap
# Characters that carry grammar, not a claim: trading one for another is wording ("是" → "为", "的" → "之").
_FUNCTION = frozenset("的地得了着过是为在于对给把被将让使和与及或也就都很还而且以之其这那此该个种")
NEAR = 0.75      # share of a reference clause's tokens the answer clause must repeat in order: a near copy
MIN_TOKENS = 6   # shorter clauses ("是的", "A 比 B 快") match too many reference clauses to be read alone


def _tokens(text: str) -> list[str]:
    """Tokens of a text.

    >>> _tokens("**Sigmoid**：映射到 (0, 1)")
    ['sigmoid', '映', '射', '到', '(', '0', '1', ')']
    """
    return _TOKEN.findall(_URL.sub(" ", normalise(text)))


def _clauses(text: str) -> list[str]:
    return [c for c in (c.strip() for c in _CLAUSE.split(text)) if len(_tokens(c)) >= MIN_TOKENS]


def reference_clauses(reference: str) -> list[tuple[str, str, str]]:
    """(label, clause, the rest of its sentence as tokens) for each clause of the reference; label "" where
    its line has none.

    >>> reference_clauses("1. **Sigmoid：** 将输入映射到 (0, 1) 区间，常用于输出层。")[0]
    ('sigmoid', '将输入映射到 (0, 1) 区间', '常用于输出层')
    """
    out = []
    for line in normalise(reference).splitlines():
        label = ""
        for part in _SENTENCE.split(line):
            part = _LIST.sub("", part)
            # A sentence that opens with a label starts a new thing; one without goes on about the last.
            if m := _LABEL.match(part):
                label, part = "".join(_tokens(m.group(1))), part[m.end():]
            cs = _clauses(part)
            out += [(label, c, "".join(_tokens("，".join(cs[:k] + cs[k + 1:])))) for k, c in enumerate(cs)]
    return out


def _crossed(x: list[str], y: list[str], ref_rest: str, answer_rest: str) -> bool:
    """Two terms of one reference sentence traded between its clauses ("计算查询和键的点积，再对值加权" →
    "计算值和键的点积，再对查询加权"): this clause's replacement stands elsewhere in the reference sentence,
    and what it replaced stands elsewhere in the answer's.

    >>> _crossed(["查", "询"], ["值"], "再对值进行加权求和", "再对查询加权求和")
    True
    >>> _crossed(["查", "询"], ["值"], "再对值进行加权求和", "再加权求和")
    False
    """
    u, v = "".join(x), "".join(y)
    if not (1 <= len(x) <= 4 and 1 <= len(y) <= 4) or set(x + y) <= _FUNCTION or u in v or v in u:
        return False
    return v in ref_rest and u in answer_rest


def _in_item(a: list[str], r: list[str], i1: int, i2: int, j1: int, j2: int, item: str) -> str | None:
    """One of the item's terms put in the slot of another that differs from it by one token: the replaced
    token and its replacement, each with the neighbour they share on one side, are both in the item
    ("少" → "多" read as "少数" → "多数"; "0" → "-1" as "(0" → "(-1").

    One side must be a single token (a number may gain a sign), so that "减少" → "降低", two words the item
    may both use, is a synonym, not a flip; function characters never flip (是 → 为).
    """
    x, y = r[j1:j2], a[i1:i2]
    if min(len(x), len(y)) != 1 or max(len(x), len(y)) > 2 or set(x + y) & _FUNCTION:
        return None
    x, y = "".join(x), "".join(y)
    pairs = []
    if i1 > 0 and j1 > 0 and a[i1 - 1] == r[j1 - 1]:
        pairs.append((r[j1 - 1] + x, a[i1 - 1] + y))
    if i2 < len(a) and j2 < len(r) and a[i2] == r[j2]:
        pairs.append((x + r[j2], y + a[i2]))
    return next((f"{px} → {py}" for px, py in pairs if px in item and py in item), None)


def swap_of(r: list[str], a: list[str]) -> tuple[str, str] | None:
    """(X, Y) when a is r with two spans traded, r = P X M Y S and a = P Y M X S, and no way of reading it
    so has only a conjunction for M ("A 和 B" = "B 和 A"; "A 的输出作为 B 的输入" ≠ "B 的输出作为 A 的输入").

    >>> swap_of(_tokens("用上下文预测中心词"), _tokens("用中心词预测上下文"))
    ('上下文', '中心词')
    >>> swap_of(_tokens("平衡多数类和少数类"), _tokens("平衡少数类和多数类")) is None
    True
    """
    if r == a or sorted(r) != sorted(a):
        return None
    p = next(k for k in range(len(r)) if r[k] != a[k])
    q = next(k for k in range(len(r)) if r[-1 - k] != a[-1 - k])
    found = None
    for p2 in range(max(0, p - 4), p + 1):  # a shared edge of the two terms may sit in the common prefix/suffix
        for q2 in range(max(0, q - 4), q + 1):
            rm, am = r[p2:len(r) - q2], a[p2:len(a) - q2]
            for lx in range(1, len(rm)):
                for ly in range(1, len(rm) - lx + 1):
                    x, m, y = rm[:lx], rm[lx:len(rm) - ly], rm[len(rm) - ly:]
                    if am != y + m + x or set(x + y) <= _FUNCTION:
                        continue
                    if not m or set(m) <= _SYMMETRIC:
                        return None
                    if not found or lx + ly < len(found[0]) + len(found[1]):
                        found = ("".join(x), "".join(y))  # the shortest reading names the terms, not their context
    return found


def _swap_in(r: list[str], a: list[str]) -> tuple[str, str] | None:
    """swap_of over each stretch of a as long as r: words around the copy frame it ("RNN 将…")."""
    key = sorted(r)
    return next((s for i in range(len(a) - len(r) + 1)
                 if sorted(a[i:i + len(r)]) == key and (s := swap_of(r, a[i:i + len(r)]))), None)


def _same_word(x: list[str], y: list[str]) -> bool:
    """The same text tokenised apart ("emoji_movie" / "emoji\\_movie"), or one English word spelt two ways
    (a typo "btach", a run-on "functionactually"): no claim changed.

    >>> _same_word(["emoji", "_movie"], ["emoji_movie"]), _same_word(["btach"], ["batch"]), _same_word(["ring"], ["tree"])
    (True, True, False)
    """
    u, v = "".join(x), "".join(y)
    if u == v:
        return True
    if not (u.isascii() and v.isascii() and u.isalpha() and v.isalpha()):
        return False
    return u in v or v in u or SequenceMatcher(None, u, v).ratio() >= 0.75


def _flips(a: list[str], r: list[str], item: str, ref_rest: str = "", answer_rest: str = "") -> tuple[int, str] | None:
    """(number of flips, a description) when every edit from reference clause r to answer clause a is a
    flip; None when any edit is something else. Words the answer adds before or after the copy ("类别权重
    调整是…") frame it; a part of the reference clause it leaves off at either end is simply not said."""
    ops = SequenceMatcher(None, r, a, autojunk=False).get_opcodes()
    flips, said = 0, []
    for k, (tag, j1, j2, i1, i2) in enumerate(ops):
        x, y = r[j1:j2], a[i1:i2]
        if tag == "equal" or (tag in ("delete", "insert") and k in (0, len(ops) - 1)) or _same_word(x, y):
            continue
        if tag in ("delete", "insert") and set(x or y) <= _NEGATION:
            flips, said = flips + 1, said + [f"{''.join(x) or '∅'} → {''.join(y) or '∅'}"]
        elif tag == "replace" and (pair := _in_item(a, r, i1, i2, j1, j2, item)):
            flips, said = flips + 1, said + [pair]
        elif tag == "replace" and _crossed(x, y, ref_rest, answer_rest):
            flips, said = flips + 1, said + [f"{''.join(x)} ⇄ {''.join(y)} (crossed)"]
        else:
            return None
    return (flips, "; ".join(said)) if flips else None


def _matched(r: list[str], a: list[str]) -> int:
    return sum(b.size for b in SequenceMatcher(None, r, a, autojunk=False).get_matching_blocks())


@lru_cache(maxsize=256)
def _read(reference: str) -> tuple[str, tuple, frozenset[str]]:
    """An item's reference read once for all its answers' sentences: its tokens, clauses and labels."""
    refs = tuple((label, c, _tokens(c), rest) for label, c, rest in reference_clauses(reference))
    return "".join(_tokens(reference)), refs, frozenset(label for label, _, _, _ in refs if label)


def edit_cue(sentence: str, reference: str) -> tuple[str, str] | None:
    """(the reference clause, why) when a clause of sentence is a near copy of it with an odd number of flips.

    Args:
        sentence: one sentence of the candidate's answer.
        reference: the item's whole reference (every point and its context): a clause that matches any
            part of it without a flip is no wrong claim, wherever the point it matches stands.
    """
    item, refs, labels = _read(reference)
    if "？" in sentence or "?" in sentence:
        return None  # a question claims nothing ("…是第几年？" is no slip of "第五年")
    clauses = _clauses(normalise(sentence))
    for k, clause in enumerate(clauses):
        a = _tokens(_LIST.sub("", clause))
        said = "".join(a)
        answer_rest = "".join(_tokens("，".join(clauses[:k] + clauses[k + 1:])))
        scored = sorted(((_matched(r, a), label, c, r, rest) for label, c, r, rest in refs),
                        key=lambda t: -t[0] / len(t[3]))
        # A reference clause said whole, making up most of this clause (a short one inside a long clause, "得到
        # 注意力权重", leaves the rest of it to be read).
        whole = [(label, c, r) for m, label, c, r, _ in scored if m == len(r) and len(r) >= 0.5 * len(a)]
        if whole:
            # The clause says a reference clause whole. Its own label, or no label at all, is agreement; another
            # of the item's labels instead of its own gives one thing another's description.
            if any(not label or label in said or not any(o in said for o in labels) for label, _, _ in whole):
                continue
            label, c, r = whole[0]
            # The other label must name a thing (an ASCII name, or three characters or more: 生成器, not 方法)
            # and stand before the copied words, as their subject.
            other = next((o for o in sorted(labels, key=len, reverse=True) if o in said and o != label
                          and (o.isascii() or len(o) >= 3) and said.find(o) < said.find("".join(r[:2]))), None)
            if other:
                return c, f"{label} → {other}"
            continue
        if (swaps := [(c, s) for _, _, c, r, _ in scored if (s := _swap_in(r, a))]):
            c, (x, y) = swaps[0]
            return c, f"{x} ↔ {y} (swapped)"
        # A swap matches few tokens in order (the traded spans break the alignment), so it was read above.
        for m, label, c, r, rest in [t for t in scored if t[0] >= NEAR * len(t[3])][:3]:
            hit = _flips(a, r, item, rest, answer_rest)
            if hit and hit[0] % 2:
                return c, hit[1]
    return None
