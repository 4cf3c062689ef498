"""Swapped attributions: the answer says of one named thing what the reference says of its sibling.

A reference often describes parallel things side by side: 同步训练 / 异步训练, 生成器 / 判别器, Sigmoid / Tanh,
a table's RAG / SFT columns. A confidently wrong answer swaps them. It names both and says of each what the
reference says of the other, in the reference's own words, so every word-level check credits it (the swapped
answers of the dev sets scored 66–96). No word list reads that; structure does:
- the *names* are the reference's own labels (a point's label, or the labels inside a table row's cells);
- what an answer says of a name is the content of the clauses from that name to the next name (or line);
- a swap is a *crossing*: for two names at once, what the answer says of each shares more of the other's
  distinguishing words (those in one description and not the other) than of its own.
Requiring the crossing both ways keeps a one-sided slip, a loose paraphrase or a comparison ("不像同步训练
那样等待", a clause naming both is skipped) from reading as a swap. A negated clause ("异步训练不需要同步") says
what a name is not, so it counts for neither side.

Example:
    >>> pts = [KeyPoint("Sigmoid", "将输入映射到(0, 1)区间。"), KeyPoint("Tanh", "将输入映射到(-1, 1)区间。")]
    >>> [(s, cue) for s, _, cue in swapped(pts, "Sigmoid 把输入映射到 (-1, 1)。Tanh 映射到 (0, 1)。")]
    [(0, 'Sigmoid ⇄ Tanh'), (1, 'Tanh ⇄ Sigmoid')]
    >>> swapped(pts, "Sigmoid 把输入映射到 (0, 1)。Tanh 映射到 (-1, 1)。")
    []
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from tutor.corpus.parse import split_sentences
from tutor.grade.contradiction import NEGATION, _occurrences
from tutor.grade.keypoints import KeyPoint, token_set
from tutor.text.glossary import english_spans, english_terms
from tutor.text.normalise import has_cjk, is_english, normalise

# A cell label inside a table row's body: "RAG：动态数据。；SFT：静态数据". Must NOT catch a colon inside
# prose ("原因：" after a long clause): the label opens its cell and is short.
SWAP = "⇄"  # marks a swap cue ("同步训练 ⇄ 异步训练"): feedback says the two were mixed up
_CELL = re.compile(r"(?:^|[；;]\s*)([^：:，。；;\s][^：:，。；;]{0,15})[：:]")
_ALIAS = re.compile(r"[（(]([^）)]{1,30})[）)]")
# Numbers carry meaning here ("(0, 1)" vs "(-1, 1)"), and the lexical tokens drop them. Must NOT catch the
# digits of a name (FP16, L2, int8): a number stands alone.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])-?\d+(?:\.\d+)?(?![A-Za-z0-9])")
_CLAUSE = re.compile(r"[^，,：:、。；;！？!?\n]+")
# What joins the things a comparison question names. Must NOT split a name: "and" and "vs" are whole words.
_JOIN = re.compile(r"和|与|跟|以及|及|、|对比|相比|比较|(?<![a-z])(?:vs\.?|versus|and)(?![a-z])")
_NAME = re.compile(r"[\w][\w .+\-]*")  # a name holds no punctuation ("上，INT8" is not one)
_ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_ENGLISH_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[ -][A-Za-z][A-Za-z0-9]*)+")
# An English acronym or word opening a mixed label ("SFT传统方法", "RAG系统"). Must NOT catch a label that
# is English throughout (that is its own name) or a lone letter ("K折交叉验证": "K" names nothing).
_ENGLISH_HEAD = re.compile(r"[A-Za-z][A-Za-z0-9+\-]+(?=\s*[\u4e00-\u9fff])")


@dataclass
class _Entity:
    names: set[str]
    shown: str = ""  # the label as the reference writes it
    body: str = ""
    points: list[int] = field(default_factory=list)


def _names(label: str) -> set[str]:
    """A label's names: itself without its gloss, the gloss, the glossary's Chinese for English names, the
    initials of a name of several English words (Continuous Bag of Words = CBOW), and the English head of a
    mixed label ("SFT传统方法" is what the answer calls SFT).

    >>> sorted(_names("生成器（Generator）")), sorted(_names("Cross Entropy")), sorted(_names("SFT传统方法"))
    (['generator', '生成器'], ['ce', 'cross entropy', '交叉熵'], ['sft', 'sft传统方法'])
    """
    core = _ALIAS.sub("", label).strip()
    names = {core} | {a.strip() for a in _ALIAS.findall(label)}
    names |= {t for n in list(names) for t in english_terms(n)}
    for n in list(names):
        words = _ENGLISH_WORDS.findall(n)
        if len(words) >= 2 and _ENGLISH_NAME.fullmatch(n):
            names.add("".join(w[0] for w in words))
        if (head := _ENGLISH_HEAD.match(n)) and head.end() < len(n):
            names.add(head.group(0).strip())
    return {normalise(n).lower() for n in names if len(n.strip()) >= 2}


def entities(points: tuple[KeyPoint, ...] | list[KeyPoint]) -> dict[str, _Entity]:
    """The reference's named things (labels of its answer points, or of a row's cells) and what it says of each."""
    out: dict[str, _Entity] = {}
    for i, p in enumerate(points):
        if p.kind != "answer" or not p.label:
            continue
        cells = list(_CELL.finditer(p.body))
        parts = [(m.group(1), p.body[m.end():cells[k + 1].start() if k + 1 < len(cells) else len(p.body)])
                 for k, m in enumerate(cells)] if len(cells) >= 2 else [(p.label, p.body)]
        for label, body in parts:
            names = _names(label)
            if not names:
                continue
            key = min(names, key=lambda n: (len(n), n))
            e = out.setdefault(key, _Entity(set(), _ALIAS.sub("", label).strip()))
            e.names |= names
            e.body += " " + body
            e.points.append(i)
    # A name inside another thing's name tells neither apart: the glossary gives "Group Normalization" the
    # Chinese 归一化, which is also in 批量归一化 and 层归一化, and made every clause about BN name GN too.
    # Only a derived Chinese name goes (a glossary translation): the label itself stays (过采样 is inside SMOTE's
    # 合成少数类过采样技术, yet names its own point; the longer name is matched first where both stand), and so
    # does an English name (GPU is in the label 使用GPU加速推理 but still names the GPU point).
    for k, e in out.items():
        others = [n for k2, e2 in out.items() if k2 != k for n in e2.names]
        own = normalise(e.shown).lower()
        e.names = {n for n in e.names if n == own or not has_cjk(n) or not any(_inside(n, o) for o in others)} or e.names
    return out


def _inside(name: str, other: str) -> bool:
    """name is part of other: as characters for a Chinese name, as whole words for an English one ("cgan" is
    not inside "dcgan", "normalization" is inside "batch normalization").

    >>> _inside("归一化", "批量归一化"), _inside("cgan", "dcgan"), _inside("normalization", "batch normalization")
    (True, False, True)
    """
    if has_cjk(name):
        return name in other
    return re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", other) is not None


def question_names(question: str, reference: str) -> list[str]:
    """The things a comparison question joins ("A和B的区别", "A vs B"), each as the reference writes it: of
    the first part its longest ending found in the reference, of the last its longest beginning, of a middle
    part its longest piece. Must NOT name a question's framing ("请解释", "的区别"): only text the reference
    also holds is a name, and a part with none gives nothing.

    >>> question_names("请解释异步训练和同步训练的区别。", "异步训练：各自更新。同步训练：统一更新。")
    ['异步训练', '同步训练']
    >>> question_names("对比BERT、GPT、ELMo架构之间的差异", "BERT 双向。GPT 单向。ELMo 用 LSTM。")
    ['bert', 'gpt', 'elmo']
    >>> question_names("什么是过拟合？", "过拟合是……")
    []
    >>> question_names("RF(随机森林)与GBDT之间的区别与联系", "组成随机森林的树可以并行生成，而GBDT是串行生成")
    ['随机森林', 'gbdt']
    """
    q = normalise(question).lower()
    # A name glossed in the question ("RF(随机森林)", "随机森林（RF）") is whichever of the two the reference
    # writes: first without the glosses, then with each gloss in place of the word before it.
    names = _joined_names(_ALIAS.sub("", q), reference)
    return names or _joined_names(_GLOSSED_WORD.sub(lambda m: m.group(1), q), reference)


# An ASCII word glossed in brackets right after it ("rf(随机森林)"): the gloss may be what the reference writes.
# Must NOT turn a call or a formula into a name: "softmax(x) 和 sigmoid 的区别" gives "x", which names nothing the
# reference writes as a part, and this spelling is tried only when the question's own spelling names nothing.
_GLOSSED_WORD = re.compile(r"[a-z0-9][a-z0-9.\-]*\s*[（(]([^）)]{1,30})[）)]")


def _joined_names(q: str, reference: str) -> list[str]:
    """question_names on one spelling of the (normalised, lower-case) question."""
    ref = normalise(reference).lower()
    parts = [p.strip(" \t，,。？?！!：:") for p in _JOIN.split(q)]
    parts = [p for p in parts if p]
    names: list[str] = []
    for k, part in enumerate(parts):
        first, last = k == 0, k == len(parts) - 1
        spans = [(i, j) for i in range(len(part)) for j in range(i + 2, len(part) + 1)
                 if (not first or j == len(part)) and (not last or i == 0) and part[i:j].strip() == part[i:j]]
        found = [part[i:j] for i, j in spans if part[i:j] in ref and _whole(part, i, j) and _NAME.fullmatch(part[i:j])]
        if found:
            names.append(max(found, key=len).rstrip("的之等"))
    names = [n for n in names if len(n) >= 2]
    return names if len(set(names)) == len(names) >= 2 else []


def _whole(text: str, i: int, j: int) -> bool:
    """An English piece of text[i:j] does not start or end inside a word."""
    cut = lambda a, b: a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
    return not ((i > 0 and cut(text[i - 1], text[i])) or (j < len(text) and cut(text[j - 1], text[j])))


def _named_by_question(points, question: str) -> dict[str, _Entity]:
    """Entities named by a comparison question, described by the reference clauses that follow each name."""
    answer = [(i, p) for i, p in enumerate(points) if p.kind == "answer"]
    names = question_names(question, "\n".join(p.text for _, p in answer))
    return _described({n: _Entity(_names(n) | {n}, n) for n in names}, answer)


def _described(ents: dict[str, _Entity], answer: list) -> dict[str, _Entity]:
    """The entities the reference's answer points describe, each with the clauses said of it (said_of)."""
    for i, p in answer:
        for key, clauses in said_of(p.text, ents).items():
            ents[key].body += " " + "，".join(t for _, t in clauses)
            ents[key].points.append(i)
    return {k: e for k, e in ents.items() if e.points}


