"""Fusion of dense and lexical scores into ranked hits.

Why not plain RRF: BM25 over a Chinese corpus knows nothing of an English query, yet RRF gives
its (noise) ranking the same vote as the dense one — measured here, naive RRF lost to dense alone
on English queries. Instead the scores are normalised and mixed convexly, with the lexical weight
scaled by how much of the query the corpus vocabulary covers: an English query gets ~0 lexical
weight, a Chinese keyword query the full weight.

Dense scores are scaled in cosine units, not min-max over the candidates: e5 cosines sit in a narrow
band (0.84–0.91 over this corpus), so min-max stretched whatever spread 30 candidates happened to have
to [0, 1], and a 0.005 cosine lead outvoted a twice-as-strong lexical match. Measured on
eval/retrieval.jsonl: hit@1 0.915 with min-max, 0.941 with DENSE_SCALE 0.08 (≥ 0.93 for any scale in
0.07–0.12), hit@3 unchanged at 0.992.

Example:
    >>> fuse({"a": 0.90, "b": 0.88, "c": 0.80}, {"b": 10.0, "c": 5.0}, lexical_weight=0.5, coverage=1.0)
    [('b', 0.875), ('a', 0.5), ('c', 0.25)]
    >>> fuse({"a": 0.9, "b": 0.8}, {"b": 10.0}, lexical_weight=0.5, coverage=0.0)[0][0]
    'a'
"""
from __future__ import annotations

from tutor.index.profile import E5_SMALL
from tutor.text.glossary import expand_query
from typing import NamedTuple

from tutor.records import Hit

# The cosine gap to the best dense candidate at which a candidate's dense evidence counts for nothing.
DENSE_SCALE = E5_SMALL.dense_scale  # 0.08; other embedders: their profile (index.profile)


class Evidence(NamedTuple):
    hits: list[Hit]
    best_dense: float
    dense_gap: float


# Candidates ranked below this many count as "the rest" the best one is compared with.
GAP_HEAD = 5


def dense_gap(cosines: list[float]) -> float:
    """How far the best cosine stands above the mean of the candidates ranked after the first GAP_HEAD.

    A covered question has a peak (a few items are about it); an off-topic one is about as close to
    every item. Being a difference of cosines from one query, it doesn't move with the level at which
    an embedder or a language puts its cosines (English queries sit lower on e5), unlike the raw best.

    >>> round(dense_gap([0.9, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.6]), 3)
    0.233
    >>> dense_gap([0.9, 0.8])  # too few candidates to say
    0.0
    """
    ranked = sorted(cosines, reverse=True)
    if len(ranked) <= GAP_HEAD:
        return 0.0
    tail = ranked[GAP_HEAD:]
    return ranked[0] - sum(tail) / len(tail)


def minmax(scores: dict[str, float]) -> dict[str, float]:
    """Scale scores to [0, 1]; a single or constant set maps to 1.

    >>> minmax({"a": 2.0, "b": 4.0})
    {'a': 0.0, 'b': 1.0}
    """
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo < 1e-9:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def fuse(dense: dict[str, float], lexical: dict[str, float], lexical_weight: float,
         coverage: float, dense_scale: float = DENSE_SCALE) -> list[tuple[str, float]]:
    """Convex mix of normalised dense and lexical scores; ties broken by id for a stable order.

    Args:
        dense: raw cosine similarities of the dense candidates.
        lexical: raw BM25 scores of the lexical candidates (absent = 0).
        lexical_weight: the lexical share for a query the corpus vocabulary fully covers.
        coverage: share of the query's tokens known to the lexical index (0..1).
        dense_scale: cosine gap below the best dense score that maps to 0 (the best maps to 1).

    Returns:
        (id, fused score) pairs, best first. Candidates missing from the dense side get the
        lowest dense score seen, so a lexical-only hit needs strong lexical evidence to rank.
    """
    w = max(0.0, min(1.0, lexical_weight * coverage))
    ids = set(dense) | set(lexical)
    floor = min(dense.values()) if dense else 0.0
    best = max(dense.values()) if dense else 0.0
    d = {i: max(0.0, 1.0 - (best - dense.get(i, floor)) / dense_scale) for i in ids}
    top = max(lexical.values(), default=0.0)
    lx = {i: (lexical.get(i, 0.0) / top if top > 0 else 0.0) for i in ids}
    fused = {i: round((1 - w) * d[i] + w * lx[i], 6) for i in ids}
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))


