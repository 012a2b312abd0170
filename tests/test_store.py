"""The store contract: idempotent, atomic imports; replace on a changed version; read back losslessly.

Written against ``Store`` and run on every backend (SQLite and PostgreSQL, see ``backends.py``).
"""

from __future__ import annotations

import dataclasses
import threading

import pytest

from referat.errors import NotFound
from referat.parse import importer
from referat.search.query import parse
from referat.store import open_store

from .backends import BACKENDS, target
from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield t


@pytest.fixture
def store(where):
    s = open_store(where)
    yield s
    s.close()


def changed_version(record):
    """The same meeting, re-published with one decision changed."""
    data = SEED.read_bytes().replace("Tiltrådte indstillingen, idet".encode(), b"Afviste indstillingen, idet")
    return importer.parse_bytes(data, SEED.name)


def test_save_and_read_back(store):
    record = importer.parse_file(SEED)
    result = store.save(record)
    assert result.status == "new"
    assert store.get(result.meeting_id) == record


def test_reimport_is_idempotent(store):
    record = importer.parse_file(SEED)
    first = store.save(record)
    again = store.save(importer.parse_file(SEED))
    assert again == dataclasses.replace(first, status="unchanged")
    assert len(store.meetings()) == 1
    assert len(store.search(parse("tiltrådte"), limit=100).hits) == len(record.meeting.items) - 1


def test_changed_version_replaces_old(store):
    first = store.save(importer.parse_file(SEED))
    newer = changed_version(importer.parse_file(SEED))
    second = store.save(newer)
    assert second.status == "replaced" and second.meeting_id == first.meeting_id
    assert len(store.meetings()) == 1
    assert store.get(first.meeting_id).document.sha256 == newer.document.sha256
    hits = {h.number: h for h in store.search(parse('"afviste indstillingen"')).hits}
    assert list(hits) == ["6"] and hits["6"].outcome == "rejected"
    assert len(store.search(parse("tiltrådte"), limit=100).hits) == 6


def test_unknown_meeting(store):
    with pytest.raises(NotFound):
        store.get(12345)
    with pytest.raises(NotFound):
        store.item_id(12345, "1")


def test_failed_save_leaves_store_unchanged(store, monkeypatch):
    store.save(importer.parse_file(SEED))
    before = store.meetings()
    newer = changed_version(importer.parse_file(SEED))
    from referat.search import indexing

    real = indexing.item_rows

    def crash_half_way(record):
        rows = real(record)
        yield from rows[:3]
        raise RuntimeError("disk on fire")

    writes = {"referat.store.sqlite": "referat.store.sqlitewrite"}  # where each store's writes take item rows
    module = type(store).__module__
    monkeypatch.setattr(f"{writes.get(module, module)}.item_rows", crash_half_way)
    with pytest.raises(RuntimeError):
        store.save(newer)
    assert store.meetings() == before
    assert len(store.search(parse("tiltrådte"), limit=100).hits) == 7


def test_readers_never_see_half_a_meeting(where):
    path = where
    writer = open_store(path)
    writer.save(importer.parse_file(SEED))
    counts: list[int] = []
    stop = threading.Event()

    def read():
        reader = open_store(path)
        while not stop.is_set():
            counts.append(len(reader.search(parse("udvalget OR tiltrådte OR indstillingen"), limit=100).hits))
        reader.close()

    t = threading.Thread(target=read)
    t.start()
    for i in range(20):
        rec = changed_version(importer.parse_file(SEED)) if i % 2 == 0 else importer.parse_file(SEED)
        rec.document.sha256 = f"{i:064d}"
        writer.save(rec)
    stop.set()
    t.join()
    writer.close()
    assert counts and set(counts) <= {7, 8}


def test_concurrent_imports_of_one_document_keep_one_copy(where):
    stores = [open_store(where) for _ in range(4)]
    results: list = []

    def save(s):
        results.append(s.save(importer.parse_file(SEED)))

    threads = [threading.Thread(target=save, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == ["new", "unchanged", "unchanged", "unchanged"]
    assert len({r.meeting_id for r in results}) == 1
    assert len(stores[0].meetings()) == 1
    for s in stores:
        s.close()


def test_explicit_meeting_id_is_kept(store):
    result = store.save(importer.parse_file(SEED), meeting_id=42)
    assert result.meeting_id == 42 and store.get(42).document.sha256 == importer.parse_file(SEED).document.sha256
    other = store.save(importer.parse_file(SHARED / "seeds" / "002_89fe332627ef705c.txt"))
    assert other.meeting_id > 42


def test_closed_items_index_only_their_title(store):
    record = importer.parse_file(SEED)
    closed = next(i for i in record.meeting.items if i.number == "2")  # the only item about områdebevillingerne
    closed.public = False
    store.save(record)
    assert store.search(parse("områdebevillingerne"), limit=100).hits == []
    title_hits = [h for h in store.search(parse(f'"{closed.title}"'), limit=100).hits if h.title == closed.title]
    assert title_hits and not title_hits[0].public
    assert "områdebevilling" not in title_hits[0].snippet.lower()


def test_committees_and_meetings_between_agree_with_meetings(real_store):
    """The portal's municipality, calendar and browsing reads (``committees``, ``meetings_between``): one grouped
    query and one ranged query, the same answer as reading every meeting."""
    from datetime import datetime

    meetings = real_store.meetings()
    pairs = sorted({(m.municipality, m.committee) for m in meetings})
    got = real_store.committees()
    assert [(c.municipality, c.committee) for c in got] == pairs
    for c in got:
        mine = [m for m in meetings if (m.municipality, m.committee) == (c.municipality, c.committee)]
        assert c.meetings == len(mine)
        assert c.latest == max((m.start for m in mine if m.start), default=None)
    start, end = datetime(2012, 1, 1), datetime(2025, 10, 8, 16, 0)  # the end is exclusive: Aarhus Byråd's start
    between = real_store.meetings_between(start, end)
    expected = sorted((m for m in meetings if m.start and start <= m.start < end), key=lambda m: (m.start, m.id))
    assert [m.id for m in between] == [m.id for m in expected] and between
    assert all(m.id in {x.id for x in meetings} for m in between)
    aarhus = real_store.meetings_between(datetime(2025, 1, 1), datetime(2026, 1, 1), municipality="Aarhus",
                                         committee="Teknisk Udvalg")
    assert [m.id for m in aarhus] == [m.id for m in sorted(meetings, key=lambda m: (m.start or datetime.min, m.id))
                                      if m.municipality == "Aarhus" and m.committee == "Teknisk Udvalg"
                                      and m.start and m.start.year == 2025]
    assert real_store.meetings_between(datetime(1900, 1, 1), datetime(1901, 1, 1)) == []


def test_people_attendance_is_person_attendance_of_each(real_store):
    """Several people's attendance in one query: the same rows as asking for each person."""
    keys = sorted({r.person_key for m in real_store.committees()
                   for r in real_store.committee_attendance(m.municipality, m.committee)})[:12]
    assert len(keys) > 5
    together = real_store.people_attendance([*keys, "nowhere/nobody"])
    for key in keys:
        assert [r for r in together if r.person_key == key] == real_store.person_attendance(key)
    assert {r.person_key for r in together} == set(keys)
    assert real_store.people_attendance([]) == []
