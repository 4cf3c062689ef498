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
    verdicts, status = judge_claims(gen, "Q", ["P"], ["A。", "B。"], timings)
    assert verdicts is None and status.startswith("failed: judge output does not fit the schema (") and why in status
    assert gen.warmed and "judge_s" in timings  # it did run: the fallback is about the output, not the call


def test_fitting_judge_output_is_used():
    gen = ScriptedGenerator(['{"claims": ["wrong", "correct"]}'])
    assert judge_claims(gen, "Q", ["P"], ["A。", "B。"], {}) == (["wrong", "correct"], "used")
