"""Key points and their coverage, the deterministic half of grading: reference points, answer units, match strength.

Pure: numpy and the lexical tokeniser only. The caller embeds (see grader.Grader); this module
turns similarities and token overlaps into a credit in [0, 1] per key point.

Example:
    >>> from tutor.records import Item
    >>> it = Item("a.md", 1, "", "如何避免过拟合？", key_points=("正则化： 加入L2正则项。", "Dropout： 随机丢弃神经元。"))
    >>> [(p.label, p.body) for p in reference_points(it)]
    [('正则化', '加入L2正则项。'), ('Dropout', '随机丢弃神经元。')]
    >>> [u for u, _ in answer_units("加 Dropout，训练时随机丢弃神经元。早停。")]
    ['加 Dropout，训练时随机丢弃神经元。', '早停。', '加 Dropout，', '训练时随机丢弃神经元。']
    >>> non_answer("这个我不会", "如何避免过拟合？"), non_answer("加 Dropout。", "如何避免过拟合？")
    ('dont_know', None)
    >>> non_answer("加 skip connection，梯度能直接传回去。", "ResNet 怎么用？") is None
    True
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from tutor.corpus.parse import prose as answer_prose, split_sentences, strip_md
from tutor.text.glossary import expand_query
from tutor.text.normalise import char_bigrams
from tutor.text.tokenise import tokenize
from tutor.records import Item

# A label is the short bolded head of a list point: "数据清洗： 去除噪声" → "数据清洗".
_LABELLED = re.compile(r"^(.{1,40}?)\s*[：:]\s*(.+)$")
_CLAUSE_END = re.compile(r"(?<=[，,；;：:])\s*")
# Short non-answers, in the languages candidates use. Only trusted when the answer is short:
# "我不知道具体数值，但是……" is an answer.
_DONT_KNOW = re.compile(
    r"不太?(?:知道|清楚|会|懂|了解|确定|记得)|没(?:学过|听过|有思路)|跳过|忘了|"
    r"(?:i have )?no (?:idea|clue)|(?:i )?(?:do not|don'?t) know|not sure|dunno|\bidk\b|\bpass\b|\bskip\b",
    re.IGNORECASE)
# What may stand around such a phrase in a non-answer ("这个我真的不会，抱歉").
_FILLER = re.compile(r"这个|这题|这道题|我|真的|实在|暂时|抱歉|对不起|不好意思|了|呢|啊|吧|哈|嗯|题目|问题|"
                     r"\b(?:sorry|i|really|honestly|this|the|question|one|yet|at all|about|it)\b", re.IGNORECASE)
EXPLANATION_WEIGHT = 0.5  # a 解析 sentence counts half a key point (and only ever helps, see calibrate)


@dataclass(frozen=True)
class KeyPoint:
    """One point the reference makes: label (may be empty), body, weight, and where it came from."""

    label: str
    body: str
    # "answer" (the item's key points), "explanation" (a 解析 sentence) or "prose" (a sentence of the answer's
    # prose beside its list: it may be an intro such as "原因如下：", so it never shows the answer is on topic)
    kind: str = "answer"
    weight: float = 1.0

    @property
    def text(self) -> str:
        return f"{self.label}：{self.body}" if self.label else self.body


def bigrams(text: str) -> set[str]:
    """Character bigrams of the text with spaces and punctuation removed, lower-cased.

    >>> sorted(bigrams("L2 正则"))
    ['2正', 'l2', '正则']
    """
    t = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())
    return char_bigrams(t)


def containment(part: str, whole: str) -> float:
    """Share of part's bigrams found in whole (0 when part has none).

    >>> containment("数据并行", "数据并行切数据")
    1.0
    """
    a = bigrams(part)
    return len(a & bigrams(whole)) / len(a) if a else 0.0


def _split_point(point: str) -> tuple[str, str]:
    m = _LABELLED.match(point)
    if m and len(m.group(1)) <= 24:
        return m.group(1).strip(), m.group(2).strip()
    return "", point.strip()


def reference_points(item: Item, redundant: float = 0.6) -> tuple[KeyPoint, ...]:
    """The item's key points, same-label points merged, then prose and 解析 sentences that add something.

    Several articles list each method twice (what it is, then 原理和效果); counting both would let
    one idea weigh double, so points sharing a label become one point whose body joins both.
    A 解析 sentence, or a sentence of the answer's prose beside its list, is kept (at EXPLANATION_WEIGHT)
    unless its bigrams are mostly in the points already.

    Args:
        item: a canonical item (merged duplicates already contribute once).
        redundant: containment above which a 解析 sentence is considered already said.
    """
    merged: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for point in item.key_points:
        label, body = _split_point(strip_md(point))
        key = label.lower() or body
        labels.setdefault(key, label)
        merged.setdefault(key, [])
        if body not in merged[key]:
            merged[key].append(body)
    points = [KeyPoint(labels[k], "；".join(bodies)) for k, bodies in merged.items()]
    if not points and item.answer:  # an item without list points: its sentences are the points
        points = [KeyPoint("", strip_md(s)) for s in split_sentences(item.answer) if len(strip_md(s)) >= 6]
    said = " ".join(p.text for p in points)
    # Prose beside a list (a definition before "Word2vec有两个变体：") says what the list does not; its
    # sentences count like 解析 ones, at half weight and only ever helping (see calibrate.net_coverage).
    prose = split_sentences(answer_prose(item.answer)) if item.key_points and item.answer else []
    for kind, sents in (("prose", prose), ("explanation", split_sentences(item.explanation))):
        for sent in map(strip_md, sents):
            if len(sent) >= 8 and containment(sent, said) < redundant:
                points.append(KeyPoint("", sent, kind=kind, weight=EXPLANATION_WEIGHT))
                said += " " + sent
    return tuple(points)


def topical_rows(points: tuple[KeyPoint, ...]) -> np.ndarray:
    """Which points can show that an answer is about the item: all but prose beside a list (an intro).

    >>> topical_rows((KeyPoint("", "a"), KeyPoint("", "原因如下：", kind="prose"))).tolist()
    [True, False]
    """
    return np.array([p.kind != "prose" for p in points], dtype=bool)


def answer_units(answer: str, min_clause: int = 4) -> list[tuple[str, int]]:
    """Sentences of the answer, then the clauses of multi-clause sentences, each with its sentence index.

    A long sentence often covers one point per clause; matching clauses keeps one point's evidence
    from being diluted by its neighbours, while the whole sentence still matches points spanning clauses.
    """
    sentences = split_sentences(answer)
    units = [(s, i) for i, s in enumerate(sentences)]
    for i, s in enumerate(sentences):
        clauses = [c.strip() for c in _CLAUSE_END.split(s) if len(c.strip()) >= min_clause]
        if len(clauses) > 1:
            units.extend((c, i) for c in clauses)
    return units


def token_set(text: str) -> set[str]:
    """Lexical tokens (jieba words, CJK bigrams, ASCII words), English domain words expanded to Chinese."""
    return set(tokenize(expand_query(text)))


def lexical_match(points: tuple[KeyPoint, ...], units: list[tuple[str, int]],
                  terms: list[set[str]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per point and unit: how far the unit names the point, and its recall of the point body's tokens.

    Naming is the share of the point's label tokens the unit uses, or 1 when the unit uses one of the
    point's distinctive terms (a named tool or method few items mention: TensorRT, SMOTE, tmpfs) —
    "用 TensorRT 来跑" names the inference-engine point as surely as its label would.

    Args:
        terms: per point, its distinctive terms (see Grader.prepare); None for none.

    Returns:
        (naming, body) arrays of shape (n_points, n_units), values in [0, 1].
    """
    unit_tokens = [token_set(u) for u, _ in units]
    label = np.zeros((len(points), len(units)))
    body = np.zeros((len(points), len(units)))
    for i, p in enumerate(points):
        lt = token_set(p.label) if p.label else set()
        bt = token_set(p.body)
        rare = terms[i] if terms else set()
        for j, ut in enumerate(unit_tokens):
            label[i, j] = 1.0 if rare & ut else (len(lt & ut) / len(lt) if lt else 0.0)
            body[i, j] = len(bt & ut) / len(bt) if bt else 0.0
    return label, body


