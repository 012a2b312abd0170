"""The source registry and each source's harvest state, read and written through ``Store.transact``.

Why a module: every statement about sources and what they offered is here once, in SQL both
backends run (``store.harvestdb``), so the harvesters only say what happened.  Leases keep two
harvests (processes, or machines sharing a PostgreSQL archive) off one source: a source is taken
by one atomic UPDATE that succeeds only while nobody holds an unexpired lease; a lease held by a
process of this machine that no longer runs (SIGKILL) is free at once, any other one when it
expires.  A lease is renewed with every meeting saved.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..errors import HarvestError
from ..store.base import Store
from ..store.harvestdb import Tx

#: how long a lease lasts without renewal
LEASE_SECONDS = 900
SOURCE_COLUMNS = ("name, municipality, system, location, schedule, enabled, cursor, added_at, last_attempt,"
                  " last_success, last_new, last_error, last_error_at, failures, lease_owner, lease_until")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stamp(when: datetime | None = None) -> str:
    return (when or now()).isoformat()


def parse_stamp(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass
class Source:
    name: str
    municipality: str
    system: str  # "firstagenda" | "folder"
    location: str  # a portal's base URL, or a folder
    schedule: int = 3600  # seconds between harvests
    enabled: bool = True
    cursor: dict[str, Any] = field(default_factory=dict)
    added_at: str = ""
    last_attempt: str | None = None
    last_success: str | None = None
    last_new: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    failures: int = 0
    lease_owner: str | None = None
    lease_until: str | None = None

    @classmethod
    def from_row(cls, r: tuple[Any, ...]) -> Source:
        return cls(r[0], r[1], r[2], r[3], int(r[4]), bool(r[5]), json.loads(r[6] or "{}"), r[7], r[8], r[9],
                   r[10], r[11], r[12], int(r[13]), r[14], r[15])


@dataclass
class Seen:
    """What a source offered under one id, and what became of it."""

    external_id: str
    meeting_id: int | None
    released: str | None
    closed: str | None
    sha256: str | None
    etag: str | None
    modified: str | None
    size: int | None
    status: str  # ok | error | partial | closed | gone | pending
    error: str | None


# -- the registry ---------------------------------------------------------------------------
def add(store: Store, source: Source) -> bool:
    """Register ``source``; False when a source of that name exists (it is left as it is)."""
    def work(tx: Tx, _save: Any) -> bool:
        if tx.execute("SELECT 1 FROM harvest_sources WHERE name=?", (source.name,)):
            return False
        tx.execute("INSERT INTO harvest_sources(name, municipality, system, location, schedule, enabled, cursor,"
                   " added_at) VALUES(?,?,?,?,?,?,?,?)",
                   (source.name, source.municipality, source.system, source.location, source.schedule,
                    int(source.enabled), json.dumps(source.cursor), stamp()))
        return True
    return store.transact(work)


def remove(store: Store, name: str) -> None:
    """Forget a source and what it offered (the meetings harvested from it stay in the archive)."""
    def work(tx: Tx, _save: Any) -> None:
        if not tx.execute("SELECT 1 FROM harvest_sources WHERE name=?", (name,)):
            raise HarvestError(f"no source named {name!r} (see 'referat sources list')")
        for table, column in (("harvest_files", "source"), ("harvest_seen", "source"), ("harvest_sources", "name")):
            tx.execute(f"DELETE FROM {table} WHERE {column}=?", (name,))
    store.transact(work)


def listed(store: Store) -> list[Source]:
    return store.transact(lambda tx, _save: [Source.from_row(r) for r in tx.execute(
        f"SELECT {SOURCE_COLUMNS} FROM harvest_sources ORDER BY name")])


def get(tx: Tx, name: str) -> Source | None:
    rows = tx.execute(f"SELECT {SOURCE_COLUMNS} FROM harvest_sources WHERE name=?", (name,))
    return Source.from_row(rows[0]) if rows else None


def find(store: Store, name: str) -> Source:
    found = store.transact(lambda tx, _save: get(tx, name))
    if found is None:
        raise HarvestError(f"no source named {name!r} (see 'referat sources list')")
    return found


# -- leases ---------------------------------------------------------------------------------
def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _gone(owner: str | None) -> bool:
    """Whether ``owner`` was a process of this machine that has ended."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(store: Store, name: str, owner: str) -> Source | None:
    """Take the source for this harvest, or None while another harvest holds it."""
    def work(tx: Tx, _save: Any) -> Source | None:
        rows = tx.execute("SELECT lease_owner, lease_until FROM harvest_sources WHERE name=?" + tx.for_update, (name,))
        if not rows:
            raise HarvestError(f"no source named {name!r} (see 'referat sources list')")
        held_by, until = rows[0]
        expired = until is None or parse_stamp(until) <= now()  # type: ignore[operator]
        if held_by not in (None, owner) and not expired and not _gone(held_by):
            return None
        tx.execute("UPDATE harvest_sources SET lease_owner=?, lease_until=?, last_attempt=? WHERE name=?",
                   (owner, stamp(now() + timedelta(seconds=LEASE_SECONDS)), stamp(), name))
        return get(tx, name)
    return store.transact(work)


