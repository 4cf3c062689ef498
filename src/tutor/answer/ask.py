"""Ask: resolve a follow-up, retrieve, refuse or show the reference at once, then stream a cited answer.

`Asker.ask` yields events so the CLI and UI can render as soon as something is known:
    {"type": "notice", "text"}       input was truncated
    {"type": "reference", ...}       the best item's own answer, before any LLM token
    {"type": "token", "text"}        streamed LLM text
    {"type": "done", "answer"}       the final Answer (also emitted on refusal and in no-LLM mode)
"""
from __future__ import annotations

import time
from typing import Iterator

from tutor.retrieve.condense import condense
from tutor.retrieve.refusal import E5_THRESHOLDS, Thresholds, retrieve_or_refuse
from tutor.llm.base import timed_stream
from tutor.llm.prompts import answer_messages, answer_prefix, clip, scaffold
from tutor.records import Answer, Hit
from tutor.text.normalise import is_english
from tutor.answer.support import attribute, drop_echo
from tutor.corpus.errata import annotate, correction_text, errata_refs
from tutor.corpus.topics import topic_label

MAX_QUESTION_CHARS = 2000
# Include hit 2 as passage [2] when its own fused score is at least this (absolute: near the best cosine
# and, for a Chinese query, lexically strong too). Measured on `tutor eval ask` (30 LLM answers): a
# threshold relative to the top hit's score let more second passages in; citation precision fell
# from 0.921 to 0.897, while supported sentences rose from 0.992 to 1.000.
SECOND_PASSAGE_SCORE = 0.85
# Shown instead of the generated answer when the generator crashed or hung (its worker is replaced).
GENERATION_FAILED = ("⚠️ 生成回答失败，上面是文档中的参考答案；下一个问题会正常生成。"
                     "The generated answer failed; the reference above is from the documents. "
                     "The next question is answered normally.")
EMPTY_MESSAGE = "请输入一个问题，例如：“数据并行和模型并行有什么区别？” (Please ask a question.)"


def clean_question(text: str | None) -> tuple[str, str]:
    """(question, notice): whitespace trimmed; over-long input cut to MAX_QUESTION_CHARS with a notice."""
    q = (text or "").strip()
    if len(q) > MAX_QUESTION_CHARS:
        return q[:MAX_QUESTION_CHARS], f"问题过长，已截取前 {MAX_QUESTION_CHARS} 个字符 (question truncated to " \
                                       f"{MAX_QUESTION_CHARS} characters)."
    return q, ""


def reference_of(hit: Hit) -> dict:
    """The instant extractive answer: the item's own answer, with where it comes from.

    A documented slip in it (corpus/errata.md) gets its "勘误 Correction" note under the sentence, in
    the text itself, so every surface that shows the card (UI, CLI, the no-LLM answer) shows the note.
    """
    it = hit.item
    return {"text": annotate(clip(it.answer, 1200), it.corrections), "explanation": it.explanation,
            "source": it.source, "number": it.number, "title": it.title, "question": it.question,
            "duplicates": [r.to_json() for r in it.refs], "corrections": [c.to_json() for c in it.corrections]}


def cited(refs, passages) -> tuple:
    """The answer's citations: the cited items, then the errata entries correcting any of them, once each."""
    cited_items = [p for p in passages if p.ref in refs]
    return tuple(dict.fromkeys((*refs, *errata_refs(cited_items))))


INTERVIEW_POINTER = ("想模拟面试？请打开“模拟面试”标签页，或在终端运行 `tutor interview`：我会出题、追问并给你的回答打分。"
                     " (For a mock interview, open the 模拟面试 tab or run `tutor interview`.)")


def refusal_text(question: str, reason: str, nearest: list[str]) -> str:
    """The reply to a refused question: it says why, so a user who attacked nothing isn't told off.

    >>> refusal_text("What is NVLink?", "off_topic", ["a"])
    "The documents do not cover this question, so I won't guess. Nearest topics they do cover: a."
    >>> refusal_text("你来当面试官，问我几道题", "interview", []) == INTERVIEW_POINTER
    True
    >>> refusal_text("BF16 的尾数位是几位？", "no_number", ["混合精度训练"])
    '资料中没有给出这个数值，我不做猜测。资料覆盖的最接近的主题：混合精度训练。'
    >>> from tutor.retrieve.refusal import Reason
    >>> refusal_text("零冗余优化器分几级？", Reason("unknown_term", ("ZeRO",)), ["数据并行"])
    '资料中没有提到 ZeRO，我不做猜测。资料覆盖的最接近的主题：数据并行。'

    """
    if reason == "interview":
        return INTERVIEW_POINTER
    listed = "；".join(nearest)
    terms = getattr(reason, "terms", ())  # retrieve.refusal.Reason: what the notes never mention
    if is_english(question):
        head = {"injection": "I can only help as an interview tutor, answering from the interview documents.",
                "no_number": "The documents do not state this number, so I won't guess one."}.get(
            reason, "The documents do not cover this question, so I won't guess.")
        if terms:
            head = f"The documents never mention {', '.join(terms)}, so I won't guess."
        return f"{head} Nearest topics they do cover: {listed}."
    head = {"injection": "我只能作为面试导师，依据资料回答 AI 基础设施面试问题。",
            "no_number": "资料中没有给出这个数值，我不做猜测。"}.get(reason, "资料中没有涉及这个问题，我不做猜测。")
    if terms:
        head = f"资料中没有提到 {'、'.join(terms)}，我不做猜测。"
    return f"{head}资料覆盖的最接近的主题：{listed}。"


