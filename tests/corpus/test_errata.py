"""corpus/errata.md: every entry still matches its item; parsing, applying and annotating corrections."""
from __future__ import annotations

import pytest

from tutor.corpus.errata import (ERRATA_FILE, annotate, apply_errata, errata_of, parse_errata, replacement)
from tutor.corpus.load import find_item, load_corpus
from tutor.corpus.parse import strip_md
from tutor.records import Item, Ref

from conftest import ERRATA_DOC, ROOT


@pytest.fixture(scope="module")
def real_items():
    return load_corpus(ROOT / "corpus")


def test_every_erratum_is_found_verbatim_in_its_item_and_rewrites_one_of_its_key_points(real_items):
    # Read the file itself, so a corpus edit that breaks an entry fails here by the entry's number.
    errata = parse_errata((ROOT / "corpus" / ERRATA_FILE).read_text(encoding="utf-8"))
    entries = [it for it in real_items if it.source == ERRATA_FILE]
    assert errata and len(errata) == len(entries)  # no entry lost a field
    for e in errata:
        item = find_item(real_items, e.target)
        assert item is not None, f"{e.ref.key}: no item {e.target.key}"
        shown = " ".join(strip_md(item.text()).split())
        assert e.wrong in shown, f"{e.ref.key}: quote not in {e.target.key}"
        assert e.correction and e.why and e.correction != e.wrong
        fix = next(c for c in item.corrections if c.erratum == e.ref)
        assert any(replacement(fix) in k for k in item.key_points), e.ref.key
        assert not any(e.wrong in k for k in item.key_points), f"{e.ref.key}: the slip is still a key point"


def test_loading_the_real_corpus_reports_no_errata_problem(caplog):
    with caplog.at_level("WARNING", logger="tutor.corpus.load"):
        items = load_corpus(ROOT / "corpus")
    assert not [r for r in caplog.records if "errata" in r.getMessage()]
    assert errata_of(items)[1] == []


def test_parse_reads_every_field_and_reports_an_incomplete_entry():
    (e,) = parse_errata(ERRATA_DOC)
    assert (e.ref, e.target, e.wrong) == (Ref("errata.md", 1), Ref("opt.md", 1), "每次迭代使用整个数据集的平均梯度")
    assert e.correction.startswith("每次迭代只用一个小批量") and e.why.startswith("用整个数据集")
    broken = ERRATA_DOC.replace("- **原文 Wrong：** “每次迭代使用整个数据集的平均梯度”\n", "")
    from tutor.corpus.parse import parse_document

    errata, problems = errata_of(parse_document(broken, ERRATA_FILE))
    assert errata == [] and problems == ["errata.md §1: missing 原文 Wrong"]


def test_an_entry_that_no_longer_matches_is_reported_and_not_applied():
    (e,) = parse_errata(ERRATA_DOC)
    item = Item("opt.md", 1, "", "优化器？", answer="- **SGD：** 每次迭代只用一个小批量", key_points=("SGD： 每次迭代只用一个小批量",))
    fixed, problems = apply_errata([item], [e])
    assert fixed == [item] and len(problems) == 1 and "not found" in problems[0]
    fixed, problems = apply_errata([item], [e.__class__(1, Ref("gone.md", 9), "x", "y", "z")])
    assert fixed == [item] and problems == ["errata.md §1 → gone.md §9: no such item"]


def test_a_duplicate_number_finds_the_canonical_item():
    (e,) = parse_errata(ERRATA_DOC.replace("opt.md #1", "opt.md #7"))
    item = Item("opt.md", 1, "", "优化器？", answer="- **SGD：** 每次迭代使用整个数据集的平均梯度",
                key_points=("SGD： 每次迭代使用整个数据集的平均梯度",), duplicates=(Ref("opt.md", 1), Ref("opt.md", 7)))
    (fixed,), problems = apply_errata([item], [e])
    assert problems == [] and fixed.key_points == ("SGD： 每次迭代只用一个小批量样本的梯度来近似整体梯度",)
    assert fixed.answer == item.answer  # the document's text stays as written; the card shows a note


def test_annotate_puts_the_note_under_the_affected_line_or_at_the_end():
    (e,) = parse_errata(ERRATA_DOC)
    c = e.as_correction()
    text = "- **SGD：** 随机梯度下降，每次迭代使用整个数据集的平均梯度。\n- **Adam：** 自适应。"
    lines = annotate(text, (c,)).split("\n")
    assert lines[0].startswith("- **SGD") and lines[2].startswith("- **Adam")
    assert lines[1].strip().startswith("> 勘误 Correction（errata.md §1）：每次迭代只用一个小批量")
    assert annotate("别的内容。", (c,)).split("\n")[-1].strip().startswith("> 勘误 Correction")
    assert annotate(text, ()) == text


def test_errata_entries_load_as_citable_items_and_correct_their_target(errata_corpus):
    items = load_corpus(errata_corpus)
    entry = find_item(items, Ref("errata.md", 1))
    assert entry is not None and entry.question.startswith("勘误") and entry.answer.startswith("每次迭代只用")
    target = find_item(items, Ref("opt.md", 1))
    assert [c.erratum for c in target.corrections] == [Ref("errata.md", 1)]
    assert target.key_points[0] == "SGD： 随机梯度下降，每次迭代只用一个小批量样本的梯度来近似整体梯度。"


def test_an_entry_may_name_its_item_as_citations_show_it():
    """Citations read "opt.md §1"; an entry written that way targets the same item as "opt.md #1"."""
    (hash_form,) = parse_errata(ERRATA_DOC)
    (cited_form,) = parse_errata(ERRATA_DOC.replace("opt.md #1", "opt.md §1"))
    assert cited_form.target == hash_form.target
