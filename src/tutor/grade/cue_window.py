"""Where a contradiction cue's object is: the words on one side of a cue word, inside its clause.

A Chinese cue's window is counted in characters (6, a short noun phrase); an English cue's in words, since
six characters of English reach one truncated word. Pure.

Example:
    >>> sorted(_objects("dropout does not reduce overfitting", 13, 16, "after"))
    ['overfitting', 'reduce', '拟合', '过拟']
"""
from __future__ import annotations

import re

from tutor.text.glossary import expand_query
from tutor.text.normalise import CJK_RUN, char_bigrams, normalise

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
    # Pieces are read outward from the cue (reversed before it) and put back in text order at the end.
    outward = (lambda xs: xs) if side == "after" else (lambda xs: xs[::-1])
    stop = _EN_COMPARE if side == "after" else frozenset()
    # The span the window is cut from: twice its width, inside the clause, up to a comparison.
    raw = _take(outward(_PIECE.findall(text[end:] if side == "after" else text[:start])), 2 * width, stop)
    # Filler words take no room in the window: "并不会学到任何语义知识" reaches 语义 as "学到语义知识" would.
    pieces = outward(_PIECE.findall(_FILLER_WORDS.sub("", "".join(outward(raw)))))
    return "".join(outward(_take(pieces, width, frozenset(), skip=_EN_FILLER)))


def _take(pieces: list[str], budget: int, stop: frozenset[str], skip: frozenset[str] = frozenset()) -> list[str]:
    """Pieces in order until their cost reaches budget, a clause ends or a stop word comes; `skip` ones dropped.

    >>> _take(["a", " ", "big", " ", "loss", "，", "x"], 4, frozenset(), skip=frozenset({"a"}))
    [' ', 'big', ' ', 'loss']
    """
    out, cost = [], 0
    for piece in pieces:
        if cost >= budget or _CLAUSE.match(piece) or piece in stop:
            break
        if piece not in skip:
            out.append(piece)
            cost += _cost(piece)
    return out


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
