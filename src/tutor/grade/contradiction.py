"""Deterministic contradiction cues: a candidate's sentence says the opposite of the reference point it addresses.

Pure. Two cue families, each looking for the *same object* on both sides, so that "降低延迟" in
the answer and "提高速度" in the reference (both right) never clash:
- direction flips: the answer raises what the reference lowers (加重/增加/更大 ↔ 减少/缓解/防止 …);
- negation flips: the answer negates a term the reference asserts (不需要同步 ↔ 需要定期同步).
Both are closed classes of the language (direction and negation words), not facts of any one item: a cue
about a domain fact ("FP64 is higher precision") was written for eval answers and is gone; such a wrong
definition is left to the key-point match and the judge, which check the answer against the item.
A cue is evidence, not a verdict: the grader marks a point contradicted only where the sentence
addresses that point, and the LLM judge (when on) catches what no word list can.

Example:
    >>> contradiction_cue("Dropout 会加重过拟合，应该去掉。", "Dropout：随机丢弃部分神经元，减少模型的过拟合。")
    '加重 ↔ 减少 (拟合)'
    >>> contradiction_cue("数据并行不需要同步参数。", "模型同步：各个节点需要定期同步模型参数。")
    '不需要 (同步)'
    >>> contradiction_cue("Dropout 可以减少过拟合。", "Dropout：随机丢弃部分神经元，减少模型的过拟合。") is None
    True
    >>> contradiction_cue("减少临时内存分配。", "增加内存：增加服务器的内存。", context="使用缓存：减少内存分配。") is None
    True
"""
from __future__ import annotations

import re

from tutor.text.glossary import expand_query
from tutor.text.normalise import CJK_RUN, char_bigrams, normalise

# Each cue word knows on which side its object stands: a verb governs what follows it ("减少过拟合"),
# a result or comparative describes what precedes it ("模型变得更复杂", "通信开销可以忽略").
UP_VERB = ("增加", "增大", "增多", "增强", "提高", "提升", "加大", "放大", "加重", "加剧", "扩大", "调大", "升高",
           "increase", "raise", "amplify", "worsen")
# 较X is the written comparative ("所需的资源较少" = 更少): the same cue, or a reference that says 较少
# would not agree with an answer that says 更少.
UP_RESULT = ("变大", "更大", "更多", "更高", "较大", "较多", "较高", "更复杂", "变复杂", "更严重", "越大", "越多", "越高",
             "上升", "larger", "bigger", "higher", "grows")
DOWN_VERB = ("减少", "减小", "降低", "缩小", "缓解", "减轻", "减弱", "调小", "避免", "防止", "抑制", "节省", "消除",
             "限制", "约束", "decrease", "reduce", "lower", "mitigate", "prevent", "avoid", "limit", "shrink")
DOWN_RESULT = ("变小", "更小", "更少", "更低", "较小", "较少", "较低", "下降", "越小", "越少", "越低", "smaller", "fewer")
# 不属于/不包括 deny membership like 不是 ("广播不属于集体通信"). Must NOT add 不仅/不只/不同/不断: they assert.
NEGATION_VERB = ("不需要", "不用", "无需", "没必要", "不必", "不会", "不能", "无法", "没有", "不存在", "不要", "从不",
                 "从来不", "并不", "不再", "不是", "不属于", "不包括", "不建议", "不应", "不可能", "毫无",
                 "never", "not", "no need", "don't", "doesn't", "isn't", "aren't", "without")
NEGATION_RESULT = ("忽略", "无关", "irrelevant", "unnecessary")
NEGATION = NEGATION_VERB + NEGATION_RESULT
PREVENT = ("避免", "防止", "抑制", "消除", "prevent", "avoid")  # deny what follows, like a negation
# Bigrams too common in this field to identify an object (in a quarter of the items or more);
# the grader passes the corpus's own list, this is the fallback.
GENERIC = frozenset("模型 训练 数据 学习 方法 性能 深度 过程 能力 处理 技术 优化 计算 问题 参数 速度 效率 任务".split())
WINDOW = 6  # characters either side of a cue word that can name its object (a short noun phrase)
_CLAUSE = re.compile(r"[，,；;。！？!?：:\n]")
_WORD = re.compile(r"[a-z][a-z0-9]+")
# An English plural names the same object as its singular ("没有用什么 trick" denies "大量的 tricks").
# Must NOT cut a word whose s is not a plural ending: -ss, -us, -is, -as (loss, status, analysis, bias)
# and short words (has, is, gas).
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<![suia])s$")


