"""The PostgreSQL store's local search index follows the change log and never misses a change.

Each test plays several app servers: stores on the same database, each with its own index folder.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
import tantivy
from click.testing import CliRunner

from referat.cli import main
from referat.parse import importer
from referat.search.indexing import item_rows
from referat.search.query import parse
from referat.store import open_store
from referat.store.base import Store
from referat.store.pgindex import MARK, index_root
from referat.store.pgwrite import BatchWriter
from referat.store.postgres import PostgresStore
from referat.synth import national, vocabulary_from

from .backends import BACKENDS, pg_schema, target
from .conftest import SHARED, real_documents

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


def indexed(store: Store) -> set[int]:
    """Item ids in the store's search index after it caught up."""
    index = store.search_index()
    assert index is not None
    index.index.reload()
    searcher = index.index.searcher()
    result = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs))
    return {int(v) for v in searcher.fast_field_values("item_id", [a for _, a in result.hits])}


def current(store: PostgresStore) -> set[int]:
    return {int(r[0]) for r in store.conn.execute("SELECT id FROM items WHERE retired IS NULL").fetchall()}


def changed(record):
    text = SEED.read_bytes().replace("Tiltrådte indstillingen, idet".encode(), b"Afviste indstillingen, idet")
    return importer.parse_bytes(text, SEED.name)


@pytest.fixture
def url():
    with pg_schema() as u:
        yield u


def test_another_app_server_sees_every_change(url, tmp_path):
    writer = PostgresStore(url, index_dir=tmp_path / "a")
    reader = PostgresStore(url, index_dir=tmp_path / "b")
    assert writer.log_index.folder != reader.log_index.folder
    first = writer.save(importer.parse_file(SEED))
    assert [h.meeting_id for h in reader.search(parse('"tiltrådte indstillingen"')).hits] == [first.meeting_id] * 7
    writer.save(changed(None))
    hits = reader.search(parse('"afviste indstillingen"')).hits
    assert [h.number for h in hits] == ["6"]
    assert indexed(reader) == current(writer) == indexed(writer)
    late = PostgresStore(url, index_dir=tmp_path / "c")  # a server started later builds its index from the log
    assert indexed(late) == current(writer)
    for s in (writer, reader, late):
        s.close()


def test_a_slow_commit_is_not_skipped(url, tmp_path):
    """Log numbers become visible in order: while one import has taken its number but not yet committed,
    a second import waits, so a reader can never apply the later number first and skip the earlier one."""
    vocab = vocabulary_from(real_documents())
    slow_record, fast_record = list(national(vocab, 20))[:2]
    reader = PostgresStore(url, index_dir=tmp_path / "reader")
    slow = psycopg.connect(url, autocommit=True)
    tx = slow.transaction()
    tx.__enter__()
    writer = BatchWriter(slow.cursor(), item_rows)
    writer.save_all([slow_record])
    writer.finish()  # holds its log number, not committed yet
    fast = PostgresStore(url, index_dir=tmp_path / "fast")
    t = threading.Thread(target=fast.save, args=(fast_record,))
    t.start()
    time.sleep(0.5)
    reader.flush()  # must not move past the slow import's number
    tx.__exit__(None, None, None)
    t.join()
    reader.flush()
    assert indexed(reader) == current(reader) and len(current(reader)) == sum(
        len(r.meeting.items) for r in (slow_record, fast_record))
    for s in (reader, fast):
        s.close()
    slow.close()


def test_index_ahead_of_a_restored_database_is_rebuilt(url, tmp_path):
    with PostgresStore(url, index_dir=tmp_path) as store:
        store.save(importer.parse_file(SEED))
        folder = store.log_index.folder
    (folder / MARK).write_text("999999", "ascii")  # as if the database had been restored to an older state
    with PostgresStore(url, index_dir=tmp_path) as store:
        assert indexed(store) == current(store) and len(current(store)) == 8


def test_replaced_rows_stay_readable_for_the_grace_period(url, tmp_path, monkeypatch):
    with PostgresStore(url, index_dir=tmp_path) as store:
        store.save(importer.parse_file(SEED))
        old = current(store)
        store.save(changed(None))
        retired = {int(r[0]) for r in store.conn.execute("SELECT id FROM items WHERE retired IS NOT NULL")}
        assert retired == old and not old & current(store)
        monkeypatch.setattr("referat.store.pgwrite.RETIRED_GRACE_SECONDS", 0)
        store.save(importer.parse_file(SHARED / "seeds" / "002_89fe332627ef705c.txt"))
        assert store.conn.execute("SELECT count(*) FROM items WHERE retired IS NOT NULL").fetchone()[0] == 0


@pytest.mark.parametrize("kind", BACKENDS)
def test_reindex_command_rebuilds_a_lost_index(kind, tmp_path):
    with target(kind, tmp_path) as where:
        with open_store(where) as store:
            store.save(importer.parse_file(SEED))
            store.search_index().clear()  # type: ignore[union-attr]
            assert store.search(parse("indstillingen")).hits == []
        result = CliRunner().invoke(main, ["--db", where, "reindex"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("indexed 8 items")
        with open_store(where) as store:
            assert len(store.search(parse("indstillingen"), limit=50).hits) == 7


def test_index_folder_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("REFERAT_INDEX_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert index_root() == tmp_path / "referat" / "indexes"
    monkeypatch.setenv("REFERAT_INDEX_DIR", str(tmp_path / "x"))
    assert index_root() == tmp_path / "x"
    assert index_root(Path("/srv/idx")) == Path("/srv/idx")


def test_an_import_indexes_its_own_saves_without_reading_them_back(url, tmp_path, monkeypatch):
    """The rows a save wrote are kept for this process's next catch-up (``freshrows``); the index then holds
    exactly the current items."""
    from referat.store import pgindex

    store = PostgresStore(url, autoflush=False, index_dir=tmp_path / "a")
    records = list(national(vocabulary_from(real_documents()), 300, seed=5))
    store.save_many(records)
    monkeypatch.setattr(pgindex, "ROWS_SQL", "SELECT 1/0")  # any reading back fails
    assert store.flush() == sum(len(r.meeting.items) for r in records)
    monkeypatch.undo()
    assert indexed(store) == current(store)
    store.close()


@pytest.mark.parametrize("log_batch", [1, 5000])
def test_kept_rows_never_stand_in_for_a_later_version(url, tmp_path, monkeypatch, log_batch):
    """Process A saves version 1 and keeps its rows, B saves version 2 of the same meeting: A's catch-up ends
    with version 2, whether both log entries come in one batch or one after the other."""
    from referat.store import pgindex

    monkeypatch.setattr(pgindex, "LOG_BATCH", log_batch)
    a = PostgresStore(url, autoflush=False, index_dir=tmp_path / "a")
    b = PostgresStore(url, autoflush=False, index_dir=tmp_path / "b")
    meeting_id = a.save(importer.parse_file(SEED)).meeting_id
    assert b.save(changed(None)).status == "replaced"
    a.flush()
    assert indexed(a) == current(a)
    hits = a.search(parse("afviste indstillingen"), limit=5).hits
    assert hits and {h.meeting_id for h in hits} == {meeting_id}
    a.close(), b.close()