def without_errata(ranked: list[tuple[str, float]], errata: set[str]) -> list[tuple[str, float]]:
    """The ranking without errata entries: a question is answered by the item an entry corrects (shown
    with its correction), not by the entry.

    Measured on eval/phrasings_dev.jsonl (e5): ranked as items, the 30 entries put themselves above the
    items they belong to ("ROC 曲线描述哪两个量"); folded into their items at the better score, their
    "why" lines (about 梯度消失, say) lifted the item they correct above the item a question was about —
    hybrid hit@1 0.920 → 0.890. Left out, the ranking is the items' own. The Library's search keeps them.

    >>> without_errata([("errata.md#1", 0.9), ("b", 0.7), ("a", 0.6)], {"errata.md#1"})
    [('b', 0.7), ('a', 0.6)]
    """
    return [(i, s) for i, s in ranked if i not in errata] if errata else ranked


class Retriever:
    """Hybrid search over a CorpusIndex: dense (e5 + FAISS via llama-index) fused with BM25.

    Args:
        index: a loaded CorpusIndex.
        lexical_weight: see `fuse`.
        candidates: how many dense candidates to fuse.
        mode: "hybrid" (default), "dense" or "lexical" — the latter two for evaluation.
        dense_scale: see `fuse`; it belongs to the embedder (e5's cosines sit in a narrow band).
    """

    def __init__(self, index, lexical_weight: float = 0.5, candidates: int = 30, mode: str = "hybrid",
                 dense_scale: float = DENSE_SCALE):
        self.index = index
        self.dense_scale = dense_scale
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self.mode = mode
        self.errata = {c.erratum.key for it in index.items for c in it.corrections}  # see without_errata

    def search(self, query: str, k: int = 5, with_errata: bool = False) -> list[Hit]:
        """The k best items for a query, each with fused, dense and lexical scores.

        Args:
            with_errata: rank errata entries as items too (the Library's search); answering never does.
        """
        return self.search_with_evidence(query, k, with_errata)[0]

    def search_with_evidence(self, query: str, k: int = 5, with_errata: bool = False) -> Evidence:
        """Hits plus the dense evidence refusal needs: the best cosine of any item (the top fused hit
        may be a lexical match whose own cosine is lower, or absent, while the question is plainly
        covered) and how far it stands above the query's other candidates (`dense_gap`)."""
        query = (query or "").strip()
        if not query:
            return Evidence([], 0.0, 0.0)
        # English domain words get their Chinese terms appended, for both retrievers (see glossary).
        query = expand_query(query)
        # As many item candidates as without errata in the index: entries left out don't take their places.
        dense = self.index.dense_scores(query, self.candidates + len(self.errata)) if self.mode != "lexical" else {}
        if not with_errata:
            dense = {i: v for i, v in dense.items() if i not in self.errata}
        lexical, coverage = self.index.lexical.scores(query) if self.mode != "dense" else ({}, 0.0)
        if self.mode == "lexical":
            ranked = sorted(minmax(lexical).items(), key=lambda kv: (-kv[1], kv[0]))
        elif self.mode == "dense":
            ranked = sorted(minmax(dense).items(), key=lambda kv: (-kv[1], kv[0]))
        else:
            # Only lexical candidates that are also plausible dense candidates, or strong on their own.
            lexical_top = dict(sorted(lexical.items(), key=lambda kv: -kv[1])[: self.candidates])
            ranked = fuse(dense, lexical_top, self.lexical_weight, coverage, self.dense_scale)
        hits = []
        for item_id, score in (ranked if with_errata else without_errata(ranked, self.errata))[:k]:
            found = tuple(name for name, src in (("dense", dense), ("lexical", lexical)) if item_id in src)
            hits.append(Hit(item=self.index.by_id[item_id], score=score,
                            dense=dense.get(item_id, 0.0), lexical=lexical.get(item_id, 0.0), found_by=found))
        best = max(dense.values(), default=max((h.dense for h in hits), default=0.0))
        return Evidence(hits, best, dense_gap(list(dense.values())))
