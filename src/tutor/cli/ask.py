"""CLI for the ask mode: `tutor ask`, `tutor chat`, `tutor warm`, `tutor eval ask`.

Example:
    $ tutor ask "数据并行和模型并行有什么区别？"
    $ tutor ask "H100 的 NVLink 带宽是多少" --json      # refused: the documents don't cover it
    $ tutor ask --batch conv.jsonl                     # {"query": ...} or {"messages": [...]} per line
"""
from __future__ import annotations

import json
import sys

import click

from tutor.cli.common import CONTEXT, err, handler, run_batch, settings_of, settings_options
from tutor.records import cite, place


def _asker(args):
    from tutor.answer.ask import Asker
    from tutor.compose import open_tutor

    settings = settings_of(args)
    return Asker(open_tutor(settings, show_progress=sys.stderr.isatty(), progress=err))


def _print_stream(asker, question: str, history: list[dict], no_llm: bool) -> dict:
    """Render ask() events for a terminal: reference first, then streamed tokens, then sources."""
    answer = None
    for ev in asker.ask(question, history, no_llm=no_llm):
        if ev["type"] == "notice":
            print(f"[注意] {ev['text']}")
        elif ev["type"] == "reference":
            ref = ev["reference"]
            print(f"── 参考答案 [1] {place(ref)}")
            print(ref["text"])
            if not no_llm:
                print("── 导师回答（生成中…）", flush=True)
        elif ev["type"] == "token":
            print(ev["text"], end="", flush=True)
        elif ev["type"] == "done":
            answer = ev["answer"]
    if answer.refused or no_llm:
        if answer.refused:
            print(answer.text)
    elif answer.generation_error:
        print(f"\n{answer.generation_error}")
    else:
        print()
        for s in answer.unsupported:
            print(f"  ⚠ 未找到依据 (unsupported): {s}")
    if answer.citations:
        print("来源: " + "; ".join(f"[{i}] {cite(r.source, r.number)}" for i, r in enumerate(answer.citations, 1)))
    t = answer.timings
    print(f"(检索 {t.get('retrieval_s', 0):.2f}s" + (f" · 首字 {t['first_token_s']:.2f}s" if "first_token_s" in t else "")
          + f" · 共 {t.get('total_s', 0):.2f}s)")
    return answer.to_json()


