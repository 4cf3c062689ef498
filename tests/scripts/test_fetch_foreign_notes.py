"""scripts/fetch_foreign_notes.py: every pinned file is checked against its git blob id before it is written."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("fetch_foreign_notes", ROOT / "scripts" / "fetch_foreign_notes.py")
ff = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ff)


def test_blob_id_matches_git():
    assert ff.git_blob_id(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # git's empty blob


def test_only_files_with_the_pinned_content_are_written(tmp_path, monkeypatch):
    good, bad = b"# notes\n", b"# changed upstream\n"
    files = [("o/a", "c" * 40, "x/good.md", ff.git_blob_id(good)), ("o/a", "c" * 40, "y/bad.md", ff.git_blob_id(good)),
             ("o/b", "d" * 40, "z/gone.md", ff.git_blob_id(good))]
    monkeypatch.setattr(ff, "FILES", files)

    def read(repo, commit, path):
        if path.endswith("gone.md"):
            raise FileNotFoundError(path)
        return good if path.endswith("good.md") else bad

    problems = ff.fetch_all(tmp_path / "notes", read)
    assert sorted(p.name for p in (tmp_path / "notes").iterdir()) == ["good.md"]
    assert (tmp_path / "notes" / "good.md").read_bytes() == good
    assert [p.split(":")[0] for p in problems] == ["bad.md", "gone.md"]


def test_the_pinned_list_names_eight_distinct_notes():
    names = [path.rsplit("/", 1)[-1] for _, _, path, _ in ff.FILES]
    assert len(names) == len(set(names)) == 8 and all(n.endswith(".md") for n in names)