def distinctive_terms(point: KeyPoint, df: dict[str, int], max_df: int = 3) -> set[str]:
    """The point's ASCII terms (≥ 3 letters, not stop words) that at most max_df items use.

    >>> sorted(distinctive_terms(KeyPoint("推理引擎", "如 TensorRT、ONNX"), {"tensorrt": 2, "onnx": 9}))
    ['tensorrt']
    """
    from tutor.text.tokenise import STOP_EN

    return {t for t in token_set(point.text) if t.isascii() and len(t) >= 3 and not t.isdigit()
            and t not in STOP_EN and df.get(t, 0) <= max_df}


def non_answer(answer: str, question: str) -> str | None:
    """Why an answer is not an attempt at all, or None.

    Returns:
        "empty" (nothing but spaces and punctuation), "dont_know" (a short "不知道" / "no idea"),
        "restates_question" (the question pasted back). Gibberish and off-topic text are left to
        the similarity scores: they are not about any key point.
    """
    text = (answer or "").strip()
    if not re.sub(r"[\W_]+", "", text):
        return "empty"
    # A "不知道" inside a real answer ("我不确定具体数值，但……", "skip connection") is not a non-answer:
    # only when nothing but such phrases and filler remains.
    rest = _FILLER.sub("", _DONT_KNOW.sub("", text))
    if _DONT_KNOW.search(text) and len(re.sub(r"[\W_]+", "", rest)) <= 3:
        return "dont_know"
    if question and containment(text, question) >= 0.8 and len(bigrams(text) - bigrams(question)) <= 3:
        return "restates_question"
    return None


