"""Does the corpus cover a question? Decided from retrieval evidence, never by the LLM.

Signals, each cheap and explainable:
- an injection / role-play request (the role never changes, so it is declined outright), or a request
  to be interviewed (pointed to the interview mode) — see tutor.retrieve.injection;
- named terms (NVLink, H100, ZeRO-3, vLLM …) the corpus vocabulary has never seen — the
  documents cannot answer a question about a thing they never mention;
- Chinese words whose characters never occur together in the corpus (液冷, 气泡);
- the best item's dense cosine and the share of query tokens the corpus knows.

Example:
    >>> decide(Signals(0.90, 0.8, unknown_terms=("NVLink",), named_terms=1, unknown_words=(), injection=False))
    (True, 'unknown_term')
    >>> decide(Signals(0.90, 0.8, unknown_terms=(), named_terms=0, unknown_words=(), injection=False))
    (False, 'covered')
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from tutor.index.profile import E5_SMALL
from tutor.retrieve.injection import INJECTION, intent  # noqa: F401 - INJECTION re-exported
from tutor.text.concepts import corpus_concepts  # noqa: F401 - re-exported (fit script)
from tutor.text.glossary import GLOSSARY, expand_query
from tutor.text.normalise import CJK_RUN
from tutor.text.tokenise import STOP_EN, content_words



@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on the best item's cosine; they belong to the embedder (e5-small's cosines sit high).

    Defaults read off eval/retrieval.jsonl (answerable: best-item cosine ≥ 0.85) against
    eval/unanswerable.jsonl (off-topic ≤ 0.85); the band between needs vocabulary evidence too.
    """

    dense_floor: float = E5_SMALL.dense_floor  # 0.845; below: nothing in the corpus is about this
    dense_confident: float = E5_SMALL.dense_confident  # 0.875; above: trust the match unless a named term is unknown
    coverage_floor: float = 0.2  # in the band, at least one content word in five must be corpus vocabulary


E5_THRESHOLDS = Thresholds()

