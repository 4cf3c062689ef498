"""进度 Progress tab: weak topics, trend, today's plan with a one-click review, next review, item history.

The data is one Dashboard (interview/dashboard.py); these handlers only turn it into chart frames and
HTML. The tab fills itself when opened, when the profile changes and after every graded answer.

Example:
    >>> band_of(None), band_of(30), band_of(60), band_of(90)
    ('④ 未练习 unseen', '① 薄弱 weak <50', '② 一般 fair 50-74', '③ 掌握 good ≥75')
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from tutor.corpus.topics import TOPICS, topic_counts, topic_label, topic_option
from tutor.interview.dashboard import ALL, Dashboard, dashboard, item_history
from tutor.interview.session import REVIEW_BELOW
from .history import history_html

# Score bands of the chart's colours; the upper bar is the report's review line, so "good" means off the review list.
# The circled numbers are there for Vega-Lite, which stacks segments in the colour names' sort order:
# practised items at the bottom, weakest first, the grey unseen ones on top.
BANDS = {"① 薄弱 weak <50": "#ef4444", "② 一般 fair 50-74": "#f59e0b", f"③ 掌握 good ≥{REVIEW_BELOW}": "#22c55e",
         "④ 未练习 unseen": "#d1d5db"}
MASTERY_X, MASTERY_Y, MASTERY_C = "主题 topic", "题数 items", "状态 status"
TREND_X, TREND_Y, TREND_C = "练习 session", "平均分 score", "主题 topic"
DETAIL_HEADERS = ["题目 Question", "上次得分 Last score", "下次复习 Next review", "id"]


def band_of(score: int | None) -> str:
    names = list(BANDS)
    if score is None:
        return names[3]
    return names[0] if score < 50 else names[1] if score < REVIEW_BELOW else names[2]


def topic_axis(t) -> str:
    """A topic's x label: name, mean (or 未练习 — never a 0 for a topic nobody measured), items practised of all.

    >>> from tutor.interview.dashboard import TopicMastery
    >>> topic_axis(TopicMastery("data", "数据处理", 11, 0, None)), topic_axis(TopicMastery("data", "数据处理", 11, 2, 62.5))
    ('数据处理 · 未练习 (0/11)', '数据处理 · 62.5分 (2/11)')
    """
    return f"{t.label} · " + ("未练习" if t.mastery is None else f"{t.mastery:g}分") + f" ({t.practised}/{t.items})"


def mastery_frame(d: Dashboard):
    """Stacked bars: per topic, its items by the band of their last score (unseen ones grey).

    Every topic has a bar from the first visit on (its unseen items), so the chart is never empty;
    the bar's coloured part is the count practised.
    """
    import pandas as pd

    rows = []
    for t in sorted(d.topics, key=lambda t: (t.mastery is None, t.mastery or 0, list(TOPICS).index(t.topic))):
        counts = dict.fromkeys(BANDS, 0)
        for it in d.topic_items(t.topic):
            counts[band_of(it.last_score)] += 1
        # A topic with no items in this corpus keeps its place on the axis with a zero-height bar.
        rows += [{MASTERY_X: topic_axis(t), MASTERY_C: b, MASTERY_Y: n} for b, n in counts.items()
                 if n or (b == band_of(None) and not t.items)]
    return pd.DataFrame(rows, columns=[MASTERY_X, MASTERY_C, MASTERY_Y])


def session_label(p) -> str:
    """A session's trend axis label: its number, then when it began.

    >>> session_label(type("P", (), {"number": 2, "when": "2026-12-03T14:05+08:00"}))
    '#2 12-03 14:05'
    """
    return f"#{p.number} {p.when[5:10]} {p.when[11:16]}"


def trend_frame(d: Dashboard):
    """Score per session: the overall mean, plus each topic met in two sessions or more (a line needs two points)."""
    import pandas as pd

    sessions_of: dict[str, set] = {}
    for p in d.trend:
        sessions_of.setdefault(p.topic, set()).add(p.session)
    # One category per session, "#n MM-DD HH:MM": a time axis squeezed two sessions of the same hour into
    # one vertical line, and a number axis got fractional ticks ("1, 1.5, 2") with two sessions.
    rows = [{TREND_X: session_label(p), TREND_Y: p.score,
             TREND_C: "全部 all" if p.topic == ALL else topic_label(p.topic)}
            for p in d.trend if p.topic == ALL or len(sessions_of[p.topic]) >= 2]
    return pd.DataFrame(rows, columns=[TREND_X, TREND_Y, TREND_C])


def summary_html(d: Dashboard) -> str:
    """The answers at a glance: weak topics, the trend's direction, today's count, the next review."""
    weak = d.weak_topics()
    weak_text = "、".join(f"{t.label}（{t.mastery:g}）" for t in weak[:4]) if weak else (
        "暂无 none" if d.items_seen else "还没有练习 — 先做一次模拟面试 (start an interview)")
    overall = [p.score for p in d.trend if p.topic == ALL]
    trend = (f"{overall[-2]:g} → {overall[-1]:g}（{'进步 up' if overall[-1] > overall[-2] else '持平 flat' if overall[-1] == overall[-2] else '下降 down'}）"
             if d.trend_ready else "再练习一次即可看到趋势 practise one more session to see a trend")
    due = d.next_due.text if d.next_due else "下次复习：暂无 none scheduled"
    return (f"<p>学习者 <b>{html.escape(d.profile)}</b> · 已练习 {d.items_seen} 题 · {d.sessions} 次练习</p><ul>"
            f"<li><b>薄弱主题 Weak topics</b>：{html.escape(weak_text)}</li><li><b>趋势 Trend</b>：{trend}</li>"
            f"<li><b>今日复习 Today</b>：到期 {d.due_now} 题，计划 {len(d.plan)} 题</li><li><b>{html.escape(due)}</b></li></ul>")


def plan_html(d: Dashboard) -> str:
    if not d.plan:
        return ("<h4>今日计划 Today's plan</h4><p>今天没有要复习的题。Nothing due: start an interview to add more.</p>")
    rows = "".join(f"<li>{html.escape(p.question)} <small>— " + (f"到期 due · 上次 {p.last_score}" if p.reason == "due"
                   else f"新题 new · {html.escape(topic_label(p.topic))}") + "</small></li>" for p in d.plan)
    return f"<h4>今日计划 Today's plan ({len(d.plan)})</h4><ol>{rows}</ol>"


def topic_rows(d: Dashboard, topic: str | None) -> list[list]:
    """A topic's items: question, last score (or 未练习), next review date, id (what a row select opens)."""
    if topic not in TOPICS:
        return []
    return [[it.question, "未练习" if it.last_score is None else it.last_score,
             (it.due or "")[:16].replace("T", " ") or "—", it.item] for it in d.topic_items(topic)]