# A name glossed in English in the reference's prose: "生成器（Generator）", "判别器（Discriminator）". Must NOT catch
# a parenthesised example or note ("（如 CPU、GPU）", "（可选）"): the gloss opens with a Latin letter and holds
# only a name (words, digits, spaces, dots, hyphens; an abbreviation may follow a comma).
_GLOSSED = re.compile(r"([\u4e00-\u9fff]{2,12})[（(]([A-Za-z][A-Za-z0-9 .\-]{1,40})(?:[，,]\s*[A-Za-z][^）)]{0,20})?[）)]")


def prose_names(reference: str, question: str = "") -> list[tuple[str, str]]:
    """(Chinese name, gloss) of the things the reference names with an English gloss and then describes.

    The name is the longest ending of the Chinese run before the gloss that the reference uses again (the
    run "由生成器" holds the name 生成器, which the next sentence describes); a name the question uses is the
    item's subject, not one of its parts, and goes.

    >>> prose_names("GAN 由生成器（Generator）和判别器（Discriminator）组成。生成器生成数据，判别器判断真假。",
    ...             "请解释生成对抗网络（GAN）。")
    [('生成器', 'Generator'), ('判别器', 'Discriminator')]
    >>> prose_names("使用异构硬件（如 CPU、GPU）加速。")
    []
    """
    q = normalise(question).lower()
    out: list[tuple[str, str]] = []
    for m in _GLOSSED.finditer(reference):
        run, gloss = m.group(1), m.group(2).strip()
        used = [run[i:] for i in range(len(run) - 1) if reference.count(run[i:]) >= 2]
        if not used:
            continue
        name = used[0]  # the longest ending used again
        if name.lower() in q or gloss.lower() in q or any(name == n for n, _ in out):
            continue
        out.append((name, gloss))
    return out


