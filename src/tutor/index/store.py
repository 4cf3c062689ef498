"""Embed + FAISS (through llama-index) + BM25, persisted with a manifest; rebuilt when stale or corrupt.

Layout of the index folder:
    manifest.json   format version, embedder id, corpus hash, build parameters, item count
    vector/         llama-index storage (docstore, index store, FAISS vector store)
    lexical/        bm25s index + item ids
    embeddings/     vector cache by passage text (index/vectors.py): a rebuild embeds only new texts

Example:
    >>> from tutor.index.embed import HashEncoder
    >>> manifest_for(HashEncoder(), "abc")["embedder"]
    'hash-ngrams'
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tutor.index.embed import Encoder, as_llama_embedding
from tutor.index.lexical import LexicalIndex
from tutor.index.null import corpus_null_level
from tutor.index.profile import EmbedderProfile, default_profile, known_profile, profile_for
from tutor.index.vectors import CACHE_DIR, VectorCache
from tutor.records import Item

log = logging.getLogger(__name__)

FORMAT_VERSION = 4  # 4: the second view is the question alone (was question + key points)
# Parameters that change what is built; a change in any of them makes a cached index stale.
BUILD_PARAMS = {"node": "one per item", "vector": "mean of views: full text, question",
                "faiss": "IndexFlatIP", "lexical": "bm25s(jieba+domain words, CJK bigrams, ascii and greek words) over text + code",
                # The corpus hash can't see a parser change, and the items are what is built.
                "parser": "markdown structure: headings, labels, lists, details (issue 12)",
                # The key-point view embeds corrected key points; the corpus hash sees errata.md, not this rule.
                "errata": "corrections replace the wrong words in key points (issue 14)",
                # Refusal compares a question with the near items' questions, both embedded as queries.
                "questions": "each item's question embedded as a query (stop 35)",
                "passages": "a passage's question view and words carry its note's heading path (stop 41)"}


QUESTIONS_FILE = "questions.npy"


def searched_question(item: Item) -> str:
    """What an item asks, as searches see it: a passage (a section of a note that asks nothing) asks its heading
    only inside its note and heading path. "核心痛点" or "关键步骤" alone names nothing; "DeepSpeed 专题 ›
    关键步骤" is what "deepspeed 初始化要调用哪个函数" is about. A parsed item's own question is kept as it is.

    >>> searched_question(Item("a.md", None, "注意力 › 工程优化：Flash Attention", "核心痛点", kind="chunk"))
    '注意力 › 工程优化：Flash Attention › 核心痛点'
    >>> searched_question(Item("a.md", 3, "面试题", "什么是过拟合？"))
    '什么是过拟合？'
    """
    if item.kind == "chunk" and item.title and item.title not in item.question:
        return f"{item.title} › {item.question}"
    return item.question


def item_views(item: Item) -> list[str]:
    """Texts whose embeddings are averaged into the item's one vector.

    The full text alone lets a long answer drown the question; the second view, the question alone,
    is what queries paraphrase. With unit-norm views, the inner product with their mean is exactly the
    mean of the per-view cosines. The second view was "question + key points" until issue 12: for
    notes without labelled points that repeats most of the answer, and embedding it cost ~40% of an
    index build. Measured in one run over the same cache (seeds 118 queries / foreign dev 24): hit@1
    0.924 → 0.932 / 0.875 → 0.917, hit@3 0.992 → 0.992 / 1.0 → 1.0, MRR 0.956 → 0.961 / 0.938 → 0.951.

    >>> from tutor.records import Item
    >>> item_views(Item("a.md", 1, "", "什么是过拟合？", answer="训练好测试差。", key_points=("训练好测试差。",)))
    ['什么是过拟合？\\n训练好测试差。', '什么是过拟合？']
    """
    return [item.text(), searched_question(item)]


def manifest_for(encoder: Encoder, corpus_hash: str) -> dict:
    """What the index must have been built with to be reusable."""
    return {"format_version": FORMAT_VERSION, "embedder": encoder.model_id, "dim": encoder.dim,
            "corpus_hash": corpus_hash, "params": BUILD_PARAMS}


@dataclass
class CorpusIndex:
    """The dense (llama-index VectorStoreIndex over FAISS) and lexical indexes over the same items."""

    items: list[Item]
    vector: object  # llama_index.core.VectorStoreIndex
    lexical: LexicalIndex
    encoder: Encoder | None = None  # the embedder the vectors came from (answer/grade stages reuse it)
    status: str = ""  # what loading did: "loaded", "built (reason; N new texts embedded)"
    embedded: int = 0  # texts this build had to embed (0 when loaded): the cost of an incremental rebuild
    profile: EmbedderProfile | None = None  # the embedder's cosine-scale constants (saved in the manifest)
    null_dense: float | None = None  # how close unrelated questions get to the items (index.null; saved too)
    question_vectors: np.ndarray | None = None  # each item's question embedded as a query, in item order
    null_question: float | None = None  # the null level of those question vectors (refusal shifts by it too)
    by_id: dict[str, Item] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {it.id: it for it in self.items}
        self._row = {it.id: i for i, it in enumerate(self.items)}
        if self.profile is None:
            embedder = getattr(self.encoder, "model_id", "")
            self.profile = known_profile(embedder) or default_profile(embedder)
        self._retrievers: dict[int, object] = {}

    def dense_scores(self, query: str, n: int) -> dict[str, float]:
        """Cosine similarity of the query to its n nearest items (vectors are normalised, FAISS is inner product)."""
        n = min(n, len(self.items))
        if n not in self._retrievers:
            self._retrievers[n] = self.vector.as_retriever(similarity_top_k=n)
        return {nws.node.node_id: float(nws.score) for nws in self._retrievers[n].retrieve(query)}


    def question_cos(self, query: str, ids: list[str]) -> float | None:
        """The query's best cosine with the questions of the given items, both embedded as queries (None
        without question vectors). A question the notes answer is asked again in other words; a near-domain
        one shares the notes' words but not their questions.

        >>> from tutor.index.embed import HashEncoder
        >>> from tutor.records import Item
        >>> items = [Item("a.md", 1, "", "什么是数据并行？"), Item("a.md", 2, "", "什么是模型量化？")]
        >>> enc = HashEncoder(dim=64)
        >>> idx = CorpusIndex(items, None, None, enc, question_vectors=enc.encode_queries([i.question for i in items]))
        >>> ids = [it.id for it in items]
        >>> idx.question_cos("数据并行是什么", ids) > idx.question_cos("数据并行是什么", ids[1:])
        True
        """
        rows = [self._row[i] for i in ids if i in self._row]
        if self.question_vectors is None or not rows or self.encoder is None:
            return None
        from tutor.index.embed import query_vector

        return float(np.max(self.question_vectors[rows] @ query_vector(self.encoder, query)))


def lexical_text(item: Item) -> str:
    """Text for BM25: the item plus its code, whose identifiers (autocast, GradScaler, DDP) people search for.

    Code stays out of the dense views: to e5 it is noise next to the Chinese prose.
    """
    return "\n".join((item.text(), *item.code, *([item.title] if item.kind == "chunk" else [])))


def _nodes(items: list[Item], encoder: Encoder, cache: VectorCache, show_progress: bool):
    """One llama-index node per item, carrying its multi-view embedding (new texts embedded, the rest cached)."""
    from llama_index.core.schema import TextNode

    views = [item_views(it) for it in items]
    n_views = len(views[0])
    flat = cache.embed([v for vs in views for v in vs], encoder, progress=show_progress)
    vectors = flat.reshape(len(items), n_views, -1).mean(axis=1)
    return [TextNode(id_=it.id, text=it.text(), embedding=vec.tolist(),
                     metadata={"source": it.source, "number": it.number},
                     excluded_embed_metadata_keys=["source", "number"],
                     excluded_llm_metadata_keys=["source", "number"]) for it, vec in zip(items, vectors)]


def build_index(items: list[Item], encoder: Encoder, index_dir: Path, corpus_hash: str,
                show_progress: bool = True, reuse_vectors: bool = True) -> CorpusIndex:
    """Assemble FAISS (via llama-index) from cached or new item vectors, build BM25, persist both, then the manifest.

    Only texts missing from the embedding cache are embedded (reuse_vectors=False re-embeds all);
    FAISS and BM25 are always rebuilt whole, since over a few hundred items that takes well under a
    second. Written to a sibling temp folder and swapped in, so an interrupted build never leaves a half index.
    """
    import faiss
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.vector_stores.faiss import FaissVectorStore

    if not items:
        raise ValueError("the corpus has no items to index")
    index_dir = Path(index_dir)
    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # BM25 first: with an encoder loading in a child process (models.child_encoder) this work overlaps the load.
    lexical = LexicalIndex.build([it.id for it in items], [lexical_text(it) for it in items])
    lexical.save(tmp / "lexical")
    cache = VectorCache.load(index_dir / CACHE_DIR, encoder) if reuse_vectors else VectorCache()
    store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(encoder.dim))
    storage = StorageContext.from_defaults(vector_store=store)
    # transformations=[]: the nodes are final (one per item, embedded); without it llama-index builds its
    # global default SentenceSplitter, loading tiktoken's BPE for nothing (~0.4 s of every rebuild).
    vector = VectorStoreIndex(_nodes(items, encoder, cache, show_progress), storage_context=storage,
                              embed_model=as_llama_embedding(encoder), transformations=[])
    vector.storage_context.persist(persist_dir=str(tmp / "vector"))
    questions = cache.embed([searched_question(it) for it in items], encoder, queries=True)
    np.save(tmp / QUESTIONS_FILE, questions.astype(np.float32))
    cache.save(tmp / CACHE_DIR, encoder, keep=[v for it in items for v in item_views(it)],
               keep_queries=[searched_question(it) for it in items])
    vectors = store._faiss_index.reconstruct_n(0, len(items))
    profile = profile_for(encoder.model_id, vectors)
    null_dense = _null_dense(items, encoder, vectors)
    null_question = _null_dense(items, encoder, questions)
    manifest = manifest_for(encoder, corpus_hash) | {"items": len(items), "built_at": time.time(),
                                                     "profile": profile.to_json(), "null_dense": null_dense,
                                                     "null_question": null_question}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.rename(index_dir)
    index = CorpusIndex(items, vector, lexical, encoder, profile=profile, null_dense=null_dense,
                        question_vectors=questions, null_question=null_question)
    index.embedded = cache.embedded
    return index


def _null_dense(items: list[Item], encoder: Encoder, vectors) -> float:
    """The null level over the items a question can be answered from (errata entries never rank; see fuse)."""
    errata = {c.erratum.key for it in items for c in it.corrections}
    keep = [i for i, it in enumerate(items) if it.id not in errata]
    return corpus_null_level(encoder, vectors[keep])


def stale_reason(index_dir: Path, expected: dict) -> str | None:
    """Why a cached index can't be used (None when it can)."""
    path = Path(index_dir) / "manifest.json"
    if not path.exists():
        return "no index yet"
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "manifest unreadable"
    for key, value in expected.items():
        if found.get(key) != value:
            return f"{key} changed"
    return None


