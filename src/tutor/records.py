"""Typed records passed between pipeline stages: Ref, Item, Hit.

Every record is a frozen dataclass with a stable id, so the same id joins
citations, eval labels and UI links.

Example:
    >>> r = Ref("hpc-for-llm-datacenter.md", 5)
    >>> r.key
    'hpc-for-llm-datacenter.md#5'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, order=True)
class Ref:
    """One place in the corpus: a document file and an item number (None for a free-text chunk)."""

    source: str
    number: int | None

    @property
    def key(self) -> str:
        return f"{self.source}#{self.number}" if self.number is not None else self.source

    def to_json(self) -> dict:
        return {"source": self.source, "number": self.number}


@dataclass(frozen=True)
class Item:
    """A canonical corpus item (or a chunk of a free-text document).

    `duplicates` lists every (source, number) this item stands for, itself first,
    so a near-duplicate merged from another document is never lost.
    """

    source: str
    number: int | None
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

    def to_json(self) -> dict:
        return {"question": self.question, "standalone": self.standalone, "answer": self.text,
                "refused": self.refused, "reference": self.reference,
                "citations": [r.to_json() for r in self.citations], "unsupported": list(self.unsupported),
                "nearest": list(self.nearest), "timings": self.timings, "notice": self.notice}
