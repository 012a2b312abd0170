"""Writing meetings to PostgreSQL fast: one transaction per batch, items and case ids by COPY.

Why a module of its own: bulk import must reach thousands of items per second,
so the per-meeting statements are few (lock, duplicate check, meeting and
document rows) and every item row of a batch goes in through one ``COPY`` with
ids allocated in one round trip; the read models (participants, person mentions,
API objects) likewise go in by one ``COPY`` per table per batch.  The rules stay those of ``Store.save``:
a document already stored is "unchanged"; a document of a stored meeting that does
not supersede its current one is listed ("attached", ``store.sources``); one that does
replaces the old version (whose items are retired, not deleted,
see ``pgindex``); concurrent saves of one meeting are serialised by an
advisory lock on the meeting key, so two imports of one document end with one
copy.  The transaction ends by appending the saved meetings to ``index_log``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from .. import canonical
from ..model import CaseId, ImportedMeeting
from ..search.indexing import ItemRow, meeting_persons
from . import blobs
from .base import SaveResult
from .freshrows import Rows
from .people import CREATED_AT, READ_MODELS, PeopleTables
from .pgindex import LOG_LOCK, RETIRED_GRACE_SECONDS
from .sources import COLUMNS, Candidate, Sources, meeting_key, supersedes
from .sources import row as source_row

ITEM_COLUMNS = "id, meeting_id, position, number, title, public, outcome, date, municipality, committee, text"


def clean(text: str) -> str:
    """PostgreSQL text cannot hold NUL."""
    return text.replace("\x00", "")


def stored(row: ItemRow) -> ItemRow:
    """The row as the database holds it (as the index reads it back)."""
    fields = (row.number, row.title, row.municipality, row.committee, row.text, *row.persons,
              *(c.value for c in row.case_ids))
    if not any("\x00" in f for f in fields):
        return row
    return replace(row, number=clean(row.number), title=clean(row.title), municipality=clean(row.municipality),
                   committee=clean(row.committee), text=clean(row.text),
                   case_ids=[CaseId(clean(c.value), c.scheme) for c in row.case_ids],
                   persons=clean("\n".join(row.persons)).split("\n") if row.persons else [])


#: the people tables (``store.people``) in PostgreSQL's dialect, written in the save transaction
PEOPLE = PeopleTables("%s", clean)


def _segments(pairs: list[tuple[ImportedMeeting, int | None]]) -> list[list[tuple[ImportedMeeting, int | None]]]:
    """Split a batch where a meeting key or a document repeats: each segment is saved set-based, in order."""
    out: list[list[tuple[ImportedMeeting, int | None]]] = [[]]
    keys: set[str] = set()
    shas: set[str] = set()
    for pair in pairs:
        key, sha = meeting_key(pair[0]), pair[0].document.sha256
        if key in keys or sha in shas:
            out.append([])
            keys, shas = set(), set()
        out[-1].append(pair)
        keys.add(key)
        shas.add(sha)
    return [segment for segment in out if segment]


def _runner(cur: psycopg.Cursor[Any]) -> Any:
    def run(sql: str, params: Any) -> list[tuple[Any, ...]]:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []

    return run


def write_read_models(cur: psycopg.Cursor[Any], saved: list[tuple[int, ImportedMeeting]], replaced: list[int]
                      ) -> None:
    """``PEOPLE.replace`` for a whole segment, set-based: the replaced meetings' old participants, person
    mentions and API objects deleted in one statement per table, the new rows by COPY, creation times set."""
    if not saved:
        return
    if replaced:
        for table in READ_MODELS:
            cur.execute(f"DELETE FROM {table} WHERE meeting_id = ANY(%s)", (replaced,))
    for table, columns, rows in PEOPLE.batch_rows(saved):
        if rows:
            with cur.copy(f"COPY {table}({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    cur.execute(CREATED_AT.format(where="id = ANY(%s)"), ([meeting_id for meeting_id, _ in saved],))


class BatchWriter:
    """Saves records inside the caller's transaction; ``finish`` must run before commit."""

    def __init__(self, cur: psycopg.Cursor[Any], rows_of: Any) -> None:
        self.cur = cur
        self.rows_of = rows_of  # item_rows, looked up by the store module (tests replace it)
        self.items: list[tuple[int, ItemRow]] = []
        self.log: list[tuple[int, str]] = []
        self.written: dict[int, Rows] = {}  # meeting id -> the items inserted (the last version in this batch)
        self.logged: dict[int, int] = {}  # meeting id -> its ``index_log`` number (after ``finish``)

    def save_all(self, records: list[ImportedMeeting], wanted: list[int | None] | None = None) -> list[SaveResult]:
        """Save ``records`` in order (``wanted``: ids asked for new meetings, ``referat copy``)."""
        pairs = list(zip(records, wanted or [None] * len(records), strict=False))
        results: list[SaveResult] = []
        for segment in _segments(pairs):
            results.extend(self._save_segment(segment))
        return results

    def _save_segment(self, pairs: list[tuple[ImportedMeeting, int | None]]) -> list[SaveResult]:
        """Records whose keys and documents are all different: a few set-based statements for all of them."""
        cur = self.cur
        keys = [meeting_key(record) for record, _ in pairs]
        # in sorted order, so two bulk imports of overlapping batches queue instead of deadlocking
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(%s::text[]) AS k",
                    (["referat-meeting:" + k for k in sorted(keys)],))
        stored = dict(cur.execute("SELECT sha256, meeting_id FROM sources WHERE sha256 = ANY(%s)",
                                  ([r.document.sha256 for r, _ in pairs],)).fetchall())
        existing = dict(cur.execute("SELECT key, id FROM meetings WHERE key = ANY(%s) FOR UPDATE", (keys,)).fetchall())
        currents = {int(r[0]): Candidate(r[1], r[2], int(r[3])) for r in cur.execute(
            "SELECT meeting_id, kind, format, richness FROM sources WHERE meeting_id = ANY(%s) AND current=1",
            (list(existing.values()),)).fetchall()} if existing else {}
        listed = Sources(_runner(cur), "%s")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        stale: list[str] = []
        fresh = [n for n, (record, wanted) in enumerate(pairs)
                 if record.document.sha256 not in stored and keys[n] not in existing and wanted is None]
        ids = iter(r[0] for r in cur.execute("SELECT nextval(pg_get_serial_sequence('meetings', 'id'))"
                                             " FROM generate_series(1, %s)", (len(fresh),)).fetchall())
        results: list[SaveResult] = []
        new_rows, replaced_rows, saved = [], [], []
        for n, (record, wanted) in enumerate(pairs):
            doc, m = record.document, record.meeting
            if doc.sha256 in stored:
                results.append(SaveResult(int(stored[doc.sha256]), "unchanged"))
                continue
            payload = clean(canonical.compact(record))
            start = m.start.isoformat() if m.start else None
            persons = clean("\n".join(meeting_persons(m)))
            if keys[n] in existing:
                meeting_id, status = int(existing[keys[n]]), "replaced"
                # earlier versions of this kind and format: the current one's bytes go with its documents
                # row (the replaced documents' DELETE below); only others listed need their own statement
                stale += [sha for sha, was_current in listed.drop_versions_flagged(meeting_id, m.kind, doc.format)
                          if not was_current]
                current = currents.get(meeting_id)
                if current is not None and not supersedes(Candidate.of(record), current):
                    listed.attach(record, meeting_id, False, now)  # listed; the items stay the current one's
                    results.append(SaveResult(meeting_id, "attached"))
                    continue
                replaced_rows.append((meeting_id, payload, start, persons, m.kind))
            else:
                meeting_id, status = (wanted if wanted is not None else int(next(ids))), "new"
                new_rows.append((meeting_id, keys[n], clean(m.municipality), clean(m.committee), m.kind, start,
                                 payload, persons))
            results.append(SaveResult(meeting_id, status))
            saved.append((meeting_id, record))
            self.log.append((meeting_id, status))
        replaced_ids = {r[0] for r in replaced_rows}
        if replaced_rows:
            old = [r[0] for r in replaced_rows]
            cur.execute("UPDATE items SET retired=now() WHERE meeting_id = ANY(%s) AND retired IS NULL", (old,))
            # the replaced versions' source bytes go with their document rows (store.blobs)
            # (a document still listed among the meeting's sources keeps its bytes)
            cur.execute("WITH gone AS (DELETE FROM documents WHERE meeting_id = ANY(%s) RETURNING sha256)"
                        " DELETE FROM blobs b USING gone WHERE b.sha256 = gone.sha256 AND NOT EXISTS"
                        " (SELECT 1 FROM sources s WHERE s.sha256 = b.sha256)", (old,))
            cur.execute("UPDATE meetings m SET canonical=v.c, start=v.s, persons=v.p, kind=v.k FROM"
                        " unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, c, s, p, k)"
                        " WHERE m.id = v.id", [list(col) for col in zip(*replaced_rows, strict=False)])
            cur.execute("UPDATE sources SET current=0 WHERE meeting_id = ANY(%s) AND current=1", (old,))
        if stale:  # earlier versions of a document replaced by a later one
            cur.execute("DELETE FROM blobs b WHERE b.sha256 = ANY(%s) AND NOT EXISTS (SELECT 1 FROM sources s"
                        " WHERE s.sha256 = b.sha256) AND NOT EXISTS (SELECT 1 FROM documents d"
                        " WHERE d.sha256 = b.sha256)", (stale,))
        if new_rows:
            with cur.copy("COPY meetings(id, key, municipality, committee, kind, start, canonical, persons)"
                          " FROM STDIN") as copy:
                for row in new_rows:
                    copy.write_row(row)
            if any(wanted is not None for _, wanted in pairs):
                cur.execute("SELECT setval(pg_get_serial_sequence('meetings', 'id'),"
                            " greatest((SELECT max(id) FROM meetings), 1))")
        with cur.copy("COPY documents(sha256, meeting_id, source_name, format, importer, importer_version, pages,"
                      " size, warnings) FROM STDIN") as copy:
            for meeting_id, record in saved:
                doc = record.document
                copy.write_row((doc.sha256, meeting_id, clean(doc.source_name), doc.format, doc.importer,
                                doc.importer_version, doc.pages, doc.size,
                                clean(json.dumps(doc.warnings, ensure_ascii=False))))
        with cur.copy(f"COPY sources({COLUMNS}) FROM STDIN") as copy:
            for meeting_id, record in saved:
                copy.write_row(source_row(record, meeting_id, True, now))
        blobs.postgres_put(cur, [record for record, _ in pairs if record.source is not None
                                 and stored.get(record.document.sha256) not in replaced_ids])
        write_read_models(cur, saved, [r[0] for r in replaced_rows])
        for meeting_id, record in saved:
            self.items.extend((meeting_id, row) for row in self.rows_of(record))
            self.written[meeting_id] = []
        self.write_items()
        return results

    def write_items(self) -> None:
        """COPY the buffered item rows and their case ids."""
        if not self.items:
            return
        cur = self.cur
        ids = [r[0] for r in cur.execute("SELECT nextval(pg_get_serial_sequence('items', 'id'))"
                                         " FROM generate_series(1, %s)", (len(self.items),)).fetchall()]
        cases: list[tuple[object, ...]] = []
        with cur.copy(f"COPY items({ITEM_COLUMNS}) FROM STDIN") as copy:
            for item_id, (meeting_id, row) in zip(ids, self.items, strict=False):
                copy.write_row((item_id, meeting_id, row.position, clean(row.number), clean(row.title), row.public,
                                row.outcome, date.fromisoformat(row.date) if row.date else None,
                                clean(row.municipality), clean(row.committee), clean(row.text)))
                cases.extend((item_id, clean(c.value), c.scheme) for c in row.case_ids)
                self.written[meeting_id].append((item_id, stored(row)))
        if cases:
            with cur.copy("COPY item_cases(item_id, value, scheme) FROM STDIN") as copy:
                for case in cases:
                    copy.write_row(case)
        self.items.clear()

    def finish(self) -> None:
        """Write what is buffered, log the saved meetings (in commit order, see ``pgindex``) and drop
        retired rows whose grace period is over."""
        self.write_items()
        if not self.log:
            return
        cur = self.cur
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOG_LOCK,))
        logged = cur.execute("INSERT INTO index_log(meeting_id, op) SELECT * FROM unnest(%s::bigint[], %s::text[])"
                             " RETURNING meeting_id, seq", ([m for m, _ in self.log], [op for _, op in self.log]))
        for meeting_id, seq in logged.fetchall():
            self.logged[int(meeting_id)] = max(int(seq), self.logged.get(int(meeting_id), 0))
        cur.execute("DELETE FROM items WHERE retired < now() - make_interval(secs => %s)", (RETIRED_GRACE_SECONDS,))
        self.log.clear()

    def versions(self) -> dict[int, tuple[int, Rows]]:
        """After commit: the rows written, by meeting, under their log numbers (``freshrows``)."""
        return {m: (self.logged[m], rows) for m, rows in self.written.items() if m in self.logged}
