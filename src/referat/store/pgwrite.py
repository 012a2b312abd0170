"""Writing meetings to PostgreSQL fast: one transaction per batch, items and case ids by COPY.

Why a module of its own: bulk import must reach thousands of items per second,
so the per-meeting statements are few (lock, duplicate check, meeting and
document rows) and every item row of a batch goes in through one ``COPY`` with
ids allocated in one round trip.  The rules stay those of ``Store.save``:
a document already stored is "unchanged"; a changed document for the same
meeting key replaces the old version (whose items are retired, not deleted,
see ``pgindex``); concurrent saves of one meeting are serialised by an
advisory lock on the meeting key, so two imports of one document end with one
copy.  The transaction ends by appending the saved meetings to ``index_log``.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

import psycopg

from .. import canonical
from ..model import ImportedMeeting
from ..search.indexing import ItemRow, meeting_persons
from .base import SaveResult, meeting_key
from .people import PeopleTables
from .pgindex import LOG_LOCK, RETIRED_GRACE_SECONDS

ITEM_COLUMNS = "id, meeting_id, position, number, title, public, outcome, date, municipality, committee, text"


def clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL."""
    return text.replace("\x00", "")

#: the people tables (``store.people``) in PostgreSQL's dialect, written in the save transaction
PEOPLE = PeopleTables("%s", clean, lambda: datetime.now(timezone.utc))


class BatchWriter:
    """Saves records inside the caller's transaction; ``finish`` must run before commit."""

    def __init__(self, cur: psycopg.Cursor[Any], rows_of: Any) -> None:
        self.cur = cur
        self.rows_of = rows_of  # item_rows, looked up by the store module (tests replace it)
        self.items: list[tuple[int, ItemRow]] = []
        self.buffered: set[int] = set()
        self.log: list[tuple[int, str]] = []

    def save(self, record: ImportedMeeting, wanted_id: int | None) -> SaveResult:
        cur, doc, m = self.cur, record.document, record.meeting
        key = meeting_key(record)
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ("referat-meeting:" + key,))
        row = cur.execute("SELECT meeting_id FROM documents WHERE sha256=%s", (doc.sha256,)).fetchone()
        if row:
            return SaveResult(int(row[0]), "unchanged")
        payload = clean(json.dumps(canonical.to_dict(record), ensure_ascii=False, sort_keys=True))
        start = m.start.isoformat() if m.start else None
        persons = clean("\n".join(meeting_persons(m)))
        old = cur.execute("SELECT id FROM meetings WHERE key=%s FOR UPDATE", (key,)).fetchone()
        if old:
            meeting_id, status = int(old[0]), "replaced"
            if meeting_id in self.buffered:  # the same meeting twice in one batch: write the first version out
                self.write_items()
            cur.execute("UPDATE items SET retired=now() WHERE meeting_id=%s AND retired IS NULL", (meeting_id,))
            cur.execute("DELETE FROM documents WHERE meeting_id=%s", (meeting_id,))
            cur.execute("UPDATE meetings SET canonical=%s, start=%s, persons=%s WHERE id=%s",
                        (payload, start, persons, meeting_id))
        else:
            status = "new"
            values = (key, clean(m.municipality), clean(m.committee), m.kind, start, payload, persons)
            if wanted_id is not None:
                cur.execute("INSERT INTO meetings(id, key, municipality, committee, kind, start, canonical, persons)"
                            " VALUES(%s,%s,%s,%s,%s,%s,%s,%s)", (wanted_id, *values))
                cur.execute("SELECT setval(pg_get_serial_sequence('meetings', 'id'),"
                            " greatest((SELECT max(id) FROM meetings), 1))")
                meeting_id = wanted_id
            else:
                meeting_id = int(cur.execute(
                    "INSERT INTO meetings(key, municipality, committee, kind, start, canonical, persons)"
                    " VALUES(%s,%s,%s,%s,%s,%s,%s) RETURNING id", values).fetchone()[0])
        cur.execute("INSERT INTO documents(sha256, meeting_id, source_name, format, importer, importer_version,"
                    " pages, size, warnings) VALUES(%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    (doc.sha256, meeting_id, clean(doc.source_name), doc.format, doc.importer, doc.importer_version,
                     doc.pages, doc.size, clean(json.dumps(doc.warnings, ensure_ascii=False))))
        PEOPLE.replace(cur, meeting_id, record)
        self.items.extend((meeting_id, row) for row in self.rows_of(record))
        self.buffered.add(meeting_id)
        self.log.append((meeting_id, status))
        return SaveResult(meeting_id, status)

    def write_items(self) -> None:
        """COPY the buffered item rows and their case ids."""
        if not self.items:
            return
        cur = self.cur
        ids = [r[0] for r in cur.execute("SELECT nextval(pg_get_serial_sequence('items', 'id'))"
                                         " FROM generate_series(1, %s)", (len(self.items),)).fetchall()]
        cases = []
        with cur.copy(f"COPY items({ITEM_COLUMNS}) FROM STDIN") as copy:
            for item_id, (meeting_id, row) in zip(ids, self.items):
                copy.write_row((item_id, meeting_id, row.position, clean(row.number), clean(row.title), row.public,
                                row.outcome, date.fromisoformat(row.date) if row.date else None,
                                clean(row.municipality), clean(row.committee), clean(row.text)))
                cases.extend((item_id, clean(c.value), c.scheme) for c in row.case_ids)
        if cases:
            with cur.copy("COPY item_cases(item_id, value, scheme) FROM STDIN") as copy:
                for case in cases:
                    copy.write_row(case)
        self.items.clear()
        self.buffered.clear()

    def finish(self) -> None:
        """Write what is buffered, log the saved meetings (in commit order, see ``pgindex``) and drop
        retired rows whose grace period is over."""
        self.write_items()
        if not self.log:
            return
        cur = self.cur
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOG_LOCK,))
        cur.execute("INSERT INTO index_log(meeting_id, op) SELECT * FROM unnest(%s::bigint[], %s::text[])",
                    ([m for m, _ in self.log], [op for _, op in self.log]))
        cur.execute("DELETE FROM items WHERE retired < now() - make_interval(secs => %s)", (RETIRED_GRACE_SECONDS,))
        self.log.clear()