class ItemsChanged(ValueError):
    """The notes' bytes are the same but they parse into other items (a newer parser): not corruption."""


def load_index(items: list[Item], encoder: Encoder, index_dir: Path) -> CorpusIndex:
    """Load a persisted index (raises on any corruption)."""
    from llama_index.core import StorageContext, load_index_from_storage
    from llama_index.vector_stores.faiss import FaissVectorStore

    vdir = Path(index_dir) / "vector"
    store = FaissVectorStore.from_persist_dir(str(vdir))
    storage = StorageContext.from_defaults(vector_store=store, persist_dir=str(vdir))
    vector = load_index_from_storage(storage, embed_model=as_llama_embedding(encoder))
    lexical = LexicalIndex.load(Path(index_dir) / "lexical")
    if lexical.ids != [it.id for it in items] or store._faiss_index.ntotal != len(items):
        raise ItemsChanged("index does not match the corpus items")
    manifest = _read_manifest(Path(index_dir))
    null_dense = manifest.get("null_dense")
    if null_dense is None:  # an index built before the null level existed: measure it now (~0.3 s), no rebuild
        null_dense = _null_dense(items, encoder, store._faiss_index.reconstruct_n(0, len(items)))
    questions = np.load(Path(index_dir) / QUESTIONS_FILE, allow_pickle=False)
    if questions.shape != (len(items), encoder.dim):
        raise ItemsChanged(f"question vectors {questions.shape} do not fit {len(items)} items")
    null_question = manifest.get("null_question")
    if null_question is None:
        null_question = _null_dense(items, encoder, questions)
    return CorpusIndex(items, vector, lexical, encoder, profile=_saved_profile(manifest, encoder, store),
                       null_dense=null_dense, question_vectors=questions, null_question=null_question)


