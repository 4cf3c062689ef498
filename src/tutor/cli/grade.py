"""CLI for the grade mode: `tutor grade`, `tutor eval grade`.

Example:
    $ tutor grade --question "大模型训练中如何避免过拟合？" --answer "Dropout 会加重过拟合" --json
    $ tutor grade --question llm-sustainable-dev.md#6 --answer "加 L2 正则和 Dropout" --no-llm
    $ tutor grade --batch answers.jsonl          # {"question": ..., "answer": ...} per line → JSON per line (not recorded)
    $ tutor grade --warm                          # judge prefix states for every item, computed once
    $ tutor eval grade [--no-llm]                 # Spearman, band accuracy, wrong < 35, timings
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tutor.grade.calibrate import BAND_ZH
from tutor.cli.common import (CONTEXT, check_extra, err, extra_options, handler, run_batch, settings_of,
                              settings_options, side_by_side)
from tutor.records import cite
from tutor.text.normalise import is_english

STATUS_MARK = {"covered": "✓", "partial": "◐", "missed": "✗", "contradicted": "⚠"}
EXTRA_TITLE = ("✓ 正确的补充（参考答案未涉及）", "✓ Correct addition (not in the reference)")


def _tutor(args, no_llm: bool):
    from tutor.compose import open_tutor

    tutor = open_tutor(settings_of(args), show_progress=sys.stderr.isatty(), progress=err)
    return tutor, no_llm or tutor.settings.no_llm


def _grader(args, no_llm: bool):
    tutor, no_llm = _tutor(args, no_llm)
    return tutor.grader(no_llm), no_llm


def grade_json(grade) -> dict:
    """The documented JSON: score, band, item, covered, missed, wrong, feedback, timings, and the rest."""
    return grade.to_json()


def _print(grade) -> None:
    if grade.abstained:
        print(grade.feedback)
        return
    print(f"得分 {grade.score}/100 · {BAND_ZH.get(grade.band, grade.band)} ({grade.band})"
          + (" · 与参考答案几乎相同 (copied)" if grade.copied else ""))
    print(f"对照：{cite(grade.item.source, grade.item.number)} {grade.matched_question}")
    for p in grade.points:
        line = f"  {STATUS_MARK[p.status]} {p.point}"
        if p.evidence and p.status != "missed":
            line += f"\n      ← “{p.evidence}”" + (f"  [{p.cue}]" if p.cue else "")
        print(line)
    for e in grade.extras:  # correct, beyond the reference: listed, never scored (only a judge finds them)
        print(f"  {EXTRA_TITLE[is_english(grade.answer)]}\n      ← “{e.sentence}”")
    print(f"反馈：{grade.feedback}")
    judge = {"used": "LLM 评审已参与", "off": "仅规则评分 (--no-llm)"}.get(grade.judge, f"LLM 评审失败，按规则评分：{grade.judge}")
    t = grade.timings
    print(f"({judge} · 共 {t.get('total_s', 0):.2f}s)")
    print("── 参考答案\n" + grade.model_answer)


def _record(args, grade) -> None:
    """Every graded answer feeds the learner model (FSRS card + history), as in the UI and the interview."""
    from tutor.interview.progress import StoreError, record_grade
    from tutor.interview.stores import open_store

    try:
        store = open_store(settings_of(args))
    except StoreError as exc:
        err(f"not recorded: {exc}")
        return
    try:
        record_grade(store, args.profile, grade)
    finally:
        store.close()


@click.command("grade", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor grade -q "大模型训练中如何避免过拟合？" -a "Dropout 会加重过拟合" --json
  tutor grade -q llm-sustainable-dev.md#6 -a "加 L2 正则和 Dropout" --no-llm
  tutor grade --batch answers.jsonl   # not recorded; a bad line becomes {"error": ...}; exit 1 if any
  tutor grade --warm                  # judge prefix states for every item, computed once""")
@click.option("--question", "-q", help="the question, or an item as FILE.md#N")
@click.option("--answer", "-a", help="the candidate's answer")
@click.option("--json", is_flag=True,
              help="machine-readable output: score, band, item, covered, missed, wrong, feedback, timings")
@click.option("--no-llm", is_flag=True, help="quick mode: the deterministic grader alone")
@click.option("--batch", metavar="FILE.jsonl", help="{\"question\": ..., \"answer\": ...} per line ('-' = stdin)")
@click.option("--warm", is_flag=True, help="precompute every item's judge prefix state, then exit")
@click.option("--profile", default="default", show_default=True,
              help="learner profile whose review schedule this grade updates")
