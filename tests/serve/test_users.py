"""Users file: salted hashes, private atomic writes, bad input refused; the bind rule; `tutor users`."""
from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.serve.users import Users, UsersError, bind_problem

ROOT = Path(__file__).resolve().parents[2]


def test_passwords_are_salted_hashes_in_a_private_file(tmp_path):
    users = Users(tmp_path / "d" / "users.json")
    users.add("amy", "same password")
    users.add("bob", "same password")
    raw = (tmp_path / "d" / "users.json").read_text()
    assert "same password" not in raw
    recs = json.loads(raw)["users"]
    assert recs["amy"]["salt"] != recs["bob"]["salt"] and recs["amy"]["hash"] != recs["bob"]["hash"]
    assert stat.S_IMODE((tmp_path / "d" / "users.json").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["users.json"]  # no temp file left behind
    assert users.check("bob", "same password") and not users.check("bob", "same passwore")


def test_new_password_replaces_the_old_and_remove_forgets_the_user(tmp_path):
    users = Users(tmp_path / "users.json")
    users.add("amy", "first password")
    users.add("amy", "second password")
    assert users.check("amy", "second password") and not users.check("amy", "first password")
    assert users.remove("amy") and not users.remove("amy")
    assert users.names() == [] and not users.check("amy", "second password")


@pytest.mark.parametrize("name,password", [("a b", "longenough"), ("amy:x", "longenough"), ("", "longenough"),
                                           ("x" * 33, "longenough"), ("amy", "short"),
                                           ("Default", "longenough")])
def test_bad_names_and_short_passwords_are_refused(tmp_path, name, password):
    with pytest.raises(UsersError):
        Users(tmp_path / "users.json").add(name, password)
    assert not (tmp_path / "users.json").exists()


def test_unicode_names_are_allowed(tmp_path):
    users = Users(tmp_path / "users.json")
    users.add("小明", "a long password")
    assert users.check("小明", "a long password")


def test_a_corrupt_users_file_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "users.json"
    path.write_text("{not json")
    with pytest.raises(UsersError, match="unreadable"):
        Users(path).add("amy", "a long password")
    assert path.read_text() == "{not json" and not Users(path).check("amy", "a long password")


@pytest.mark.parametrize("host,users,ok", [("127.0.0.1", [], True), ("::1", [], True), ("localhost", [], True),
                                           ("0.0.0.0", [], False), ("192.168.1.20", [], False),
                                           ("myhost.lan", [], False), ("0.0.0.0", ["amy"], True)])
def test_only_loopback_may_run_without_users(host, users, ok):
    problem = bind_problem(host, users)
    assert (problem is None) == ok
    if not ok:
        assert "tutor users add" in problem


def test_users_commands_add_list_remove(tmp_path):
    from click.testing import CliRunner

    from tutor.cli.main import cli

    run = CliRunner().invoke
    data = ["--data-dir", str(tmp_path)]
    r = run(cli, ["users", "add", "amy", "--password-stdin", *data], input="a long password\n")
    assert r.exit_code == 0, r.output
    r = run(cli, ["users", "add", "bob", *data], input="another one!\nanother one!\n")  # prompted twice
    assert r.exit_code == 0, r.output
    assert run(cli, ["users", "list", *data]).output.split() == ["amy", "bob"]
    assert Users(tmp_path / "users.json").check("bob", "another one!")
    assert run(cli, ["users", "remove", "amy", *data]).exit_code == 0
    assert run(cli, ["users", "remove", "amy", *data]).exit_code == 1
    r = run(cli, ["users", "add", "x y", "--password-stdin", *data], input="a long password\n")
    assert r.exit_code == 1 and "bad user name" in r.output
    assert run(cli, ["users", "list", *data]).output.split() == ["bob"]


def test_app_refuses_a_public_address_without_users_and_says_how_to_add_one(tmp_path):
    env = {"TUTOR_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)}
    r = subprocess.run([sys.executable, str(ROOT / "app.py"), "--host", "0.0.0.0", "--port", "1"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "tutor users add" in r.stderr and "refusing" in r.stderr
