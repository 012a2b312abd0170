"""The harvester's tables and the open transaction it writes them in, the same on both backends.

A harvest (``referat.harvest``) must be resumable after a SIGKILL at any point and must never
import a meeting twice, so what it knows of every source lives in the store, written in the
very transaction that saves the meeting it describes (``Store.transact``):

* ``harvest_sources``: the registry (name, municipality, system, location, schedule) and each
  source's state: cursor (conditional-GET validators of its list, the newest release seen), last
  attempt, success, new meeting and error, and a lease (owner, until) so that two harvests, on one
  machine or several sharing a PostgreSQL archive, never work on one source at once;
* ``harvest_seen``: every meeting (or file) a source offered, by the source's own id: the meeting
  it became, the release stamp and closed flag the list showed, the content hash and validators of
  what was fetched, and its status (ok, error, partial, closed, gone);
* ``harvest_files``: attachments fetched for a meeting (name, SHA-256, size).  The store has no
  place for attachment bytes yet (issue 18), so only their identity is kept.

Times are ISO 8601 UTC text on both backends.  SQL is written with ``?`` placeholders; ``Tx``
turns them into PostgreSQL's ``%s``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..model import ImportedMeeting
from .base import meeting_key

STEP = """
CREATE TABLE harvest_sources(
  name TEXT PRIMARY KEY, municipality TEXT NOT NULL, system TEXT NOT NULL, location TEXT NOT NULL,
  schedule INTEGER NOT NULL DEFAULT 3600, enabled INTEGER NOT NULL DEFAULT 1, cursor TEXT NOT NULL DEFAULT '{{}}',
  added_at TEXT NOT NULL, last_attempt TEXT, last_success TEXT, last_new TEXT, last_error TEXT, last_error_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0, lease_owner TEXT, lease_until TEXT);
CREATE TABLE harvest_seen(
  source TEXT NOT NULL, external_id TEXT NOT NULL, meeting_id {id}, released TEXT, closed TEXT, sha256 TEXT,
  etag TEXT, modified TEXT, size {id}, status TEXT NOT NULL, error TEXT, seen_at TEXT NOT NULL,
  PRIMARY KEY(source, external_id));
CREATE INDEX harvest_seen_meeting ON harvest_seen(meeting_id);
CREATE TABLE harvest_files(
  source TEXT NOT NULL, external_id TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,
  size {id} NOT NULL, fetched_at TEXT NOT NULL, PRIMARY KEY(source, external_id));
CREATE INDEX harvest_files_parent ON harvest_files(source, parent)
"""
SQLITE_STEP = STEP.format(id="INTEGER")
POSTGRES_STEP = STEP.format(id="BIGINT")
STEP_DESCRIPTION = "harvest sources, their state, the meetings and attachments they offered (referat.harvest)"


class Tx:
    """One open write transaction of a store, for the harvest state's statements."""

    def __init__(self, run: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]], dialect: str) -> None:
        self._run = run
        self.dialect = dialect  # "sqlite" | "postgres"

    @property
    def for_update(self) -> str:
        """Appended to a SELECT that must lock its rows until commit (SQLite's transaction locks everything)."""
        return " FOR UPDATE" if self.dialect == "postgres" else ""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._run(sql if self.dialect == "sqlite" else sql.replace("?", "%s"), params)


def sqlite_tx(db: Any) -> Tx:
    return Tx(lambda sql, params: db.execute(sql, params).fetchall(), "sqlite")


def postgres_tx(cur: Any) -> Tx:
    def run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []

    return Tx(run, "postgres")


def rekey(tx: Tx, meeting_id: int, record: ImportedMeeting) -> bool:
    """Make stored meeting ``meeting_id`` the one ``record`` replaces when saved next in ``tx``.

    A portal's meeting keeps its id while its agenda becomes minutes, but the store's key names the
    kind (``meeting_key``): without this the minutes would be a second meeting.  Nothing changes when
    another meeting already has the record's key (it was imported by other means): the record then
    replaces that one.  Returns whether the key was moved."""
    key = meeting_key(record)
    rows = tx.execute("SELECT id FROM meetings WHERE key=?", (key,))
    if rows:
        return False
    if not tx.execute("SELECT id FROM meetings WHERE id=?" + tx.for_update, (meeting_id,)):
        return False
    m = record.meeting
    tx.execute("UPDATE meetings SET key=?, municipality=?, committee=?, kind=? WHERE id=?",
               (key, m.municipality, m.committee, m.kind, meeting_id))
    return True
