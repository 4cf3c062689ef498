"""`tutor search` without a model: how many hits it returns (--k, else TUTOR_K, else Settings.k)."""
from __future__ import annotations

import json

import pytest

import tutor.cli.main as cli_main
import tutor.cli.search as search_cli
from tutor.index.embed import HashEncoder


@pytest.fixture
def search_json(mini_corpus, tmp_path, monkeypatch, capsys):
    """Run `tutor search QUERY --json ARGS…` over the mini corpus with the hashed fake embedder."""
    from tutor.compose import open_retriever
    from tutor.settings import Settings

    retriever = open_retriever(Settings(home=tmp_path, corpus_dir=mini_corpus), encoder=HashEncoder(),
                               show_progress=False, progress=lambda m: None)
    monkeypatch.setattr(search_cli, "retriever_of", lambda args: retriever)
    monkeypatch.delenv("TUTOR_K", raising=False)

    def run(*args):
        assert cli_main.main(["search", "过拟合 正则化 量化 并行", "--json", *args]) == 0
        return json.loads(capsys.readouterr().out)["hits"]

    return run


def test_search_returns_settings_k_hits_by_default(search_json):
    assert len(search_json()) == 3  # Settings.k is 5; the mini corpus holds 3 items


def test_tutor_k_sets_the_number_of_hits(search_json, monkeypatch):
    monkeypatch.setenv("TUTOR_K", "1")
    assert len(search_json()) == 1
    monkeypatch.setenv("TUTOR_K", "2")
    assert len(search_json()) == 2


def test_the_k_flag_wins_over_tutor_k(search_json, monkeypatch):
    monkeypatch.setenv("TUTOR_K", "1")
    assert len(search_json("--k", "2")) == 2


def test_k_below_one_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_K", "0")
    monkeypatch.setattr(search_cli, "retriever_of", lambda args: pytest.fail("must not open the index"))
    assert cli_main.main(["search", "q"]) == 2
    assert "at least 1" in capsys.readouterr().err