def _words(text: str) -> list[str]:
    """ASCII words, plurals as their singular.

    >>> _words("tricks loss bias layers analysis status has")
    ['trick', 'loss', 'bias', 'layer', 'analysis', 'status', 'has']
    """
    return [_PLURAL.sub("", w) for w in _WORD.findall(text)]
# Filler inside a cue's window that says nothing about its object.
_FILLER = set("的了会是让使得把被都也就很更越还和与及或在对")
_FILLER_WORDS = re.compile("任何|所有|一些|这些|那些|一个|进行|可以|直接|其实|基本")


# A point's label, at the start of a line: "数据增强（Data Augmentation）： …", "- **早停：** …".
_LABEL = re.compile(r"^\s*(?:[-*\d.、)]+\s*)?(?:\*\*)?([^：:\n（(*]{2,16})\s*(?:（[^）\n]*）|\([^)\n]*\))?\s*(?:\*\*)?[：:]",
                    re.MULTILINE)
_CUE_WORDS = UP_VERB + UP_RESULT + DOWN_VERB + DOWN_RESULT


def _mask_names(texts: tuple[str, ...], labels_from: str) -> tuple[str, ...]:
    """Blank out the item's own method names that end in a cue word: "数据增强" names a method, it raises nothing.

    Only a label whose cue word is not its first word is a name ("数据增强", "图像增强"); a label that
    starts with one is itself a claim ("减小批量大小", "增加训练数据") and must stay visible to the cues.
    """
    names = {n.strip() for n in _LABEL.findall(labels_from)}
    names = [n for n in names if any(w in n and not n.startswith(w) for w in _CUE_WORDS)]
    for n in sorted(names, key=len, reverse=True):
        texts = tuple(t.replace(n, "#" * len(n)) for t in texts)
    return texts


def _occurrences(text: str, words: tuple[str, ...]) -> list[tuple[str, int, int]]:
    out = []
    for w in words:
        for m in re.finditer(re.escape(w), text):
            if w.isascii() and w[0].isalpha():
                # ASCII cue words must start a word ("not" is not in "notebook").
                if m.start() > 0 and text[m.start() - 1].isalpha():
                    continue
            out.append((w, m.start(), m.end()))
    return out


# One piece of a window: an ASCII word, or any other single character (a Chinese character, a space).
_PIECE = re.compile(r"[a-z][a-z0-9]*|.", re.S)
ASCII_WORD_COST = 2  # an English word names about as much as two Chinese characters ("gradient" / "梯度")
# English function words take no room, as 的/了 take little: "is not really a problem" reaches "problem".
# Must NOT hold content words (a cue's object): only articles, copulas, auxiliaries and degree adverbs.
_EN_FILLER = frozenset("a an the is are was were be been being it its this that these those of to for "
                       "really very quite just so too also any all some much more most".split())


# What follows a comparison is what the object is compared with, not the object: "it doesn't saturate like
# sigmoid" denies saturation, not sigmoid. Must NOT hold "as" ("no need for tricks such as X" denies X).
_EN_COMPARE = frozenset(("like", "unlike", "than"))


def _cost(piece: str) -> int:
    if piece[0].isascii() and piece[0].isalpha():
        return 0 if piece in _EN_FILLER else ASCII_WORD_COST
    return 0 if piece.isspace() else 1


