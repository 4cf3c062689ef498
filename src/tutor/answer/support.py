"""Is each generated sentence supported by the passages it cites? Citations that point at nothing are dropped.

Support is lexical (share of the sentence's character bigrams found in the passage) or semantic
(e5 cosine to the closest passage sentence) — the second catches English answers to Chinese passages.

Example:
    >>> parse_citations("数据并行切数据[1]，模型并行切模型[3]。", n_passages=2)
    ('数据并行切数据[1]，模型并行切模型。', [1])
    >>> round(bigram_support("数据并行切分数据。", "数据并行：把数据切分到多卡"), 2)
    0.67
    >>> attribute("数据并行把数据切分到多卡。天空是蓝色的因为散射。", ["数据并行：把数据切分到多卡"])
    ('数据并行把数据切分到多卡。[1]天空是蓝色的因为散射。', [1], ['天空是蓝色的因为散射。'])
"""
from __future__ import annotations

import re

import numpy as np

from tutor.index.profile import E5_SMALL
from tutor.corpus.parse import split_sentences
from tutor.text.glossary import english_terms
from tutor.text.normalise import char_bigrams, has_cjk

_CITE = re.compile(r"\[(\d{1,2})\]")
_CITE_AFTER_STOP = re.compile(r"([。！？!?.；;])[ \t]*((?:\[\d{1,2}\])+)")
_STRIP = re.compile(r"[\W_]+")
# A sentence is supported when most of its wording comes from the passage, or when it is close
# in meaning to some passage sentence (e5-small: paraphrases ≳ 0.86, same-domain unrelated ≈ 0.78).
LEXICAL_SUPPORT = 0.5
SEMANTIC_SUPPORT = E5_SMALL.semantic_support  # 0.86 (other embedders: their profile)
# e5-small scores an English sentence against its Chinese source lower (measured ≈ 0.83-0.85 for
# faithful translations), so an English sentence needs less cosine — but only when at least half of
# its domain terms (via the glossary) also appear in the passage.
CROSS_LINGUAL_SUPPORT = E5_SMALL.cross_lingual_support  # 0.82
MIN_SENTENCE_CHARS = 6  # shorter fragments ("答案如下：") carry no claim


