"""SQLite bulk import (``SQLiteStore.save_many``): one transaction per batch, the read models (participants,
person mentions, API objects, creation times) written per batch.  The stored rows must be exactly those of
saving the records one by one, also when a batch holds the same meeting twice or the same document twice, and
a batch that fails part-way is saved record by record, keeping the records before the bad one."""

from __future__ import annotations

import copy
import sqlite3

import pytest

from referat.parse import importer
from referat.store.sqlite import SQLiteStore
from referat.synth import national, vocabulary_from

from .conftest import real_documents
from .test_store import SEED, changed_version

TABLES = {"meetings": "id, key, canonical, persons, (created_at IS NOT NULL)",
          "documents": "sha256, meeting_id, source_name, format",
          "items": "id, meeting_id, position, number, title, public, outcome, date, municipality, committee, text,"
                   " (retired > 0)",
          "item_cases": "item_id, value, scheme",
          "participants": "meeting_id, person_key, name, party, role, present, note, municipality, committee,"
                          " start, kind",
          "person_mentions": "meeting_id, person_key, name, party, item_number, item_title, kind, text,"
                             " municipality, committee, start",
          "api_objects": "meeting_id, seq, kind, path, body, organization, ref",
          "index_pending": "meeting_id"}


def _rows(path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(path)
    try:
        return {t: sorted(db.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in TABLES.items()}
    finally:
        db.close()


def _fewer_people(record, sha: str):
    """The same meeting re-published without its last participant (a new document, so it replaces)."""
    out = copy.deepcopy(record)
    out.meeting.participants = out.meeting.participants[:-1]
    out.document.sha256 = sha
    return out


def test_bulk_batches_store_the_rows_of_one_by_one_saves(tmp_path):
    synthetic = list(national(vocabulary_from(real_documents()), 120))
    with_people = next(r for r in synthetic[1:] if r.meeting.participants)
    first = [importer.parse_file(SEED), *synthetic]
    more = list(national(vocabulary_from(real_documents()), 200))[len(synthetic):]
    # a replaced meeting, a meeting new in the batch and replaced in it again, a document twice, an unchanged one
    second = [changed_version(None), _fewer_people(with_people, "f" * 64), more[0], _fewer_people(more[0], "e" * 64),
              synthetic[0], *more[1:], more[1]]
    bulk, single = tmp_path / "bulk.db", tmp_path / "single.db"
    with SQLiteStore(bulk, autoflush=False) as store:
        assert {r.status for r in store.save_many(first)} == {"new"}
        statuses = [r.status for r in store.save_many(second)]
    assert statuses[:5] == ["replaced", "replaced", "new", "replaced", "unchanged"]
    assert set(statuses[5:-1]) == {"new"} and statuses[-1] == "unchanged"
    with SQLiteStore(single, autoflush=False) as store:
        for record in first + second:
            store.save(record)
    got, want = _rows(bulk), _rows(single)
    assert all(want[t] for t in TABLES), "the records must yield rows in every table"
    assert got == want


def test_a_failing_batch_keeps_the_records_before_the_bad_one(tmp_path):
    synthetic = list(national(vocabulary_from(real_documents()), 60))
    bad = copy.deepcopy(synthetic[3])
    bad.document.sha256 = "b" * 64
    bad.meeting.items[0].title = None  # type: ignore[assignment]  (items.title is NOT NULL)
    with SQLiteStore(tmp_path / "a.db") as store:
        with pytest.raises(sqlite3.IntegrityError):
            store.save_many([*synthetic[:3], bad, *synthetic[3:]])
        assert len(store.meetings()) == 3
        assert sum(m.items for m in store.meetings()) == sum(len(r.meeting.items) for r in synthetic[:3])
        assert {r.status for r in store.save_many(synthetic)} == {"unchanged", "new"}
        assert len(store.meetings()) == len(synthetic)


def test_a_meeting_saved_again_while_another_process_flushes_stays_queued(tmp_path):
    """A flush reads the queue, indexes those meetings and then clears their entries; a new version saved in
    between (by another process) must not lose its entry, or the index would keep the old version for good."""
    from referat.search.query import parse

    path = tmp_path / "a.db"
    flusher, importer_ = SQLiteStore(path, autoflush=False), SQLiteStore(path, autoflush=False)
    first = importer.parse_file(SEED)
    meeting_id = flusher.save(first).meeting_id
    apply = flusher.index.apply

    def apply_while_the_other_process_saves(meetings):
        batch = list(meetings)  # the rows of the first version are read ...
        assert importer_.save(changed_version(first)).status == "replaced"  # ... then the new version lands
        return apply(batch)

    flusher.index.apply = apply_while_the_other_process_saves
    flusher.flush()
    flusher.index.apply = apply
    assert flusher.db.execute("SELECT meeting_id FROM index_pending").fetchall() == [(meeting_id,)]
    flusher.flush()  # the next flush (of any process) indexes the new version
    hits = flusher.search(parse("afviste indstillingen"), limit=5).hits
    assert [h.meeting_id for h in hits] and {h.meeting_id for h in hits} == {meeting_id}
    assert flusher.db.execute("SELECT count(*) FROM index_pending").fetchone() == (0,)
    flusher.close(), importer_.close()


def test_a_bulk_import_checkpoints_its_wal_rarely_and_once_at_the_end(tmp_path):
    from referat.store.sqlite import BULK_CHECKPOINT_PAGES

    path = tmp_path / "a.db"
    store = SQLiteStore(path)
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    store.autoflush = False
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone() == (BULK_CHECKPOINT_PAGES,)
    before = path.stat().st_size
    store.save_many(list(national(vocabulary_from(real_documents()), 2000, seed=3)))
    store.flush()
    wal = path.with_name("a.db-wal").stat().st_size
    assert wal > 1000 * 4096 and path.stat().st_size == before  # past SQLite's usual checkpoint, none yet
    store.autoflush = True  # the import is over: its pages go into the file now
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    assert path.stat().st_size > before + wal // 4
    store.close()


def test_a_flush_indexes_its_own_saves_without_reading_them_back(tmp_path, monkeypatch):
    """The rows a save wrote are kept for the next flush of that process (``sqlitewrite.FreshRows``)."""
    from referat.search.query import parse

    store = SQLiteStore(tmp_path / "a.db", autoflush=False)
    records = list(national(vocabulary_from(real_documents()), 300, seed=5))
    store.save_many(records)

    def no_reading_back(meeting_id):
        raise AssertionError(f"meeting {meeting_id} read back")

    monkeypatch.setattr(store, "_rows", no_reading_back)
    assert store.flush() == sum(len(r.meeting.items) for r in records)
    monkeypatch.undo()
    indexed = {h.item_id for h in store.search(parse("udvalget OR kommune OR budget"), limit=10_000).hits}
    assert indexed and indexed <= {r[0] for r in store.db.execute("SELECT id FROM items WHERE retired=0")}
    store.close()


def test_kept_rows_never_stand_in_for_a_version_another_process_saved(tmp_path):
    """Process A saves version 1 and keeps its rows; B indexes it, then saves version 2 of the same meeting.
    A's next flush must index version 2: a queue entry names the saving transaction, not a per-meeting count
    that starts again after a flush."""
    from referat.search.query import parse

    path = tmp_path / "a.db"
    a, b = SQLiteStore(path, autoflush=False), SQLiteStore(path, autoflush=False)
    first = importer.parse_file(SEED)
    meeting_id = a.save(first).meeting_id
    b.flush()
    assert b.save(changed_version(first)).status == "replaced"
    a.flush()
    hits = a.search(parse("afviste indstillingen"), limit=5).hits
    assert hits and {h.meeting_id for h in hits} == {meeting_id}
    live = {r[0] for r in a.db.execute("SELECT id FROM items WHERE retired=0")}
    assert {h.item_id for h in a.search(parse("udvalget OR tiltrådte OR indstillingen"), limit=100).hits} <= live
    a.close(), b.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_the_garbage_collector_runs_rarely_while_any_store_bulk_imports(kind, tmp_path):
    import gc

    from referat.store import bulkgc, open_store

    from .backends import target

    default = gc.get_threshold()
    assert default != bulkgc.BULK_THRESHOLDS
    with target(kind, tmp_path / "a") as one, target("sqlite", tmp_path / "b") as two:
        a, b = open_store(one), open_store(two)
        a.autoflush = False
        b.autoflush = False
        assert gc.get_threshold() == bulkgc.BULK_THRESHOLDS
        a.autoflush = False  # (no second entry)
        a.autoflush = True
        assert gc.get_threshold() == bulkgc.BULK_THRESHOLDS  # b still imports
        b.close()  # closing in bulk mode ends it
        assert gc.get_threshold() == default
        a.autoflush = False
        a.close()
        assert gc.get_threshold() == default
