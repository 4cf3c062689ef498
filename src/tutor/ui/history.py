"""One item's practice history as HTML: each attempt's date, mode, score and missed points.

Shown from the Progress tab (select an item of a topic) and the Library tab (pick an item).

Example:
    >>> from tutor.interview.dashboard import ItemHistory
    >>> h = ItemHistory("a.md#1", "数据并行？", ({"when": "2026-12-03T09:00+00:00", "mode": "interview",
    ...                  "score": 40, "band": "partial", "missed": ["<AllReduce>"]},))
    >>> "2026-12-03 09:00" in history_html(h) and "&lt;AllReduce&gt;" in history_html(h)
    True
"""
from __future__ import annotations

import html

from tutor.grade.calibrate import BAND_ZH

MODES = {"interview": "面试 interview", "review": "复习 review", "grade": "评分 grade"}


def history_html(h) -> str:
    """An ItemHistory as a table, newest attempt first; text is escaped (it comes from the corpus)."""
    title = f"<h4>{html.escape(h.question)} <small>({html.escape(h.item)})</small></h4>"
    if not h.attempts:
        return title + "<p>还没有练习过这道题。Not practised yet.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(a['when'][:16].replace('T', ' '))}</td><td>{MODES.get(a['mode'], html.escape(a['mode']))}"
        f"</td><td>{a['score']} <small>{BAND_ZH.get(a['band'] or '', '')}</small></td>"
        f"<td>{'；'.join(html.escape(m) for m in a['missed']) or '—'}</td></tr>" for a in reversed(h.attempts))
    return (f"{title}<table><tr><th>时间 When</th><th>方式 Mode</th><th>得分 Score</th><th>遗漏要点 Missed</th></tr>"
            f"{rows}</table>")
