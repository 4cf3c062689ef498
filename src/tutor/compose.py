"""Compose the stages from settings: corpus → encoder → index → retriever.

The one place that wires real collaborators together; everything else receives them.

Example:
    >>> from tutor.index.embed import HashEncoder
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "corpus").mkdir()
    >>> _ = (d / "corpus" / "a.md").write_text("# T\\n\\n## 1. 什么是过拟合？\\n\\n**答案：** 训练好测试差。\\n")
    >>> s = Settings(home=d)
    >>> r = open_retriever(s, encoder=HashEncoder(), show_progress=False)
    >>> [h.item.id for h in r.search("过拟合")]
    ['a.md#1']
"""
from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path
from typing import Callable

from tutor.corpus.load import corpus_hash, load_corpus
from tutor.index.store import load_or_build
from tutor.retrieve.fuse import Retriever
from tutor.settings import Settings


def open_retriever(settings: Settings, encoder=None, force_rebuild: bool = False, mode: str = "hybrid",
                   show_progress: bool = True, progress: Callable[[str], None] = print,
                   index_dir: Path | None = None, encoder_in_child: bool = False) -> Retriever:
    """Load (or build) the index for settings and return a hybrid Retriever over it.

    Args:
        settings: paths and parameters.
        encoder: an Encoder; default loads the configured embedder (the slow part, ~3 s).
        force_rebuild: rebuild even when the cached index is fresh.
        mode: "hybrid", "dense" or "lexical".
        index_dir: where the index lives; default settings.index_dir (an eval over an extra corpus
            passes its own, so the user's index is never overwritten).
        encoder_in_child: load the default encoder in a child process (models.child_encoder): for a
            one-shot build, whose parsing and BM25 then overlap the model load.
    """
    if encoder is None:
        from tutor.models.load import load_encoder

        encoder = load_encoder(settings.embedder, settings.cache_dir, progress, in_child=encoder_in_child)
    items = load_corpus(settings.corpus_dir)
    index = load_or_build(items, encoder, index_dir or settings.index_dir, corpus_hash(settings.corpus_dir),
                          force=force_rebuild, show_progress=show_progress)
    return Retriever(index, lexical_weight=settings.lexical_weight, candidates=settings.candidates, mode=mode,
                     dense_scale=index.profile.dense_scale)


def add_notes(settings: Settings, paths, encoder=None, show_progress: bool = False,
              progress: Callable[[str], None] = print, encoder_in_child: bool = False):
    """Copy note files/folders into the corpus and reindex (only the new files' texts are embedded).

    Args:
        settings: paths and parameters (the corpus folder receives the files).
        paths: .md/.txt files or folders.
        encoder: an Encoder; default loads the configured embedder.
        encoder_in_child: load that default in a child process (the command line's one-shot `tutor add`).

    Returns:
        (plan, retriever): the AddPlan, and a Retriever over the new index — None when the plan was
        refused, in which case nothing was copied.
    """
    from tutor.corpus.add import apply_add, plan_add
    from tutor.corpus.lock import corpus_lock

    plan = plan_add(list(paths), settings.corpus_dir)
    if plan.refused:  # say no before paying for the model load (checked again under the lock)
        return plan, None
    if encoder is None:  # loaded before the lock: another addition need not wait for our model load
        from tutor.models.load import load_encoder

        encoder = load_encoder(settings.embedder, settings.cache_dir, progress, in_child=encoder_in_child)
    # Check, copy and reindex under one lock: a concurrent addition waits, then sees these files.
    with corpus_lock(settings.corpus_dir):
        plan = plan_add(list(paths), settings.corpus_dir)
        if plan.refused:
            return plan, None
        apply_add(plan, settings.corpus_dir)
        return plan, open_retriever(settings, encoder=encoder, show_progress=show_progress, progress=progress)


