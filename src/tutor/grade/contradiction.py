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
    >>> point = "重排计算流减少显存读写。"
    >>> contradiction_cue("总计算量其实没有减少。", point) is None, contradiction_cue("显存读写并没有减少。", point)
    (True, '没有 (存读)')
"""
from __future__ import annotations

import re

from tutor.grade.cue_window import _CLAUSE, WINDOW, _governed, _objects, _words
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
                 "never", "not", "no", "none", "no need", "don't", "doesn't", "isn't", "aren't", "without",
                 # "has nothing to do with X" = 与 X 无关, but its object follows. Must NOT add "no matter" (it
                 # asserts): a "no" followed by "matter" is skipped where negations are read (_NOT_ONLY).
                 "nothing to do with", "no effect on")
NEGATION_RESULT = ("忽略", "无关", "irrelevant", "unnecessary")
NEGATION = NEGATION_VERB + NEGATION_RESULT
PREVENT = ("避免", "防止", "抑制", "消除", "prevent", "avoid")  # deny what follows, like a negation
# Bigrams too common in this field to identify an object (in a quarter of the items or more);
# the grader passes the corpus's own list, this is the fallback.
GENERIC = frozenset("模型 训练 数据 学习 方法 性能 深度 过程 能力 处理 技术 优化 计算 问题 参数 速度 效率 任务".split())

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


# A cue that ends in 不 (从不, 并不) read into a word that asserts: 不同 (different), 不断 (constantly), 不仅 / 不只
# (not only), 不停 (ceaselessly). Must NOT skip a real negation of a verb: "从不收敛", "并不需要".
_ASSERTING_BU = "同断仅只停"
_INFLECTION = re.compile(r"(?:s|es|d|ed|ing)?(?![a-z])")  # what may end an ASCII cue word's own word


def _occurrences(text: str, words: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(word, start, end) of every cue word in text.

    >>> [w for w, _, _ in _occurrences("nothing in the notebook; it reduces nodes, not no", ("not", "no", "reduce"))]
    ['not', 'no', 'reduce']
    >>> [w for w, _, _ in _occurrences("让模型从不同方面关注信息，从不断增长的数据中学习；它从不收敛", ("从不",))]
    ['从不']
    """
    out = []
    for w in words:
        for m in re.finditer(re.escape(w), text):
            if w.endswith("不") and text[m.end():m.end() + 1] in _ASSERTING_BU:
                continue  # "从不同方面" is "from different aspects", not "never 同"
            if w.isascii() and w[0].isalpha():
                # ASCII cue words are whole words, inflected at most ("reduces", "increased"): "not" is not
                # in "notebook" or "nothing", "no" not in "node", "lower" not in "flower".
                if m.start() > 0 and text[m.start() - 1].isalpha():
                    continue
                if not _INFLECTION.match(text, m.end()):
                    continue
            out.append((w, m.start(), m.end()))
    return out



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
    # 越-comparatives are more or less of a property: the up/down poles only, not speed or cause.
    yue = [o for o in _yue(text, results is UP_RESULT) if (o[1], o[2]) not in seen] if results else []
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


# Two more pairs of poles, each read only against its own opposite:
# - speed: 加快 X ↔ 减慢 X ("权重初始化加快收敛速度" vs "…会减慢收敛速度"). Not against up/down words:
#   "加快推理" agrees with "降低推理延迟". Must NOT add 加速 (a noun too: 加速卡, 加速比) or bare 快/慢.
# - cause: 导致/引起/造成 X ↔ what lowers or prevents X ("正则化会导致过拟合" vs "防止…过拟合"). A cause the
#   reference names itself is agreed ("避免权重过大导致梯度消失" lets "导致梯度消失" pass).
# - phase: what happens during training ↔ at inference ("Dropout 在训练过程中随机丢弃神经元" vs "…在推理阶段随机
#   丢弃神经元"). Must NOT catch a bare 训练 or 推理 (nouns everywhere: 训练数据, 推理速度): only a phase phrase
#   (…时, …阶段, …过程中, …期间) is a pole. A sentence with a negation is not read for it: "推理时不丢弃神经元"
#   states the same fact as "训练时随机丢弃".
SPEED_UP, SLOW_DOWN = ("加快", "speed up", "speeds up"), ("减慢", "放慢", "拖慢", "延缓", "slow down", "slows down")
CAUSE = ("导致", "引起", "造成", "引发", "诱发")
# A duration is no phase: 训练时间, 推理时延, 测试时长 hold 训练时/推理时/测试时 but name how long, so the phase
# family reads them as 耗时 (the pole words must NOT catch "减少训练时间" or "推理时延降低").
_DURATION = re.compile(r"(?<=训练|推理|测试|预测)时(?:间|长|延)")
TRAINING = ("训练时", "训练阶段", "训练过程中", "训练期间", "during training", "at training time")
INFERENCE = ("推理时", "推理阶段", "推理过程中", "测试时", "测试阶段", "预测时", "预测阶段", "during inference",
             "at inference", "at test time")