def is_copy(answer: str, reference: str, threshold: float = 0.85) -> bool:
    """A pasted copy of the reference: long and almost entirely made of the reference's bigrams.

    >>> is_copy("数据并行把数据切分到多个 GPU，每个 GPU 持有完整模型副本。", "数据并行：把数据切分到多个GPU，每个GPU持有完整模型副本，梯度同步。")
    True
    """
    return len(bigrams(answer)) >= 20 and containment(answer, reference) >= threshold


def relative_similarity(points: np.ndarray, units: np.ndarray, anchors: np.ndarray,
                        everyday: np.ndarray | None = None) -> np.ndarray:
    """Cosine of each point with each unit, minus the unit's median cosine to unrelated anchor texts.

    e5's cosines sit high and shift with language: an English sentence scores ~0.08 lower against a
    Chinese point than its Chinese translation does, and "I don't know" still scores 0.75. The
    anchors (every item's question) measure the unit's own baseline, so what remains is how much
    more the unit is about this point than about the field in general. A text from outside the field
    ("去云南旅游可以先到昆明") sits far from every anchor, so that baseline is low and a vague point still
    cleared it: off-topic answers were "on topic" and scored 15–29. Everyday questions (`everyday`) give
    such a text a baseline of its own, and the higher of the two counts; a text of the field sits closer
    to the field's questions than to everyday ones, so its baseline does not move.

    Args:
        points: (P, d) unit vectors of the key points.
        units: (U, d) unit vectors of the answer's sentences and clauses.
        anchors: (A, d) unit vectors of unrelated texts of the same domain.
        everyday: (E, d) unit vectors of everyday questions (index.null.NULL_PROBES), or None.

    Returns:
        (P, U) array.

    >>> p = np.array([[1.0, 0.0]]); u = np.array([[0.8, 0.6]]); a = np.array([[0.6, 0.8], [0.0, 1.0]])
    >>> relative_similarity(p, u, a).round(2).tolist()
    [[0.02]]
    >>> relative_similarity(p, u, a, everyday=np.array([[0.8, 0.6]])).round(2).tolist()  # closer to everyday talk
    [[-0.2]]
    """
    base = np.median(units @ anchors.T, axis=1)
    if everyday is not None and len(everyday):
        base = np.maximum(base, np.median(units @ everyday.T, axis=1))
    return points @ units.T - base[None, :]


def ramp(x, lo: float, hi: float):
    """0 below lo, 1 above hi, linear between (scalars or arrays).

    >>> ramp(0.5, 0.0, 1.0), float(ramp(2.0, 0.0, 1.0))
    (0.5, 1.0)
    """
    return np.clip((np.asarray(x, dtype=float) - lo) / (hi - lo), 0.0, 1.0) if not np.isscalar(x) \
        else float(min(1.0, max(0.0, (x - lo) / (hi - lo))))


def unit_credits(rel: np.ndarray, label: np.ndarray, body: np.ndarray, dense_range: tuple[float, float],
                 label_credit: float, body_range: tuple[float, float]) -> np.ndarray:
    """Credit each answer unit earns each point: the strongest of three kinds of evidence, in [0, 1].

    - meaning: the unit's relative cosine with the point, ramped over dense_range;
    - naming: using the point's label ("Dropout", "数据清洗") earns label_credit — a partial point,
      since naming a method is not explaining it;
    - wording: the unit's recall of the point body's tokens, ramped over body_range.

    The maximum, not a sum: three views of the same evidence must not add up to more than one.

    Args:
        rel, label, body: (P, U) arrays from relative_similarity and lexical_match.

    Returns:
        (P, U) array; a point's credit is its best unit's (see grader.Grader for which units count).

    >>> unit_credits(np.array([[0.02, 0.10]]), np.array([[1.0, 0.0]]), np.zeros((1, 2)), (0.04, 0.1), 0.5, (0.1, 0.4))
    array([[0.5, 1. ]])
    """
    return np.maximum(np.maximum(ramp(rel, *dense_range), label_credit * label), ramp(body, *body_range))
