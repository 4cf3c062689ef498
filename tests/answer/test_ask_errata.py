"""Ask mode on an item with a documented slip: the card's note, the prompt's correction, the errata citation."""
from __future__ import annotations

import pytest

from tutor.answer.ask import Asker
from tutor.records import Ref

from fakes import fake_tutor

QUESTION = "常见的优化器有哪些？SGD 每次迭代用多少数据？"
SLIP, TARGET = Ref("errata.md", 1), Ref("opt.md", 1)


@pytest.fixture
def tutor(errata_corpus, tmp_path):
    return fake_tutor(errata_corpus, tmp_path, "SGD 每次迭代只用一个小批量样本的梯度[1]。Adam 结合了 Momentum 和 RMSprop[1]。")


def test_the_reference_card_shows_the_correction_under_the_affected_sentence(tutor):
    ref = next(e for e in Asker(tutor).ask(QUESTION, no_llm=True) if e["type"] == "reference")["reference"]
    assert (ref["source"], ref["number"]) == (TARGET.source, TARGET.number)
    lines = ref["text"].split("\n")
    at = next(i for i, line in enumerate(lines) if "整个数据集的平均梯度" in line)
    assert lines[at + 1].strip().startswith("> 勘误 Correction（errata.md §1）：每次迭代只用一个小批量")
    assert [c["erratum"] for c in ref["corrections"]] == [SLIP.to_json()]


def test_the_prompt_carries_the_correction_and_the_answer_cites_the_erratum(tutor):
    answer = Asker(tutor).answer(QUESTION)
    prompt = tutor.generator.history[-1][1]["content"]
    assert "勘误：原文“每次迭代使用整个数据集的平均梯度”有误，应为：每次迭代只用一个小批量" in prompt
    assert answer.citations == (TARGET, SLIP)
    assert answer.unsupported == ()  # the corrected sentence is supported by what the model was given


def test_quick_mode_cites_the_erratum_too(tutor):
    answer = Asker(tutor).answer(QUESTION, no_llm=True)
    assert answer.citations == (TARGET, SLIP) and "勘误 Correction" in answer.text


def test_an_item_without_errata_cites_none(tutor):
    answer = Asker(tutor).answer("数据并行和模型并行的区别是什么？", no_llm=True)
    assert answer.citations and all(r.source != "errata.md" for r in answer.citations)


def test_answering_never_ranks_an_errata_entry_the_library_search_does(tutor):
    query = "勘误：SGD 每次迭代用多少样本的梯度？批量梯度下降"
    assert "errata.md#1" not in [h.item.id for h in tutor.retriever.search(query, k=10)]
    assert "errata.md#1" in [h.item.id for h in tutor.retriever.search(query, k=10, with_errata=True)]
    assert Asker(tutor).answer(query, no_llm=True).citations == (TARGET, SLIP)


def test_the_ui_card_and_sources_show_the_note(tutor):
    from tutor.ui import ask as ask_ui

    chat, _, _, sources = list(ask_ui.ask_turn(tutor, QUESTION, [], [], False))[-1]
    card = next(m["content"] for m in chat if m["content"].startswith("**参考答案"))
    assert "> 勘误 Correction（errata.md §1）" in card
    assert "errata.md §1" in sources and "勘误" in sources  # the cited erratum is listed with the item


def test_the_library_lists_the_errata_entries_and_notes_the_corrected_item(tutor):
    from tutor.ui.library import ALL_TOPICS, library_search

    browse = library_search(tutor.retriever, "", ALL_TOPICS)
    assert "errata.md §1" in browse and "勘误：SGD 每次迭代用多少样本的梯度？" in browse
    found = library_search(tutor.retriever, "SGD 优化器", ALL_TOPICS)
    assert "⚠️ 勘误 Correction（errata.md §1）" in found
    assert "勘误：SGD 每次迭代用多少样本的梯度？" in library_search(tutor.retriever, "勘误 SGD 批量梯度下降", ALL_TOPICS)


def test_the_grade_bank_leaves_the_errata_entries_out(tutor):
    from tutor.ui.grade import bank_choices

    ids = [i for _, i in bank_choices(tutor.items)]
    assert "opt.md#1" in ids and not any(i.startswith("errata.md") for i in ids)
