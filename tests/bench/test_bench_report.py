"""bench/report.py: a bench rewrites only its own section of the benchmarks doc."""
from __future__ import annotations

import datetime
import doctest
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import report  # noqa: E402  (bench/ is a folder of scripts, not a package)

DOC = """# Benchmarks

Each section is written by its bench.

<!-- bench:retrieval_bench -->
*Written by `python bench/retrieval_bench.py` on 2026-01-01 (old CPU, 2 cores).*

| measure | this run |
|---|---|
| index build | 25.4 s |
<!-- /bench:retrieval_bench -->

Prose a person wrote, between sections.

<!-- bench:ask_bench -->
| pipeline | first token |
|---|---|
| ours | 1.9 s |
<!-- /bench:ask_bench -->

Closing prose.
"""


def test_doctests():
    assert doctest.testmod(report).failed == 0


def test_rewrites_one_section_and_leaves_the_rest_byte_for_byte():
    out = report.replace_section(DOC, "retrieval_bench", "\n| measure | this run |\n|---|---|\n| index build | 30.1 s |\n\n")
    start, end = out.index("<!-- bench:retrieval_bench -->"), out.index("<!-- /bench:retrieval_bench -->")
    assert out[start:end].splitlines()[1:] == ["| measure | this run |", "|---|---|", "| index build | 30.1 s |"]
    assert "25.4 s" not in out and "2026-01-01" not in out
    # Everything outside the rewritten section is unchanged.
    old_start, old_end = DOC.index("<!-- bench:retrieval_bench -->"), DOC.index("<!-- /bench:retrieval_bench -->")
    assert out[:start] == DOC[:old_start] and out[end:] == DOC[old_end:]
    # Writing the same body again changes nothing.
    assert report.replace_section(out, "retrieval_bench", "| measure | this run |\n|---|---|\n| index build | 30.1 s |") == out


def test_a_new_section_is_appended_and_the_others_kept():
    out = report.replace_section(DOC, "worker_bench", "| generator | first token |\n|---|---|\n| worker | 0.85 s |")
    assert out.startswith(DOC.rstrip("\n"))
    assert out.endswith("Closing prose.\n\n<!-- bench:worker_bench -->\n| generator | first token |\n|---|---|\n"
                        "| worker | 0.85 s |\n<!-- /bench:worker_bench -->\n")
    assert report.replace_section("", "worker_bench", "x") == "<!-- bench:worker_bench -->\nx\n<!-- /bench:worker_bench -->\n"


def test_a_name_that_prefixes_another_touches_only_its_own_section():
    doc = report.replace_section(DOC, "ask", "short name")
    out = report.replace_section(doc, "ask", "short name, again")
    assert "| ours | 1.9 s |" in out and out.count("<!-- bench:ask -->") == 1 and "short name, again" in out


@pytest.mark.parametrize("doc, name, body, message", [
    (DOC.replace("<!-- /bench:ask_bench -->", ""), "ask_bench", "x", "no closing"),
    (DOC + "<!-- bench:ask_bench -->\n", "ask_bench", "x", "appears 2 times"),
    (DOC, "ask_bench", "<!-- /bench:ask_bench -->", "holds a bench marker"),
    (DOC, "ask bench -->", "x", "bad section name"),
])
def test_a_damaged_doc_or_bad_input_is_refused_with_a_reason(doc, name, body, message):
    with pytest.raises(ValueError, match=message):
        report.replace_section(doc, name, body)


def test_write_section_stamps_date_cpu_and_command(tmp_path, monkeypatch):
    doc = tmp_path / "benchmarks.md"
    doc.write_text(DOC, encoding="utf-8")
    monkeypatch.setattr(report, "cpu_model", lambda: "Test CPU, 2 cores")
    report.write_section("ask_bench", "| pipeline | first token |\n|---|---|\n| ours | 2.0 s |", doc=doc,
                         command="python bench/ask_bench.py --n 6")
    text = doc.read_text(encoding="utf-8")
    section = text.split("<!-- bench:ask_bench -->\n")[1].split("<!-- /bench:ask_bench -->")[0]
    assert section.splitlines()[0] == (f"*Written by `python bench/ask_bench.py --n 6` on "
                                       f"{datetime.date.today().isoformat()} (Test CPU, 2 cores).*")
    assert "| ours | 2.0 s |" in section and "| ours | 1.9 s |" not in text
    assert text.split("<!-- bench:ask_bench -->")[0] == DOC.split("<!-- bench:ask_bench -->")[0]


def test_cpu_model_reads_the_model_name():
    info = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8481C\n"
    assert report.cpu_model(info).startswith("Intel(R) Xeon(R) Platinum 8481C, ")
    assert report.cpu_model("").startswith("unknown CPU, ")


def test_every_bench_writes_its_own_section_and_the_docs_hold_it():
    """Each bench/NAME.py calls write_section("NAME", …) behind --no-write, and its doc has the section once."""
    docs = {path: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")}
    benches = sorted((ROOT / "bench").glob("*_bench.py"))
    assert len(benches) >= 4
    for bench in benches:
        source = bench.read_text(encoding="utf-8")
        assert f'report.write_section("{bench.stem}"' in source and "report.add_no_write(ap)" in source, bench.name
        start, end = report.markers(bench.stem)
        holding = [path.name for path, text in docs.items() if start in text]
        assert len(holding) == 1, (bench.name, holding)
        text = docs[ROOT / "docs" / holding[0]]
        assert text.count(start) == 1 and text.count(end) == 1 and text.index(start) < text.index(end)
