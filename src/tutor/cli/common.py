"""What the command modules share: settings from the flags, the retriever, JSONL batches, the eval registry."""
from __future__ import annotations

import json
import sys

from tutor.settings import Settings


def err(msg: str) -> None:
    print(msg, file=sys.stderr)


def settings_of(args) -> Settings:
    return Settings.from_env(corpus_dir=args.corpus_dir, cache_dir=args.cache_dir, data_dir=args.data_dir,
                             embedder=args.embedder, generator=args.generator, k=getattr(args, "k", None),
                             no_llm=True if getattr(args, "no_llm", False) else None)


def retriever_of(args, mode: str = "hybrid"):
    from tutor.compose import open_retriever

    return open_retriever(settings_of(args), force_rebuild=getattr(args, "force", False), mode=mode,
                          show_progress=sys.stderr.isatty(), progress=err)


def run_batch(path: str, handle) -> int:
    """Run handle(row) for each JSONL line of path (or '-' for stdin); a bad line yields an error object."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    bad = 0
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError("each line must be a JSON object")
                out = handle(row)
            except ValueError as exc:
                bad += 1
                out = {"error": f"line {n}: {exc}"}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if bad else 0


# eval name -> handler(args); command modules add theirs when they register.
EVALS = {}