def renew(tx: Tx, name: str, owner: str) -> None:
    """Renew the lease (in a meeting's transaction); the source row is locked until commit on PostgreSQL, so two
    harvests that both think they hold the source still save one meeting at a time."""
    tx.execute("SELECT 1 FROM harvest_sources WHERE name=?" + tx.for_update, (name,))
    tx.execute("UPDATE harvest_sources SET lease_owner=?, lease_until=? WHERE name=?",
               (owner, stamp(now() + timedelta(seconds=LEASE_SECONDS)), name))


def finish(store: Store, name: str, owner: str, *, error: str | None, cursor: dict[str, Any] | None = None,
           new: bool = False) -> None:
    """Record the end of a harvest of ``name`` (``error``: why it failed, None when it succeeded) and let go."""
    def work(tx: Tx, _save: Any) -> None:
        t = stamp()
        if error is None:
            tx.execute("UPDATE harvest_sources SET last_success=?, failures=0 WHERE name=?", (t, name))
        else:
            tx.execute("UPDATE harvest_sources SET last_error=?, last_error_at=?, failures=failures+1 WHERE name=?",
                       (error[:2000], t, name))
        if new:
            tx.execute("UPDATE harvest_sources SET last_new=? WHERE name=?", (t, name))
        if cursor is not None:
            tx.execute("UPDATE harvest_sources SET cursor=? WHERE name=?", (json.dumps(cursor), name))
        tx.execute("UPDATE harvest_sources SET lease_owner=NULL, lease_until=NULL WHERE name=? AND lease_owner=?",
                   (name, owner))
    store.transact(work)


# -- what a source offered ------------------------------------------------------------------
SEEN_COLUMNS = "external_id, meeting_id, released, closed, sha256, etag, modified, size, status, error"


def seen(store: Store, source: str) -> dict[str, Seen]:
    rows = store.transact(lambda tx, _save: tx.execute(
        f"SELECT {SEEN_COLUMNS} FROM harvest_seen WHERE source=?", (source,)))
    return {r[0]: _seen(r) for r in rows}


def _seen(r: tuple[Any, ...]) -> Seen:
    return Seen(r[0], None if r[1] is None else int(r[1]), r[2], r[3], r[4], r[5], r[6],
                None if r[7] is None else int(r[7]), r[8], r[9])


def seen_one(tx: Tx, source: str, external_id: str) -> Seen | None:
    rows = tx.execute(f"SELECT {SEEN_COLUMNS} FROM harvest_seen WHERE source=? AND external_id=?",
                      (source, external_id))
    return _seen(rows[0]) if rows else None


def put_seen(tx: Tx, source: str, s: Seen) -> None:
    tx.execute(
        "INSERT INTO harvest_seen(source, external_id, meeting_id, released, closed, sha256, etag, modified, size,"
        " status, error, seen_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source, external_id) DO UPDATE SET"
        " meeting_id=excluded.meeting_id, released=excluded.released, closed=excluded.closed,"
        " sha256=excluded.sha256, etag=excluded.etag, modified=excluded.modified, size=excluded.size,"
        " status=excluded.status, error=excluded.error, seen_at=excluded.seen_at",
        (source, s.external_id, s.meeting_id, s.released, s.closed, s.sha256, s.etag, s.modified, s.size, s.status,
         None if s.error is None else s.error[:2000], stamp()))


def files(store: Store, source: str) -> set[str]:
    """The ids of the attachments fetched from ``source``."""
    rows = store.transact(lambda tx, _save: tx.execute(
        "SELECT external_id FROM harvest_files WHERE source=?", (source,)))
    return {r[0] for r in rows}


def put_file(tx: Tx, source: str, external_id: str, parent: str, name: str, sha256: str, size: int) -> None:
    tx.execute("INSERT INTO harvest_files(source, external_id, parent, name, sha256, size, fetched_at)"
               " VALUES(?,?,?,?,?,?,?) ON CONFLICT(source, external_id) DO UPDATE SET parent=excluded.parent,"
               " name=excluded.name, sha256=excluded.sha256, size=excluded.size, fetched_at=excluded.fetched_at",
               (source, external_id, parent, name, sha256, size, stamp()))


def counts(store: Store, source: str) -> dict[str, int]:
    """How many of the source's offerings are in each status."""
    rows = store.transact(lambda tx, _save: tx.execute(
        "SELECT status, count(*) FROM harvest_seen WHERE source=? GROUP BY status", (source,)))
    return {r[0]: int(r[1]) for r in rows}
