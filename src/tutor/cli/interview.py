"""CLI for interviews: `tutor interview`, `tutor review`, `tutor eval interview` (`tutor progress` is in progress.py).

Example:
    $ tutor interview --topics distributed inference --n 5 --profile alice
    $ tutor interview --answers answers.jsonl --json     # scripted: {"answer": ...} per prompt
    $ tutor review --profile alice                       # the items that are due, weakest first
    $ tutor review --plan --profile alice                # exactly today's plan (tutor progress)
"""
from __future__ import annotations

import json
import sys
import time

import click

from tutor.cli.common import CONTEXT, err, handler, settings_of, settings_options
from tutor.corpus.topics import TOPICS


def open_interviewer(args, no_llm: bool = False):
    """Settings → Tutor → Grader → Store → Interviewer."""
    from tutor.interview.interviewer import Interviewer
    from tutor.compose import open_tutor
    from tutor.interview.stores import open_store

    tutor = open_tutor(settings_of(args), show_progress=sys.stderr.isatty(), progress=err)
    no_llm = no_llm or tutor.settings.no_llm
    grader = tutor.grader(no_llm)
    store = open_store(tutor.settings)
    return Interviewer(tutor, grader, store, use_llm=not no_llm), tutor


def _topics(args) -> list[str] | None:
    # `--topics a b` (the argparse form) arrives as --topics a plus the argument b: both are topics.
    topics = [t for t in (*args.topics, *args.topic_args) if t != "mixed"]
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValueError(f"unknown topic(s) {', '.join(unknown)}; choose from: mixed, {', '.join(TOPICS)}")
    return topics or None


def _print(msgs: list[dict]) -> None:
    for m in msgs:
        prefix = {"question": "面试官", "followup": "面试官（追问）", "followup_reply": "面试官（点评追问）",
                  "grade": "评分", "hint": "提示",
                  "report": "报告", "help": "帮助", "info": "提示"}.get(m["kind"], m["kind"])
        print(f"\n[{prefix}] {m['text']}", flush=True)


def run_session(interviewer, profile: str, topics, n: int, mode: str, answers=None, fresh: bool = False,
                echo: bool = True, queue: list[str] | None = None) -> dict:
    """Drive one session: resume an unfinished one unless fresh; answers from a list or the terminal.

    A given queue (today's plan) is asked exactly, in a new session.
    """
    started = None if fresh or queue is not None else interviewer.resume(profile, mode)
    session, msgs = started or interviewer.start(profile, topics, n, mode, queue=queue)
    transcript = list(msgs)
    if echo:
        _print(msgs)
    feed = iter(answers) if answers is not None else None
    while session.phase != "done" and (msgs and msgs[-1]["kind"] in ("question", "followup", "hint", "help")):
        if feed is not None:
            text = next(feed, None)
            if text is None:
                break  # out of scripted answers: the session stays resumable
        else:
            try:
                text = input("\n你> ")
            except (EOFError, KeyboardInterrupt):
                print("\n（已保存，下次可继续 saved; run again to resume）")
                break
        t0 = time.perf_counter()
        msgs, streamed = [], False
        for ev in interviewer.respond_stream(session, text):
            if ev["type"] == "token":  # the follow-up being reworded, shown as it comes
                if echo:
                    print(("" if streamed else "\n[面试官（追问）] ") + ev["text"], end="", flush=True)
                streamed = True
                continue
            m = ev["message"]
            m["data"]["seconds"] = round(time.perf_counter() - t0, 3)
            msgs.append(m)
            if not echo:
                continue
            if m["kind"] == "followup" and streamed:
                print()
                if m["data"].get("phrased_by") != "llm":  # the rewording was unusable: the template stands
                    _print([m])
            else:
                _print([m])
        transcript += [{"kind": "answer", "text": text, "data": {}}] + msgs
    report = next((m["data"]["report"] for m in reversed(transcript) if m["kind"] == "report"), None)
    return {"session": session.id, "profile": profile, "phase": session.phase, "messages": transcript,
            "report": report}


