"""The PostgreSQL progress store against a real server this test starts on loopback (initdb into a temp
dir, pg_ctl on a free port, its socket in that dir): same answers as SQLite, shared by several processes."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from tutor.interview.dashboard import dashboard
from tutor.interview.progress import Store, StoreError

pytestmark = pytest.mark.integration


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


INITDB, PG_CTL = _pg_bin("initdb"), _pg_bin("pg_ctl")


@pytest.fixture(scope="module")
def postgres_url():
    if not (INITDB and PG_CTL):
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
                    "`apt-get install postgresql` to run this test")
    # Postgres refuses to run as root: as root, run it as the package's `postgres` user (or nobody),
    # in a temp dir of its own outside pytest's root-only tmp tree.
    as_user = []
    root = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
    if os.geteuid() == 0:
        owner = "postgres" if subprocess.run(["id", "postgres"], capture_output=True).returncode == 0 else "nobody"
        shutil.chown(root, owner)
        as_user = ["runuser", "-u", owner, "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = root / "data"
    run = lambda *cmd: subprocess.run([*as_user, *cmd], check=True, capture_output=True, text=True, timeout=120)
    run(INITDB, "-D", str(data), "-U", "tutor", "-A", "trust", "--no-sync")
    run(PG_CTL, "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "start", "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off")
    try:
        yield f"postgresql://tutor@127.0.0.1:{port}/postgres"
    finally:
        run(PG_CTL, "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg(postgres_url):
    import psycopg

    from tutor.interview.pgstore import PgStore

    with psycopg.connect(postgres_url, autocommit=True) as db:  # each test starts from empty tables
        db.execute("DROP TABLE IF EXISTS cards, attempts, sessions")
    store = PgStore(postgres_url)
    yield store
    store.close()


def _script(store) -> dict:
    """The same calls on any store, and everything they read back."""
    from tutor.interview.session import Session

    store.record("amy", "a.md#1", 30, "wrong", "interview", missed=[{"point": "AllReduce"}], now=1000.0)
    store.record("amy", "a.md#1", 90, "excellent", "interview", now=2000.0)
    store.record("amy", "a.md#2", 60, "partial", "grade", now=1500.0)
    store.record("bob", "a.md#2", 10, "wrong", "grade", now=1700.0)
    state = Session(id="s1", profile="amy", mode="interview", queue=["a.md#1"], created=900.0)
    store.save_session(state, now=950.0)
    return {"profiles": store.profiles(), "latest": store.latest_scores("amy"), "due": store.due("amy", now=10**12),
            "due_bob": store.due("bob", now=10**12), "history": store.history("amy"),
            "sessions": [s.id for s in store.sessions("amy")],
            "unfinished": store.unfinished_session("amy").id, "none": store.unfinished_session("bob")}


def test_postgres_answers_exactly_as_sqlite(pg, tmp_path):
    got, want = _script(pg), _script(Store(tmp_path / "p.sqlite3"))
    assert got == want
    assert got["latest"] == {"a.md#1": 90, "a.md#2": 60} and got["profiles"] == ["amy", "bob"]


def test_the_dashboard_and_open_store_use_postgres_when_a_url_is_set(postgres_url, pg, tmp_path):
    from tutor.interview.pgstore import PgStore
    from tutor.interview.stores import open_store
    from tutor.settings import Settings

    store = open_store(Settings.from_env({"TUTOR_DATABASE_URL": postgres_url}, home=tmp_path))
    assert isinstance(store, PgStore)
    store.record("amy", "x#1", 70, "partial", "grade")
    rep = dashboard(pg, "amy", [], now=2_000_000_000)  # another connection sees the committed write
    assert rep.items_seen == 1 and rep.items_removed == 1
    assert not (tmp_path / ".data" / "progress.sqlite3").exists()


def test_two_processes_grading_the_same_card_at_once_lose_no_review(postgres_url, pg):
    from tutor.interview.pgstore import PgStore

    stores = [PgStore(postgres_url) for _ in range(4)]  # four app processes' connections
    def grade(store):
        for _ in range(10):
            store.record("amy", "a.md#1", 50, "partial", "grade")

    threads = [threading.Thread(target=grade, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    reviews = pg._read("SELECT reviews FROM cards WHERE profile=? AND item_id=?", ("amy", "a.md#1"))
    assert reviews == [(40,)] and len(pg.history("amy", limit=100)) == 40


def test_an_unreachable_server_is_a_clear_error(postgres_url):
    from tutor.interview.pgstore import PgStore

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreError, match="TUTOR_DATABASE_URL") as exc:
        PgStore(f"postgresql://tutor:secret@127.0.0.1:{port}/postgres")
    assert "secret" not in str(exc.value)