def default_topic(d: Dashboard) -> str:
    """The topic the detail opens on: the weakest practised one, else the first."""
    weak = d.weak_topics() or sorted((t for t in d.topics if t.mastery is not None), key=lambda t: t.mastery)
    return weak[0].topic if weak else (d.topics[0].topic if d.topics else next(iter(TOPICS)))


@dataclass
class ProgressView:
    """Plain values for every component of the tab."""

    dashboard: Dashboard
    summary: str
    mastery: object  # DataFrame
    trend: object  # DataFrame, empty until two sessions
    plan: str
    plan_ids: list[str]
    topic: str
    topic_rows: list[list]


def progress_view(services, profile: str, topic: str | None = None) -> ProgressView:
    d = dashboard(services.store, profile, services.tutor.items)
    topic = topic if topic in TOPICS else default_topic(d)
    return ProgressView(d, summary_html(d), mastery_frame(d), trend_frame(d), plan_html(d), [p.item for p in d.plan],
                        topic, topic_rows(d, topic))


def item_view(services, profile: str, item_id: str | None) -> str:
    if not item_id:
        return ""
    return history_html(item_history(services.store, profile, item_id, services.tutor.items))


def tab(services, profile, opened, graded, interview, tabs) -> None:
    """Render the tab and wire it: `opened` is its gr.Tab, `graded` the events that record an answer,
    `interview` the Interview tab's view (a review starts there), `tabs` the gr.Tabs to switch."""
    import gradio as gr

    from . import interview as iv_ui

    summary = gr.HTML()
    with gr.Row():
        with gr.Column(scale=2):
            plan = gr.HTML()
            start = gr.Button("开始复习 Start review", variant="primary", interactive=False)
        with gr.Column(scale=3):
            chart = gr.BarPlot(x=MASTERY_X, y=MASTERY_Y, color=MASTERY_C, color_map=BANDS, y_aggregate="sum",
                               title="各主题掌握度 Mastery by topic (items by last score)", x_label_angle=-35,
                               show_label=False, elem_id="mastery-chart", height=430)
    trend = gr.LinePlot(x=TREND_X, y=TREND_Y, color=TREND_C, y_lim=[0, 100], height=260,
                        title="趋势 Trend: score per session", show_label=False, elem_id="trend-chart", visible=False)
    trend_note = gr.Markdown()
    # only topics the indexed notes have items on, as the bars show
    topic = gr.Dropdown([(topic_option(t, n), t) for t, n in topic_counts(services.tutor.items).items()],
                        label="主题 Topic")
    items = gr.Dataframe(headers=DETAIL_HEADERS, interactive=False, wrap=True, label="选择一题看记录 Select an item",
                         elem_id="topic-items")
    history = gr.HTML(elem_id="item-history")
    plan_ids = gr.State([])
    picked = gr.State(None)  # the topic the user chose; until then the detail opens on the weakest one

    from .identity import admit, with_request

    # Signed in, every view is the session user's own: admit() ignores the picker input `p`.
    def refresh(p, t, request):
        v = progress_view(services, admit(services, p, request), t)
        note = "" if v.dashboard.trend_ready else "趋势：再练习一次即可看到 · Practise one more session to see a trend."
        # The bars keep the frame's order (weakest first, unseen last), not the axis's alphabetical default.
        order = list(dict.fromkeys(v.mastery[MASTERY_X]))
        return (v.summary, v.plan, v.plan_ids, gr.update(interactive=bool(v.plan_ids)),
                gr.update(value=v.mastery, sort=order),
                gr.update(value=v.trend, visible=v.dashboard.trend_ready, sort=list(dict.fromkeys(v.trend[TREND_X]))),
                note, v.topic, v.topic_rows)

    outs = [summary, plan, plan_ids, start, chart, trend, trend_note, topic, items]
    with_request(refresh)
    opened.select(refresh, [profile, picked], outs, api_name="progress")
    if not services.signin:  # the picker exists only on loopback without users
        profile.change(refresh, [profile, picked], outs, api_name=False)
    for event in graded:
        event.then(refresh, [profile, picked], outs, api_name=False)
    topic.input(with_request(lambda p, t, request: (t, topic_rows(
        dashboard(services.store, admit(services, p, request), services.tutor.items), t))), [profile, topic],
        [picked, items], api_name=False)

    def pick(p, evt, request):
        return item_view(services, admit(services, p, request), (evt.row_value or [None])[-1])

    # Set here, not as a string annotation: Gradio passes the selected row to a parameter typed SelectData,
    # and `gr` is imported locally so the postponed annotation could not be resolved.
    with_request(pick)
    pick.__annotations__["evt"] = gr.SelectData

    items.select(pick, profile, history, api_name=False)
    start.click(with_request(lambda p, ids, q, request: (*iv_ui.start_plan(services, admit(services, p, request), ids, q),
                                                         gr.Tabs(selected="interview"))),
                [profile, plan_ids, interview.quick], [interview.chat, interview.session, interview.report, tabs],
                api_name=False)
