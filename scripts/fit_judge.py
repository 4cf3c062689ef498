"""Fit the grading judge's cut on P("wrong") (src/tutor/grade/judge_cuts.json) on grading dev splits only.

    PYTHONPATH=src .venv/bin/python scripts/fit_judge.py record probs.jsonl eval/grading_claims_dev.jsonl …
    PYTHONPATH=src .venv/bin/python scripts/fit_judge.py record probs_fn.jsonl --extra-root .cache/eval-extra/fn-… \\
        eval/foreign/grading2_dev.jsonl …                 # a foreign set, over the index `tutor eval` built for it
    PYTHONPATH=src .venv/bin/python scripts/fit_judge.py fit probs.jsonl probs_fn.jsonl@.cache/eval-extra/fn-… [--write]

`record` grades every labelled answer once with the packaged judge (llama.cpp, in process) and keeps every
forced choice it made (prompt, JSON opening, probabilities over correct / extra / wrong / irrelevant per
sentence; slow: ~3 s an answer). `fit` replays them through judge.read_probs, re-scores each answer from the
same rule evidence under the argmax (None) and every cut in CUTS (no LLM), prints Spearman / band accuracy /
wrong answers below 35 per file and pooled, and picks the rule with the highest pooled Spearman (ties: more
wrong answers below 35). Only *_dev files and eval/grading.jsonl may be given: tests are refused.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from tutor.compose import open_tutor
from tutor.evaluate.metrics import grading_metrics, load_jsonl
from tutor.grade.judge import CUTS_PATH, LEAD, decide, judged_sentences, read_probs
from tutor.settings import Settings

MODEL = "qwen1.5b"  # the default --model: the packaged judge
CUTS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def open_grader(extra_root: str | None, generator):
    """The grader over the seeds, or over an eval-extra folder (its corpus/ and index/, as `tutor eval` left them)."""
    settings = Settings.from_env(llm_process=False)
    index_dir = None
    if extra_root:
        settings = settings.replace(corpus_dir=Path(extra_root) / "corpus")
        index_dir = Path(extra_root) / "index"
    tutor = open_tutor(settings, generator=generator, show_progress=False, index_dir=index_dir)
    return tutor.grader(no_llm=False)


class Recording:
    """The packaged judge, keeping every forced choice it is asked for (no model_id: it decides by argmax)."""

    def __init__(self, inner):
        self.inner, self.name, self.seen = inner, inner.name, []

    def warm(self, prefix):
        return self.inner.warm(prefix)

    def stream(self, *args, **kwargs):
        return self.inner.stream(*args, **kwargs)

    def choose(self, messages, words, n, lead="", sep=""):
        probs = self.inner.choose(messages, words, n, lead, sep)
        self.seen.append({"prompt": messages[-1]["content"], "lead": lead, "probs": probs})
        return probs


class Replaying:
    """Answers the judge's forced choices from a record, by prompt and opening: no LLM, the same distributions.
    A row of an older record (one choice: "prompt" and "probs") counts as a choice after judge.LEAD."""

    name = "replay"
    model_id = None

    def __init__(self, records: list[dict]):
        calls = [c for r in records for c in r.get("calls", ())]
        calls += [{"prompt": r["prompt"], "lead": LEAD, "probs": r["probs"]} for r in records if r.get("prompt")]
        self.by_prompt = {(c["prompt"], c["lead"]): c["probs"] for c in calls}

    def warm(self, prefix):
        return False

    def choose(self, messages, words, n, lead="", sep=""):
        return self.by_prompt[(messages[-1]["content"], lead)]


def dev_only(files: list[str]) -> list[str]:
    bad = [f for f in files if "_test" in Path(f).name or "holdout" in Path(f).name]
    if bad:
        sys.exit(f"refusing to fit on held-out files: {', '.join(bad)}")
    return files


def record(out: str, files: list[str], extra_root: str | None, model: str = MODEL) -> None:
    from tutor.llm.llamacpp import LlamaCppGenerator
    from tutor.models.registry import generator_path

    s = Settings.from_env()
    gen = Recording(LlamaCppGenerator(str(generator_path(model, s.cache_dir)), threads=s.threads, n_ctx=s.n_ctx,
                                      max_states=s.prefix_states, state_dir=str(s.cache_dir / "prefix-states")))
    grader = open_grader(extra_root, gen)
    with open(out, "w", encoding="utf-8") as f:
        for path in dev_only(files):
            for k, row in enumerate(load_jsonl(path)):
                gen.seen.clear()
                grader.grade(row["question"], row["answer"])
                f.write(json.dumps({"file": path, "k": k, "band": row["band"], "calls": gen.seen}, ensure_ascii=False) + "\n")
                f.flush()


def rescore(records: list[dict], extra_root: str | None) -> dict[str, dict]:
    """{file: {cut: [{band, score}]}} with cut None = the argmax, "rules" = no judge. One rule pass per answer:
    the grader's last scoring step is captured and replayed with each cut's wrong sentences."""
    replay = Replaying(records)
    grader = open_grader(extra_root, replay)
    score_with = grader._grade  # noqa: SLF001 - the step after the rules; re-run per cut on the same evidence
    captured: dict = {}

    def capture(*args):
        captured["args"] = args
        return score_with(*args)

    grader._grade = capture
    out: dict = defaultdict(lambda: defaultdict(list))
    rows = {f: load_jsonl(f) for f in {r["file"] for r in records}}
    for r in records:
        row = rows[r["file"]][r["k"]]
        captured.clear()
        steps = list(grader.grade_steps(row["question"], row["answer"]))
        out[r["file"]]["rules"].append({"band": row["band"], "score": steps[0].score})
        probs = None
        if "args" in captured and len(steps) > 1:
            item, prep, ev = captured["args"][2:5]
            try:  # what the judge read for this answer, as judge_claims asks for it
                probs = read_probs(replay.choose, item.question, [p.text for p in prep.points], judged_sentences(ev.sentences))
            except KeyError:  # not recorded (an answer the judge never saw)
                probs = None
        for cut in (None, *CUTS):
            score = steps[-1].score
            if probs:
                question, answer, item, prep, ev, _, _, status, timings, t0 = captured["args"]
                claims = dict(enumerate(decide(p, cut) for p in probs))
                wrong = {s: cue for s, (_, cue, _) in ev.cues.items()}
                wrong |= {s: "" for s, v in claims.items() if v == "wrong" and s not in wrong}
                score = score_with(question, answer, item, prep, ev, wrong, claims, status, timings, t0).score
            out[r["file"]][cut].append({"band": row["band"], "score": score})
    return out


def fit(specs: list[str], write: bool, model: str = MODEL) -> None:
    table: dict[str, dict] = {}
    for spec in specs:
        path, _, root = spec.partition("@")
        records = load_jsonl(path)
        dev_only(sorted({r["file"] for r in records}))
        table |= rescore(records, root or None)
    cols = ["rules", None, *CUTS]
    pooled = {c: [g for f in table for g in table[f][c]] for c in cols}
    print(f"{'':44s}" + "".join(f"{str(c):>20s}" for c in cols))
    for name, rows in [*((f, table[f]) for f in table), ("pooled", pooled)]:
        cells = []
        for c in cols:
            m = grading_metrics(rows[c])
            cells.append(f"{m['spearman']:.3f}/{m['band_accuracy']:.2f}/{m['wrong_below_35']:.2f}")
        print(f"{name[-44:]:44s}" + "".join(f"{x:>20s}" for x in cells))
    metrics = {c: grading_metrics(pooled[c]) for c in (None, *CUTS)}
    best = max(metrics, key=lambda c: (metrics[c]["spearman"], metrics[c]["wrong_below_35"]))
    m = metrics[best]
    print(f"best rule {best if best is not None else 'argmax'}: pooled Spearman {m['spearman']}, band accuracy {m['band_accuracy']}, "
          f"wrong < 35 {m['wrong_below_35']} over {m['n']} dev answers (cells: Spearman/band accuracy/wrong < 35)")
    if write:
        cuts = json.loads(CUTS_PATH.read_text(encoding="utf-8")) if CUTS_PATH.is_file() else {}
        cuts[model] = {"wrong_at": best, "dev_answers": m["n"], "spearman": m["spearman"],
                       "wrong_below_35": m["wrong_below_35"], "files": sorted(table)}
        CUTS_PATH.write_text(json.dumps(cuts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {CUTS_PATH}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out")
    rec.add_argument("files", nargs="+")
    rec.add_argument("--extra-root")
    rec.add_argument("--model", default=MODEL, help="a TUTOR_GENERATOR setting: qwen1.5b, qwen0.5b or a .gguf path")
    fi = sub.add_parser("fit")
    fi.add_argument("records", nargs="+", help="record files, each optionally @EXTRA_ROOT")
    fi.add_argument("--write", action="store_true")
    fi.add_argument("--model", default=MODEL, help="the setting the cut is kept under (as given to record)")
    args = ap.parse_args()
    if args.cmd == "record":
        record(args.out, args.files, args.extra_root, args.model)
    else:
        fit(args.records, args.write, args.model)


if __name__ == "__main__":
    main()