def _read_manifest(index_dir: Path) -> dict:
    """The saved manifest, or {} when it is missing or unreadable (callers fall back to measuring)."""
    try:
        return json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _saved_profile(manifest: dict, encoder: Encoder, store) -> EmbedderProfile:
    """The embedder's fitted profile (the code's numbers win: a refit must take effect); else the
    estimate saved when the index was built, so it doesn't drift between loads; else estimated again."""
    fitted = known_profile(encoder.model_id)
    if fitted:
        return fitted
    saved = manifest.get("profile")
    if saved and saved.get("embedder") == encoder.model_id:
        return EmbedderProfile.from_json(saved)
    return profile_for(encoder.model_id, store._faiss_index.reconstruct_n(0, store._faiss_index.ntotal))


def load_or_build(items: list[Item], encoder: Encoder, index_dir: Path, corpus_hash: str,
                  force: bool = False, show_progress: bool = True) -> CorpusIndex:
    """Reuse the cached index when its manifest matches; otherwise (or if it is corrupt) rebuild it.

    Returns:
        The index, with `status` saying what happened ("loaded" or "built (<reason>)").
    """
    reason = "forced" if force else stale_reason(index_dir, manifest_for(encoder, corpus_hash))
    if reason is None:
        try:
            index = load_index(items, encoder, index_dir)
            index.status = "loaded"
            return index
        except ItemsChanged:  # an upgraded parser reads the same notes into other items: re-embed what changed
            log.info("the notes parse into other items than the cached index holds; updating it")
            reason = "items changed"
        except Exception as exc:  # any corruption: rebuild rather than fail the user
            log.warning("cached index at %s is corrupt (%s); rebuilding", index_dir, exc)
            reason = f"corrupt: {exc.__class__.__name__}"
    index = build_index(items, encoder, index_dir, corpus_hash, show_progress=show_progress,
                        reuse_vectors=not force)  # --force is the escape hatch: trust no cached vector
    index.status = f"built ({reason}; {index.embedded} new texts embedded)"
    return index
