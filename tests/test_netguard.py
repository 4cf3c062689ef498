"""The network guard holds for the whole session: this process, session fixtures, subprocesses, spawn workers."""
from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import time

import pytest
import tutor_netguard
from tutor_netguard import NetworkBlocked

REMOTE = ("192.0.2.1", 80)  # TEST-NET-1: unroutable, so only the guard can make this fail fast


@pytest.fixture(scope="session")
def session_probe():
    return tutor_netguard.probe(REMOTE)


def test_guard_fires_in_the_test_process():
    start = time.monotonic()
    with pytest.raises(NetworkBlocked, match="192.0.2.1"):
        socket.create_connection(REMOTE, timeout=10)
    assert time.monotonic() - start < 2  # raised by the guard, not a timeout
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))


def test_guard_covers_session_fixtures(session_probe):
    assert session_probe == "NetworkBlocked"


def test_loopback_still_works():
    with socket.create_server(("127.0.0.1", 0)) as server:
        with socket.create_connection(server.getsockname(), timeout=5):
            conn, _ = server.accept()
            conn.close()


def test_guard_fires_in_a_subprocess():
    code = f"import socket; socket.create_connection({REMOTE!r}, timeout=10)"
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode != 0
    assert "NetworkBlocked" in out.stderr, out.stderr
    assert time.monotonic() - start < 30


def test_guard_fires_in_a_spawned_worker():
    # The LLM worker (tutor.llm.worker) spawns its children the same way.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(tutor_netguard.probe, (REMOTE,)) == "NetworkBlocked"
