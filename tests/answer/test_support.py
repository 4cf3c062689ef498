"""Citation parsing and sentence support."""
from __future__ import annotations

from tutor.index.embed import HashEncoder
from tutor.answer.support import attribute, bigram_support, claim_sentences, parse_citations


def test_parse_citations_drops_out_of_range_and_duplicates():
    assert parse_citations("甲[1][1]乙[2]丙[9]", 2) == ("甲[1]乙[2]丙", [1, 2])


def test_claim_sentences_skip_headers_and_fragments():
    assert claim_sentences("方法如下：\n1. 正则化限制模型复杂度。\n好。") == ["正则化限制模型复杂度。"]


def test_attribute_cites_the_supporting_passage_and_flags_the_rest():
    passages = ["量化把权重转换为INT8低精度表示", "数据并行把数据切分到多个GPU"]
    text, cited, unsupported = attribute("数据并行把数据切分到多个GPU。量化把权重转为INT8。月亮是奶酪做的。",
                                         passages, HashEncoder())
    assert cited == [2, 1]
    assert "GPU。[2]" in text and "INT8。[1]" in text
    assert unsupported == ["月亮是奶酪做的。"]


def test_own_citation_is_kept_when_it_supports():
    text, cited, unsupported = attribute("数据并行把数据切分到多个GPU[2]。", ["无关内容", "数据并行把数据切分到多个GPU"])
    assert cited == [2] and unsupported == [] and text.count("[2]") == 1


def test_a_citation_after_the_full_stop_belongs_to_that_sentence():
    # "…结果。[1]" — the model's own citation, placed after the stop, must not earn a second "[1]".
    text, cited, _ = attribute("数据并行把数据切分到多个GPU。[2] 量化把权重转为INT8。", ["量化把权重转换为INT8低精度表示",
                                                                       "数据并行把数据切分到多个GPU"])
    assert cited == [2, 1] and text.count("[2]") == 1 and "INT8。[1]" in text


def test_bigram_support_bounds():
    assert bigram_support("", "x") == 1.0
    assert bigram_support("完全无关的句子", "数据并行") == 0.0
