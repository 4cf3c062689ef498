"""Learner dashboard: one typed record of where a profile stands, for the Progress tab, `tutor progress` and --json.

It answers what a candidate brings to the page: which topics are weak (mastery per topic, unseen ones
marked, not 0), am I improving (the score per session and per topic), what to practise today (items
due now, then unseen items of the weakest topics) and when the next review falls due (FSRS due dates).
`build_dashboard` is pure over the store's rows; `dashboard` reads them from a Store.

Example:
    >>> from tutor.records import Item
    >>> items = [Item("a.md", 1, "", "数据并行？", answer="切数据", topics=("distributed",)),
    ...          Item("a.md", 2, "", "模型并行？", answer="切模型", topics=("distributed",))]
    >>> cards = [CardRow("a.md#1", 40, due=90_000.0, reviews=1)]          # due 1970-01-02 01:00 UTC
    >>> tries = [Attempt("a.md#1", "interview", "s1", 40, "partial", ("AllReduce",), ts=0.0)]
    >>> d = build_dashboard("kim", items, cards, tries, now=3_600.0, tz=timezone.utc)
    >>> [(t.topic, t.practised, t.items, t.mastery) for t in d.topics]  # topics with items only
    [('distributed', 1, 2, 40.0)]
    >>> [(p.item, p.reason) for p in d.plan], d.next_due.text
    ([('a.md#2', 'new')], '下次复习：明天 1 题')
    >>> d.trend_ready, d.trend[0].score
    (False, 40.0)
"""
from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo  # noqa: F401  (timezone: the doctest)

from tutor.corpus.topics import TOPICS, topic_label
from tutor.interview.progress import Attempt, CardRow, Store, mastery
from tutor.interview.session import REVIEW_BELOW, askable
from tutor.records import Item

PLAN_SIZE = 6  # one sitting: ~6 items at 2-3 minutes each, follow-ups included
NEW_PER_TOPIC = 2  # new items per weak topic, so one weak topic does not crowd out the next
WEAK_BELOW = REVIEW_BELOW  # a topic under this mastery feeds new items into the plan (same bar as the report)
ALL = "all"  # the trend series of a whole session's mean, beside the per-topic ones


@dataclass(frozen=True)
class TopicMastery:
    """One topic: how many askable items it has, how many were practised, their mean latest score."""

    topic: str
    label: str
    items: int
    practised: int
    mastery: float | None  # None = 未练习 unseen (not 0: nothing was measured)


@dataclass(frozen=True)
class ItemStatus:
    """One item as the learner model sees it: its last score and next review (None while unseen)."""

    item: str
    question: str
    topics: tuple[str, ...]
    last_score: int | None
    due: str | None  # ISO local time the item falls due
    reviews: int
    removed: bool = False  # practised, then its file left the corpus: kept, never asked


@dataclass(frozen=True)
class TrendPoint:
    """A session's mean score, overall (topic "all") or on one topic. Grade-tab answers count per day."""

    session: str  # the session id, or "grade:YYYY-MM-DD" for a day of "grade my answer"
    number: int  # 1 for the first session: the trend's x axis
    when: str  # ISO local time of its first answer
    mode: str  # interview, review or grade
    topic: str  # topic id or "all"
    score: float
    answers: int


@dataclass(frozen=True)
class PlanItem:
    """An item on today's plan: due now (FSRS) or new in a weak topic."""

    item: str
    question: str
    reason: str  # "due" or "new"
    topic: str  # the weak topic a new item was picked for; the item's first topic for a due one
    last_score: int | None


@dataclass(frozen=True)
class NextDue:
    """When the next review falls due after now, and how many items fall due that day."""

    when: str  # ISO local time of the first one
    days: int  # calendar days from today (0 = later today)
    count: int
    text: str  # "下次复习：明天 3 题"