def parse_citations(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Remove citation markers outside 1..n_passages; return the text and the valid cited numbers in order."""
    cited: list[int] = []

    def keep(m: re.Match) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_passages:
            if n not in cited:
                cited.append(n)
            return m.group(0)
        return ""

    text = _CITE.sub(keep, text)
    return re.sub(r"(\[\d{1,2}\])\1+", r"\1", text), cited  # "[1][1]" → "[1]"


def _bigrams(text: str) -> set[str]:
    t = _STRIP.sub("", text.lower())
    return char_bigrams(t)


def bigram_support(sentence: str, passage: str) -> float:
    """Share of the sentence's character bigrams that occur in the passage (0..1)."""
    s = _bigrams(_CITE.sub("", sentence))
    return len(s & _bigrams(passage)) / len(s) if s else 1.0


def claim_sentences(text: str) -> list[str]:
    """The sentences of an answer that make a claim (list bullets count as sentences)."""
    out = []
    for s in split_sentences(text):
        body = _CITE.sub("", s).strip(" -*#>0123456789.、")
        if len(_STRIP.sub("", body)) >= MIN_SENTENCE_CHARS and not body.endswith(("：", ":")):
            out.append(s.strip())
    return out


# The prompt's own labels (PASSAGE_TEMPLATE, QUESTION_TEMPLATE) opening an echoed line. Must NOT catch a
# label inside a sentence ("答案是…" is not "答：").
_LABEL = re.compile(r"^\s*(?:资料)?(?:\[\d\]\s*)?(?:问题|问|答)\s*[：:]\s*")
# A sentence with the citations that follow it ("…数据。[1]"), or the rest of the line.
_PIECE = re.compile(r".*?(?:[。！？!?；;）)](?:\s*\[\d{1,2}\])*|$)")
ECHO_SHARE = 0.8  # a sentence this much made of one prompt line repeats the prompt (not "mostly similar")


def drop_echo(text: str, scaffold: list[str]) -> str:
    """The generated text without the prompt's scaffolding it repeats: a sentence whose words (citations and
    labels aside) mostly come from one instruction, passage header or question line of the prompt is dropped,
    and an echoed "答：" label leaves its answer behind. Passage content stays: restating the documents is the
    point, the support check judges it. Must NOT drop a sentence that only shares a term with the question.

    >>> lines = ["资料[1]（分布式，第3题）", "问：什么是数据并行？", "问题：数据并行是啥", "（用中文回答，3到5句。）"]
    >>> drop_echo("[1]（分布式，第3题）\\n问：什么是数据并行？[1]\\n答：数据并行切分数据。[1]\\n问题：数据并行是啥[1]", lines)
    '数据并行切分数据。[1]'
    >>> drop_echo("数据并行是把数据切分到多卡上。[1]（用中文回答，3到5句。）", lines)
    '数据并行是把数据切分到多卡上。[1]'
    """
    said = [_bigrams(_LABEL.sub("", line)) for line in scaffold]
    kept = []
    for line in text.splitlines():
        line = _LABEL.sub("", line)
        keep = []
        for part in _PIECE.findall(line):
            words = _bigrams(_CITE.sub("", _LABEL.sub("", part.strip(" （()）"))))
            if not words and not _CITE.search(part):
                continue  # a bracket or stop left over from a dropped piece
            if words and any(len(words & w) >= ECHO_SHARE * len(words) for w in said):
                continue
            keep.append(part)
        if "".join(keep).strip():
            kept.append("".join(keep).strip())
    return "\n".join(kept)


def _support_matrix(sentences: list[str], passages: list[str], encoder, semantic: float = SEMANTIC_SUPPORT,
                    cross_lingual: float = CROSS_LINGUAL_SUPPORT) -> np.ndarray:
    """support[i, j] in [0, 1]: lexical share, or semantic closeness scaled so the threshold maps to 0.5+."""
    lex = np.array([[bigram_support(s, p) for p in passages] for s in sentences], dtype=np.float32)
    if encoder is None:
        return lex
    q = np.asarray(encoder.encode_queries([_CITE.sub("", s) for s in sentences]))
    sem = np.zeros_like(lex)
    for j, p in enumerate(passages):
        units = [u for u in split_sentences(p) if len(u) >= MIN_SENTENCE_CHARS] or [p]
        sem[:, j] = (q @ np.asarray(encoder.encode_passages(units)).T).max(axis=1)
    # Map cosine onto the lexical scale: SEMANTIC_SUPPORT ↦ LEXICAL_SUPPORT.
    out = np.maximum(lex, sem - semantic + LEXICAL_SUPPORT)
    for i, s in enumerate(sentences):
        terms = english_terms(s) if not has_cjk(s) else []
        for j, p in enumerate(passages):
            if terms and sum(any(w in p for w in t.split()) for t in terms) * 2 >= len(terms):
                out[i, j] = max(out[i, j], sem[i, j] - cross_lingual + LEXICAL_SUPPORT)
    return out


def attribute(text: str, passages: list[str], encoder=None, profile=None) -> tuple[str, list[int], list[str]]:
    """Check every claim sentence against the passages and cite what supports it.

    `profile` (an index.profile.EmbedderProfile) gives the encoder's support cosines; e5's by default.

    A sentence keeps its own valid citations when one of them supports it; a sentence without a
    citation gets the best-supporting passage appended (small models often forget to cite);
    a sentence nothing supports is reported and left uncited.

    Returns:
        (text with citations, cited passage numbers in order, unsupported sentences).
    """
    text, _ = parse_citations(text, len(passages))
    # "…结果。[1]": a citation after the full stop belongs to the sentence before it, not the next one.
    text = _CITE_AFTER_STOP.sub(r"\2\1", text)
    sentences = claim_sentences(text)
    if not sentences or not passages:
        return text, [], sentences
    cosines = (profile.semantic_support, profile.cross_lingual_support) if profile else ()
    support = _support_matrix(sentences, passages, encoder, *cosines)
    cited: list[int] = []
    unsupported: list[str] = []
    out = text
    for i, s in enumerate(sentences):
        own = [int(n) for n in _CITE.findall(s)]
        best = int(np.argmax(support[i])) + 1
        if own and max(support[i, n - 1] for n in own) >= LEXICAL_SUPPORT:
            cited.extend(own)
        elif support[i, best - 1] >= LEXICAL_SUPPORT:
            cited.append(best)
            if not own:
                out = out.replace(s, f"{s}[{best}]", 1)
        else:
            unsupported.append(s)
    return out, list(dict.fromkeys(cited)), unsupported
