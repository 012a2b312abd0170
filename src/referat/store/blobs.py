"""Source files: the original bytes of every imported document, content-addressed by SHA-256.

The portal links a meeting to the file it was imported from (``/dokument/<sha256>``) and the
open API describes it as an OParl File, so the store keeps the bytes, not only the name and
hash.  One table on both backends, ``blobs(sha256, data)`` (SQLite BLOB, PostgreSQL bytea),
written in the save's own transaction, so an import stays atomic:

* the key is the SHA-256 of the bytes, checked before anything is written (bytes that do
  not hash to the record's ``document.sha256`` are not kept): the same bytes
  are stored once, and re-importing a stored document that has no bytes yet (an archive
  made before this table existed) fills them in;
* a blob lives as long as a ``documents`` or ``sources`` row references it (a meeting's other
  documents stay listed, ``store.sources``); when a new version of a document replaces the old
  one, the old version's bytes are deleted with its row;
* records without bytes (synthetic and benchmark archives, council minutes, records read
  back from a store) write nothing here and cost no extra statement.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from ..model import ImportedMeeting

STEP_DESCRIPTION = "source files: original bytes of imported documents by SHA-256 (blobs)"
SQLITE_STEP = "CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)"
#: PDFs are compressed already: store the bytes out of line without trying to compress them again
POSTGRES_STEP = """
CREATE TABLE blobs(sha256 TEXT PRIMARY KEY, data BYTEA NOT NULL);
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL
"""


def checked(record: ImportedMeeting) -> bytes | None:
    """The record's source bytes if they are the document the record names (their SHA-256 is the
    document's); bytes that hash to something else (a record whose document was changed after import)
    are not the document's and are not kept."""
    data = record.source
    if data is None or hashlib.sha256(data).hexdigest() != record.document.sha256:
        return None
    return data


# -- SQLite (inside the caller's transaction) ---------------------------------------------------
def sqlite_put(db: sqlite3.Connection, record: ImportedMeeting) -> None:
    data = checked(record)
    if data is not None:
        db.execute("INSERT OR IGNORE INTO blobs(sha256, data) VALUES(?, ?)", (record.document.sha256, data))


def sqlite_drop(db: sqlite3.Connection, shas: list[str]) -> None:
    """Delete the bytes of documents no longer referenced (a replaced version)."""
    db.executemany("DELETE FROM blobs WHERE sha256=? AND NOT EXISTS (SELECT 1 FROM documents d"
                   " WHERE d.sha256=blobs.sha256) AND NOT EXISTS (SELECT 1 FROM sources s WHERE"
                   " s.sha256=blobs.sha256)", [(s,) for s in shas])


# -- PostgreSQL (inside the caller's transaction) -----------------------------------------------
def postgres_put(cur: Any, records: list[ImportedMeeting]) -> None:
    """Store the bytes of ``records`` (all different documents) that are not stored yet; nothing at all
    when none of them has bytes."""
    pending = {r.document.sha256: data for r in records if (data := checked(r)) is not None}
    if not pending:
        return
    have = {row[0] for row in cur.execute("SELECT sha256 FROM blobs WHERE sha256 = ANY(%s)",
                                          (list(pending),)).fetchall()}
    missing = [(sha, data) for sha, data in pending.items() if sha not in have]
    if missing:
        cur.executemany("INSERT INTO blobs(sha256, data) VALUES(%s, %s) ON CONFLICT DO NOTHING", missing)
