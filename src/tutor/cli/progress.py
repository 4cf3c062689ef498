"""`tutor progress`: the learner dashboard in the terminal — mastery bars, trend, today's plan, next review.

The same Dashboard record the Progress tab draws (interview/dashboard.py); `--json` prints it whole.

Example:
    >>> bar(62.5), bar(None), bar(0)
    ('██████▎   ', '  未练习  ', '          ')
"""
from __future__ import annotations

import json

import click

from tutor.cli.common import CONTEXT, handler, settings_options

WIDTH = 10  # bar cells: 10 points each, eighths in between


def bar(score: float | None, width: int = WIDTH) -> str:
    """A text bar for a 0-100 score, in eighth-cells; an unseen topic reads 未练习, not an empty bar."""
    if score is None:
        return "未练习".center(width - 3)
    eighths = round(score / 100 * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + ("" if part == 0 else " ▏▎▍▌▋▊▉"[part])).ljust(width)


def render(d) -> list[str]:
    """The dashboard as text lines: what `tutor progress` prints."""
    from tutor.interview.dashboard import ALL

    lines = [f"学习者 {d.profile} · 已练习 {d.items_seen} 题 · {d.sessions} 次练习", "",
             "各主题掌握度 Mastery by topic"]
    label_w = max(len(t.label) for t in d.topics)
    for t in d.topics:
        score = "" if t.mastery is None else f"{t.mastery:5.1f}"
        # CJK labels are two columns wide each: pad by characters of the widest label.
        lines.append(f"  {t.label}{'　' * (label_w - len(t.label))} {bar(t.mastery)} {score:>5}  "
                     f"({t.practised}/{t.items} 题)")
    overall = [p for p in d.trend if p.topic == ALL]
    lines.append("")
    if d.trend_ready:
        lines.append("趋势 Trend: " + " → ".join(f"第{p.number}次 {p.score:g}" for p in overall[-8:]))
    else:
        lines.append("趋势 Trend: 再练习一次即可看到趋势 (practise one more session to see a trend)")
    lines += ["", f"今日计划 Today's plan（到期 {d.due_now} 题）"]
    for n, p in enumerate(d.plan, 1):
        why = f"到期 due · 上次 {p.last_score}" if p.reason == "due" else f"新题 new · {_topic(p.topic)}"
        lines.append(f"  {n}. {p.question}  [{why}]")
    if d.plan:
        lines.append(f"  → tutor review --plan --profile {d.profile}")
    else:
        lines.append("  今天没有要复习的题。Nothing to review today: start an interview (tutor interview).")
    lines.append(d.next_due.text if d.next_due else "下次复习：暂无 (no reviews scheduled)")
    return lines


def _topic(topic: str) -> str:
    from tutor.corpus.topics import TOPICS, topic_label

    return topic_label(topic) if topic in TOPICS else topic


@click.command("progress", context_settings=CONTEXT, epilog="""\b
Examples:
  tutor progress --profile alice
  tutor progress --profile alice --json   # the dashboard record: topics, items, trend, plan, next_due""")
@click.option("--profile", default="default", show_default=True, help="learner profile name")
@click.option("--json", is_flag=True, help="machine-readable output (the whole dashboard)")
@settings_options
@handler
def progress(args) -> int:
    """Weak topics, trend, today's plan and the next review.

    Mastery per topic as text bars (未练习 = not practised yet), the score per session once there are
    two, the items due now plus new items of weak topics (`tutor review --plan` asks exactly those),
    and when the next review falls due.
    """
    from tutor.cli.interview import open_interviewer
    from tutor.interview.dashboard import dashboard

    interviewer, tutor = open_interviewer(args, no_llm=True)
    d = dashboard(interviewer.store, args.profile, tutor.items)
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False))
        return 0
    print("\n".join(render(d)))
    return 0
