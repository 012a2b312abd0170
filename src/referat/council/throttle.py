"""Throttling of failed logins, per account and per client address, kept in the council database.

Why: without it 40 wrong passwords and then the right one logged in, and a
flood of guesses kept the server hashing Argon2 for every one of them.  Each
failed login counts against two keys: the username tried and the client's
address.  After ``FREE`` failures of a key (``FREE_ADDRESS`` for an address,
which many people may share behind one NAT) every further failure locks that
key for ``BASE`` seconds, doubling each time up to ``LONGEST``; while a key is
locked, logins on it are refused at once, before any password is hashed, and
are not counted.  A successful login clears its account's count; a key whose
last failure is ``FORGET`` old starts again from zero.

The counts are rows of ``council_login_throttle``, so every server process (and
every machine on one PostgreSQL database) shares them.  Keys hold a hash of the
username, never the text typed (people type passwords into the username field).
Each lock imposed is written to the audit log by the caller (``Council.login``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from . import schema as s

FREE = 5  # failures of one account before it is locked
FREE_ADDRESS = 20  # failures from one client address before it is locked
BASE = timedelta(seconds=30)
LONGEST = timedelta(minutes=15)
FORGET = timedelta(hours=1)


@dataclass(frozen=True)
class Lock:
    """A key locked until ``until`` after ``failures`` failures; ``kind`` is "account" or "address"."""

    kind: str
    key: str
    failures: int
    until: datetime

    def seconds(self, now: datetime) -> int:
        return max(1, int((self.until - now).total_seconds() + 0.999))


def account_key(username: str) -> str:
    return "user:" + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def address_key(address: str) -> str:
    return "addr:" + address[:100]


def keys(username: str, address: str | None) -> list[tuple[str, str]]:
    """(kind, key) of a login attempt."""
    out = [("account", account_key(username))]
    if address:
        out.append(("address", address_key(address)))
    return out


def _free(kind: str) -> int:
    return FREE if kind == "account" else FREE_ADDRESS


def lock_length(kind: str, failures: int) -> timedelta | None:
    """How long ``failures`` failures lock a key (None: not yet)."""
    over = failures - _free(kind)
    if over < 0:
        return None
    return min(BASE * (2 ** min(over, 20)), LONGEST)


def locked(conn: Connection, attempt: list[tuple[str, str]], now: datetime) -> Lock | None:
    """The lock (the longest) that refuses this attempt now, or None."""
    t = s.login_throttle.c
    rows = conn.execute(select(t.key, t.failures, t.locked_until)
                        .where(t.key.in_([k for _, k in attempt]))).all()
    kinds = dict((k, kind) for kind, k in attempt)
    found = [Lock(kinds[r.key], r.key, int(r.failures), r.locked_until) for r in rows
             if r.locked_until is not None and r.locked_until > now]
    return max(found, key=lambda lock: lock.until, default=None)


def failed(conn: Connection, attempt: list[tuple[str, str]], now: datetime) -> list[Lock]:
    """Count a failed login against each key; the locks this failure imposes (for the audit log)."""
    t = s.login_throttle.c
    imposed = []
    conn.execute(delete(s.login_throttle).where(t.last_failure < now - FORGET))  # forgotten keys go
    for kind, key in attempt:
        row = conn.execute(select(t.failures, t.last_failure).where(t.key == key)).first()
        if row is None:
            try:
                with conn.begin_nested():
                    conn.execute(s.login_throttle.insert().values(key=key, failures=1, last_failure=now))
                failures = 1
            except IntegrityError:  # another process counted this key's first failure just now
                conn.execute(s.login_throttle.update().where(t.key == key)
                             .values(failures=t.failures + 1, last_failure=now))
                failures = int(conn.execute(select(t.failures).where(t.key == key)).scalar_one())
        else:
            conn.execute(s.login_throttle.update().where(t.key == key)
                         .values(failures=t.failures + 1, last_failure=now))
            failures = int(conn.execute(select(t.failures).where(t.key == key)).scalar_one())
        length = lock_length(kind, failures)
        if length is not None:
            conn.execute(s.login_throttle.update().where(t.key == key).values(locked_until=now + length))
            imposed.append(Lock(kind, key, failures, now + length))
    return imposed


def succeeded(conn: Connection, username: str) -> None:
    """A correct password: the account's failures are forgotten (its address keeps its count)."""
    conn.execute(delete(s.login_throttle).where(s.login_throttle.c.key == account_key(username)))