@click.option("--no-record", is_flag=True, help="don't record the grade in the progress database")
@settings_options
@handler
def grade(args) -> int:
    """Grade an answer against the documents' key points.

    Prints the score (0-100), band, covered/missed/wrong points with evidence, feedback and the reference
    answer; the grade updates the profile's review schedule unless --no-record.
    """
    if args.warm:
        grader, _ = _grader(args, False)
        n = grader.warm_judge(progress=sys.stderr.isatty())
        print(f"judge prefixes: {n} computed, {len(grader.items) - n} already kept ({grader.generator.name})")
        return 0
    if args.batch is None and not ((args.question or "").strip() and args.answer is not None):
        err("nothing to grade: give --question Q --answer A (or --batch FILE.jsonl)")
        return 2
    grader, no_llm = _grader(args, args.no_llm)
    if args.batch is not None:
        def handle(row: dict) -> dict:
            if not str(row.get("question", "")).strip():
                raise ValueError("each line needs a non-empty 'question'")
            try:
                return grade_json(grader.grade(str(row["question"]), str(row.get("answer", "")), use_llm=not no_llm))
            except Exception as exc:  # noqa: BLE001 - one item's failure is that line's error, not the batch's exit
                return {"question": row["question"], "error": f"grading failed: {exc.__class__.__name__}: {exc}"}

        return run_batch(args.batch, handle)
    result = grader.grade(args.question, args.answer, use_llm=not no_llm)
    if not args.no_record:
        _record(args, result)
    if args.json:
        print(json.dumps(grade_json(result), ensure_ascii=False))
    else:
        _print(result)
    return 0


@click.command("grade", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor eval grade --no-llm -v
  tutor eval grade --no-llm --extra-corpus ~/foreign-notes \\
      --extra-file eval/foreign/grading_dev.jsonl   # seed and foreign figures side by side""")
@click.option("--file", help="labelled answers (default: eval/grading.jsonl)")
@click.option("--json", is_flag=True, help="the full report as JSON")
@click.option("--no-llm", is_flag=True, help="the deterministic grader only (else both, in one run)")
@click.option("-v", "--verbose", is_flag=True, help="list the answers graded into the wrong band")
@extra_options
@settings_options
@handler
def eval_grade(args) -> int:
    """Grading: Spearman, band accuracy, timings.

    Spearman of score vs labelled band, band accuracy, wrong answers scored < 35 and seconds per grade,
    for the deterministic grader and (unless --no-llm) the full one, in one run. With --extra-corpus,
    each --extra-file is graded against the corpus plus those notes (indexed apart from your index)
    and reported in a column beside the seed's.
    """
    from tutor.evaluate.runners import eval_grading
    from tutor.evaluate.metrics import load_jsonl

    check_extra(args)
    args.file = args.file or "eval/grading.jsonl"
    rows = load_jsonl(args.file)
    extra_rows = {Path(f).name: load_jsonl(f) for f in args.extra_files}  # read first: a bad file fails fast
    tutor, no_llm = _tutor(args, args.no_llm)
    grader = tutor.grader(no_llm)
    report = eval_grading(grader, rows, use_llm=not no_llm)
    if not args.extra_corpus:
        return _print_grading(args, grader, report, len(rows))
    from tutor.compose import extra_corpus, open_tutor

    settings, index_dir = extra_corpus(tutor.settings, args.extra_corpus)
    both = open_tutor(settings, encoder=tutor.encoder, generator=None if no_llm else tutor.generator,
                      show_progress=sys.stderr.isatty(), progress=err, index_dir=index_dir)
    runs = {"seed": report} | {name: eval_grading(both.grader(no_llm), extra, use_llm=not no_llm)
                               for name, extra in extra_rows.items()}
    if args.json:
        print(json.dumps({"extra_corpus": str(args.extra_corpus), "index": both.retriever.index.status,
                          "runs": runs}, ensure_ascii=False, indent=2))
        return 0
    print(f"grading eval: seed {args.file} on the corpus; extra files on it plus {args.extra_corpus} "
          f"({len(both.items)} items, index {both.retriever.index.status} in {index_dir})")
    figures = ["n", "graded", "spearman", "band_accuracy", "wrong_below_35", "wrong_item", "seconds_median"]
    for name in ("deterministic", "full"):
        cols = {run: rep[name] for run, rep in runs.items() if name in rep}
        if cols:
            label = "deterministic (no LLM)" if name == "deterministic" else f"full ({grader.generator.name})"
            print()
            for line in side_by_side(cols, figures, label):
                print(f"  {line}")
    if args.verbose:
        for run, rep in runs.items():
            for f in rep["failures"]:
                print(f"  miss [{run}]: {f}")
    return 0


def _print_grading(args, grader, report: dict, n: int) -> int:
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    from tutor.grade.calibrate import Calibration

    c = Calibration()
    print(f"grading eval: {n} labelled answers from {args.file}")
    for name in ("deterministic", "full"):
        r = report.get(name)
        if r is None:
            continue
        label = "deterministic (no LLM)" if name == "deterministic" else f"full (LLM judge: {grader.generator.name})"
        print(f"\n{label}")
        print(f"  Spearman (score vs band)   {r['spearman']:.3f}")
        print(f"  band accuracy              {r['band_accuracy']:.3f}")
        print(f"  wrong answers scored < 35  {r['wrong_below_35']:.3f}")
        print(f"  seconds per grade          median {r['seconds_median']:.3f}, p95 {r['seconds_p95']:.3f}")
        print(f"  matched the wrong item     {r['wrong_item']}" + (f" · judge failed {r['judge_failed']}" if r["judge_failed"] else ""))
        print(f"  confusion (expected → got) {json.dumps(r['confusion'], ensure_ascii=False)}")
        print(f"  net thresholds fitted here {r['fitted']} (in code: net_partial {c.net_partial}, "
              f"net_excellent {c.net_excellent})")
    if args.verbose:
        for f in report["failures"]:
            print(f"  miss: {f}")
    return 0