@dataclass(frozen=True)
class Dashboard:
    """Everything the Progress tab, `tutor progress` and its --json show, built once."""

    profile: str
    now: str
    items_seen: int
    items_removed: int
    topics: tuple[TopicMastery, ...]  # every topic, in display order
    items: tuple[ItemStatus, ...]  # every askable item, then removed ones that were practised
    trend: tuple[TrendPoint, ...]
    sessions: int  # distinct sessions in the trend
    due_now: int  # items due now (the plan holds at most PLAN_SIZE of them)
    plan: tuple[PlanItem, ...]
    next_due: NextDue | None

    @property
    def trend_ready(self) -> bool:
        """A trend needs two points: with one session there is nothing to compare."""
        return self.sessions >= 2

    def weak_topics(self) -> list[TopicMastery]:
        """Practised topics under WEAK_BELOW, weakest first."""
        return sorted((t for t in self.topics if t.mastery is not None and t.mastery < WEAK_BELOW),
                      key=lambda t: (t.mastery, list(TOPICS).index(t.topic)))

    def topic_items(self, topic: str) -> list[ItemStatus]:
        """A topic's items: practised ones weakest first, then unseen ones in corpus order."""
        rows = [it for it in self.items if topic in it.topics and not it.removed]
        return sorted(rows, key=lambda it: (it.last_score is None, it.last_score or 0))

    def to_json(self) -> dict:
        return dataclasses.asdict(self) | {"trend_ready": self.trend_ready}


def _local(ts: float, tz: tzinfo | None) -> datetime:
    return datetime.fromtimestamp(ts, tz) if tz is not None else datetime.fromtimestamp(ts).astimezone()


def day_word(when: datetime, now: datetime) -> str:
    """How a due day reads: 今天 HH:MM 起 (FSRS brings a failed item back within minutes), 明天, 后天, else the date.

    >>> now = datetime(2026, 12, 3, 9, 0)
    >>> [day_word(datetime(2026, 12, d, 14, 5), now) for d in (3, 4, 5, 9)]
    ['今天 14:05 起', '明天', '后天', '12月9日']
    """
    days = (when.date() - now.date()).days
    return {0: f"今天 {when:%H:%M} 起", 1: "明天", 2: "后天"}.get(days, f"{when.month}月{when.day}日")


def trend_points(attempts: list[Attempt], by_id: dict[str, Item], tz: tzinfo | None = None) -> list[TrendPoint]:
    """Mean score per session, overall and per topic, sessions in the order they began."""
    groups: dict[str, list[Attempt]] = defaultdict(list)
    for a in sorted(attempts, key=lambda a: a.ts):
        groups[a.session or f"grade:{_local(a.ts, tz):%Y-%m-%d}"].append(a)
    points = []
    for number, (key, group) in enumerate(groups.items(), 1):
        when = _local(group[0].ts, tz).isoformat(timespec="minutes")
        per_topic: dict[str, list[int]] = {ALL: [a.score for a in group]}
        for a in group:
            for t in (by_id[a.item].topics if a.item in by_id else ()):
                per_topic.setdefault(t, []).append(a.score)
        points += [TrendPoint(key, number, when, group[0].mode, t, round(sum(s) / len(s), 1), len(s))
                   for t, s in per_topic.items()]
    return points


