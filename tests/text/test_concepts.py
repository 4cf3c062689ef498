"""Named concepts in two languages: what a text mentions, what a corpus writes, and the shipped list's hygiene."""
from __future__ import annotations

from tutor.text.concepts import Lexicon, lexicon

LEX = Lexicon.from_lines([
    "# training",
    "RMSNorm | RMS Norm | 均方根归一化",
    "grouped-query attention | GQA | 分组查询注意力",
    "LAMB | LAMB optimizer",
    "fat-tree | 胖树",
])


def test_a_chinese_full_name_is_found_where_its_characters_are_common_words():
    assert LEX.canonical(LEX.mentioned("均方根归一化和层归一化有什么区别？")) == ["RMSNorm"]
    assert LEX.mentioned("层归一化有什么用") == []


def test_short_ascii_names_keep_their_case_and_long_ones_fold_case_and_hyphens():
    assert LEX.canonical(LEX.mentioned("Why is the LAMB optimizer good for large batches?")) == ["LAMB"]
    assert LEX.mentioned("a lamb in the field") == []  # an ordinary word, not the optimiser
    assert LEX.canonical(LEX.mentioned("Grouped Query Attention vs MHA")) == ["grouped-query attention"]
    assert LEX.canonical(LEX.mentioned("FAT TREE topology")) == ["fat-tree"]


def test_names_are_whole_words_and_the_longest_overlapping_name_wins():
    assert LEX.mentioned("rmsnormalisation") == []  # inside a longer word: not the name
    assert LEX.canonical(LEX.mentioned("分组查询注意力和胖树")) == ["grouped-query attention", "fat-tree"]


def test_present_reads_a_corpus_in_either_language():
    known = LEX.present(["Llama 用的是 RMS Norm。", "胖树拓扑的带宽"])
    assert LEX.canonical(sorted(known)) == ["RMSNorm", "fat-tree"]


def test_the_shipped_list_names_each_alias_once_and_holds_no_generic_word():
    rows = lexicon().concepts
    names = [n for row in rows for n in row]
    assert len(rows) > 300 and len(names) == len(set(names))
    # Generic words would make every question about them look like a named, unknown concept.
    for generic in ("训练", "模型", "注意力", "归一化", "优化器", "并行", "推理", "量化", "attention", "training"):
        assert generic not in names, generic