_FAMILIES = (((UP_VERB, UP_RESULT), (DOWN_VERB, DOWN_RESULT)), ((SPEED_UP, ()), (SLOW_DOWN, ())),
             ((CAUSE, ()), (DOWN_VERB, DOWN_RESULT)), ((TRAINING, ()), (INFERENCE, ())))


def _direction_flip(answer: str, reference: str, context: str, generic: frozenset[str]) -> str | None:
    for up, down in _FAMILIES:
        texts = (answer, reference, context)
        if up[0] is TRAINING:
            if _occurrences(answer, NEGATION + ("不", "没", "无")):
                continue  # a negated sentence is not read for phase (see TRAINING)
            texts = tuple(_DURATION.sub("耗时", t) for t in texts)
        if hit := _pole_flip(*texts, generic, up, down):
            return hit
    return None


def _pole_flip(answer: str, reference: str, context: str, generic: frozenset[str], up, down) -> str | None:
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
                if shared and (up[0] is not CAUSE or _same_subject(answer, w, reference, w2, generic)):
                    return f"{w} ↔ {w2} ({shared})"
    return None


# What keeps the answer's doer from being the reference's: its absence or removal ("不加正则化会导致过拟合"), or
# its excess, a cause the candidate explains ("权重过大会导致…", "模型太复杂会…"). Over-broad on purpose: a
# subject with 不 anywhere (不同的…) is skipped too, which only ever withholds a cue.
_ABSENT = NEGATION_VERB + ("不", "没", "无", "去掉", "移除", "缺少", "缺乏", "关闭", "取消", "太", "过于", "过大", "过小", "过多")


def _same_subject(answer: str, w: str, reference: str, w2: str, generic: frozenset[str]) -> bool:
    """A cause clashes with a prevention only when both name the same doer: "正则化会导致过拟合" against
    "通过正则化…防止过拟合", but not "模型太复杂会导致过拟合" (a cause the candidate explains) against it.

    >>> _same_subject("正则化会导致过拟合", "导致", "通过正则化等技术，防止过拟合", "防止", frozenset())
    True
    >>> _same_subject("不加正则化会导致过拟合", "导致", "通过正则化等技术，防止过拟合", "防止", frozenset())
    False
    >>> _same_subject("梯度裁剪可以避免梯度消失", "避免", "对梯度进行限制，避免梯度过大导致消失", "导致", frozenset())
    False
    """
    def before(text: str, word: str, clause: bool) -> list[str]:
        out = []
        for _, s, _ in _occurrences(text, (word,)):
            head = text[max(0, s - 30):s]
            out.append(_CLAUSE.split(head)[-1] if clause else head)
        return out

    def governed(text: str, word: str) -> bool:
        # A cause inside what is prevented or denied asserts nothing: "避免梯度过大导致消失" does not say
        # that anything causes 消失.
        return word in CAUSE and bool(_occurrences(_CLAUSE.split(text)[-1], PREVENT + DOWN_VERB + NEGATION_VERB))

    for mine in before(answer, w, True):
        if not mine.strip() or _occurrences(mine, _ABSENT) or governed(mine, w):
            continue
        for theirs in before(reference, w2, False):
            if governed(theirs, w2):
                continue
            if (point_terms(mine) - generic) & (point_terms(theirs) - generic):
                return True
    return False


# "不是只在两个节点之间" (not only between two) says "more than that": it denies no object. A negation
# followed by only/merely (只/仅/光/单), with or without 是, is such a "not only". Must NOT skip a negation
# followed by anything else ("不是双向的", "不只" itself is not in NEGATION and needs nothing).
# English the same: "not only / not just / not merely X". Must NOT skip "not X only" (it denies X).
_NOT_ONLY = re.compile(r"是?(?:只|仅|光|单单|单纯|一味)|\s+(?:only|just|merely|simply|solely|matter)\b")


def _condition(text: str, word: str, start: int) -> bool:
    """"Without X, …" at the head of its clause states a condition ("without monitoring data, scheduling is
    blind"): it denies nothing. Must NOT skip "without" inside a clause ("each node trains without syncing").

    >>> _condition("without monitoring, it fails", "without", 0), _condition("it runs without sync", "without", 8)
    (True, False)
    """
    return word == "without" and not _CLAUSE.split(text[:start])[-1].strip()


# A change verb names no object: what a negation denies is the thing that changes.
_DIRECTION = frozenset(w for w in UP_VERB + DOWN_VERB + SPEED_UP + SLOW_DOWN if not w.isascii())


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
        if objs and objs <= _DIRECTION:
            # "总计算量其实没有减少": a negated change denies it of its subject, before the negation, not of
            # whatever the reference says the change applies to ("减少显存读写").
            objs = _objects(answer, s, e, "before") - _DIRECTION
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