def _window(text: str, start: int, end: int, side: str, width: int) -> str:
    """The text on one side of a cue that can name its object: `width` units inside its clause. For an
    English cue (not, doesn't, reduce …) a Chinese character is one unit and an English word two, English
    function words none; measured in characters, as for a Chinese cue, it reached one truncated word
    ("not really a problem" → "reall").

    >>> _window("并不会学到任何语义知识", 1, 3, "after", 6), _window("are not really a problem here", 4, 7, "after", 6)
    ('学到语义知识', '   problem here')
    >>> _window("it doesn't saturate like sigmoid", 3, 10, "after", 6)
    ' saturate '

    """
    if not text[start:end].isascii():
        # A Chinese cue keeps its window in characters, as it was fitted: whole English words would let
        # "不会像 sigmoid 那样饱和" or "不再需要 AlexNet 那种归一化" reach a name that only qualifies the object.
        return (_FILLER_WORDS.sub("", _CLAUSE.split(text[end:end + 2 * width])[0])[:width] if side == "after"
                else _FILLER_WORDS.sub("", _CLAUSE.split(text[max(0, start - 2 * width):start])[-1])[-width:])
    pieces = _PIECE.findall(text[end:] if side == "after" else text[:start])
    if side == "before":
        pieces.reverse()
    raw, cost = [], 0
    for piece in pieces:  # the span the window is cut from: twice its width, inside the clause
        if _CLAUSE.match(piece) or cost >= 2 * width or (side == "after" and piece in _EN_COMPARE):
            break
        raw.append(piece)
        cost += _cost(piece)
    if side == "before":
        raw.reverse()
    # Filler words take no room in the window: "并不会学到任何语义知识" reaches 语义 as "学到语义知识" would.
    pieces = _PIECE.findall(_FILLER_WORDS.sub("", "".join(raw)))
    if side == "before":
        pieces.reverse()
    out, cost = [], 0
    for piece in pieces:
        if cost >= width:
            break
        if piece in _EN_FILLER:  # no room and no say: "really" is not what "not really X" denies
            continue
        out.append(piece)
        cost += _cost(piece)
    if side == "before":
        out.reverse()
    return "".join(out)


def _objects(text: str, start: int, end: int, side: str, width: int = WINDOW) -> set[str]:
    """Content tokens within WINDOW characters on one side of a cue, inside its clause.

    CJK bigrams (filler characters dropped) and ASCII words; English words also bring their
    glossary terms, so "gradients get larger" can meet "梯度" in a Chinese reference.

    >>> sorted(_objects("并不会学到任何语义知识", 1, 3, "after"))
    ['义知', '到语', '学到', '知识', '语义']
    """
    part = _window(text, start, end, side, width)
    tokens: set[str] = set()
    for run in CJK_RUN.findall(part):
        run = "".join(ch for ch in run if ch not in _FILLER)
        tokens.update(char_bigrams(run))
    words = _words(part)
    tokens.update(words)
    if words:
        for run in CJK_RUN.findall(normalise(expand_query(" ".join(words)))):
            tokens.update(char_bigrams(run))
    return tokens


def _governed(text: str, start: int, end: int, width: int = WINDOW) -> set[str]:
    """A verb's object: what follows it in its clause, or, when nothing does, what precedes it.

    A verb that ends its clause reports a result about its subject ("所需的迭代次数减少，", "利用率提高了。"),
    like "下降" does; it governs nothing after the comma. Must NOT take the preceding words of a verb
    that has an object ("显存占用减少通信" is about 通信), nor reach past its own clause (_objects).

    >>> sorted(_governed("所需的迭代次数减少，要想达到", 7, 9)), sorted(_governed("减少通信开销", 0, 2))
    (['代次', '次数', '迭代', '需迭'], ['信开', '开销', '通信'])
    """
    return _objects(text, start, end, "after", width) or _objects(text, start, end, "before", width)


