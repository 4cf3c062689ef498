"""Named concepts of the field in both languages: which ones a text mentions, and which ones a corpus writes.

A question about a technique the notes never name cannot be answered from them, however many of its other
words they share. English names show this by their shape (ZeRO, RoPE: see retrieve.refusal.named_terms), but a
Chinese full name does not: "零冗余优化器" and "旋转位置编码" are made of characters every note uses (优化器,
位置编码), so retrieval finds a near item and nothing looked unknown. `concepts.txt` lists, one concept a
line, the names people write for one specific thing (RMSNorm | 均方根归一化 | …). A concept counts as known to
the corpus when the corpus writes any of its names, in either language, so the list also lets "RMSNorm"
match notes that only say 均方根归一化.

The list is general vocabulary of the field, written without reading the eval files. What it must not hold:
generic words (训练, 注意力, 归一化, 优化器 alone): a question mentioning them is not about one named thing,
and a family name (attention) is not the same concept as its members (sparse attention).

Matching in a question: a name of 5 ASCII characters or fewer with a capital matches case-sensitively as written
(GQA, LAMB, PUE — not "lamb" or "pue" in prose); a longer ASCII name matches case-insensitively as whole words, a hyphen and a space
alike ("fat tree" = "fat-tree"); a Chinese name matches as a substring. Of names overlapping at one place the
longest wins (分组查询注意力 over a shorter name inside it). In the notes, see _written_form.

Example:
    >>> lex = Lexicon.from_lines(["RMSNorm | RMS Norm | 均方根归一化", "GQA | grouped-query attention | 分组查询注意力"])
    >>> lex.canonical(lex.mentioned("均方根归一化和层归一化有什么区别")), lex.canonical(lex.mentioned("what is Grouped Query Attention"))
    (['RMSNorm'], ['GQA'])
    >>> lex.mentioned("gqa 很快"), lex.mentioned("Rmsnorm")  # short names keep their case; long ones don't
    ([], [0])
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tutor.text.normalise import CJK_RUN, char_bigrams

CONCEPTS_PATH = Path(__file__).with_name("concepts.txt")
SHORT = 5  # ASCII names up to this length are acronyms or ordinary words: matched with their case


def _pattern(name: str) -> str:
    """The regex for one name: ASCII words bounded as words, spaces and hyphens interchangeable; a space
    may stand between an English word and a Chinese one ("He初始化" is written "He 初始化" too).

    >>> bool(re.fullmatch(_pattern("He初始化"), "He 初始化")), bool(re.search(_pattern("fat-tree"), "fat trees"))
    (True, False)
    """
    pieces = re.findall(r"[A-Za-z0-9][A-Za-z0-9.+]*(?:[-\s]+[A-Za-z0-9][A-Za-z0-9.+]*)*|[^A-Za-z0-9\s-]+", name)
    body = r"\s*".join(r"[-\s]?".join(map(re.escape, re.split(r"[-\s]+", p))) for p in pieces)
    start = r"(?<![A-Za-z0-9])" if name[:1].isascii() else ""
    end = r"(?![A-Za-z0-9])" if name[-1:].isascii() else ""
    return start + body + end


_FIRST_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+]*")


def _first(name: str) -> str:
    """Where a name can start: its first English word, lower-cased, or its first two Chinese characters."""
    m = _FIRST_WORD.match(name)
    return m.group(0).lower() if m else name[:2]


@dataclass(frozen=True)
class Lexicon:
    concepts: tuple[tuple[str, ...], ...]
    # first word or character pair → [(concept, name)]: a question is matched only against the names
    # that can start in it (one alternation of ~3,000 names took 3 ms an English question; this, ~0.1 ms).
    _starts: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_lines(cls, lines) -> "Lexicon":
        """One concept a line, names separated by "|"; blank lines and "#" comments skipped."""
        rows = []
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line:
                rows.append(tuple(n.strip() for n in line.split("|") if n.strip()))
        return cls(tuple(rows))

    def __post_init__(self):
        for i, row in enumerate(self.concepts):
            for n in map(lambda n: unicodedata.normalize("NFKC", n), row):
                self._starts.setdefault(_first(n), []).append((i, n))

    def mentioned(self, text: str) -> list[int]:
        """The concepts the text names, in order of first mention, each once; of names overlapping at one
        place the longest counts."""
        text = unicodedata.normalize("NFKC", text)
        keys = {w.lower() for w in _FIRST_WORD.findall(text)} | {b for run in CJK_RUN.findall(text) for b in char_bigrams(run)}
        spans = sorted(((m.start(), -(m.end() - m.start()), i) for k in keys for i, name in self._starts.get(k, ())
                        for m in _compiled(name).finditer(text)))
        out, reached = [], -1
        for start, neg_len, i in spans:
            if start >= reached:
                out.append(i)
                reached = start - neg_len
        return list(dict.fromkeys(out))

    def present(self, texts) -> frozenset[int]:
        """The concepts any of the texts names (a corpus: every item's question and answer).

        >>> Lexicon.from_lines(["ZeRO | 零冗余优化器", "RoPE | 旋转位置编码"]).present(["DeepSpeed 的 ZeRO 分三级"])
        frozenset({0})
        """
        return frozenset(i for t in texts for i in self.mentioned(t))

    def canonical(self, ids) -> list[str]:
        """Each concept's first name, as the user is told it ("RMSNorm")."""
        return [self.concepts[i][0] for i in ids]


class CorpusConcepts:
    """Which concepts a corpus discusses, decided per concept when first asked (a question names a few).

    A concept is discussed when the corpus writes one of its names, or writes the words of one of its
    multi-word names close together (within the name's length + NEAR characters): notes saying "在训练后再做量化"
    cover 训练后量化 without writing that name. The same words far apart in an item are not the concept:
    "冗余电源 … 优化散热" says nothing of 零冗余优化器. Single characters (零, 后) are no words for this.

    >>> cc = CorpusConcepts(Lexicon.from_lines(["PTQ | 训练后量化", "ZeRO | 零冗余优化器"]),
    ...                     ["量化可以在训练后做", "机房采用冗余电源设计，保证供电可靠，同时优化散热"])
    >>> cc.knows(0), cc.knows(1)
    (True, False)
    """

    def __init__(self, lex: Lexicon, texts):
        self.lex = lex
        # One text, searched once per concept (a scan in C; per item, 12,664 public-note items took 113 ms a
        # concept). The blank line between items keeps a name from spanning two of them.
        self.text = "\n\n".join(unicodedata.normalize("NFKC", t) for t in texts)
        self.folded = self.text.lower()
        # lower() can lengthen a character (İ): then offsets in the folded text don't hold in the text itself.
        self._aligned = len(self.folded) == len(self.text)
        self._known: dict[int, bool] = {}

    def knows(self, i: int) -> bool:
        """Does the corpus discuss concept i (one of its names written, or a name's words close together)?

        >>> CorpusConcepts(Lexicon.from_lines(["He initialization | He init | He初始化"]), ["用 He 初始化"]).knows(0)
        True
        """
        if i not in self._known:
            names = self.lex.concepts[i]
            self._known[i] = any(map(self._writes, names)) or any(
                words and all(w in self.folded for w in words) and _near(words, self.folded, len(name) + NEAR)
                for name, words in zip(names, map(_words, names)))
        return self._known[i]

    def _writes(self, name: str) -> bool:
        """Does the text write this name? The regex runs only around where the name's longest one-script piece
        occurs (str.find is memchr-fast; the regex, with its case folding and word bounds, is not: a scan of 9 M
        characters took ~150 ms a concept)."""
        pattern = re.compile(_written_form(name))
        if not self._aligned:
            return bool(pattern.search(self.text))
        form = unicodedata.normalize("NFKC", name)
        # The longest run of one script: "He初始化" is written "He 初始化" too.
        piece = max(re.findall(r"[a-z0-9.+]+|[^a-z0-9.+\s-]+", form.lower()), key=len)
        at = self.folded.find(piece)
        while at >= 0:
            if pattern.search(self.text, max(0, at - len(form) - 2), at + len(form) + 2):
                return True
            at = self.folded.find(piece, at + 1)
        return False


NEAR = 6  # characters of slack around a name's words: "在训练后再做量化" for 训练后量化


def _near(words: list[str], text: str, width: int) -> bool:
    """Does each word occur within `width` characters of the one before it (either order)?

    >>> _near(["训练", "量化"], "先训练，训练后再量化", 11), _near(["冗余", "优化"], "冗余电源" + "很长的一段别的话" * 3 + "优化", 12)
    (True, False)
    """
    for a, b in zip(words, words[1:]):
        a, b = re.escape(a), re.escape(b)
        if not re.search(f"{a}.{{0,{width}}}?{b}|{b}.{{0,{width}}}?{a}", text, re.S):
            return False
    return True


def _words(name: str) -> list[str]:
    """The words of a name with more than one (jieba for Chinese), lower-cased; [] for a one-word name."""
    import jieba

    from tutor.text.tokenise import silence_jieba

    silence_jieba()
    words = [w.lower() for w in jieba.lcut(unicodedata.normalize("NFKC", name)) if len(w.strip()) >= 2 and w.strip() != "-"]
    return words if len(words) >= 2 else []


@lru_cache(maxsize=None)
def _compiled(name: str) -> re.Pattern:
    """A name's regex, compiled when a question first could hold it (all ~3,000 at once took 0.4 s)."""
    return re.compile(_pattern(name), 0 if _exact(name) else re.I)


def _written_form(name: str) -> str:
    """A name's regex as notes write it: case folded, except that a short name with a capital matches as written
    or, when all capitals, in lower case (torch.cuda, "flops" in code): ZeRO must not match the "zero" of zero-point.

    >>> bool(re.search(_written_form("ZeRO"), "zero-point")), bool(re.search(_written_form("CUDA"), "torch.cuda"))
    (False, True)
    """
    name = unicodedata.normalize("NFKC", name)
    if not _exact(name):
        return f"(?i:{_pattern(name)})"
    return _pattern(name) + (f"|{_pattern(name.lower())}" if name.isupper() else "")


def _exact(name: str) -> bool:
    """Matched only as written: a short ASCII name with a capital (LAMB, GQA, PUE, Adam). A short name written
    in lower case (tanh) is no ordinary word, so it matches in any case (Tanh)."""
    return name.isascii() and len(name) <= SHORT and name.lower() != name


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped list (concepts.txt), read once."""
    return Lexicon.from_lines(CONCEPTS_PATH.read_text(encoding="utf-8").splitlines())


_KNOWN: list = [None, None]  # [the items they were read from, their CorpusConcepts]


def corpus_concepts(items) -> CorpusConcepts | None:
    """The concepts of the items' questions and answers, one CorpusConcepts per item list, made when first asked
    (None for no list: an index that holds no items leaves the concept signals out)."""
    if items is None:
        return None
    if _KNOWN[0] is not items:
        _KNOWN[:] = [items, CorpusConcepts(lexicon(), [f"{it.question}\n{it.text()}" for it in items])]
    return _KNOWN[1]