def _named_in_prose(points, question: str) -> dict[str, _Entity]:
    """Entities the reference's prose names with a gloss, described by the clauses that follow each name."""
    answer = [(i, p) for i, p in enumerate(points) if p.kind == "answer"]
    names = prose_names("\n".join(p.text for _, p in answer), question)
    return _described({n: _Entity(_names(f"{n}（{g}）") | {n}, n) for n, g in names}, answer)


def _tokens(text: str) -> set[str]:
    return token_set(text) | {"#" + n for n in _NUMBER.findall(text)}


def _asserted(text: str) -> set[str]:
    """The tokens of the clauses that say what a thing is or does: not of those saying what it is not.

    >>> sorted(_asserted("RAG 查询外部源，而无需重新训练。"))
    ['rag', '外部', '查询', '询外', '部源']
    """
    return set().union(*(_tokens(c) for c in _CLAUSE.findall(text) if not _occurrences(c, NEGATION)))


def _mentions(clause: str, names: list[tuple[str, str]]) -> tuple[set[str], str]:
    """(keys of the names in the clause, the clause with them blanked), longest name first.

    >>> _mentions("而GBDT是串行生成", [("gbdt", "gbdt")]), _mentions("an organ", [("gan", "gan")])[0]
    (({'gbdt'}, '而    是串行生成'), set())
    """
    found, low = set(), normalise(clause).lower()
    for name, key in names:
        # An English name is a whole ASCII word: "gan" is not in "organ", but "而GBDT是" names GBDT (a CJK
        # character is alphanumeric to str.isalnum, and glued to an English name in most Chinese notes).
        glued = lambda c: c.isascii() and c.isalnum()  # noqa: E731
        hits = [m for m in re.finditer(re.escape(name), low)
                if not (name.isascii() and ((m.start() and glued(low[m.start() - 1]))
                                            or (m.end() < len(low) and glued(low[m.end()]))))]
        for m in hits:
            found.add(key)
            low = low[:m.start()] + " " * len(name) + low[m.end():]
    # An English answer names a Chinese label in English ("synchronous training" = 同步训练): the glossary says so.
    keys = dict((n, k) for n, k in names)
    for start, end, zh in english_spans(low):
        if hit := [keys[t] for t in zh.split() if t in keys]:
            end = re.match(r"[a-z]*", low[end:]).end() + end  # the rest of the word ("synchronous" from "synchron")
            found.update(hit)
            low = low[:start] + " " * (end - start) + low[end:]
    return found, low


