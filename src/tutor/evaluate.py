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


def eval_ask(asker, answerable: list[dict], unanswerable: list[dict], llm_limit: int = 40) -> dict:
    """Refusal on both sets (no LLM needed: refusal is decided by retrieval), then LLM answers
    for the first llm_limit answerable questions: support, citation precision and timings.
    """
    failures, ref_times = [], []
    refused_by_kind: dict[str, list[bool]] = {}
    for q in unanswerable:
        a = asker.answer(q["query"], no_llm=True)
        refused_by_kind.setdefault(q.get("kind", "?"), []).append(a.refused)
        if not a.refused:
            failures.append(f"answered: {q['query']}")
    false_refusals = 0
    for q in answerable:
        a = asker.answer(q["query"], no_llm=True)
        if a.refused:
            false_refusals += 1
            failures.append(f"refused: {q['query']} ({a.timings.get('decision')})")
        else:
            ref_times.append(a.timings["reference_s"])
    all_refused = [r for rs in refused_by_kind.values() for r in rs]
    report = {
        "answerable": len(answerable), "unanswerable": len(unanswerable),
        "refusal_accuracy": round(sum(all_refused) / max(1, len(all_refused)), 3),
        "refusal_by_kind": {k: round(sum(v) / len(v), 3) for k, v in refused_by_kind.items()},
        "false_refusal_rate": round(false_refusals / max(1, len(answerable)), 3),
        "reference_s_median": statistics.median(ref_times) if ref_times else 0.0,
        "reference_s_p95": percentile(ref_times, 95), "failures": failures,
    }
    sentences = supported = cited = cited_ok = 0
    ttft, tps = [], []
    for q in answerable[:llm_limit]:
        a = asker.answer(q["query"])
        if a.refused:
            continue
        from .support import claim_sentences

        n = len(claim_sentences(a.text))
        sentences += n
        supported += n - len(a.unsupported)
        relevant = {Ref(r["source"], r["number"]) for r in q["relevant"]}
        items = {it.ref: it for it in asker.tutor.items}
        for ref in a.citations:
            cited += 1
            cited_ok += bool(set(items[ref].refs) & relevant) if ref in items else 0
        ttft.append(a.timings.get("first_token_s", 0.0))
        if "tokens_per_s" in a.timings:
            tps.append(a.timings["tokens_per_s"])
    if ttft:
        report.update({
            "llm_answers": len(ttft), "generator": getattr(asker.tutor.generator, "name", "?"),
            "supported_share": round(supported / max(1, sentences), 3),
            "citation_precision": round(cited_ok / max(1, cited), 3),
            "first_token_s_median": statistics.median(ttft), "first_token_s_p95": percentile(ttft, 95),
            "tokens_per_s_median": statistics.median(tps) if tps else 0.0,
        })
    return report


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

    from .calibrate import band

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


def eval_grading(grader, rows: list[dict], use_llm: bool = True) -> dict:
    """Grade every labelled answer once; report the deterministic grade and (with the judge) the full one.

    One pass gives both: `Grader.grade_steps` yields the deterministic grade before the judge runs,
    so both are measured on the same inputs, with their own timings.

    Args:
        grader: a tutor.grade.Grader.
        rows: eval/grading.jsonl rows (`question`, `answer`, `band`, `source`, `number`, `lang`).

    Returns:
        {"deterministic": report, "full": report (with the judge), "fitted": thresholds, "failures": [...]},
        each report = grading_metrics + seconds per grade (median, p95) + wrong-item matches.
    """
    from .calibrate import band, midpoint_threshold

    runs: dict[str, list[dict]] = {"deterministic": [], "full": []}
    failures = []
    for r in rows:
        steps = list(grader.grade_steps(r["question"], r["answer"], use_llm=use_llm))
        det, full = steps[0], steps[-1]
        expected = Ref(r["source"], r["number"]) if "source" in r else None
        # A rule-decided grade (empty answer, abstention) has one step: the same for both runs.
        for name, g in (("deterministic", det), ("full", full)):
            if name == "full" and not use_llm:
                continue
            item_ok = expected is None or (g.item is not None and expected in
                                           next((it.refs for it in grader.items if it.ref == g.item), ()))
            runs[name].append({"band": r["band"], "score": g.score, "coverage": g.coverage, "item_ok": item_ok,
                               "seconds": g.timings.get("total_s", 0.0), "judge": g.judge})
        if band(full.score) != r["band"]:
            failures.append(f"{r['band']:9s} → {full.score} {band(full.score)}  {r['answer'][:50]}")
    report: dict = {}
    for name, graded in runs.items():
        if not graded:
            continue
        secs = [g["seconds"] for g in graded]
        report[name] = grading_metrics(graded) | {
            "seconds_median": round(statistics.median(secs), 3), "seconds_p95": round(percentile(secs, 95), 3),
            "wrong_item": sum(not g["item_ok"] for g in graded),
            "judge_failed": sum(g["judge"].startswith("failed") for g in graded)}
        nets = {b: [g["coverage"] for g in graded if g["band"] == b and g["coverage"] is not None]
                for b in ("wrong", "partial", "excellent")}
        report[name]["fitted"] = {"net_partial": midpoint_threshold(nets["wrong"], nets["partial"]),
                                  "net_excellent": midpoint_threshold(nets["partial"], nets["excellent"])}
    report["failures"] = failures
    return report