# "越X" (越X越Y, 越来越X) is a comparative whatever X is: more of X. X is one of the scalar adjectives
# below (its pole gives the direction) or else a two-character property ("同步越频繁" = more 频繁).
# Must NOT catch 越 inside a word (卓越, 超越, 跨越, 优越, 逾越), the 越来 of 越来越 (the second 越 is the
# comparative), an evaluation ("越早越好": 好/早 name no property of the object), nor speed: "训练越快"
# agrees with "减少训练时间", so 快/慢 cannot be set against up/down words.
_YUE = re.compile(r"(?<![卓超跨优逾])越(?!来越)([\u4e00-\u9fff]{1,2})")
_UP_ADJ, _DOWN_ADJ, _NOT_PROPERTY = "大多高长强重", "小少低短弱轻", "快慢好差早晚来越"


def _yue(text: str, up: bool) -> list[tuple[str, int, int]]:
    """The 越-comparatives of text going up (or down), as (word, start, end).

    >>> _yue("同步越频繁越好，卡越少越好", True), _yue("卡越少越好", False), _yue("效果卓越，越快越好", True)
    ([('越频繁', 2, 5)], [('越少', 1, 3)], [])
    >>> _yue("梯度越来越小", False)
    [('越小', 2, 6)]
    """
    out = []
    for m in _YUE.finditer(text):
        x = m.group(1)
        if x[0] in _NOT_PROPERTY:
            continue
        # 越来越X starts at its first 越: the object precedes the whole phrase ("梯度会变得越来越小").
        start = m.start() - 2 if text[max(0, m.start() - 2):m.start()] == "越来" else m.start()
        if x[0] in _UP_ADJ + _DOWN_ADJ:
            if (x[0] in _UP_ADJ) == up:
                out.append(("越" + x[0], start, m.start() + 2))
        elif up and len(x) == 2 and "越" not in x:
            out.append(("越" + x, start, m.end()))
    return out


def _cue_objects(text: str, verbs: tuple[str, ...], results: tuple[str, ...]) -> list[tuple[str, set[str], str]]:
    """(cue word, its object tokens, the property a comparative names or "") for every cue in text."""
    found = [(w, _governed(text, s, e), "") for w, s, e in _occurrences(text, verbs)]
    seen = {(s, e) for w, s, e in _occurrences(text, results)}
    yue = [o for o in _yue(text, results is UP_RESULT) if (o[1], o[2]) not in seen]
    for w, s, e in _occurrences(text, results) + yue:
        # A comparative names its property: "更复杂" is about 复杂, which "防止过于复杂" prevents.
        prop = w.lstrip("更变越较")
        prop = prop if len(prop) == 2 and prop != w else ""
        found.append((w, _objects(text, s, e, "before") | ({prop} if prop else set()), prop))
    return found


def _cancelled(text: str, start: int, end: int) -> bool:
    """A negation next to another negation ("不能忽略", "不是不需要") asserts, it doesn't deny.

    Only a second negation that does not overlap this one counts: "并不会" is one negation read as two
    words (并不, 不会), and it denies.

    >>> _cancelled("不是不需要同步", 0, 2), _cancelled("并不会学到语义", 1, 3)
    (True, False)
    """
    lo = max(0, start - 3)
    near = text[lo:end + 3]
    return any(e + lo <= start or s + lo >= end for _, s, e in _occurrences(near, NEGATION))


def _same_object(a: set[str], b: set[str], generic: frozenset[str]) -> str | None:
    """A shared token when two cue objects name the same thing: most of the smaller one is in the other.

    Overlap, not any shared bigram: "限制梯度的范数" and "提高梯度传播的稳定性" share 梯度 but not their object.
    English words can only be shared with a side that has English words: against an all-Chinese side they
    are left out of the count (their glossary terms stand for them), or "need synchronise parameters"
    would never be mostly in "需要定期同步模型参数".

    >>> _same_object({"need", "synchronise", "同步"}, {"需要", "同步", "定期"}, frozenset())
    '同步'
    """
    a, b = a - generic, b - generic
    ascii_a, ascii_b = {t for t in a if t.isascii()}, {t for t in b if t.isascii()}
    if not ascii_b:
        a -= ascii_a
    if not ascii_a:
        b -= ascii_b
    shared = a & b
    if shared and len(shared) >= 0.5 * min(len(a), len(b)):
        return sorted(shared)[0]
    return None


