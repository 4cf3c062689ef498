"""Typed records passed between pipeline stages: Ref, Item, Hit, Answer, Grade.

Every record is a frozen dataclass with a stable id, so the same id joins
citations, eval labels and UI links.

Example:
    >>> r = Ref("hpc-for-llm-datacenter.md", 5)
    >>> r.key
    'hpc-for-llm-datacenter.md#5'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


def cite(source: str, number) -> str:
    """How a place is shown to a user: "notes.md §1.21", or just "notes.md" for a free-text chunk.

    >>> cite("notes.md", "1.21"), cite("notes.md", None)
    ('notes.md §1.21', 'notes.md')
    """
    return f"{source} §{number}" if number is not None else source


def place(ref: dict) -> str:
    """A reference's heading line: its title (when the note has one), where it is, what it asks.

    >>> place({"title": "分布式", "source": "d.md", "number": "1.1", "question": "什么是数据并行？"})
    '分布式 · d.md §1.1：什么是数据并行？'
    >>> place({"title": "", "source": "n.md", "number": 6, "question": "INT8 是什么？"})
    'n.md §6：INT8 是什么？'
    """
    where = cite(ref["source"], ref["number"])
    return f"{ref['title']} · {where}：{ref['question']}" if ref.get("title") else f"{where}：{ref['question']}"


@dataclass(frozen=True, order=True)
class Ref:
    """One place in the corpus: a document file and an item number (None for a free-text chunk).

    The number is an int for plainly numbered documents (the seeds), else the document's own dotted
    number as a string ("1.21"), so a citation reads as the notes do: "notes.md §1.21" (see cite).

    A note with dotted numbers keeps its plain ones as strings too ("4" beside "6.1"), while a typed
    reference ("notes.md#4") or a JSON file may carry 4: two refs are equal when they name the same
    place, whatever the number's type.

    >>> Ref("notes.md", 4) == Ref("notes.md", "4"), len({Ref("notes.md", 4), Ref("notes.md", "4")})
    (True, 1)
    >>> Ref("notes.md", 4) == Ref("notes.md", "4.1"), Ref("a.md", None) == Ref("a.md", "None")
    (False, False)
    """

    source: str
    number: int | str | None

    def _same(self) -> tuple[str, str | None]:
        return self.source, None if self.number is None else str(self.number)

    def __eq__(self, other) -> bool:
        return isinstance(other, Ref) and self._same() == other._same()

    def __hash__(self) -> int:
        return hash(self._same())

    @property
    def key(self) -> str:
        return f"{self.source}#{self.number}" if self.number is not None else self.source

    def to_json(self) -> dict:
        return {"source": self.source, "number": self.number}


@dataclass(frozen=True)
class Correction:
    """A documented slip in an item (see corpus/errata.md): the wrong words, what replaces them, and why."""

    wrong: str  # the item's wrong statement, quoted verbatim (markdown marks removed)
    correction: str  # the corrected statement; it reads correctly in place of `wrong`
    why: str  # one line on why the original is wrong
    erratum: Ref  # the errata entry that documents it ("errata.md §3")

    def to_json(self) -> dict:
        return {"wrong": self.wrong, "correction": self.correction, "why": self.why,
                "erratum": self.erratum.to_json()}


@dataclass(frozen=True)
class Item:
    """A canonical corpus item (or a chunk of a free-text document).

    `duplicates` lists every (source, number) this item stands for, itself first,
    so a near-duplicate merged from another document is never lost.
    """

    source: str
    number: int | str | None  # see Ref
    title: str  # the document's title, for display
    question: str  # the numbered heading
    prompt: str = ""  # the 题目/面试题 paragraph, when the item has one
    answer: str = ""  # 答案 (code blocks removed)
    explanation: str = ""  # 解析
    code: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    duplicates: tuple[Ref, ...] = ()
    kind: str = "item"  # "item" for a parsed numbered item, "chunk" for free text
    chunk: int = 0  # 1-based chunk index within a free-text document (0 for items)
    # Errata that apply to this item; its key_points already carry the corrected wording (corpus.errata).
    corrections: tuple[Correction, ...] = ()
    # A template note's other fields beside the answer ("反问点：…", "坑位：…", corpus/fields.py): shown with
    # the reference, never graded, asked or indexed (a question to ask back answers nothing).
    aside: str = ""

    @property
    def ref(self) -> Ref:
        return Ref(self.source, self.number)

    @property
    def id(self) -> str:
        return self.ref.key if self.kind == "item" else f"{self.source}#c{self.chunk}"

    @property
    def refs(self) -> tuple[Ref, ...]:
        """Every place this item stands for (itself included)."""
        return self.duplicates or (self.ref,)

    def text(self) -> str:
        """The text indexed for retrieval: question first, since queries paraphrase questions."""
        parts = [self.question, self.prompt, self.answer, self.explanation]
        return "\n".join(p for p in parts if p)

    def to_json(self) -> dict:
        d = asdict(self)
        d["duplicates"] = [r.to_json() for r in self.refs]
        d["id"] = self.id
        return d


@dataclass(frozen=True)
class Hit:
    """A retrieval result: the item, its fused score, and the evidence behind it."""

    item: Item
    score: float  # fused score in [0, 1]; higher is better
    dense: float = 0.0  # raw cosine similarity of query and item (absolute, used for refusal)
    lexical: float = 0.0  # raw BM25 score
    found_by: tuple[str, ...] = field(default=())  # which retrievers ranked it: "dense", "lexical"

    def to_json(self) -> dict:
        it = self.item
        return {
            "id": it.id,
            "source": it.source,
            "number": it.number,
            "title": it.title,
            "question": it.question,
            "score": round(self.score, 4),
            "dense": round(self.dense, 4),
            "lexical": round(self.lexical, 4),
            "topics": list(it.topics),
            "duplicates": [r.to_json() for r in it.refs],
            "kind": it.kind,
        }


@dataclass(frozen=True)
class Answer:
    """What `ask` returns: the text, its citations, and whether retrieval refused."""

    question: str  # what the user typed
    standalone: str  # the question after resolving it against the conversation
    text: str  # the final answer (the reference itself in no-LLM mode or on refusal)
    refused: bool
    reference: dict | None = None  # the instant extractive answer: {text, source, number, question}
    citations: tuple[Ref, ...] = ()
    unsupported: tuple[str, ...] = ()  # answer sentences no cited passage supports
    nearest: tuple[str, ...] = ()  # on refusal: nearest covered topics/questions
    timings: dict = field(default_factory=dict)
    notice: str = ""  # e.g. "question truncated to 2000 characters"
    generation_error: str = ""  # set when the LLM part failed; text is then the reference itself

    def to_json(self) -> dict:
        return {"question": self.question, "standalone": self.standalone, "answer": self.text,
                "refused": self.refused, "reference": self.reference,
                "citations": [r.to_json() for r in self.citations], "unsupported": list(self.unsupported),
                "nearest": list(self.nearest), "timings": self.timings, "notice": self.notice,
                "generation_error": self.generation_error}


@dataclass(frozen=True)
class PointResult:
    """One reference key point as judged in a candidate's answer, tied to where it comes from."""

    point: str  # the key point, in the reference's words
    status: str  # "covered", "partial", "missed" or "contradicted"
    evidence: str = ""  # the candidate's sentence that covers or contradicts it ("" when missed)
    source: str = ""  # corpus file of the item the point belongs to
    number: int | str | None = None  # that item's number
    credit: float = 0.0  # deterministic match strength in [0, 1] (0 once contradicted)
    kind: str = "answer"  # "answer" (a key point), "explanation" (a 解析 sentence) or "prose" (beside a list; both half weight)
    judge: str = ""  # the LLM judge's verdict for this point ("" when no judge ran)
    cue: str = ""  # the deterministic contradiction cue, e.g. "加重 ↔ 减少" (for an erratum: its why)
    erratum: Ref | None = None  # set when the evidence repeats a documented slip: the errata entry

    def to_json(self) -> dict:
        return {"point": self.point, "evidence": self.evidence, "source": self.source, "number": self.number,
                "status": self.status, "credit": round(self.credit, 3), "kind": self.kind,
                "judge": self.judge, "cue": self.cue, "erratum": self.erratum.to_json() if self.erratum else None}


