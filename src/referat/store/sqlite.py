"""The SQLite store: the zero-set-up default, one file in WAL mode.

Meetings are stored as canonical JSON (the source of truth for reading back)
plus an ``items`` table (what search shows and filters on).  Every save is one
``BEGIN IMMEDIATE`` transaction: readers see the old or the new version of a
meeting, never half of it.  The full-text index (``search.index``) lives in a
folder beside the file (``<file>.index``); the same transaction queues the
meeting in ``index_pending`` and ``flush`` applies the queue to the index.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from .. import canonical
from ..errors import DiskFull, NotFound, StoreError
from ..model import CaseId, ImportedMeeting
from ..search.index import SearchIndex
from ..search.indexing import ItemRow, meeting_persons
from ..search.query import Query
from ..search.snippets import ItemSnippets
from . import apiindex, aside, attachments, blobs, bulkgc, harvestdb, sources, treatrefs
from .attachments import StoredAttachment
from .base import (
    CaseItem,
    CommitteeSummary,
    Hit,
    MeetingSummary,
    SaveResult,
    SearchFilters,
    SearchResult,
    SourceFile,
    Store,
    T,
)
from .base import index_filters as to_index_filters
from .freshrows import FreshRows, Rows
from .migrations import MigrationTarget, Step, latest, migrate
from .people import SQLITE_STEP, STEP_DESCRIPTION, PeopleTables
from .sqlitewrite import BatchWriter, bump

STEP1 = """
CREATE TABLE IF NOT EXISTS meetings(
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, municipality TEXT NOT NULL, committee TEXT NOT NULL,
  kind TEXT NOT NULL, start TEXT, canonical TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
  id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, meeting_id INTEGER NOT NULL REFERENCES meetings(id),
  source_name TEXT NOT NULL, format TEXT NOT NULL, importer TEXT NOT NULL, importer_version TEXT NOT NULL,
  pages INTEGER, size INTEGER NOT NULL, warnings TEXT NOT NULL, imported_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items(
  id INTEGER PRIMARY KEY AUTOINCREMENT, meeting_id INTEGER NOT NULL REFERENCES meetings(id), position INTEGER NOT NULL,
  number TEXT NOT NULL, title TEXT NOT NULL, public INTEGER NOT NULL, outcome TEXT, date TEXT,
  municipality TEXT NOT NULL, committee TEXT NOT NULL, text TEXT NOT NULL, retired INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS items_meeting ON items(meeting_id);
CREATE INDEX IF NOT EXISTS items_muni_date ON items(municipality, date);
CREATE TABLE IF NOT EXISTS item_cases(item_id INTEGER NOT NULL REFERENCES items(id), value TEXT NOT NULL,
  scheme TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS item_cases_value ON item_cases(value);
CREATE INDEX IF NOT EXISTS item_cases_item ON item_cases(item_id);
CREATE TABLE IF NOT EXISTS index_pending(meeting_id INTEGER PRIMARY KEY);
"""



def _backfill_persons(db: sqlite3.Connection) -> None:
    """Step 2: the participants of every stored meeting, for the ``person`` facet (then index everything again)."""
    for meeting_id, payload in db.execute("SELECT id, canonical FROM meetings").fetchall():
        persons = "\n".join(meeting_persons(canonical.loads(payload).meeting))
        db.execute("UPDATE meetings SET persons=? WHERE id=?", (persons, meeting_id))
    db.execute("INSERT OR IGNORE INTO index_pending(meeting_id) SELECT id FROM meetings")


def _merge_meetings(db: sqlite3.Connection) -> None:
    """Step 11: every document a source of its meeting, meetings with one identity merged (``sources``)."""
    def requeue(meeting_id: int) -> None:
        db.execute("INSERT OR IGNORE INTO index_pending(meeting_id) VALUES(?)", (meeting_id,))

    sources.merge(sources.Sources(lambda sql, params: db.execute(sql, params).fetchall()), requeue)


#: the SQLite schema history; append steps, never edit an applied one
STEPS = [Step(1, "meetings, documents, items, case ids, index queue", STEP1),
         Step(2, "meeting participants for the person facet", "ALTER TABLE meetings ADD COLUMN persons TEXT"
              " NOT NULL DEFAULT ''", run=_backfill_persons),
         Step(3, STEP_DESCRIPTION, SQLITE_STEP, run=PeopleTables().backfill),
         Step(4, apiindex.STEP_DESCRIPTION, apiindex.SQLITE_STEP, run=apiindex.ApiIndex().backfill),
         Step(5, "index documents by meeting (joins from meetings to their document)", apiindex.SQLITE_STEP_5),
         Step(6, blobs.STEP_DESCRIPTION, blobs.SQLITE_STEP),
         Step(7, treatrefs.STEP_DESCRIPTION, treatrefs.SQLITE_STEP, run=treatrefs.TreatmentRefs().backfill),
         Step(8, "index queue entries count their meeting's saves (a save during a flush stays queued)",
              "ALTER TABLE index_pending ADD COLUMN seq INTEGER NOT NULL DEFAULT 0"),
         Step(9, aside.STEP_DESCRIPTION, aside.SQLITE_STEP),
         Step(10, harvestdb.STEP_DESCRIPTION, harvestdb.SQLITE_STEP),
         Step(11, sources.STEP_DESCRIPTION, sources.SQLITE_STEP, run=_merge_meetings),
         Step(12, attachments.STEP_DESCRIPTION, attachments.SQLITE_STEP)]
SCHEMA_VERSION = latest(STEPS)
PEOPLE = PeopleTables()


class _Target(MigrationTarget):
    backend = "SQLite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def execute(self, sql: str) -> None:
        self.db.execute(sql)

    def read_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def write_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))

    @property
    def connection(self) -> sqlite3.Connection:
        return self.db


#: the page cache per connection, KiB
CACHE_KIB = 65_536
#: WAL pages between checkpoints during a bulk import (4 KiB each: the WAL grows to ~400 MiB at most)
BULK_CHECKPOINT_PAGES = 100_000
#: the file in the index folder naming the archive it belongs to (``SQLiteStore._index_belongs``)
ARCHIVE_MARK = "referat-archive"
#: how long replaced items stay readable after the index switched to their successors
RETIRED_GRACE_SECONDS = 30.0


def _undo(db: sqlite3.Connection, path: str, exc: BaseException) -> None:
    """Roll back a failed transaction; a full disk becomes one ``DiskFull`` line.  (SQLite has rolled back
    by itself after SQLITE_FULL, and ROLLBACK then raised "cannot rollback", hiding the cause behind 45
    lines of traceback.)"""
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # (what failed is raised)
    if isinstance(exc, sqlite3.OperationalError) and full(exc):
        raise DiskFull(f"the disk is full: {path} cannot grow, nothing of the last batch was saved;"
                       " free space and import again") from None


def full(exc: BaseException) -> bool:
    """Did ``exc`` come from a full disk (SQLite's SQLITE_FULL, or the index's ENOSPC)?"""
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc) \
        or "No space left" in str(exc) or getattr(exc, "errno", None) == 28


class SQLiteStore(Store):
    def __init__(self, path: str | Path, *, autoflush: bool = True, rebuild_index: bool = False) -> None:
        """``rebuild_index``: throw the search index away unread (``referat reindex``, also of a damaged index)
        and leave rebuilding it to ``reindex``."""
        self.path = str(path)
        self._autoflush = True
        self.snippets = ItemSnippets()
        self._fresh = FreshRows()
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # a connection per thread (``db``): the portal's readers never wait for each other (WAL), and
            # SQLite itself lets one writer at a time in (BEGIN IMMEDIATE waits up to ``timeout``)
            self._local = threading.local()
            self._connections: list[sqlite3.Connection] = []
            self._connections_lock = threading.Lock()
            self._main = self._connect()
            self._local.db = self._main  # (the opening thread's)
            self._main.execute("PRAGMA journal_mode=WAL")
            self._migrate()
            self.db.execute("INSERT OR IGNORE INTO meta VALUES('archive_id', ?)", (uuid.uuid4().hex,))
            self.archive_id = str(self.db.execute("SELECT value FROM meta WHERE key='archive_id'").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from None
        self.index = SearchIndex(None if self.path == ":memory:" else Path(self.path + ".index"),
                                 fresh=rebuild_index)
        # an index made by an older referat, missing (deleted) or of another archive: index every meeting again
        if (self.index.rebuilt or not self._index_belongs()) and not rebuild_index:
            self.db.execute("INSERT OR IGNORE INTO index_pending(meeting_id) SELECT id FROM meetings")
        if not rebuild_index:
            self.flush()
        self.autoflush = autoflush

    #: every thread reads through a connection of its own (an in-memory store has only the one)
    @property
    def concurrent_reads(self) -> bool:  # type: ignore[override]
        return self.path != ":memory:"

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        db.execute("PRAGMA synchronous=NORMAL")
        # SQLite's default page cache (2 MiB) makes every index insert of a big archive's bulk import a
        # read from the OS: up to 64 MiB kept per connection (taken only as pages are used)
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute("PRAGMA foreign_keys=ON")
        with self._connections_lock:
            self._connections.append(db)
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use; ``:memory:`` has one, shared)."""
        if self.path == ":memory:":
            return self._main
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = self._connect()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from None
            self._local.db = db
        return db

    def _index_belongs(self) -> bool:
        """Is the index folder this archive's (``ARCHIVE_MARK`` names its archive)?  A missing folder comes
        back empty and searches found nothing, forever; another archive's index would find its meetings."""
        if self.index.path is None:
            return True
        mark = self.index.path / ARCHIVE_MARK
        try:
            found: str | None = mark.read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            found = None
        if found == self.archive_id:
            return True
        belongs = True
        if found is not None:  # another archive's index
            self.index.clear()
            belongs = False
        elif self.index.searcher().num_docs == 0 and self.db.execute(
                "SELECT 1 FROM items WHERE retired=0 LIMIT 1").fetchone() is not None:
            belongs = False  # an empty index beside stored items: the folder was lost
        try:
            mark.write_text(self.archive_id, "ascii")
        except OSError as exc:
            raise StoreError(f"cannot write to the search index {self.index.path}: {exc.strerror}") from None
        return belongs

    @property
    def autoflush(self) -> bool:
        return self._autoflush

    @autoflush.setter
    def autoflush(self, value: bool) -> None:
        """Off for a bulk import: besides leaving the index to ``flush``, the WAL is checkpointed into the file
        every ``BULK_CHECKPOINT_PAGES`` pages instead of SQLite's 1,000.  A big archive's batch touches pages
        all over its indexes, and copying them back after every few batches made COMMIT half of the saving time
        at 2M items (0.17 s of 0.33 s per 2,000 items); a page changed by many batches is now copied once."""
        was, self._autoflush = self._autoflush, value
        self.db.execute(f"PRAGMA wal_autocheckpoint={1000 if value else BULK_CHECKPOINT_PAGES}")
        bulkgc.follow(was, value)  # (and the garbage collector runs rarely meanwhile)
        if value and not was:  # the import is over: its pages into the file now, not at some reader's commit
            try:
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.OperationalError as exc:
                _undo(self.db, self.path, exc)
                raise StoreError(f"cannot write the store {self.path}: {exc}") from None

    def _people(self) -> tuple[sqlite3.Connection, PeopleTables]:
        return self.db, PEOPLE

    def _migrate(self) -> None:
        self.migration = migrate(_Target(self.db), STEPS)

    # -- writing -----------------------------------------------------------------
    def save(self, record: ImportedMeeting, *, meeting_id: int | None = None) -> SaveResult:
        return self._save_batch([record], [meeting_id])[0]

    def save_many(self, records: Iterable[ImportedMeeting]) -> list[SaveResult]:
        """Bulk import: the whole batch in one transaction, the read models (``PEOPLE``) per batch; if the
        batch fails (bad data), it is saved one record at a time, keeping the records before the bad one."""
        batch = list(records)
        try:
            results = self._save_batch(batch, [None] * len(batch))
        except sqlite3.Error:
            if len(batch) < 2:
                raise
            return [self.save(record) for record in batch]
        return results

    def _save_batch(self, records: list[ImportedMeeting], wanted: list[int | None]) -> list[SaveResult]:
        """Save ``records`` in order in one ``BEGIN IMMEDIATE`` transaction (``wanted``: ids asked for new
        meetings, ``referat copy``)."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the store is busy: {exc}") from None
        writer = BatchWriter(self.db)
        try:
            results = [writer.write(record, wanted_id) for record, wanted_id in zip(records, wanted, strict=False)]
            writer.finish()
            saved = {r.meeting_id: record for r, record in zip(results, records, strict=False)
                     if r.status not in ("unchanged", "attached")}
            PEOPLE.replace_many(self.db, list(saved.items()),
                                list(dict.fromkeys(r.meeting_id for r in results if r.status == "replaced")))
            self.db.execute("COMMIT")
        except BaseException as exc:
            _undo(self.db, self.path, exc)
            raise
        if writer.generation is not None:
            self._fresh.keep({m: (writer.generation, rows) for m, rows in writer.written.items()})
        if self.autoflush:
            self.flush()
        elif writer.written:  # the index catches up later: have the batch analysed meanwhile
            self.index.prefetch([(m, i, row) for m, rows in writer.written.items() for i, row in rows])
        return results

    def transact(self, work: Callable[[harvestdb.Tx, Callable[[ImportedMeeting], SaveResult]], T]) -> T:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the store is busy: {exc}") from None
        writer = BatchWriter(self.db)
        done: list[tuple[SaveResult, ImportedMeeting]] = []

        def save(record: ImportedMeeting) -> SaveResult:
            result = writer.write(record, None)
            done.append((result, record))
            return result

        try:
            out = work(harvestdb.sqlite_tx(self.db), save)
            writer.finish()
            PEOPLE.replace_many(self.db, [(r.meeting_id, record) for r, record in done
                                          if r.status not in ("unchanged", "attached")],
                                list(dict.fromkeys(r.meeting_id for r, _ in done if r.status == "replaced")))
            self.db.execute("COMMIT")
        except BaseException as exc:
            _undo(self.db, self.path, exc)
            raise
        if writer.generation is not None:
            self._fresh.keep({m: (writer.generation, rows) for m, rows in writer.written.items()})
        if self.autoflush and done:
            self.flush()
        return out

    def flush(self) -> int:
        """Apply queued meeting changes to the search index; returns items indexed."""
        queued = self.db.execute("SELECT meeting_id, seq FROM index_pending ORDER BY meeting_id").fetchall()
        if not queued:
            return 0
        fresh = self._fresh.take()

        def rows(meeting_id: int, seq: int) -> Rows:
            kept = fresh.get(meeting_id)  # this process saved that very version: no need to read it back
            return kept[1] if kept is not None and kept[0] == seq else self._rows(meeting_id)

        # a meeting whose update fails or runs over budget is set aside, not retried by every open (``aside``)
        added, put_aside = aside.apply_guarded(self.index, [(mid, rows(mid, seq)) for mid, seq in queued])
        # Retired rows outlive the index switch by a grace period, so a reader still holding the
        # previous index snapshot finds the version it ranked.
        horizon = time.time() - RETIRED_GRACE_SECONDS
        self.db.execute("BEGIN IMMEDIATE")
        try:
            # only the versions indexed: a meeting saved again meanwhile (by another process) stays queued
            self.db.executemany("DELETE FROM index_pending WHERE meeting_id=? AND seq=?", queued)
            self.db.executemany("DELETE FROM index_aside WHERE meeting_id=?",
                                [(mid,) for mid, _ in queued if mid not in put_aside])
            now = datetime.now().astimezone().isoformat(timespec="seconds")
            self.db.executemany("INSERT OR REPLACE INTO index_aside VALUES(?, ?, ?, ?)",
                                [(mid, seq, put_aside[mid], now) for mid, seq in queued if mid in put_aside])
            self.db.execute("DELETE FROM item_cases WHERE item_id IN"
                            " (SELECT id FROM items WHERE retired > 0 AND retired < ?)", (horizon,))
            self.db.execute("DELETE FROM items WHERE retired > 0 AND retired < ?", (horizon,))
            bump(self.db)  # (what readers see changed: see ``generation``)
            self.db.execute("COMMIT")
        except BaseException as exc:
            _undo(self.db, self.path, exc)
            raise
        return added

    def set_aside(self) -> list[aside.SetAside]:
        return [aside.SetAside(int(r[0]), r[1], r[2])
                for r in self.db.execute("SELECT meeting_id, reason, at FROM index_aside ORDER BY at, meeting_id")]

    def reindex(self) -> int:
        """Empty the search index and index every stored meeting again (those set aside are tried again)."""
        self.index.clear()
        self.db.execute("INSERT OR IGNORE INTO index_pending(meeting_id) SELECT id FROM meetings")
        return self.flush()

    def _rows(self, meeting_id: int) -> Rows:
        found = self.db.execute("SELECT persons FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        persons = found[0].split("\n") if found and found[0] else []
        cases: dict[int, list[CaseId]] = {}
        for item_id, value, scheme in self.db.execute(
                "SELECT c.item_id, c.value, c.scheme FROM item_cases c JOIN items i ON i.id=c.item_id"
                " WHERE i.meeting_id=? AND i.retired=0", (meeting_id,)):
            cases.setdefault(item_id, []).append(CaseId(value, scheme))
        rows = self.db.execute("SELECT id, position, number, title, public, outcome, date, municipality, committee,"
                               " text FROM items WHERE meeting_id=? AND retired=0 ORDER BY position", (meeting_id,))
        return [(r[0], ItemRow(position=r[1], number=r[2], title=r[3], public=bool(r[4]), outcome=r[5], date=r[6],
                               municipality=r[7], committee=r[8], text=r[9], case_ids=cases.get(r[0], []),
                               persons=persons))
                for r in rows]

    # -- reading -----------------------------------------------------------------
    def source(self, sha256: str) -> SourceFile:
        row = self.db.execute("SELECT b.data, d.meeting_id FROM blobs b JOIN documents d ON d.sha256=b.sha256"
                              " WHERE b.sha256=?", (sha256,)).fetchone()
        if row is None:
            raise NotFound(f"no source file {sha256}")
        return SourceFile(sha256, int(row[1]), bytes(row[0]))

    def has_source(self, sha256: str) -> bool:
        return self.db.execute("SELECT 1 FROM blobs WHERE sha256=?", (sha256,)).fetchone() is not None

    def get(self, meeting_id: int) -> ImportedMeeting:
        row = self.db.execute("SELECT canonical FROM meetings WHERE id=?", (meeting_id,)).fetchone()
        if row is None:
            raise NotFound(f"no meeting with id {meeting_id}")
        return canonical.loads(row[0])

    def item_id(self, meeting_id: int, number: str) -> int:
        row = self.db.execute("SELECT id FROM items WHERE meeting_id=? AND number=? AND retired=0 ORDER BY position",
                              (meeting_id, number)).fetchone()
        if row is None:
            raise NotFound(f"meeting {meeting_id} has no item {number}")
        return int(row[0])

    def meetings(self) -> list[MeetingSummary]:
        rows = self.db.execute(
            "SELECT m.id, m.municipality, m.committee, m.kind, m.start, (SELECT count(*) FROM items i WHERE"
            " i.meeting_id=m.id AND i.retired=0), d.source_name, d.format"
            " FROM meetings m JOIN documents d ON d.meeting_id=m.id"
            " ORDER BY m.start DESC, m.id")
        return [MeetingSummary(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]) if r[4] else None, r[5], r[6],
                               r[7]) for r in rows]

    def recent_meetings(self, limit: int = 20, offset: int = 0, *, municipality: str | None = None,
                        committee: str | None = None) -> list[MeetingSummary]:
        where, args = [], []
        for column, value in (("m.municipality", municipality), ("m.committee", committee)):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        return self._summaries(" AND ".join(where), args,
                               " ORDER BY m.start IS NULL, m.start DESC, m.id DESC LIMIT ? OFFSET ?", (limit, offset))

    def committees(self) -> list[CommitteeSummary]:
        rows = self.db.execute("SELECT municipality, committee, count(*), max(start) FROM meetings"
                               " GROUP BY municipality, committee ORDER BY municipality, committee")
        return [CommitteeSummary(r[0], r[1], int(r[2]), datetime.fromisoformat(r[3]) if r[3] else None)
                for r in rows]

    def meetings_between(self, start: datetime, end: datetime, *, municipality: str | None = None,
                         committee: str | None = None) -> list[MeetingSummary]:
        where, args = ["m.start >= ?", "m.start < ?"], [start.isoformat(), end.isoformat()]
        for column, value in (("m.municipality", municipality), ("m.committee", committee)):
            if value is not None:
                where.append(f"{column}=?")
                args.append(value)
        return self._summaries(" AND ".join(where), args, " ORDER BY m.start, m.id", ())

    def meetings_on(self, municipality: str, day: date) -> list[MeetingSummary]:
        return self._summaries("m.municipality=? AND m.start >= ? AND m.start < ?",
                               [municipality, day.isoformat(), (day + timedelta(days=1)).isoformat()], "", ())

    def _summaries(self, where: str, args: list, tail: str, tail_args: tuple) -> list[MeetingSummary]:
        rows = self.db.execute(
            "SELECT m.id, m.municipality, m.committee, m.kind, m.start, (SELECT count(*) FROM items i WHERE"
            " i.meeting_id=m.id AND i.retired=0), d.source_name, d.format FROM meetings m JOIN documents d ON"
            f" d.meeting_id=m.id {'WHERE ' + where if where else ''}{tail}", (*args, *tail_args))
        return [MeetingSummary(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]) if r[4] else None, r[5], r[6],
                               r[7]) for r in rows]

    def generation(self) -> object:
        """The archive's id and a counter every saving or indexing transaction moves: the same in every process
        that has this archive open, so the portal's server processes can share cached pages."""
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return self.archive_id, int(row[0]) if row else 0

    def meeting_times(self) -> dict[int, datetime]:
        rows = self.db.execute("SELECT meeting_id, max(imported_at) FROM documents GROUP BY meeting_id")
        return {int(r[0]): datetime.fromisoformat(r[1]) for r in rows}

    def case_items(self, case_ids: list[str]) -> list[CaseItem]:
        if not case_ids:
            return []
        rows = self.db.execute(
            "SELECT DISTINCT i.id, i.meeting_id, i.municipality, i.committee, m.start, i.number, i.title, i.outcome,"
            " i.public, c.value FROM item_cases c JOIN items i ON i.id=c.item_id JOIN meetings m ON m.id=i.meeting_id"
            f" WHERE c.value IN ({','.join('?' * len(case_ids))}) AND i.retired=0 ORDER BY m.start, i.id",
            list(case_ids))
        seen: set[int] = set()
        out = []
        for r in rows:
            if r[0] not in seen:
                seen.add(r[0])
                out.append(CaseItem(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]) if r[4] else None, r[5],
                                    r[6], r[7], bool(r[8]), r[9]))
        return out

    def search(self, query: Query, filters: SearchFilters = SearchFilters(), *, limit: int = 20,
               offset: int = 0, count: bool = False, sort: str = "relevance") -> SearchResult:
        index_filters = to_index_filters(filters)
        # The index and the rows are read one after the other; if a writer switched a meeting to a new
        # version in between, some ranked ids are gone (retired rows deleted): search again.
        for _attempt in range(5):
            total, ranked = self.index.search(query, index_filters, limit=limit, offset=offset, count=count,
                                              sort=sort)
            ids = [item_id for item_id, _ in ranked]
            rows = {r[0]: r for r in self.db.execute(
                "SELECT id, meeting_id, municipality, committee, date, number, title, outcome, public, text FROM"
                f" items WHERE id IN ({','.join('?' * len(ids))})", ids)} if ids else {}
            if len(rows) == len(ids):
                break
        hits = [Hit(item_id=r[0], meeting_id=r[1], municipality=r[2], committee=r[3],
                    start=datetime.fromisoformat(r[4]) if r[4] else None, number=r[5], title=r[6], outcome=r[7],
                    public=bool(r[8]), score=score, snippet=self.snippets(int(r[0]), r[9], query))
                for item_id, score in ranked if (r := rows.get(item_id))]
        return SearchResult(query=query.text, hits=hits, total=total)

    def attachments(self, meeting_id: int) -> list[StoredAttachment]:
        return attachments.of_meeting(lambda sql, params: self.db.execute(sql, params).fetchall(), meeting_id)

    def meeting_documents(self, meeting_ids: list[int]) -> dict[int, list[dict[str, object]]]:
        listed = sources.Sources(lambda sql, params: self.db.execute(sql, params).fetchall())
        return dict(listed.listed(meeting_ids))

    def close(self) -> None:
        if not self._autoflush:
            self.autoflush = True  # (a bulk import ends)
        with self._connections_lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