def build_dashboard(profile: str, items: list[Item], cards: list[CardRow], attempts: list[Attempt],
                    now: float | None = None, tz: tzinfo | None = None) -> Dashboard:
    """The dashboard from plain rows.

    Args:
        profile: whose progress this is.
        items: the corpus items (only askable ones are planned or counted per topic).
        cards: the profile's FSRS cards (Store.cards).
        attempts: the profile's graded answers (Store.attempts).
        now: unix time "now" (default: the clock).
        tz: the time zone days are counted in (default: the machine's).

    Returns:
        A Dashboard; a removed item's card is kept and shown as removed, never planned.
    """
    now = time.time() if now is None else now
    today = _local(now, tz)
    by_id = {it.id: it for it in items if askable(it)}
    card = {c.item: c for c in cards}
    rows = [(t, c.last_score) for c in cards if c.item in by_id and c.last_score is not None
            for t in by_id[c.item].topics]
    means = mastery(rows)
    # Every topic the corpus has items on (practice counts only on items that still exist); the rest of the list
    # (RAG, CUDA… with only the seeds indexed) would be empty bars.
    topics = tuple(TopicMastery(t, topic_label(t), n, sum(t in by_id[c.item].topics for c in cards if c.item in by_id),
                                means.get(t))
                   for t in TOPICS if (n := sum(t in it.topics for it in by_id.values())))
    iso = lambda ts: _local(ts, tz).isoformat(timespec="minutes")  # noqa: E731
    statuses = [ItemStatus(iid, it.question, it.topics, card[iid].last_score if iid in card else None,
                           iso(card[iid].due) if iid in card else None, card[iid].reviews if iid in card else 0)
                for iid, it in by_id.items()]
    statuses += [ItemStatus(c.item, f"{c.item}（已移除 removed）", (), c.last_score, iso(c.due), c.reviews, True)
                 for c in cards if c.item not in by_id]
    due = sorted((c for c in cards if c.item in by_id and c.due <= now), key=lambda c: (c.last_score or 0, c.due))
    plan = [PlanItem(c.item, by_id[c.item].question, "due", by_id[c.item].topics[0] if by_id[c.item].topics else "",
                     c.last_score) for c in due[:PLAN_SIZE]]
    dash = Dashboard(profile, today.isoformat(timespec="minutes"), len(cards), sum(c.item not in by_id for c in cards),
                     topics, tuple(statuses), (), 0, len(due), (), None)
    for weak in dash.weak_topics():
        new = [it for iid, it in by_id.items() if weak.topic in it.topics and iid not in card
               and all(p.item != iid for p in plan)][:NEW_PER_TOPIC]
        plan += [PlanItem(it.id, it.question, "new", weak.topic, None) for it in new]
    trend = trend_points(attempts, by_id, tz)
    return dataclasses.replace(dash, plan=tuple(plan[:PLAN_SIZE]), trend=tuple(trend),
                               sessions=len({p.session for p in trend}), next_due=next_due(cards, by_id, now, tz))


def next_due(cards: list[CardRow], by_id: dict, now: float, tz: tzinfo | None = None) -> NextDue | None:
    """The first card falling due after now, and how many fall due on that (local) day."""
    later = sorted(c.due for c in cards if c.item in by_id and c.due > now)
    if not later:
        return None
    first, today = _local(later[0], tz), _local(now, tz)
    count = sum(_local(d, tz).date() == first.date() for d in later)
    return NextDue(first.isoformat(timespec="minutes"), (first.date() - today.date()).days, count,
                   f"下次复习：{day_word(first, today)} {count} 题")


def dashboard(store: Store, profile: str, items: list[Item], now: float | None = None,
              tz: tzinfo | None = None) -> Dashboard:
    """The profile's dashboard, read from the store."""
    profile = (profile or "").strip() or "default"
    return build_dashboard(profile, items, store.cards(profile), store.attempts(profile), now, tz)


@dataclass(frozen=True)
class ItemHistory:
    """Every graded answer to one item: when, in which mode, the score and the points missed."""

    item: str
    question: str
    attempts: tuple[dict, ...]  # {"when", "mode", "score", "band", "missed"}, oldest first


def item_history(store: Store, profile: str, item_id: str, items: list[Item], tz: tzinfo | None = None) -> ItemHistory:
    """One item's attempts for the profile (a removed item's too: its history is kept)."""
    question = next((it.question for it in items if it.id == item_id), f"{item_id}（已移除 removed）")
    rows = store.attempts((profile or "").strip() or "default", item_id)
    return ItemHistory(item_id, question, tuple(
        {"when": _local(a.ts, tz).isoformat(timespec="minutes"), "mode": a.mode, "score": a.score, "band": a.band,
         "missed": list(a.missed)} for a in rows))
