"""The interviewer: runs a session (session.py's state) against the grader and the progress store.

Every reply is a list of messages (messages.py): question, grade, followup, followup_reply, hint, help,
info, report — the CLI prints them, the UI renders them. An interview (not a review, not a given queue)
chooses each next question after the answer before it (adaptive.py).

Example:
    >>> from tutor.interview.followup import CREDIT
    >>> CREDIT
    {'covered': 1.0, 'partial': 0.5}
"""
from __future__ import annotations

import time
from typing import Iterator

from tutor.interview import adaptive
from tutor.interview.followup import CREDIT, answer_followup, followup_question, pick_followup, valid_followup
from tutor.interview.messages import grade_text, msg as _msg, question_text, report_text
from tutor.interview.report import report
from tutor.interview.session import (HELP, HINT_PENALTY, FollowUp, Session, Turn, new_session,
    parse_command, plan, turn_score)
from tutor.grade.calibrate import band
from tutor.llm.base import timed_stream
from tutor.llm.prompts import followup_messages
from tutor.records import cite
from tutor.text.clause import label
from tutor.text.normalise import is_english


def _average(turns: list[Turn]) -> float:
    return round(sum(t.final_score for t in turns) / len(turns), 1)


class Interviewer:
    """Conducts interviews and reviews for profiles.

    Args:
        tutor: the Tutor (items).
        grader: a Grader (grade(question_or_ref, answer, use_llm) -> Grade).
        store: a progress Store.
        use_llm: let the grader use its LLM judge.
    """

    def __init__(self, tutor, grader, store, use_llm: bool = True):
        self.items = {it.id: it for it in tutor.items}
        self.all_items = list(tutor.items)
        self.grader = grader
        self.store = store
        self.use_llm = use_llm

    # -- starting -----------------------------------------------------------------------------
    def start(self, profile: str, topics: list[str] | None = None, n: int = 5, mode: str = "interview",
              seed: int | None = None, now: float | None = None,
              queue: list[str] | None = None) -> tuple[Session, list[dict]]:
        """A new session; review mode asks the items that are due (at `now`), weakest first.

        A given `queue` (the dashboard's plan) is asked exactly, in order, whatever `n`: only ids no
        longer in the corpus are dropped, and repeats.
        """
        if queue is not None:
            queue, why = list(dict.fromkeys(iid for iid in queue if iid in self.items)), adaptive.WHY_QUEUE
        elif mode == "review":
            queue, why = [iid for iid, _, _ in self.store.due(profile, now) if iid in self.items][:n], adaptive.WHY_DUE
        else:
            seed = seed if seed is not None else int.from_bytes(profile.encode()[:4].ljust(4, b"\0"), "little")
            queue, why = plan(self.all_items, topics, n, self.store.latest_scores(profile), seed), None
        session = new_session(profile, queue, topics, mode)
        # Only a freely planned interview adapts; a review or a given plan is asked as it stands.
        session.adaptive = why is None
        session.why = {iid: why for iid in queue} if why else ({queue[0]: adaptive.WHY_START} if queue else {})
        self.store.save_session(session)
        if not queue:
            text = "目前没有到期需要复习的题目。No items are due for review." if mode == "review" else \
                "没有符合所选主题的题目。No items match those topics."
            return session, [_msg("info", text)]
        return session, [self._question(session)]

    def resume(self, profile: str, mode: str | None = None) -> tuple[Session, list[dict]] | None:
        """The profile's unfinished session (of `mode`, if given), re-asking where it stopped; None if none."""
        session = self.store.unfinished_session(profile, mode)
        if session is None:
            return None
        msgs = [_msg("info", f"继续上次的面试（第 {session.index + 1}/{len(session.queue)} 题）。")]
        return session, msgs + self._drop_removed(session)

    def _drop_removed(self, session: Session) -> list[dict]:
        """Re-ask where a resumed session stopped, skipping items removed from the corpus since it was saved.

        Their attempts stay in the store (progress is never deleted); they just can't be asked or graded.
        """
        i, following = session.index, session.phase == "followup"
        done = session.queue[:i + following]
        session.queue = done + [iid for iid in session.queue[i + following:] if iid in self.items]
        if following and session.queue[i] not in self.items:
            # The main answer was graded already: keep that grade, with no follow-up credit, and move on.
            session.turns[-1].followup.answer, session.turns[-1].followup.credit = "", 0.0
            return [_msg("info", "这道题已从资料库移除，跳过追问。That item was removed from the corpus.")] + \
                self._finalize(session, session.turns[-1])
        if following:
            fu = session.turns[-1].followup
            return [_msg("followup", fu.question, point=fu.point, source=fu.source, number=fu.number,
                         topic=label(fu.point), english=fu.english, phrased_by="saved")]
        if i >= len(session.queue):
            return [_msg("info", "剩下的题目已从资料库移除。The remaining items were removed from the corpus.")] + \
                self._finish(session)
        return [self._question(session)]

    # -- one message from the candidate -------------------------------------------------------
    def respond_stream(self, session: Session, text: str) -> Iterator[dict]:
        """Like `respond`, as events: {"type": "message", "message"} as each message is final, and
        {"type": "token", "text"} while the LLM rewords a follow-up (the grade is shown before that)."""
        for m in self._respond(session, text):
            if m["kind"] == "followup" and self.use_llm and getattr(self.grader, "generator", None) is not None:
                yield from self._phrase(session, m)
            yield {"type": "message", "message": m}

    def _phrase(self, session: Session, msg: dict) -> Iterator[dict]:
        """Let the LLM reword the rule-written follow-up; keep the template unless the result is valid."""
        timings: dict = {}
        t0 = time.perf_counter()
        parts = []
        try:
            for piece in timed_stream(self.grader.generator, followup_messages(msg["text"], msg["data"]["english"]),
                                      timings, max_tokens=60, temperature=0.3):
                parts.append(piece)
                yield {"type": "token", "text": piece}
        except Exception as exc:  # a failing backend must not lose the turn: the template stands
            timings["error"] = str(exc)[:200]
        text = "".join(parts).strip()
        ok = valid_followup(text, msg["data"]["topic"])
        msg["data"].update(phrased_by="llm" if ok else "template", first_token_s=timings.get("first_token_s"),
                           phrase_s=round(time.perf_counter() - t0, 3))
        if ok:
            msg["text"] = text
            session.turns[-1].followup.question = text
            self.store.save_session(session)

    def respond(self, session: Session, text: str) -> list[dict]:
        """Handle an answer or a command; the session is updated in place and persisted.

        With an LLM, a follow-up is reworded before it is returned (respond_stream, collected).
        """
        return [e["message"] for e in self.respond_stream(session, text) if e["type"] == "message"]

    def _respond(self, session: Session, text: str) -> list[dict]:
        """The rule-decided reply: grade, template follow-up, next question or report."""
        if session.phase == "done":
            return [_msg("info", "本次面试已结束。Start a new session to continue.")]
        cmd = parse_command(text)
        if cmd in ("help", "unknown"):
            return [_msg("help", ("未知命令。" if cmd == "unknown" else "") + HELP)]
        if cmd == "end":
            return self._finish(session)
        if cmd == "hint":
            return [self._hint(session)]
        item = self.items[session.current]
        if session.phase == "followup":
            return self._followup_reply(session, item, cmd, text)
        # phase "question"
        hints = session.hints
        if cmd == "skip" or not (text or "").strip():
            turn = Turn(item=item.id, question=item.question, answer=text or "", score=0, band="empty",
                        skipped=cmd == "skip", hints=hints, points=len(item.key_points), why=session.why.get(item.id, ""),
                        missed=[{"point": p, "source": item.source, "number": item.number} for p in item.key_points])
            session.turns.append(turn)
            return [_msg("grade", "未作答，本题 0 分。No answer: 0 points.", score=0, band="empty")] + \
                self._finalize(session, turn)
        g = self.grader.grade(item.id, text, use_llm=self.use_llm)
        missed = [{"point": p.point, "source": p.source, "number": p.number, "status": p.status}
                  | ({"evidence": p.evidence} if p.status == "contradicted" else {})
                  for p in g.points if p.status in ("missed", "contradicted")]
        # "Covered" means the candidate said it: a covered point always carries its sentence (grade's contract).
        covered = [{"point": p.point, "source": p.source, "number": p.number, "status": p.status,
                    "evidence": p.evidence} for p in g.points if p.status in CREDIT and p.evidence]
        turn = Turn(item=item.id, question=item.question, answer=text, score=g.score or 0, band=g.band, hints=hints,
                    points=len(g.points), missed=missed, covered=covered, why=session.why.get(item.id, ""),
                    extras=[e.to_json() for e in g.extras])
        session.turns.append(turn)
        slips = "".join(f"勘误（{cite(p.erratum.source, p.erratum.number)}）：{p.point}。{p.cue}"
                        for p in g.points if p.erratum is not None)  # the candidate repeated a documented slip
        out = [_msg("grade", grade_text(g.score or 0, g.band, [p["point"] for p in g.covered],
                                        [p["point"] for p in g.missed], [p["point"] for p in g.wrong],
                                        [e["sentence"] for e in turn.extras]) + slips,
                    score=g.score, band=g.band, feedback=g.feedback)]
        point = pick_followup(g)
        if point is None:
            return out + self._finalize(session, turn)
        english = is_english(text)
        question = followup_question(point, g, english=english)
        turn.followup = FollowUp(point=point.point, status=point.status, question=question, source=point.source,
                                 number=point.number, english=english)
        session.phase = "followup"
        self.store.save_session(session)  # a kill now resumes at the follow-up
        return out + [_msg("followup", question, point=point.point, source=point.source, number=point.number,
                           topic=label(point.point), english=english, phrased_by="template")]

    def _followup_reply(self, session: Session, item, cmd: str | None, text: str) -> list[dict]:
        """Grade the follow-up answer on its one point (rules + support, no LLM wait) and reply before moving on."""
        turn = session.turns[-1]
        return [answer_followup(self.grader, turn, item, "" if cmd == "skip" else text)] + self._finalize(session, turn)

    # -- internals ----------------------------------------------------------------------------
    def _question(self, session: Session) -> dict:
        item = self.items[session.current]
        why = session.why.get(item.id, "")
        return _msg("question", question_text(session.index + 1, len(session.queue), item.question, item.prompt,
                                              why if session.adaptive else ""),
                    item=item.id, source=item.source, number=item.number, why=why)

    def _hint(self, session: Session) -> dict:
        item = self.items[session.current]
        left = [p for p in item.key_points if p not in session.revealed]
        if not left:
            return _msg("hint", "没有更多提示了。No more hints.")
        session.revealed.append(left[0])
        session.hints += 1
        self.store.save_session(session)
        return _msg("hint", f"提示（本题 −{HINT_PENALTY}）：{left[0]}", point=left[0])

    def _finalize(self, session: Session, turn: Turn) -> list[dict]:
        turn.final_score = turn_score(turn)
        session.index += 1
        session.phase = "question" if session.index < len(session.queue) else "done"
        session.hints, session.revealed = 0, []
        if session.phase == "question":
            adaptive.adapt(session, turn, self.items, self.all_items)
        if session.phase == "done":
            session.average = _average(session.turns)
        self._record(session, turn)
        if session.phase == "done":
            return [self._report(session)]
        return [self._question(session)]

    def _finish(self, session: Session) -> list[dict]:
        # The main answer was graded: ending during its follow-up keeps that grade (no follow-up credit).
        graded = session.turns[-1] if session.phase == "followup" else None
        if graded is not None:
            graded.final_score = turn_score(graded)
        session.phase = "done"
        session.turns = [t for t in session.turns if t.final_score is not None]
        if session.turns:
            session.average = _average(session.turns)
        if graded is not None:
            self._record(session, graded)
        else:
            self.store.save_session(session)
        return [self._report(session)]

    def _record(self, session: Session, turn: Turn) -> None:
        """The turn's attempt, FSRS card and the session state, in one transaction."""
        self.store.record(session.profile, turn.item, turn.final_score, band(turn.final_score),
                          session.mode, turn.missed, session.id, session)

    def _report(self, session: Session) -> dict:
        rep = report(session, self.items)
        return _msg("report", report_text(rep), report=rep)