def extra_corpus(settings: Settings, extra_dir: Path) -> tuple[Settings, Path]:
    """Settings and an index folder for the corpus plus extra_dir's notes, apart from the user's.

    Both live under `<cache>/eval-extra/<folder name>-<hash of its path>/` (corpus/ and index/), so
    repeated evals of one folder reuse their index and two folders never share one. A new index
    folder starts from the user's embedding cache: only the extra notes' texts are embedded.

    Returns:
        (settings whose corpus_dir is the combined folder, the index folder to open it with).
    """
    from tutor.corpus.combine import combine_corpora
    from tutor.index.vectors import CACHE_DIR

    extra_dir = Path(extra_dir).resolve()
    tag = f"{extra_dir.name}-{hashlib.sha256(str(extra_dir).encode()).hexdigest()[:8]}"
    root = settings.cache_dir / "eval-extra" / tag
    combine_corpora(settings.corpus_dir, extra_dir, root / "corpus")
    index_dir = root / "index"
    seed_cache = settings.index_dir / CACHE_DIR
    if not (index_dir / CACHE_DIR).exists() and seed_cache.is_dir():
        shutil.copytree(seed_cache, index_dir / CACHE_DIR)
    return settings.replace(corpus_dir=root / "corpus"), index_dir


class Tutor:
    """The composed application: settings, a retriever, and a generator loaded on first use.

    Args:
        settings: the Settings it was built from.
        retriever: a Retriever over the corpus index (its index carries the items and the encoder).
        generator: a ready Generator, or None to load the configured one lazily.
    """

    def __init__(self, settings: Settings, retriever: Retriever, generator=None, thresholds=None):
        from tutor.retrieve.refusal import Thresholds

        self.settings = settings
        self.retriever = retriever
        # Refusal cut-offs belong to the embedder's cosine scale: its profile's (fakes bring their own).
        profile = retriever.index.profile
        self.thresholds = thresholds or Thresholds(dense_floor=profile.dense_floor,
                                                   dense_confident=profile.dense_confident)
        self._generator = generator
        self._wrap = None  # applied to the generator when it loads (a shared app's fair queue)
        self._lock = threading.Lock()
        self._graders: dict[bool, object] = {}  # use_llm → Grader (its per-item caches are worth sharing)

    def use_retriever(self, retriever: Retriever) -> None:
        """Switch to a retriever over a rebuilt index (after notes were added); graders are rebuilt on next use."""
        with self._lock:
            self.retriever = retriever
            self._graders.clear()  # each held the old retriever, so it could not find the new items

    @property
    def items(self):
        return self.retriever.index.items

    @property
    def encoder(self):
        return self.retriever.index.encoder

    @property
    def generator(self):
        with self._lock:
            if self._generator is None:
                from tutor.models.load import load_generator

                self._generator = load_generator(self.settings)
                if self._wrap is not None:
                    self._generator = self._wrap(self._generator)
            return self._generator

    def wrap_generator(self, wrap) -> None:
        """Route every generation through wrap(generator) — now if it is loaded, else when it loads.

        Graders built before this keep the unwrapped one, so they are dropped and rebuilt on next use.
        """
        with self._lock:
            self._wrap = wrap
            if self._generator is not None:
                self._generator = wrap(self._generator)
            self._graders.clear()

    def grader(self, no_llm: bool | None = None):
        """The Grader over this tutor's retriever and refusal thresholds: the one place it is built.

        Args:
            no_llm: grade without the LLM judge; None follows the settings. Asking for the LLM loads it.
        """
        no_llm = self.settings.no_llm if no_llm is None else no_llm
        if no_llm not in self._graders:
            from tutor.grade.calibrate import Calibration
            from tutor.grade.grader import Grader

            p = self.retriever.index.profile
            calibration = Calibration(dense_none=p.grade_dense_none, dense_full=p.grade_dense_full,
                                      topical_none=p.topical_none, topical_full=p.topical_full)
            self._graders[no_llm] = Grader(self.retriever, generator=None if no_llm else self.generator,
                                           calibration=calibration, thresholds=self.thresholds)
        return self._graders[no_llm]


def open_tutor(settings: Settings, encoder=None, generator=None, show_progress: bool = True,
               progress: Callable[[str], None] = print, thresholds=None, index_dir: Path | None = None) -> Tutor:
    """Settings → Tutor (index loaded or built now; the LLM only when first needed)."""
    retriever = open_retriever(settings, encoder=encoder, show_progress=show_progress, progress=progress,
                               index_dir=index_dir)
    import jieba.posseg

    jieba.posseg.lcut("预热")  # its tagger loads on first use (~1 s): pay it at start, not on the first question
    return Tutor(settings, retriever, generator, thresholds)