def _direction_flip(answer: str, reference: str, context: str, generic: frozenset[str]) -> str | None:
    up, down = (UP_VERB, UP_RESULT), (DOWN_VERB, DOWN_RESULT)
    for mine, theirs in ((up, down), (down, up)):
        ref_opposite = _cue_objects(reference, *theirs)
        # Not a clash: what the reference (anywhere in the item) also moves the answer's way, and what
        # the answer itself also moves the other way ("数据增强来防止过拟合" agrees with 防止).
        agreed = set().union(*(o for _, o, _ in _cue_objects(reference + "\n" + context, *mine)),
                             *(o for _, o, _ in _cue_objects(answer, *theirs)))
        for w, objs, prop in _cue_objects(answer, *mine):
            for w2, objs2, _ in ref_opposite:
                shared = _same_object(objs - agreed, objs2, generic) or (
                    prop if prop and prop not in agreed and prop in objs2 else None)
                if shared:
                    return f"{w} ↔ {w2} ({shared})"
    return None


# "不是只在两个节点之间" (not only between two) says "more than that": it denies no object. A negation
# followed by only/merely (只/仅/光/单), with or without 是, is such a "not only". Must NOT skip a negation
# followed by anything else ("不是双向的", "不只" itself is not in NEGATION and needs nothing).
# English the same: "not only / not just / not merely X". Must NOT skip "not X only" (it denies X).
_NOT_ONLY = re.compile(r"是?(?:只|仅|光|单单|单纯|一味)|\s+(?:only|just|merely|simply|solely)\b")


def _condition(text: str, word: str, start: int) -> bool:
    """"Without X, …" at the head of its clause states a condition ("without monitoring data, scheduling is
    blind"): it denies nothing. Must NOT skip "without" inside a clause ("each node trains without syncing").

    >>> _condition("without monitoring, it fails", "without", 0), _condition("it runs without sync", "without", 8)
    (True, False)
    """
    return word == "without" and not _CLAUSE.split(text[:start])[-1].strip()


def _negation_flip(answer: str, reference: str, context: str, generic: frozenset[str]) -> str | None:
    # What the reference itself (anywhere in the item) denies or prevents, the answer may deny too.
    whole = reference + "\n" + context
    ref_denied = [_objects(whole, s, e, "before" if w in NEGATION_RESULT else "after", 2 * WINDOW)
                  for w, s, e in _occurrences(whole, NEGATION + PREVENT) if not _cancelled(whole, s, e)]
    terms = point_terms(reference)
    for w, s, e in _occurrences(answer, NEGATION):
        if _cancelled(answer, s, e) or _NOT_ONLY.match(answer, e) or _condition(answer, w, s):
            continue
        objs = _objects(answer, s, e, "before" if w in NEGATION_RESULT else "after")
        if any(_same_object(objs, denied, generic) for denied in ref_denied):
            continue
        shared = _same_object(objs, terms, generic)
        if shared:
            return f"{w} ({shared})"
    return None


def point_terms(point: str) -> set[str]:
    """The CJK bigrams and ASCII words of a point: what a negation must touch to deny it."""
    text = normalise(point)
    tokens = set(_words(text))
    for run in CJK_RUN.findall(text):
        tokens.update(char_bigrams(run))
    return tokens


def contradiction_cue(sentence: str, point: str, generic: frozenset[str] = GENERIC, context: str = "") -> str | None:
    """A short description of why sentence contradicts point, or None when no cue fires.

    Args:
        sentence: one sentence of the candidate's answer.
        point: the reference key point (label and body); the cue's object must be one of its terms.
        generic: bigrams too common to identify an object (the corpus's frequent ones).
        context: the rest of the item's reference: a claim it agrees with anywhere is no contradiction
            (an item may say "减少内存占用" in one point and "增加内存" in another).
    """
    a, r, ctx = normalise(sentence), normalise(point), normalise(context)
    a, r, ctx = _mask_names((a, r, ctx), r + "\n" + ctx)
    return _direction_flip(a, r, ctx, generic) or _negation_flip(a, r, ctx, generic)
