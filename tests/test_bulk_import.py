"""Bulk import (``Store.save_many``): the same results as ``save``, and readers during a big import
see the old or the new version of a meeting, never half.  Run on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from referat.parse import importer
from referat.search.query import parse
from referat.store import open_store
from referat.store.base import SearchFilters
from referat.synth import national, vocabulary_from

from .backends import BACKENDS, target
from .conftest import real_documents
from .test_store import SEED, changed_version


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield t


def test_save_many_is_save_in_bulk(where):
    vocab = vocabulary_from(real_documents())
    synthetic = list(national(vocab, 300))
    with open_store(where) as store:
        first = store.save_many([importer.parse_file(SEED), *synthetic])
        assert [r.status for r in first] == ["new"] * (1 + len(synthetic))
        again = store.save_many([changed_version(importer.parse_file(SEED)), synthetic[0]])
        assert [r.status for r in again] == ["replaced", "unchanged"]
        assert again[0].meeting_id == first[0].meeting_id and again[1] == first[1].__class__(first[1].meeting_id,
                                                                                            "unchanged")
        assert len(store.meetings()) == 1 + len(synthetic)
        assert sum(m.items for m in store.meetings()) == 300 + len(importer.parse_file(SEED).meeting.items)
        assert [h.number for h in store.search(parse('"afviste indstillingen"')).hits] == ["6"]


def test_readers_during_a_big_import_see_old_or_new(where):
    vocab = vocabulary_from(real_documents())
    writer = open_store(where)
    seed = writer.save(importer.parse_file(SEED)).meeting_id
    committee = importer.parse_file(SEED).meeting.committee
    counts: list[int] = []
    stop = threading.Event()

    def read() -> None:
        reader = open_store(where)
        while not stop.is_set():
            hits = reader.search(parse("udvalget OR tiltrådte OR indstillingen"), SearchFilters(committee=committee),
                                 limit=100).hits
            counts.append(sum(h.meeting_id == seed for h in hits))
        reader.close()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    synthetic = national(vocab, 1000)
    for i in range(6):
        version = changed_version(None) if i % 2 == 0 else importer.parse_file(SEED)
        version.document.sha256 = f"{i:064d}"
        batch = [next(synthetic) for _ in range(10)]
        writer.save_many([*batch[:5], version, *batch[5:]])
        writer.flush()
    stop.set()
    for t in threads:
        t.join()
    writer.close()
    assert counts and set(counts) <= {7, 8}
