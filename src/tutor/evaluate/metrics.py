"""Metrics: pure arithmetic on ids and labels (the runners in evaluate/runners.py feed them).

A hit counts when any (source, number) the retrieved item stands for is labelled relevant,
so merging duplicates never penalises retrieval.

Example:
    >>> from tutor.records import Ref
    >>> ranked = [{Ref("a.md", 1)}, {Ref("b.md", 2), Ref("a.md", 9)}]
    >>> first_relevant_rank(ranked, {Ref("a.md", 9)})
    2
    >>> summarise([{"lang": "zh", "rank": 1}, {"lang": "en", "rank": 2}, {"lang": "en", "rank": None}])["all"]
    {'n': 3, 'hit@1': 0.333, 'hit@3': 0.667, 'mrr': 0.5}
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np

from tutor.records import Ref


def load_jsonl(path: Path) -> list[dict]:
    """Parse a JSONL file; a bad line raises with its line number."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: not valid JSON ({exc})") from exc
    return rows


def first_relevant_rank(ranked: list[set[Ref]], relevant: set[Ref]) -> int | None:
    """1-based rank of the first hit standing for a relevant ref, or None."""
    return next((r for r, refs in enumerate(ranked, 1) if refs & relevant), None)


def hit_ranks(items, labels: list[dict]) -> int | None:
    """1-based rank of the first retrieved item a label names: by {source, number}, or, for a passage
    of a note without numbered items (whose chunk numbers move when the chunking does), by {source,
    contains}: the item comes from that file and its text or code holds that phrase (spaces ignored).

    >>> from tutor.records import Item
    >>> hits = [Item("a.md", 1, "", "Q？", answer="x"), Item("n.md", None, "", "n (1)", answer="HNSW 图索引", kind="chunk", chunk=1)]
    >>> hit_ranks(hits, [{"source": "n.md", "contains": "HNSW图索引"}]), hit_ranks(hits, [{"source": "a.md", "number": 1}])
    (2, 1)
    >>> hit_ranks([Item("s.md", 9, "", "清除错误记录", answer="命令如下：", code=("nvidia-smi --clear-gpu-errors",))],
    ...           [{"source": "s.md", "contains": "--clear-gpu-errors"}])
    1
    """
    refs = {Ref(r["source"], r["number"]) for r in labels if "number" in r}
    phrases = [(r["source"], _squash(r["contains"])) for r in labels if "contains" in r]
    for rank, it in enumerate(items, 1):
        # The phrase may be anywhere the item shows its answer: a cheat sheet answers in its code block.
        if set(it.refs) & refs or any(it.source == src and p in _squash("\n".join((it.text(), *it.code)))
                                      for src, p in phrases):
            return rank
    return None


def _squash(text: str) -> str:
    # NFKC on both sides: a label copied from a note's raw text ("⽬标函数", a PDF look-alike) still finds the
    # item after decoding folded it to 目标函数.
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def summarise(rows: list[dict], ks: tuple[int, ...] = (1, 3)) -> dict[str, dict]:
    """hit@k and MRR overall and per language, from rows with `lang` and `rank` (None = miss)."""
    groups: dict[str, list] = {"all": rows}
    for row in rows:
        groups.setdefault(row["lang"], []).append(row)
    out = {}
    for name, grp in groups.items():
        n = len(grp)
        stats: dict = {"n": n}
        for k in ks:
            stats[f"hit@{k}"] = round(sum(1 for r in grp if r["rank"] and r["rank"] <= k) / n, 3) if n else 0.0
        stats["mrr"] = round(sum(1 / r["rank"] for r in grp if r["rank"]) / n, 3) if n else 0.0
        out[name] = stats
    return out


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): always one of the measured values, never an interpolation.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95), percentile([], 95)
    (2, 4, 0.0)
    """
    if not values:
        return 0.0
    # numpy's "inverted_cdf" is the nearest-rank definition (numpy's default interpolates linearly);
    # .item() hands back a plain Python number, as the JSON reports and doctests expect.
    return np.percentile(values, p, method="inverted_cdf").item()


BAND_ORDER = {"empty": 0, "wrong": 1, "partial": 2, "excellent": 3}


def grading_metrics(rows: list[dict]) -> dict:
    """Agreement of grades with labelled bands, from rows with `band` (expected) and `score` (0–100).

    Spearman is between the score and the band's rank (empty < wrong < partial < excellent).

    >>> m = grading_metrics([{"band": "excellent", "score": 90}, {"band": "partial", "score": 50},
    ...                      {"band": "wrong", "score": 40}, {"band": "empty", "score": 0}])
    >>> m["spearman"], m["band_accuracy"], m["wrong_below_35"]
    (1.0, 0.75, 0.0)
    """
    from scipy.stats import spearmanr

    from tutor.grade.calibrate import band

    scored = [r for r in rows if r.get("score") is not None]
    wrong = [r for r in scored if r["band"] == "wrong"]
    confusion: dict[str, dict[str, int]] = {b: {} for b in BAND_ORDER}
    for r in scored:
        got = band(r["score"])
        confusion[r["band"]][got] = confusion[r["band"]].get(got, 0) + 1
    rho = spearmanr([r["score"] for r in scored], [BAND_ORDER[r["band"]] for r in scored]).statistic
    return {"n": len(rows), "graded": len(scored),
            "spearman": round(float(rho), 3) if scored else 0.0,
            "band_accuracy": round(sum(band(r["score"]) == r["band"] for r in scored) / max(1, len(rows)), 3),
            "wrong_below_35": round(sum(r["score"] < 35 for r in wrong) / max(1, len(wrong)), 3),
            "confusion": confusion}
