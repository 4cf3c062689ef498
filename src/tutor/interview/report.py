"""The end-of-session report: per question its answer, score, points with sources, follow-up and why it was asked.

A plain dict (JSON as it stands), built from the saved `Session` and the corpus items; the chat's
report message, the UI's HTML and the markdown transcript (transcript.py) all render it.

Example:
    >>> from tutor.interview.session import Session, Turn
    >>> s = Session("s1", "kim", turns=[Turn("a.md#1", "什么是过拟合？", "记住噪声", 80, "excellent", final_score=80,
    ...             why="起始题", covered=[{"point": "过拟合", "source": "a.md", "number": 1, "status": "covered",
    ...             "evidence": "记住噪声"}])])
    >>> rep = report(s, {})
    >>> rep["average"], rep["questions"][0]["why"], rep["questions"][0]["covered"][0]["evidence"], rep["review"]
    (80.0, '起始题', '记住噪声', [])
"""
from __future__ import annotations

import dataclasses

from tutor.corpus.topics import topic_label
from tutor.grade.calibrate import band
from tutor.interview.session import REVIEW_BELOW, Session
from tutor.records import Item


def _question(t, item: Item | None) -> dict:
    fu = dataclasses.asdict(t.followup) if t.followup is not None else None
    return {"item": t.item, "question": t.question, "score": t.final_score, "band": band(t.final_score),
            "main_score": t.score, "followed_up": t.followup is not None, "skipped": t.skipped, "hints": t.hints,
            "why": t.why, "answer": t.answer, "source": item.source if item else t.item.split("#")[0],
            "number": item.number if item else None, "covered": list(t.covered),
            "missed": [m for m in t.missed if m.get("status") != "contradicted"],
            "wrong": [m for m in t.missed if m.get("status") == "contradicted"],
            "extras": list(t.extras), "followup": fu}


def report(session: Session, items_by_id: dict[str, Item]) -> dict:
    """End-of-session report: per question, per topic, missed points with sources, items to review, and
    the documented slips (corpus/errata.md) of the items asked, so the candidate sees what was corrected."""
    per_topic: dict[str, list[int]] = {}
    questions, missed, review, corrections = [], [], [], []
    for t in session.turns:
        item = items_by_id.get(t.item)
        questions.append(_question(t, item))
        for topic in (item.topics if item else ()):
            per_topic.setdefault(topic, []).append(t.final_score)
        missed += [m | {"item": t.item} for m in t.missed]
        corrections += [c.to_json() | {"item": t.item, "question": t.question} for c in (item.corrections if item else ())]
        if t.final_score < REVIEW_BELOW:
            review.append({"item": t.item, "question": t.question, "score": t.final_score})
    scores = [q["score"] for q in questions]
    return {"session": session.id, "profile": session.profile, "mode": session.mode, "created": session.created,
            "adaptive": session.adaptive, "questions": questions,
            "average": round(sum(scores) / len(scores), 1) if scores else None,
            "topics": {topic_label(k): round(sum(v) / len(v), 1) for k, v in per_topic.items()},
            "missed_points": missed, "review": sorted(review, key=lambda r: r["score"]), "corrections": corrections}
