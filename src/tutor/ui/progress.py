"""进度 Progress tab: mastery per topic as a chart, items due for review, session history."""
from __future__ import annotations

import html

from tutor.interview.progress import progress_report
from tutor.corpus.topics import topic_label


def progress_view(services, profile: str):
    """(mastery rows for the chart, due html, sessions html) for one profile."""
    import pandas as pd

    rep = progress_report(services.store, (profile or "default").strip(), services.tutor.items)
    frame = pd.DataFrame([{"topic": topic_label(t), "mastery": s} for t, s in sorted(rep["mastery"].items())],
                         columns=["topic", "mastery"])
    due = "".join(f"<li>{html.escape(d['question'])} — 上次 {d['last_score']} 分</li>" for d in rep["due"])
    due_html = f"<h4>到期复习 Due for review ({len(rep['due'])})</h4><ul>{due or '<li>暂无 none</li>'}</ul>"
    rows = "".join(f"<tr><td>{html.escape(s['id'])}</td><td>{s['questions']}</td><td>{s['average']}</td>"
                   f"<td>{html.escape(str(s['phase']))}</td></tr>" for s in rep["sessions"])
    sessions = (f"<h4>面试记录 Sessions</h4><table><tr><th>id</th><th>题数</th><th>平均</th><th>状态</th></tr>{rows}"
                f"</table>" if rows else "<h4>面试记录 Sessions</h4><p>暂无 none</p>")
    return frame, due_html, f"<p>已练习 {rep['items_seen']} 题 items practised</p>" + sessions


def tab(services, profile) -> None:
    import gradio as gr

    refresh = gr.Button("刷新 Refresh", variant="primary")
    chart = gr.BarPlot(x="topic", y="mastery", title="各主题掌握度 Mastery by topic (0-100)", y_lim=[0, 100])
    due = gr.HTML()
    sessions = gr.HTML()
    from .identity import admit, with_request

    # Signed in, the report is always the session user's own (the picker input is ignored).
    refresh.click(with_request(lambda p, request: progress_view(services, admit(services, p, request))), profile,
                  [chart, due, sessions], api_name="progress")
