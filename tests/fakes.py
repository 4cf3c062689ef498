"""Shared test fakes' settings (imported by test modules as a top-level name: tests/ is on sys.path via conftest)."""
from tutor.index.embed import HashEncoder
from tutor.retrieve.refusal import Thresholds

# The hashed-n-gram fake's cosines sit far lower than e5's: on-topic ≈ 0.2-0.5, off-topic ≈ 0.1-0.25.
FAKE_THRESHOLDS = Thresholds(dense_floor=0.17, dense_confident=0.27, coverage_floor=0.2)


class CountingEncoder(HashEncoder):
    """The fake embedder, recording every passage text it is asked to embed (incremental indexing tests)."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode_passages(self, texts, progress=False):
        self.seen.extend(texts)
        return super().encode_passages(texts)
