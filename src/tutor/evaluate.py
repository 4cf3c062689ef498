"""Metrics (pure arithmetic on ids) and the eval runners that feed them.

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
import math
import statistics
import time
from pathlib import Path

from .records import Ref


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
    """Nearest-rank percentile (p in 0..100).

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95)
    (2, 4)
    """
    if not values:
        return 0.0
    s = sorted(values)
    return s[max(0, min(len(s), math.ceil(p / 100 * len(s))) - 1)]


def eval_retrieval(retrievers: dict[str, object], queries: list[dict], k: int = 10) -> dict:
    """Run every retriever over the labelled queries.

    Args:
        retrievers: name → object with `search(query, k)` returning Hits.
        queries: rows with `query`, `lang`, `relevant` ([{source, number}]).

    Returns:
        name → {"metrics": summarise(...), "latency_ms": {p50, p95}, "misses": [...]}.
    """
    report = {}
    for name, retriever in retrievers.items():
        rows, times, misses = [], [], []
        for q in queries:
            relevant = {Ref(r["source"], r["number"]) for r in q["relevant"]}
            t0 = time.perf_counter()
            hits = retriever.search(q["query"], k=k)
            times.append((time.perf_counter() - t0) * 1000)
            rank = first_relevant_rank([set(h.item.refs) for h in hits], relevant)
            rows.append({"lang": q.get("lang", "?"), "rank": rank})
            if rank != 1:
                misses.append({"query": q["query"], "rank": rank, "top": hits[0].item.id if hits else None})
        report[name] = {"metrics": summarise(rows),
                        "latency_ms": {"p50": round(statistics.median(times), 1),
                                       "p95": round(percentile(times, 95), 1)},
                        "misses": misses}
    return report