@click.command("ask", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor ask "数据并行和模型并行有什么区别？"
  tutor ask "H100 的 NVLink 带宽是多少" --json   # refused: the documents don't cover it
  tutor ask --batch conv.jsonl                  # a bad line becomes {"error": ...}; exit 1 if any""")
@click.argument("question", required=False)
@click.option("--json", is_flag=True,
              help="machine-readable output: answer, refused, reference, citations, unsupported, timings")
@click.option("--no-llm", is_flag=True, help="quick mode: the retrieved reference only")
@click.option("--batch", metavar="FILE.jsonl",
              help="{\"query\": ...} or {\"messages\": [...]} per line ('-' = stdin); one JSON line out per line")
@settings_options
@handler
def ask(args) -> int:
    """Ask a question: grounded, cited, streamed.

    QUESTION may be Chinese, English or mixed. The retrieved reference shows first, then the LLM's answer;
    a question the documents don't cover is refused, with the nearest topics.
    """
    if args.batch is None and not (args.question or "").strip():
        err("nothing to ask: give a QUESTION (or --batch FILE.jsonl)")
        return 2
    asker = _asker(args)
    no_llm = args.no_llm or asker.tutor.settings.no_llm
    if args.batch is not None:
        def handle(row: dict) -> dict:
            if "messages" in row:
                msgs = row["messages"]
                if not isinstance(msgs, list) or not msgs or msgs[-1].get("role") != "user":
                    raise ValueError("'messages' must be a list ending with a user message")
                return asker.answer(msgs[-1].get("content", ""), msgs[:-1], no_llm).to_json()
            return asker.answer(str(row.get("query", "")), [], no_llm).to_json()

        return run_batch(args.batch, handle)
    if args.json:
        print(json.dumps(asker.answer(args.question, [], no_llm).to_json(), ensure_ascii=False))
        return 0
    _print_stream(asker, args.question, [], no_llm)
    return 0


@click.command("chat", context_settings=CONTEXT)
@click.option("--no-llm", is_flag=True, help="start in quick mode (the reference only)")
@settings_options
@handler
def chat(args) -> int:
    """Interactive conversation in the terminal.

    /new starts over, /quick toggles quick mode, /quit leaves.
    """
    asker = _asker(args)
    no_llm = args.no_llm or asker.tutor.settings.no_llm
    history: list[dict] = []
    print("面试导师 · 问我 AI 基础设施面试题。/new 新对话 · /quick 切换快速模式 · /quit 退出")
    while True:
        try:
            line = input("\n你> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if line == "/new":
            history = []
            print("（新对话）")
            continue
        if line == "/quick":
            no_llm = not no_llm
            print(f"（快速模式 {'开' if no_llm else '关'}）")
            continue
        if line.startswith("/"):
            print("命令：/new /quick /quit")
            continue
        result = _print_stream(asker, line, history, no_llm)
        if line:
            history += [{"role": "user", "content": line}, {"role": "assistant", "content": result["answer"]}]


@click.command("ask", context_settings=CONTEXT)
@click.option("--file", help="answerable questions (default: eval/retrieval.jsonl)")
@click.option("--unanswerable", help="questions to refuse (default: eval/unanswerable.jsonl)")
@click.option("--json", is_flag=True, help="the full report as JSON")
@click.option("--no-llm", is_flag=True, help="evaluate the quick mode: refusals and the reference only")
@click.option("--limit", type=int, default=40, show_default=True,
              help="how many answerable questions get an LLM answer")
@click.option("-v", "--verbose", is_flag=True, help="list failures")
@settings_options
@handler
def eval_ask(args) -> int:
    """Ask: refusals, reference latency, support, citations.

    Refusal accuracy (unanswerable set), false refusals (answerable set) and reference latency; with the
    LLM also supported sentences, citation precision, first token and decode speed.
    """
    from tutor.evaluate.runners import eval_ask as run_eval
    from tutor.evaluate.metrics import load_jsonl

    answerable = load_jsonl(args.file or "eval/retrieval.jsonl")
    unanswerable = load_jsonl(args.unanswerable or "eval/unanswerable.jsonl")
    asker = _asker(args)
    report = run_eval(asker, answerable, unanswerable, llm_limit=0 if args.no_llm else args.limit)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    r = report
    print(f"ask eval: {r['answerable']} answerable, {r['unanswerable']} unanswerable")
    print(f"  refusal accuracy (unanswerable)  {r['refusal_accuracy']:.3f}   by kind: {r['refusal_by_kind']}")
    print(f"  false refusals (answerable)      {r['false_refusal_rate']:.3f}")
    print(f"  reference shown                  median {r['reference_s_median']:.3f} s, p95 {r['reference_s_p95']:.3f} s")
    if r.get("llm_answers"):
        print(f"  LLM answers                      {r['llm_answers']} (generator {r['generator']})")
        print(f"  supported sentences              {r['supported_share']:.3f}")
        print(f"  citation precision               {r['citation_precision']:.3f}")
        print(f"  first token                      median {r['first_token_s_median']:.2f} s, "
              f"p95 {r['first_token_s_p95']:.2f} s")
        print(f"  generation speed                 median {r['tokens_per_s_median']:.1f} tok/s")
    if args.verbose:
        for f in r["failures"]:
            print(f"  fail: {f}")
    return 0


@click.command("warm", context_settings=CONTEXT)
@click.option("--limit", type=int, default=0, help="only the first N items (default: all)")
@settings_options
@handler
def warm(args) -> int:
    """Precompute item prefix states (fast first tokens).

    Computes and saves every item's answer-prefix state for the configured generator, once.
    """
    from tutor.llm.warmup import warm_all

    asker = _asker(args)
    items = asker.tutor.items[: args.limit] if args.limit else asker.tutor.items
    computed = warm_all(asker.tutor.generator, items, progress=True)
    print(f"warmed {computed} item prefixes ({len(items) - computed} already kept) for {asker.tutor.generator.name}")
    return 0
