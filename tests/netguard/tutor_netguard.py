"""A loopback-only socket guard for the test session and every Python process the tests start.

The test process installs it from ``tests/conftest.py``; child processes (``subprocess`` runs of the CLI,
``multiprocessing`` spawn workers, the llama.cpp server) install it from ``sitecustomize.py`` in this
directory, which conftest puts first on ``PYTHONPATH``. Loopback and unix sockets stay usable (Gradio,
the OpenAI-compatible server and the browser test all talk over 127.0.0.1); anything else raises
:class:`NetworkBlocked` at once instead of hanging until a timeout.

>>> is_local(("127.0.0.1", 80)), is_local(("::1", 80, 0, 0)), is_local("/tmp/x.sock")
(True, True, True)
>>> is_local(("192.0.2.1", 80)), is_local(("huggingface.co", 443))
(False, False)
"""
from __future__ import annotations

import ipaddress
import socket

class NetworkBlocked(RuntimeError):
    """Raised instead of a non-loopback connection.

    A RuntimeError, not an OSError, on purpose: libraries catch OSError to retry or fall back quietly,
    and a test that reaches for the network should fail loudly.
    """


def is_local(address) -> bool:
    """True for loopback addresses, ``localhost`` and non-IP addresses (unix sockets and the like).

    Args:
        address: what ``socket.connect`` receives.

    Returns:
        Whether connecting there stays on this machine.

    >>> is_local(("localhost", 7860)), is_local(("10.0.0.1", 22))
    (True, False)
    """
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str) or not isinstance(address, tuple):  # unix/abstract sockets are local
        return True
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # any other host name would need DNS, so it is remote


_saved: dict[str, object] = {}


def _check(sock, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address):
        raise NetworkBlocked(f"tests may not reach the network: {address!r}")


def install() -> None:
    """Patch ``socket.socket`` so non-loopback connects (and UDP sends) raise. Idempotent.

    >>> install(); install()  # a second call keeps the first originals
    >>> socket.socket.connect is not _saved["connect"]
    True
    """
    if _saved:
        return
    for name in ("connect", "connect_ex", "sendto"):
        _saved[name] = getattr(socket.socket, name)

    def connect(self, address):
        _check(self, address)
        return _saved["connect"](self, address)

    def connect_ex(self, address):
        _check(self, address)
        return _saved["connect_ex"](self, address)

    def sendto(self, data, *args):
        _check(self, args[-1])  # sendto(data, address) or sendto(data, flags, address): DNS over UDP
        return _saved["sendto"](self, data, *args)

    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto


def probe(address=("192.0.2.1", 80), timeout: float = 5.0) -> str:
    """Try to connect and name what stopped us: the tests' proof that a process is guarded.

    192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so an unguarded process times out or finds the
    network unreachable, while a guarded one raises at once.

    >>> probe()
    'NetworkBlocked'
    """
    try:
        socket.create_connection(address, timeout=timeout).close()
    except Exception as exc:  # the name is the answer: NetworkBlocked, TimeoutError, OSError ...
        return type(exc).__name__
    return "connected"


def uninstall() -> None:
    """Restore the original socket methods (pytest_unconfigure; nested pytest runs)."""
    for name, fn in _saved.items():
        setattr(socket.socket, name, fn)
    _saved.clear()
