"""Users file for sign-in: salted scrypt hashes in data_dir/users.json (0600, written atomically).

Example:
    >>> import tempfile, pathlib
    >>> users = Users(pathlib.Path(tempfile.mkdtemp()) / "users.json")
    >>> users.add("amy", "correct horse")
    >>> users.check("amy", "correct horse"), users.check("amy", "wrong"), users.check("bob", "x")
    (True, False, False)
    >>> users.names()
    ['amy']
    >>> bind_problem("127.0.0.1", users=[]) is None, bind_problem("0.0.0.0", users=["amy"]) is None
    (True, True)
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

# scrypt cost: n=2**14, r=8 uses 16 MB and ~50 ms per check here — slow for a guesser, fine for a sign-in.
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
# Letters (any script), digits, "_", "." and "-", up to 32: the name is also the progress profile key
# and shows in the UI. Must NOT accept spaces, ":" (it separates user and password in HTTP basic
# auth), "/" or control characters.
NAME = re.compile(r"^[\w.-]{1,32}$")
# The single-user profile: a signed-in user must never share it with unsigned loopback use.
RESERVED = {"default"}
MIN_PASSWORD = 8
USERS_FILE = "users.json"


class UsersError(ValueError):
    """A bad user name or password, or an unreadable users file; the message says what to do."""


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 2 ** 20, dklen=32)


class Users:
    """The users allowed to sign in, read from (and saved to) one JSON file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        # An unknown name is checked against this too, so a wrong name costs as long as a wrong password.
        self._dummy = {"salt": secrets.token_hex(16), "hash": "00" * 32, **SCRYPT}

    def _load(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))["users"]
        except (ValueError, KeyError, TypeError) as exc:
            raise UsersError(f"the users file {self.path} is unreadable ({exc}); fix or remove it "
                             f"and add users again with `tutor users add NAME`") from exc

    def _save(self, users: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write a private temp file beside it, then rename: readers never see half a file, and the
        # hashes are never world-readable, not even for a moment.
        fd, tmp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"users": users}, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def names(self) -> list[str]:
        return sorted(self._load())

    def add(self, name: str, password: str) -> None:
        """Add a user, or set a new password for an existing one."""
        if not NAME.match(name or "") or name.lower() in RESERVED:
            raise UsersError(f"bad user name {name!r}: use 1-32 letters, digits, '_', '.' or '-' "
                             f"(not {', '.join(sorted(RESERVED))})")
        if len(password or "") < MIN_PASSWORD:
            raise UsersError(f"the password must have at least {MIN_PASSWORD} characters")
        salt = secrets.token_bytes(16)
        users = self._load()
        users[name] = {"salt": salt.hex(), "hash": _hash(password, salt, **SCRYPT).hex(), **SCRYPT}
        self._save(users)

    def remove(self, name: str) -> bool:
        """Remove a user; False if there was none by that name. Their progress stays in the store."""
        users = self._load()
        if users.pop(name, None) is None:
            return False
        self._save(users)
        return True

    def check(self, name: str, password: str) -> bool:
        """True if the password is this user's (constant-time compare; unknown names cost the same)."""
        try:
            rec = self._load().get(name or "")
        except UsersError:
            return False
        known = rec is not None
        rec = rec or self._dummy
        got = _hash(password or "", bytes.fromhex(rec["salt"]), rec["n"], rec["r"], rec["p"])
        return hmac.compare_digest(got, bytes.fromhex(rec["hash"])) and known


def is_loopback(host: str) -> bool:
    """True if binding host serves this machine only.

    >>> [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "", "192.168.1.5")]
    [True, True, True, False, False, False]
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere: treat it as shared


def bind_problem(host: str, users: list[str]) -> str | None:
    """Why the app must not listen on host with these users, or None if it may."""
    if is_loopback(host) or users:
        return None
    return (f"refusing to listen on {host or 'all interfaces'} with no users: anyone who can reach the port "
            f"would read and change everyone's progress. Add a user first:\n    tutor users add NAME\n"
            f"(or listen on 127.0.0.1 for single-user use without sign-in).")
