"""The judge's output model: its JSON schema (which becomes llama.cpp's grammar), strict validation, and the
clean fallback when the judge's text does not fit."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tutor.grade.judge import ClaimVerdicts, claims_schema, judge_claims, parse_claims, verdicts_model
from tutor.llm.base import ScriptedGenerator
from tutor.llm.prompts import CLAIM_VERDICTS


def test_the_schema_requires_exactly_n_known_verdicts():
    schema = claims_schema(3)
    assert schema["type"] == "object" and schema["required"] == ["claims"]
    claims = schema["properties"]["claims"]
    assert claims["type"] == "array" and claims["minItems"] == claims["maxItems"] == 3
    assert claims["items"] == {"type": "string", "enum": list(CLAIM_VERDICTS)}
    assert "$ref" not in json.dumps(schema)  # inline: llama.cpp's converter and servers need no $defs


def test_llama_cpp_turns_the_schema_into_a_grammar_that_forces_n_verdicts():
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    rules = dict(line.split(" ::= ", 1) for line in json_schema_to_gbnf(json.dumps(claims_schema(2))).splitlines())
    assert rules["claims"] == '"[" space claims-item "," space claims-item "]" space'
    assert rules["claims-item"] == " | ".join(f'"\\"{v}\\""' for v in CLAIM_VERDICTS)
    assert rules["root"] == '"{" space claims-kv "}" space'


def test_valid_verdicts_parse():
    assert parse_claims('{"claims": ["correct", "wrong", "irrelevant"]}', 3) == ["correct", "wrong", "irrelevant"]
    assert parse_claims(' {"claims":["wrong"]} ', 1) == ["wrong"]
    assert issubclass(verdicts_model(2), ClaimVerdicts) and verdicts_model(2) is verdicts_model(2)


@pytest.mark.parametrize("bad", [
    '{"claims": ["correct"]}',  # too few
    '{"claims": ["correct", "wrong", "wrong"]}',  # too many
    '{"claims": ["great", "wrong"]}',  # not a verdict
    '{"claims": ["correct", "wro',  # cut off by max_tokens
    '{"verdicts": ["correct", "wrong"]}',  # the field is missing
    "correct, wrong", "[]", "", "null",
])
def test_anything_else_is_rejected(bad):
    with pytest.raises(ValidationError):
        parse_claims(bad, 2)


@pytest.mark.parametrize("output, why", [
    ('{"claims": ["correct", "wro', "output: Invalid JSON"),
    ('{"claims": ["correct"]}', "claims: List should have at least 2 items"),
    ('{"claims": ["correct", "maybe"]}', "claims.1: Input should be"),
])
def test_judge_output_that_does_not_fit_falls_back_and_says_why(output, why):
    gen = ScriptedGenerator([output])
    timings: dict = {}
    verdicts, status, *_ = judge_claims(gen, "Q", ["P"], ["A。", "B。"], timings)
    assert verdicts is None and status.startswith("failed: judge output does not fit the schema (") and why in status
    assert gen.warmed and "judge_s" in timings  # it did run: the fallback is about the output, not the call


def test_fitting_judge_output_is_used():
    gen = ScriptedGenerator(['{"claims": ["wrong", "correct"]}'])
    assert judge_claims(gen, "Q", ["P"], ["A。", "B。"], {})[:2] == (["wrong", "correct"], "used")


class ChoosingGenerator(ScriptedGenerator):
    """A judge that answers with probabilities (the llama.cpp forced choice), not with text."""

    def __init__(self, probs: list[dict], model_id=None):
        super().__init__()
        self.probs, self.model_id, self.chosen = probs, model_id, []

    def choose(self, messages, words, n, lead="", sep=""):
        self.chosen.append((messages, words, n, lead, sep))
        if isinstance(self.probs, Exception):
            raise self.probs
        return self.probs[:n]


UNSURE = {"correct": 0.5, "extra": 0.2, "wrong": 0.3, "irrelevant": 0.0}
SURE_WRONG = {"correct": 0.1, "extra": 0.1, "wrong": 0.8, "irrelevant": 0.0}


def test_a_choosing_judge_is_asked_for_probabilities_inside_the_schemas_json_and_never_streams():
    gen = ChoosingGenerator([UNSURE, SURE_WRONG])
    assert judge_claims(gen, "Q", ["P"], ["A。", "B。"], {})[:2] == (["correct", "wrong"], "used")  # no cut: argmax
    both = [c for c in gen.chosen if c[2] == 2]
    alone = [c for c in gen.chosen if c[2] == 1]
    assert len(both) == 2 and len(alone) == 2 and not gen.history
    for messages, words, n, lead, sep in both:  # after either opening the grammar-forced decode could write
        assert words == list(CLAIM_VERDICTS)
        # The words are read where the grammar-forced decode would write them: the prefix parses with them.
        assert parse_claims(lead + words[0] + sep + words[2] + '"]}', 2) == ["correct", "wrong"]
        assert messages[1]["content"].endswith("[1] A。\n[2] B。") and gen.warmed
    assert {c[3] for c in both} == {'{"claims": ["', '{ "claims": [ "'}
    # Each sentence is read alone too, as sentence [1] of its own list.
    assert [c[0][1]["content"].rsplit("\n", 1)[1] for c in alone] == ["[1] A。", "[1] B。"]


def test_the_readings_are_averaged_so_neither_one_alone_decides():
    class Split(ChoosingGenerator):
        """In context the first sentence looks wrong; alone it looks correct."""

        def choose(self, messages, words, n, lead="", sep=""):
            self.chosen.append((messages, words, n, lead, sep))
            return [SURE_WRONG, UNSURE][:n] if n == 2 else [{"correct": 0.9, "extra": 0.1, "wrong": 0.0, "irrelevant": 0.0}]

    judged = judge_claims(Split([]), "Q", ["P"], ["A。", "B。"], {})
    assert judged.probs[0]["wrong"] == pytest.approx((0.8 + 0.8 + 0.0) / 3, abs=1e-4)
    assert judged.verdicts == ["wrong", "correct"]  # 0.53 still wins for A; B is correct in every reading


def test_one_sentence_is_read_once_per_opening():
    gen = ChoosingGenerator([SURE_WRONG])
    assert judge_claims(gen, "Q", ["P"], ["A。"], {}).verdicts == ["wrong"]
    assert [c[2] for c in gen.chosen] == [1, 1]  # alone, it is the first reading's prompt: not asked again


@pytest.mark.parametrize("cut, expected", [(0.25, ["wrong", "wrong"]), (0.5, ["correct", "wrong"]),
                                           (0.9, ["correct", "correct"])])
def test_the_models_fitted_cut_decides_wrong_and_otherwise_the_likeliest_other_word(cut, expected, tmp_path,
                                                                                     monkeypatch):
    import tutor.grade.judge as judge

    monkeypatch.setattr(judge, "CUTS_PATH", tmp_path / "cuts.json")
    (tmp_path / "cuts.json").write_text(json.dumps({"m": {"wrong_at": cut}}))
    gen = ChoosingGenerator([UNSURE, SURE_WRONG], model_id="m")
    assert judge_claims(gen, "Q", ["P"], ["A。", "B。"], {})[0] == expected
    gen = ChoosingGenerator([UNSURE, SURE_WRONG], model_id="weights-nobody-fitted")
    assert judge_claims(gen, "Q", ["P"], ["A。", "B。"], {})[0] == ["correct", "wrong"]


def test_the_packaged_judge_has_a_rule_fitted_for_it():
    import tutor.grade.judge as judge

    fitted = json.loads(judge.CUTS_PATH.read_text(encoding="utf-8"))["qwen1.5b"]
    assert "wrong_at" in fitted and fitted["dev_answers"] >= 800  # None: fitting chose the likeliest word
    assert fitted["wrong_at"] is None or 0.0 < fitted["wrong_at"] < 1.0
    assert not any("_test" in f or "holdout" in f for f in fitted["files"])


def test_a_forced_choice_that_fails_falls_back_and_says_why():
    verdicts, status, *_ = judge_claims(ChoosingGenerator(RuntimeError("model gone")), "Q", ["P"], ["A。"], {})
    assert verdicts is None and status == "failed: RuntimeError: model gone"
