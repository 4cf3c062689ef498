"""An adaptive interview: the next question is chosen after each answer, and says why it was chosen.

After a weak answer the next question stays on the same topic at a simpler level (a closely related
item: shares a topic, fewer key points or a more basic topic, most words in common); after a strong one
it moves to a topic not asked yet; otherwise the plan goes on. Review sessions and a given queue (the
dashboard's plan) are not adaptive: they ask exactly what was planned.

Example:
    >>> from tutor.records import Item
    >>> hard = Item("a.md", 1, "", "数据中心如何调度 GPU 集群？", key_points=("调度：按作业排队", "能耗：监控功耗", "存储：分层"),
    ...             topics=("datacenter",))
    >>> easy = Item("a.md", 2, "", "GPU 集群调度的基本概念？", key_points=("调度：按作业排队",), topics=("datacenter",))
    >>> other = Item("b.md", 1, "", "什么是过拟合？", key_points=("过拟合：记住噪声",), topics=("overfitting",))
    >>> choose_next(hard, 20, [other, easy], [other, easy])
    ('a.md#2', '上一题较弱，换同一主题更基础的题')
    >>> choose_next(easy, 90, [hard, other], [hard, other])
    ('b.md#1', '上一题掌握良好，换新主题')
    >>> choose_next(easy, 60, [hard, other], [hard, other])
    ('a.md#1', '按计划')
"""
from __future__ import annotations

from tutor.interview.session import Session, Turn, askable
from tutor.records import Item
from tutor.text.tokenise import tokenize

WEAK_BELOW = 50  # a final score under this (bands wrong/empty, or a weak partial): drill the topic
STRONG_FROM = 75  # the "excellent" band: the topic is known, move on
# How far a topic builds on others (0 = basics). Data-centre scheduling presumes distributed training,
# which presumes the optimisation basics; so a weak data-centre answer falls back to a basics item first.
TOPIC_LEVEL = {"datacenter": 2, "distributed": 2, "inference": 1, "compression": 1, "security": 1}

WHY_START = "起始题"
WHY_PLAN = "按计划"
WHY_SIMPLER = "上一题较弱，换同一主题更基础的题"
WHY_NO_SIMPLER = "上一题较弱，但没有更基础的同主题题目，按计划继续"
WHY_NEW_TOPIC = "上一题掌握良好，换新主题"
WHY_DUE = "到期复习"
WHY_QUEUE = "今日计划"


def difficulty(item: Item) -> tuple[int, int, int]:
    """(topic level, key points, reference length): compared in that order, smaller is simpler."""
    level = max((TOPIC_LEVEL.get(t, 0) for t in item.topics), default=0)
    return level, len(item.key_points), len(item.answer or item.explanation)


def relatedness(a: Item, b: Item) -> float:
    """Share of words two items have in common (question and key points; Jaccard of lexical tokens).

    >>> relatedness(Item("a.md", 1, "", "什么是数据并行？"), Item("a.md", 2, "", "数据并行怎么做？")) > 0
    True
    """
    wa, wb = (set(tokenize(" ".join((it.question, *it.key_points)))) for it in (a, b))
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


def choose_next(last: Item, score: int, planned: list[Item], pool: list[Item]) -> tuple[str, str]:
    """The next item to ask after `last` scored `score`, and why (one of the WHY_* reasons).

    Args:
        last: the item just answered.
        score: its final score (follow-up and hints included).
        planned: the rest of the session's plan, in order (not empty).
        pool: every item the session may ask and has not asked yet (the plan's included).

    Returns:
        (item id, reason).
    """
    if score < WEAK_BELOW:
        mine = difficulty(last)
        simpler = [it for it in pool if set(it.topics) & set(last.topics) and difficulty(it) < mine]
        if simpler:
            best = max(simpler, key=lambda it: (relatedness(last, it), [-d for d in difficulty(it)]))
            return best.id, WHY_SIMPLER
        return planned[0].id, WHY_NO_SIMPLER
    if score >= STRONG_FROM:
        fresh = next((it for it in [*planned, *pool] if not set(it.topics) & set(last.topics)), None)
        if fresh is not None:
            return fresh.id, WHY_NEW_TOPIC
    return planned[0].id, WHY_PLAN


def requeue(queue: list[str], index: int, chosen: str) -> list[str]:
    """The queue with `chosen` asked at `index`; the plan's other items keep their order and the length stays.

    >>> requeue(["a", "b", "c", "d"], 1, "d"), requeue(["a", "b", "c"], 1, "x")
    (['a', 'd', 'b', 'c'], ['a', 'x', 'b'])
    """
    rest = [q for q in queue[index:] if q != chosen]
    return (queue[:index] + [chosen] + rest)[:len(queue)]


def adapt(session: Session, last: Turn, items: dict[str, Item], all_items: list[Item]) -> None:
    """Choose the item asked at `session.index` from how `last` went, and record why (adaptive sessions only).

    Args:
        session: updated in place (queue, why); the caller saves it.
        last: the turn just finished (its final score set).
        items: the corpus items by id; all_items: the same, in corpus order (the pool's tie order).
    """
    planned = [items[i] for i in session.queue[session.index:] if i in items]
    if not session.adaptive or not planned or last.item not in items:
        return  # a review, a given plan, the end, or an item removed from the corpus mid-session: keep the plan
    asked = {t.item for t in session.turns}
    pool = [it for it in all_items if askable(it) and it.id not in asked
            and (not session.topics or set(session.topics) & set(it.topics))]
    chosen, why = choose_next(items[last.item], last.final_score, planned, pool)
    session.queue = requeue(session.queue, session.index, chosen)
    session.why[chosen] = why
