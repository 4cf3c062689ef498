"""Eval runners: run retrievers, the asker or the grader over labelled rows and feed the metrics."""
from __future__ import annotations

import statistics
import time

from tutor.corpus.errata import ERRATA_FILE
from tutor.records import Ref
from tutor.evaluate.metrics import grading_metrics, hit_ranks, percentile, summarise


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
            t0 = time.perf_counter()
            hits = retriever.search(q["query"], k=k)
            times.append((time.perf_counter() - t0) * 1000)
            rank = hit_ranks([h.item for h in hits], q["relevant"])
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
        from tutor.answer.support import claim_sentences

        n = len(claim_sentences(a.text))
        sentences += n
        supported += n - len(a.unsupported)
        relevant = {Ref(r["source"], r["number"]) for r in q["relevant"] if "number" in r}
        items = {it.ref: it for it in asker.tutor.items}
        for ref in a.citations:
            if ref.source == ERRATA_FILE:
                continue  # added by rule beside the item it corrects (answer.ask.cited), not chosen by the LLM
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
    from tutor.grade.calibrate import band, midpoint_threshold

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
        # A cut needs both groups: a small file (a foreign set, a test) may lack a band; fit nothing then.
        fit = lambda low, high: midpoint_threshold(nets[low], nets[high]) if nets[low] and nets[high] else None  # noqa: E731
        report[name]["fitted"] = {"net_partial": fit("wrong", "partial"), "net_excellent": fit("partial", "excellent")}
    report["failures"] = failures
    return report