COMMON_WORD_FREQ = 3000  # jieba dictionary frequency: 时候 31521, 天气 2657, 机房 126, 液冷 11
# One name, as the lexical index tokenises it: ZeRO-3, vLLM, x86_64, NCCL_SOCKET_IFNAME (an environment
# variable is one word there; split at "_", its parts SOCKET and IFNAME read as unknown names and refused it).
# Not a word that starts inside a number: the "e-9" of 1e-9 and the "GB" of 80GB are no names.
_ASCII_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:[-._][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Signals:
    dense: float  # cosine of the query and the best item
    coverage: float  # share of the query's content words in the corpus vocabulary
    unknown_terms: tuple[str, ...]  # named ASCII terms the corpus never mentions
    named_terms: int  # how many named ASCII terms the query has in all
    unknown_words: tuple[str, ...]  # Chinese words whose characters never co-occur in the corpus
    injection: bool
    interview: bool = False  # "你来当面试官，问我…": not an attack; the reply points to the interview mode
    n_words: int = 0  # content words in the (expanded) query
    dense_gap: float = 0.0  # best cosine minus the mean of the lower-ranked candidates (see fuse.dense_gap)
    unknown_concepts: tuple[str, ...] = ()  # named concepts (text.concepts) the corpus writes in neither language


def _is_named(word: str, sentence_start: bool) -> bool:
    """A term that names a thing: H100, NVLink, vLLM, ZeRO-3, RLHF; or Capitalised mid-sentence (Slurm).

    Two-letter acronyms (IO, KV) are too ambiguous to count unless they carry a digit.
    """
    if any(c.isdigit() for c in word):
        return True
    if len(word) < 3:
        return False
    return any(c.isupper() for c in word[1:]) or (word[0].isupper() and not sentence_start)


_PARTS: list = [None, frozenset()]  # [the vocabulary they were read from, its compound parts]


def _compound_parts(vocab) -> frozenset[str]:
    """The parts of the vocabulary's compound tokens (x86_64-linux-gnu → x86, 64, linux, gnu), read once per
    vocabulary (the one index in use; a new one replaces it).

    >>> sorted(_compound_parts({"x86_64-linux-gnu": 0, "显存": 1}))
    ['64', 'gnu', 'linux', 'x86']
    """
    if _PARTS[0] is not vocab:
        _PARTS[:] = [vocab, frozenset(p for t in vocab if t.isascii() for p in re.split(r"[-._]", t) if p and p != t)]
    return _PARTS[1]


def named_terms(query: str, vocab) -> tuple[list[str], list[str]]:
    """(unknown, all) named ASCII terms; unknown = absent from the corpus vocabulary and the glossary.

    >>> named_terms("NCCL_SOCKET_IFNAME 指定网卡", {"nccl_socket_ifname"}), named_terms("NCCL_IB_HCA 怎么设", {"nccl"})
    (([], ['NCCL_SOCKET_IFNAME']), (['NCCL_IB_HCA'], ['NCCL_IB_HCA']))
    >>> named_terms("gradients around 1e-9 on 80GB cards", set())
    ([], [])
    """
    out, named = [], []
    text = unicodedata.normalize("NFKC", query)
    for m in _ASCII_WORD.finditer(text):
        word = m.group(0)
        before = text[: m.start()].rstrip()
        # Chinese has no capitals: in a mixed query a Capitalised word names something even first.
        start = (not before or before[-1] in ".!?。！？:：\"'“") and not CJK_RUN.search(text)
        low = word.lower()
        if low in STOP_EN or not _is_named(word, start):
            continue
        named.append(word)
        parts = [p for p in re.split(r"[-._]", low) if p and not p.isdigit()]
        # A part of a compound the notes write counts too: "x86_64-linux-gnu" mentions Linux.
        known = low in vocab or (parts and all(p in vocab for p in parts)) or low in _compound_parts(vocab)
        if not known and not any(low.startswith(stem) for stem in GLOSSARY):
            out.append(word)
    return list(dict.fromkeys(out)), list(dict.fromkeys(named))


def unknown_words(query: str, vocab) -> tuple[str, ...]:
    """Chinese nouns (jieba POS n*) none of whose character bigrams occur anywhere in the corpus.

    Nouns only: a question's subject is a noun (液冷, 气泡); verbs and slang (调小, 拉胯) are how people talk.
    Everyday nouns (时候, 办法: jieba frequency ≥ COMMON_WORD_FREQ) say nothing about the topic.
    """
    import jieba
    import jieba.posseg

    out = []
    for run in CJK_RUN.findall(unicodedata.normalize("NFKC", query)):
        for pair in jieba.posseg.cut(run):
            w = pair.word
            if (len(w) >= 2 and pair.flag.startswith("n") and jieba.dt.FREQ.get(w, 0) < COMMON_WORD_FREQ
                    and not any(w[i:i + 2] in vocab for i in range(len(w) - 1))):
                out.append(w)
    return tuple(dict.fromkeys(out))


def signals(query: str, expanded: str, best_dense: float, vocab, dense_gap: float = 0.0,
            known=None) -> Signals:
    """Collect the coverage signals for one query (vocab: the lexical index's token → id map; known: the
    corpus's concepts, `corpus_concepts`; None leaves the concept list out).

    >>> from tutor.text.concepts import CorpusConcepts, lexicon
    >>> notes = CorpusConcepts(lexicon(), ["Llama 用均方根归一化代替层归一化"])
    >>> s = signals("零冗余优化器和 RMSNorm 有什么用", "", 0.9, {"优化": 0}, known=notes)
    >>> s.unknown_concepts, s.unknown_terms  # RMSNorm: the notes call it 均方根归一化, so it is known
    (('ZeRO',), ())
    """
    # Words, not bigrams: bigrams straddling word boundaries (候显, 够用) are noise for this purpose.
    toks = content_words(expanded)
    cov = sum(t in vocab for t in toks) / len(toks) if toks else 0.0
    unknown, named = named_terms(query, vocab)
    concepts: tuple[str, ...] = ()
    if known is not None:
        from tutor.retrieve.refusal_model import GENERIC_TERMS
        from tutor.text.concepts import lexicon

        lex = lexicon()
        mentioned = lex.mentioned(query)
        words = {w.lower() for i in mentioned for n in lex.concepts[i] for w in re.findall(r"[A-Za-z0-9]+", n)}
        # A name that is (part of) a concept the question names is judged as that concept, once: "Zero Redundancy
        # Optimizer" is ZeRO, not the unknown word "Redundancy" as well; "RMSNorm" is known when the notes say
        # 均方根归一化. A generic name (CUDA, GPU: GENERIC_TERMS) says nothing about coverage, as for a name.
        unknown = [w for w in unknown if w.lower() not in words]
        concepts = tuple(lex.canonical(i for i in mentioned if not any(n.lower() in GENERIC_TERMS for n in lex.concepts[i])
                                       and not known.knows(i)))
    request = intent(query)
    return Signals(dense=best_dense, coverage=cov, unknown_terms=tuple(unknown), named_terms=len(named),
                   unknown_words=unknown_words(query, vocab), injection=request == "injection",
                   interview=request == "interview", n_words=len(toks), dense_gap=dense_gap,
                   unknown_concepts=concepts)


class Reason(str):
    """A refusal reason that reads as its word ("unknown_term") and carries the names it is about, so the reply
    can say which thing the notes never mention.

    >>> r = Reason("unknown_term", ("ZeRO",))
    >>> r == "unknown_term", r.terms, Reason("off_topic").terms
    (True, ('ZeRO',), ())
    """

    terms: tuple[str, ...]

    def __new__(cls, word: str, terms=()):
        reason = super().__new__(cls, word)
        reason.terms = tuple(terms)
        return reason


def decide(s: Signals, t: Thresholds = E5_THRESHOLDS) -> tuple[bool, str]:
    """(refuse?, reason). Reasons: injection, interview, unknown_term, off_topic, unknown_word, weak_match,
    covered ("interview" is not answered either: the reply points to the interview mode)."""
    if s.injection:
        return True, "injection"
    if s.interview:
        return True, "interview"
    # Refuse when the unknown names are at least half of what the question names: "H100 的 NVLink"
    # is about things the documents never mention; "BatchNorm vs GroupNorm" is mostly covered. A named
    # concept the notes write in neither language (零冗余优化器) is refused outright: its name is the subject.
    if s.unknown_concepts or (s.unknown_terms and 2 * len(s.unknown_terms) >= s.named_terms):
        return True, "unknown_term"
    if s.dense < t.dense_floor:
        return True, "off_topic"
    if s.dense < t.dense_confident:
        if s.unknown_words:
            return True, "unknown_word"
        if s.coverage < t.coverage_floor:
            return True, "weak_match"
    return False, "covered"


def retrieve_or_refuse(retriever, query: str, thresholds: Thresholds | None = None, k: int = 3, model=None):
    """The refusal step ask and grade share (so quick and full mode refuse the same questions): retrieve
    the top k, then decide from the evidence.

    Args:
        retriever: a Retriever (its `search_with_evidence` and lexical vocabulary are used).
        query: the standalone question.
        thresholds: the embedder's rule cut-offs, used when no fitted model matches the embedder.
        k: hits to return.
        model: a RefusalModel (default: the fitted one for the retriever's embedder, if any).

    Returns:
        (hits, refuse, reason); no hit at all is refused as "off_topic"; the model's refusals are
        "no_number" when the question asks for a number none of the near items states (the documents discuss
        the subject, not that value), "unknown_term" when it names things the notes never mention (a Reason
        whose .terms lists them: NVLink, or ZeRO for 零冗余优化器), else "off_topic".
    """
    index = retriever.index
    asked = (query or "").strip()  # as the dense search strips it
    if getattr(index, "question_vectors", None) is not None and (expanded := expand_query(asked)) != asked:
        from tutor.index.embed import remember_queries

        # The search embeds the expanded question and question_cos the question as asked: one batch for both.
        remember_queries(index.encoder, [expanded, asked])
    hits, best_dense, gap = retriever.search_with_evidence(query, k=k)
    if not hits:
        return hits, True, Reason("off_topic")
    vocab = index.lexical.bm25.vocab_dict
    s = signals(query, expand_query(query), best_dense, vocab, gap, corpus_concepts(getattr(index, "items", None)))
    model = model or _model_for(getattr(getattr(index, "encoder", None), "model_id", ""))
    unknown = (*s.unknown_terms, *s.unknown_concepts)
    if model is None or s.injection or s.interview:
        refuse, reason = decide(s, thresholds or E5_THRESHOLDS)
        return hits, refuse, Reason(reason, unknown if reason == "unknown_term" else ())
    # The model's cosines are the fitting corpus's: shift by how much higher this corpus's null level is.
    s = replace(s, dense=s.dense - model.dense_shift(getattr(index, "null_dense", None)))
    question_cos = getattr(index, "question_cos", None)
    # The question as asked: when the glossary adds nothing (most Chinese questions) that is the string the
    # search embedded, and its vector is remembered, not computed again. An expanded string (English terms +
    # their Chinese) made a weaker signal in cross-validation.
    qc = question_cos(asked, [h.item.id for h in hits]) if question_cos else None
    if qc is not None:  # notes added raise every question cosine too: the same shift as for dense
        qc -= model.question_shift(getattr(index, "null_question", None))
    off_domain = domain_score(index, asked)
    f = model_features(query, s, hits, index.lexical, qc, off_domain)
    # The domain classifier is fitted on its own data, apart from the dev splits the model weighs it on; where it
    # is nearly sure the question is not about the field, that settles it (a noisy-OR of the two).
    refuse = model.refuse(f) or (off_domain is not None and off_domain >= OFF_DOMAIN_AT)
    if not refuse:
        return hits, False, Reason("covered")
    # The question names things the notes never do: the reply names them (true whatever weighed most in the
    # model, and more use than "no number" for "H100 的 NVLink 带宽是多少"). Else a number asked for and stated by
    # no near item: say so, the nearest items are on the subject.
    if unknown:
        return hits, True, Reason("unknown_term", unknown)
    return hits, True, Reason("no_number") if f.get("number_unmet") else Reason("off_topic")


_MODELS: dict[str, object] = {}
# The domain score (log-odds that the question is not about the field) past which a question is refused whatever
# the retrieval evidence says: P > 0.95. On every answerable dev question (1,111, seed and foreign) the score stays
# below 2.5; 42 of 72 off-topic dev questions reach it, a few of which the model answered ("How do I fine-tune the
# intonation on my acoustic guitar?": English questions are weighed towards answering).
OFF_DOMAIN_AT = 3.0


def _model_for(embedder: str):
    """The fitted refusal model for an embedder, loaded once (None: no model, the rules apply)."""
    if embedder not in _MODELS:
        from tutor.retrieve.refusal_model import load_model

        _MODELS[embedder] = load_model(embedder)
    return _MODELS[embedder]


def domain_score(index, asked: str) -> float | None:
    """retrieve.domain's score of the question as asked (its vector is the one question_cos used: remembered,
    not computed again); None without an encoder or without a classifier fitted for it."""
    encoder = getattr(index, "encoder", None)
    from tutor.retrieve.domain import load_domain

    model = load_domain(getattr(encoder, "model_id", "") or "") if encoder is not None else None
    if model is None:
        return None
    from tutor.index.embed import query_vector

    return model.score(query_vector(encoder, asked))


def model_features(query: str, s: Signals, hits, lexical, question_cos: float | None = None,
                   off_domain: float | None = None) -> dict:
    """The refusal model's inputs for one query (shared by retrieve_or_refuse and the fit script);
    question_cos: CorpusIndex.question_cos over the hits (None when the index has no question vectors);
    off_domain: `domain_score` (None: no classifier for this embedder)."""
    from tutor.retrieve.quantity import asks_quantity, states_number_about
    from tutor.retrieve.refusal_model import features
    from tutor.text.normalise import is_english
    from tutor.text.tokenise import tokenize

    # A number stated in an item's code counts ("Dense(64, …)" answers "how many units in the Keras example");
    # its sentence must use the question's rarer words, not only the field's common ones (quantity.number_focus).
    unmet = asks_quantity(query) and not any(
        states_number_about(query, h.item.text(), lexical.idf, tuple(h.item.code), h.item.question) for h in hits)
    return features(s, max((h.lexical for h in hits), default=0.0),
                    lexical.coverage(tokenize(expand_query(query))), is_english(query), unmet, question_cos, off_domain)
