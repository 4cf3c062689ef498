"""The corpus's null level: how close a question about nothing in it gets to its nearest item, on average.

e5 puts any two texts at a cosine of 0.75-0.95, and the best cosine of an off-topic question rises with
the corpus: among 300 items one is always a little closer than among 137. Measured on the seeds and on
the seeds plus 8 public interview notes, 32 everyday questions reached 0.797 and 0.815 on average. The
refusal model was fitted on the seeds' cosines, so after a user adds notes "How do I change a flat tire?"
(0.79 → 0.82) was answered. The refusal step subtracts the difference between the index's null level
and the one the model was fitted at (retrieve.refusal), so the dense evidence keeps its meaning.

The probes are everyday questions in Chinese and English. They must NOT touch computing, maths,
hardware, training or any interview subject (they would stop being "null" for some corpus), and must
not copy a question from eval/ (tests/index/test_null.py checks both the overlap and that the glossary
leaves them unexpanded, so they embed exactly as asked). Changing them changes every level: rebuild
the index and refit (scripts/fit_refusal.py), so the model's saved level is measured with the same probes.

Example:
    >>> import numpy as np
    >>> items = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> probes = np.array([[0.6, 0.8], [1.0, 0.0]])
    >>> round(null_level(probes, items), 3)
    0.9
"""
from __future__ import annotations

import numpy as np

NULL_PROBES = (
    "怎么给绿萝换盆", "小孩发烧到三十八度要去医院吗", "装修房子先做水电还是先铺地砖", "信用卡逾期一天会影响征信吗",
    "怎么腌制酸黄瓜", "跑马拉松之前一周应该怎么吃", "狗狗掉毛严重是什么原因", "租房合同到期房东不退押金怎么办",
    "唐朝的都城在哪里", "如何练习毛笔字的横画", "婚礼请柬一般提前多久发", "冬天皮肤干燥起皮怎么护理",
    "高考志愿填报有哪些技巧", "自行车链条生锈了怎么处理", "怎么煮出不粘锅的米饭", "学游泳换气总是呛水怎么办",
    "周末带孩子去动物园要注意什么", "What should I pack for a week of hiking in the Alps?",
    "How do I get rid of fruit flies in the kitchen?", "Which wine goes well with grilled salmon?",
    "How often should I water a cactus?", "What are the rules for a penalty kick in football?",
    "How do I remove a red wine stain from a carpet?", "Is it better to rent or buy a house in your thirties?",
    "How do I teach my dog to sit?", "What causes a rainbow to appear after rain?",
    "How do I write a good wedding toast?", "Which vaccines does a newborn baby need?",
    "How long does it take to learn conversational Spanish?", "What is the plot of Romeo and Juliet?",
    "How do I fix a squeaky door hinge?", "How do I negotiate a lower rent with my landlord?",
)


def null_level(probe_vectors: np.ndarray, item_vectors: np.ndarray) -> float:
    """Mean over probes of the best inner product with any item (FAISS's score: items are not renormalised)."""
    p, v = np.asarray(probe_vectors, dtype=np.float64), np.asarray(item_vectors, dtype=np.float64)
    if not len(p) or not len(v):
        return 0.0
    return float(np.mean(np.max(p @ v.T, axis=1)))


def corpus_null_level(encoder, item_vectors: np.ndarray) -> float:
    """The null level of these item vectors (the index's answerable items) for this encoder's queries."""
    return round(null_level(encoder.encode_queries(list(NULL_PROBES)), item_vectors), 6)