def session_options(fn):
    """The flags `tutor interview` and `tutor review` share."""
    for decorate in reversed((
        click.option("--n", type=int, default=5, show_default=True, help="questions"),
        click.option("--profile", default="default", show_default=True, help="learner profile name"),
        click.option("--answers", metavar="FILE.jsonl", help="scripted answers, {\"answer\": ...} per prompt"),
        click.option("--json", is_flag=True, help="print the transcript and report as JSON"),
        click.option("--no-llm", is_flag=True, help="grade without the LLM judge (quick)"),
        click.option("--new", is_flag=True, help="start fresh even if a session is unfinished"),
        click.option("--transcript", metavar="FILE.md",
                     help="where to save the markdown transcript when the session ends "
                          "(default: DATA_DIR/transcripts/interview-<session>.md)"),
    )):
        fn = decorate(fn)
    return fn


@click.command("interview", context_settings=CONTEXT, epilog=f"""\b
Topics: mixed (default) or any of:
  {', '.join(TOPICS)}
Examples:
  tutor interview --topics distributed inference --n 5 --profile alice
  tutor interview --answers answers.jsonl --json   # scripted: {{"answer": ...}} per prompt""")
@click.argument("topic_args", nargs=-1, metavar="[TOPIC]...")
@click.option("--topics", multiple=True, metavar="TOPIC", help="topics to ask about (the TOPIC arguments add more)")
@session_options
@settings_options
@handler
def interview(args) -> int:
    """Mock interview in the terminal.

    Asks N questions, grades each answer, asks one follow-up, then reports; an unfinished session
    resumes (--new starts over).
    """
    return _run(args, "interview")


@click.command("review", context_settings=CONTEXT)
@click.option("--plan", is_flag=True, help="ask exactly today's plan from `tutor progress` (due + new in weak topics)")
@session_options
@settings_options
@handler
def review(args) -> int:
    """Review the items that are due, weakest first.

    An unfinished review resumes (--new starts over); --plan starts today's plan afresh.
    """
    return _run(args, "review")


def _run(args, mode: str) -> int:
    interviewer, tutor = open_interviewer(args, args.no_llm)
    queue = None
    if getattr(args, "plan", False):
        from tutor.interview.dashboard import dashboard

        queue = [p.item for p in dashboard(interviewer.store, args.profile, tutor.items).plan]
    answers = None
    if args.answers:
        from tutor.evaluate.metrics import load_jsonl

        answers = [str(r.get("answer", "")) for r in load_jsonl(args.answers)]
    result = run_session(interviewer, args.profile, _topics(args) if mode == "interview" else None, args.n, mode,
                         answers, fresh=args.new, echo=not args.json, queue=queue)
    if result.get("report") is not None:  # the session ended: keep its transcript
        from tutor.interview.transcript import write_transcript

        result["transcript"] = str(write_transcript(result["report"], args.transcript, tutor.settings.data_dir))
        if not args.json:
            print(f"\n面试记录已保存 Transcript saved: {result['transcript']}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


@click.command("interview", context_settings=CONTEXT)
@click.option("--json", is_flag=True, help="the full report as JSON")
@click.option("--no-llm", is_flag=True, help="the deterministic grader (else the LLM judge and reworded follow-ups)")
@click.option("--n", type=int, default=5, show_default=True, help="questions per simulated interview")
@settings_options
@handler
def eval_interview(args) -> int:
    """Interview: simulated candidates, band accuracy, follow-up coverage.

    Every simulated candidate through a whole session; band accuracy per candidate and timings; the
    share of follow-ups a good and a poor candidate's answers addressed.
    """
    import tempfile
    from pathlib import Path

    from tutor.evaluate.sessions import eval_interview as run_eval
    from tutor.interview.progress import Store

    interviewer, tutor = open_interviewer(args, args.no_llm)
    with tempfile.TemporaryDirectory() as tmp:
        results = run_eval(interviewer, args.n, lambda name: Store(Path(tmp) / f"{name}.sqlite3"))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    print(f"interview eval ({'deterministic grader' if args.no_llm else 'grader with LLM judge'})")
    for persona, r in results.items():
        print(f"  {persona:17s} band accuracy {r['band_accuracy']:.2f}  session {r['session_s']:6.1f} s  "
              f"median reply {r['reply_s_median']:.2f} s  bands {r['bands']}"
              + (f"  follow-up first token {r['followup_first_token_s_median']:.2f} s"
                 if r["followup_first_token_s_median"] is not None else ""))
    good, poor = results["followup_good"], results["followup_poor"]
    print(f"  follow-up coverage: good candidate {good['followup_coverage']} ({good['followups']} follow-ups), "
          f"poor candidate {poor['followup_coverage']} ({poor['followups']}); "
          f"median follow-up reply {good['followup_reply_s_median']} s")
    return 0