@dataclass(frozen=True)
class Extra:
    """A correct sentence in the answer that no key point covers ("✓ 正确的补充（参考答案未涉及）").

    It never raises the score above what the reference supports and never lowers it.
    """

    sentence: str  # the candidate's sentence, verbatim
    source: str = ""  # the item it was checked against
    number: int | str | None = None
    why: str = ""  # the judge's short reason, or "" when none was given

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "source": self.source, "number": self.number, "why": self.why}


@dataclass(frozen=True)
class Grade:
    """What `grade` returns: a 0–100 score, its band, and every key point's verdict with evidence.

    `score` and `band` are None when the grader abstained (no item matches the question).
    """

    question: str
    answer: str
    score: int | None
    band: str | None  # "excellent" ≥ 75, "partial" 35–75, "wrong" 15–35, "empty" < 15
    item: Ref | None  # the item graded against (None when abstaining)
    points: tuple[PointResult, ...] = ()
    feedback: str = ""
    model_answer: str = ""  # the reference answer shown to the candidate
    copied: bool = False  # the answer is a pasted copy of the reference
    abstained: bool = False
    reason: str = ""  # why the score is what it is when a rule decided it (empty, restates_question, …)
    judge: str = "off"  # "used", "off", or "failed: …" (then the deterministic verdicts stand)
    matched_question: str = ""  # the item's question, so a user sees what was graded against
    timings: dict = field(default_factory=dict)
    coverage: float | None = None  # net key-point coverage the score was mapped from (None: a rule decided)
    extras: tuple[Extra, ...] = ()  # correct sentences beyond the reference (only a judge can say so)
    unsure: tuple[str, ...] = ()  # why it may be off: judge_failed, near_edge (calibrate.uncertainty), judge_borderline

    def _of(self, *statuses: str) -> list[dict]:
        return [p.to_json() for p in self.points if p.status in statuses]

    @property
    def covered(self) -> list[dict]:
        """Covered and partly covered points (each says which in `status`)."""
        return self._of("covered", "partial")

    @property
    def missed(self) -> list[dict]:
        return self._of("missed")

    @property
    def wrong(self) -> list[dict]:
        return self._of("contradicted")

    def to_json(self) -> dict:
        return {"question": self.question, "score": self.score, "band": self.band,
                "item": self.item.to_json() if self.item else None, "matched_question": self.matched_question,
                "covered": self.covered, "missed": self.missed, "wrong": self.wrong, "feedback": self.feedback,
                "model_answer": self.model_answer, "copied": self.copied, "abstained": self.abstained,
                "reason": self.reason, "judge": self.judge, "coverage": self.coverage, "timings": self.timings,
                "extras": [e.to_json() for e in self.extras], "unsure": list(self.unsure)}
