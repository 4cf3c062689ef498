"""Building the keyword index says nothing below a warning (bm25s turns its own logger to DEBUG on import)."""
from __future__ import annotations

import logging

from tutor.index.lexical import LexicalIndex


def test_building_the_keyword_index_leaves_bm25s_quiet():
    LexicalIndex.build(["a", "b"], ["数据并行切分数据", "模型并行切分模型"])
    assert logging.getLogger("bm25s").getEffectiveLevel() >= logging.WARNING
