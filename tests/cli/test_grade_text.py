"""The grade command's human-readable text: every point with its evidence, correct extras apart, no cut names."""
from __future__ import annotations

from tutor.cli.grade import _print
from tutor.records import Extra, Grade, PointResult, Ref


def grade(answer: str, extras=()) -> Grade:
    points = (PointResult("Dropout：随机丢弃神经元", "covered", "加 Dropout。", "a.md", 2, 1.0),
              PointResult("早停：验证集损失不再下降时停止训练", "missed", "", "a.md", 2))
    return Grade("a.md#2", answer, 60, "partial", Ref("a.md", 2), points, "你讲到了Dropout。", "参考", judge="used",
                 matched_question="如何处理过拟合？", extras=extras)


def test_cli_text_shows_evidence_and_extras_in_the_answers_language(capsys):
    _print(grade("加 Dropout。早停也有用。", (Extra("早停也有用。", "a.md", 2),)))
    out = capsys.readouterr().out
    assert "← “加 Dropout。”" in out and "✓ 正确的补充（参考答案未涉及）\n      ← “早停也有用。”" in out
    _print(grade("Add dropout. Early stopping helps too.", (Extra("Early stopping helps too.", "a.md", 2),)))
    assert "✓ Correct addition (not in the reference)" in capsys.readouterr().out
    _print(grade("加 Dropout。"))
    assert "正确的补充" not in capsys.readouterr().out