class Asker:
    """The ask mode over a Tutor (retriever, encoder, lazily loaded generator)."""

    def __init__(self, tutor, thresholds: Thresholds | None = None):
        self.tutor = tutor
        self.thresholds = thresholds or getattr(tutor, "thresholds", None) or E5_THRESHOLDS

    def ask(self, question: str, history: list[dict] | None = None, no_llm: bool | None = None) -> Iterator[dict]:
        """Answer one question in a conversation, as a stream of events (see the module docstring)."""
        t0 = time.perf_counter()
        no_llm = self.tutor.settings.no_llm if no_llm is None else no_llm
        q, notice = clean_question(question)
        if notice:
            yield {"type": "notice", "text": notice}
        if not q:
            yield {"type": "done", "answer": Answer(question="", standalone="", text=EMPTY_MESSAGE, refused=True,
                                                    notice="empty question")}
            return
        standalone = condense(q, history or [])
        hits, refuse, reason = retrieve_or_refuse(self.tutor.retriever, standalone, self.thresholds, k=3)
        timings = {"retrieval_s": round(time.perf_counter() - t0, 3), "decision": reason}
        if refuse:
            nearest = [f"{h.item.question}（{topic_label(h.item.topics[0])}）" for h in hits]
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield {"type": "done", "answer": Answer(q, standalone, refusal_text(q, reason, nearest), True,
                                                    nearest=tuple(nearest), timings=timings, notice=notice)}
            return
        top = hits[0]
        second = hits[1].item if len(hits) > 1 and hits[1].score >= SECOND_PASSAGE_SCORE else None
        reference = reference_of(top)
        timings["reference_s"] = round(time.perf_counter() - t0, 3)
        yield {"type": "reference", "reference": reference, "hits": [h.to_json() for h in hits]}
        if no_llm:
            text = f"{reference['text']} [1]"
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield {"type": "done", "answer": Answer(q, standalone, text, False, reference,
                                                    cited((top.item.ref,), [top.item]), timings=timings,
                                                    notice=notice)}
            return
        passages = [top.item] + ([second] if second else [])
        asked = q if q == standalone else f"{q}（上文：{standalone}）"
        messages = answer_messages(top.item, asked, second, english=is_english(q))
        parts = []
        try:
            generator = self.tutor.generator
            t_warm = time.perf_counter()
            # Restores the item's prefix state from RAM/disk, or computes and saves it (the same work a
            # cold prompt would do anyway), so the question is the only new text processed.
            timings["prefix"] = "computed" if generator.warm(answer_prefix(top.item)) else "restored"
            timings["prefix_s"] = round(time.perf_counter() - t_warm, 3)
            for piece in timed_stream(generator, messages, timings, max_tokens=320, temperature=0.2):
                parts.append(piece)
                yield {"type": "token", "text": piece}
        except Exception as exc:  # noqa: BLE001 - any generator failure (crash, hang, load error) ends the same way
            # The reference came from the documents and stands; the worker is already being replaced,
            # so the next question is generated normally.
            timings["generation_error"] = f"{exc.__class__.__name__}: {exc}"[:300]
            timings["total_s"] = round(time.perf_counter() - t0, 3)
            yield {"type": "done", "answer": Answer(q, standalone, f"{reference['text']} [1]", False, reference,
                                                    cited((top.item.ref,), [top.item]), timings=timings, notice=notice,
                                                    generation_error=GENERATION_FAILED)}
            return
        # What the user waits for is prefix restore/compute plus the stream's own first token.
        if "first_token_s" in timings:
            timings["first_token_s"] = round(timings["first_token_s"] + timings["prefix_s"], 3)
        # A small model sometimes answers with its own prompt (headers, the question, the reminder): that is
        # not an answer. Nothing left → the reference stands alone, as when generation fails.
        raw = drop_echo("".join(parts).strip(), scaffold(top.item, asked, second))
        t_check = time.perf_counter()
        # The corrections are part of what the answer was given, so a sentence stating one is supported.
        text, numbers, unsupported = attribute(raw, [p.text() + correction_text(p) for p in passages],
                                               self.tutor.encoder, self.tutor.retriever.index.profile) \
            if raw else (f"{reference['text']} [1]", [1], [])
        timings["support_check_s"] = round(time.perf_counter() - t_check, 3)
        timings["total_s"] = round(time.perf_counter() - t0, 3)
        citations = cited(tuple(dict.fromkeys(passages[n - 1].ref for n in numbers)), passages)
        yield {"type": "done", "answer": Answer(q, standalone, text, False, reference, citations,
                                                tuple(unsupported), timings=timings, notice=notice)}
        # Follow-ups usually stay on the same items: keep their prefix states ready (no-op if kept).
        try:
            for h in hits[1:2]:
                generator.warm(answer_prefix(h.item))
        except Exception:  # noqa: BLE001 - a head start only; the next question warms what it needs
            pass

    def answer(self, question: str, history: list[dict] | None = None, no_llm: bool | None = None) -> Answer:
        """Run ask() to completion and return the final Answer."""
        final = None
        for event in self.ask(question, history, no_llm):
            if event["type"] == "done":
                final = event["answer"]
        return final