def said_of(answer: str, ents: dict[str, _Entity]) -> dict[str, list[tuple[int, str]]]:
    """Per name, (sentence, content) of each clause the answer says of it, names blanked (see the module docstring)."""
    names = sorted(((n, k) for k, e in ents.items() for n in e.names), key=lambda nk: -len(nk[0]))
    out: dict[str, list[tuple[int, str]]] = {}
    current, at = None, 0
    for s, sentence in enumerate(split_sentences(answer)):
        start = answer.find(sentence, at)
        if start < 0 or "\n" in answer[at:start]:
            current = None  # a new line is a new list item or paragraph: its subject is stated afresh
        at = max(at, start + len(sentence))
        for clause in _CLAUSE.findall(sentence):
            found, rest = _mentions(clause, names)
            if len(found) > 1:
                current = None  # a clause naming two things compares them: say nothing of either
                continue
            if found:
                current = next(iter(found))
            if current is None or _occurrences(rest, NEGATION) or not rest.strip():
                continue
            out.setdefault(current, []).append((s, " ".join(rest.split())))
    return out


def swapped(points, answer: str, df: dict[str, int] | None = None, n_items: int = 1,
            encoder=None, question: str = "") -> list[tuple[int, list[int], str]]:
    """(sentence, the points of the name, cue) for each sentence that says of a name what the reference says
    of its sibling.

    Args:
        points: the item's key points (reference_points).
        df, n_items: how many items use each token: a rare distinguishing word weighs more.
        question: the item's question: when the points have no labels, a comparison question ("A和B的区别")
            names the things, and the reference's clauses after each name describe it.
        encoder: the embedder, for English answers to a Chinese reference: they share few words with it, so
            what they say of each name is compared with the descriptions by meaning (the same crossing).
    """
    # The names come from the labels, else the comparison question, else glossed prose: the first source
    # whose names the answer speaks of. Labels that only sort the points ("相同点" / "不同点" over "A 可以并行，
    # 而 B 串行") name nothing the answer says; the question's "RF 与 GBDT" does.
    makers = [lambda: entities(points), lambda: _named_by_question(points, question) if question else {},
              lambda: _named_in_prose(points, question)]
    for make in makers:
        ents = make()
        if len(ents) >= 2 and len(said := said_of(answer, ents)) >= 2:
            break
    else:
        return []
    df = df or {}
    named = set().union(*(_tokens(n) for e in ents.values() for n in e.names))
    bodies = {k: _asserted(e.body) - named for k, e in ents.items()}
    tokens = {k: [(s, _tokens(t) - named) for s, t in v] for k, v in said.items()}
    english = {k for k, v in said.items() if is_english(" ".join(t for _, t in v)) and has_cjk(ents[k].body)}
    dense = _dense_fits(encoder, ents, said, english) if encoder is not None and len(english) >= 2 else {}

    def weight(words: set[str]) -> float:
        return sum(math.log((n_items + 1) / (df.get(t, 0) + 1)) + 1 for t in words)

    def fit(key: str, other: str, k: int | None = None) -> tuple[float, float]:
        """How well what the answer says of key (its clause k, or all) fits key's description, and other's."""
        if key in english and other in english and dense:
            rows = dense[key] if k is None else dense[key][k:k + 1]
            return float(rows[:, _index(ents, key)].mean()), float(rows[:, _index(ents, other)].mean())
        words = set().union(*(t for _, t in tokens[key])) if k is None else tokens[key][k][1]
        return weight(words & (bodies[key] - bodies[other])), weight(words & (bodies[other] - bodies[key]))

    out: dict[int, tuple[str, str]] = {}
    for a in sorted(said):
        for b in sorted(said):
            if a >= b or not all(own < theirs for own, theirs in (fit(a, b), fit(b, a))):
                continue
            for key, other in ((a, b), (b, a)):
                for k, (s, _) in enumerate(said[key]):
                    own, theirs = fit(key, other, k)
                    if own < theirs:
                        out.setdefault(s, (key, f"{ents[key].shown} {SWAP} {ents[other].shown}"))
    return [(s, ents[key].points, cue) for s, (key, cue) in sorted(out.items())]


def _index(ents: dict[str, _Entity], key: str) -> int:
    return list(ents).index(key)


def _dense_fits(encoder, ents: dict[str, _Entity], said: dict[str, list[tuple[int, str]]], english: set[str]):
    """Per English-described name, (its clauses, every description) cosines."""
    bodies = ["，".join(c for c in _CLAUSE.findall(e.body) if not _occurrences(c, NEGATION)) or e.body
              for e in ents.values()]
    clauses = [t for k in sorted(english) for _, t in said[k]]
    vecs = encoder.encode_queries(bodies + clauses)
    sims = vecs[len(bodies):] @ vecs[:len(bodies)].T
    out, at = {}, 0
    for k in sorted(english):
        out[k] = sims[at:at + len(said[k])]
        at += len(said[k])
    return out
