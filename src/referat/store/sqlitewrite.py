"""The SQLite store's writes: one saving transaction's records, and the item rows it wrote kept for the index.

Why a module: a bulk import spends most of its time here.  Items are buffered and inserted by one
``executemany`` per batch with ids taken from the table's sequence (the transaction holds the write
lock, so nobody else takes ids meanwhile), and the rows written are handed back so that ``flush``
can index them without reading every meeting back from the file (``freshrows``).

Every saving transaction that changes something moves the archive's change counter (``meta``
``generation``) once, first, and queues its meetings in ``index_pending`` with that number: a
(meeting, number) pair names exactly one saved version of a meeting, in any process.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime

from .. import canonical
from ..model import ImportedMeeting
from ..search.indexing import ItemRow, item_rows, meeting_persons
from . import blobs
from .base import SaveResult
from .freshrows import Rows
from .sources import Candidate, Sources, meeting_key, supersedes


def bump(db: sqlite3.Connection) -> int:
    """Move the change counter (inside the writing transaction) and return its new value."""
    row = db.execute("INSERT INTO meta VALUES('generation', '1') ON CONFLICT(key) DO UPDATE"
                     " SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)").fetchone()
    return int(row[0])


class BatchWriter:
    """Writes records in the caller's ``BEGIN IMMEDIATE`` transaction; ``finish`` must run before COMMIT."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.generation: int | None = None  # the change counter, once this transaction changed something
        self.written: dict[int, Rows] = {}  # meeting id -> the items inserted (the last version in this batch)
        self._items: list[tuple[int, ItemRow]] = []  # (meeting id, row) not inserted yet

    def write(self, record: ImportedMeeting, wanted_id: int | None) -> SaveResult:
        """One record's rows but the read models (``wanted_id``: the id asked for a new meeting).  A document
        of a stored meeting that does not supersede its current one (``sources.supersedes``) is only listed
        ("attached")."""
        db = self.db
        doc = record.document
        row = db.execute("SELECT meeting_id FROM sources WHERE sha256=?", (doc.sha256,)).fetchone()
        if row:
            blobs.sqlite_put(db, record)  # bytes of a document stored before they were kept
            return SaveResult(row[0], "unchanged")
        if self.generation is None:
            self.generation = bump(db)
        key = meeting_key(record)
        m = record.meeting
        now = datetime.now(UTC).isoformat(timespec="seconds")
        listed = Sources(lambda sql, params: db.execute(sql, params).fetchall())
        old = db.execute("SELECT id FROM meetings WHERE key=?", (key,)).fetchone()
        old_shas: list[str] = []
        if old:
            meeting_id = int(old[0])
            current = listed.current(meeting_id)
            old_shas = listed.drop_versions(meeting_id, m.kind, doc.format)
            if current is not None and not supersedes(Candidate.of(record), current):
                listed.attach(record, meeting_id, False, now)
                blobs.sqlite_put(db, record)
                blobs.sqlite_drop(db, old_shas)
                return SaveResult(meeting_id, "attached")
        payload = canonical.compact(record)
        start = m.start.isoformat() if m.start else None
        persons = "\n".join(meeting_persons(m))
        if old:
            status = "replaced"
            self._insert_items()  # an earlier version in this batch must be retired with the rest
            old_shas += [r[0] for r in db.execute("SELECT sha256 FROM documents WHERE meeting_id=?", (meeting_id,))]
            # The old items stay readable (retired) until the index has switched to the new ones: a search
            # in between finds the old version whole, never a meeting with no items.
            db.execute("UPDATE items SET retired=? WHERE meeting_id=? AND retired=0", (int(time.time()), meeting_id))
            db.execute("DELETE FROM documents WHERE meeting_id=?", (meeting_id,))
            db.execute("UPDATE meetings SET canonical=?, start=?, persons=?, kind=? WHERE id=?",
                       (payload, start, persons, m.kind, meeting_id))
        else:
            cur = db.execute(
                "INSERT INTO meetings(id, key, municipality, committee, kind, start, canonical, persons)"
                " VALUES(?,?,?,?,?,?,?,?)", (wanted_id, key, m.municipality, m.committee, m.kind, start, payload,
                                             persons))
            meeting_id, status = int(cur.lastrowid or 0), "new"
        db.execute(
            "INSERT INTO documents(sha256, meeting_id, source_name, format, importer, importer_version, pages,"
            " size, warnings, imported_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
            (doc.sha256, meeting_id, doc.source_name, doc.format, doc.importer, doc.importer_version, doc.pages,
             doc.size, json.dumps(doc.warnings, ensure_ascii=False), now))
        listed.attach(record, meeting_id, True, now)
        blobs.sqlite_put(db, record)
        blobs.sqlite_drop(db, old_shas)
        self._items.extend((meeting_id, row) for row in item_rows(record))
        self.written[meeting_id] = []
        # queued (again) under this transaction's number: a flush running meanwhile leaves this version queued
        db.execute("INSERT INTO index_pending(meeting_id, seq) VALUES(?, ?) ON CONFLICT(meeting_id) DO UPDATE"
                   " SET seq = excluded.seq", (meeting_id, self.generation))
        return SaveResult(meeting_id, status)

    def _insert_items(self) -> None:
        """Insert the buffered items and their case ids, ids counted on from the table's sequence."""
        if not self._items:
            return
        db = self.db
        top = db.execute("SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name='items'), 0),"
                         " coalesce((SELECT max(id) FROM items), 0))").fetchone()[0]
        items: list[tuple[object, ...]] = []
        cases: list[tuple[object, ...]] = []
        for item_id, (meeting_id, row) in enumerate(self._items, start=int(top) + 1):
            items.append((item_id, meeting_id, row.position, row.number, row.title, int(row.public), row.outcome,
                          row.date, row.municipality, row.committee, row.text))
            cases.extend((item_id, c.value, c.scheme) for c in row.case_ids)
            self.written.setdefault(meeting_id, []).append((item_id, row))
        db.executemany("INSERT INTO items(id, meeting_id, position, number, title, public, outcome, date,"
                       " municipality, committee, text) VALUES(?,?,?,?,?,?,?,?,?,?,?)", items)
        db.executemany("INSERT INTO item_cases VALUES(?,?,?)", cases)
        self._items.clear()

    def finish(self) -> None:
        self._insert_items()
