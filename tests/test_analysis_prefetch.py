"""Index documents made in worker processes (``search.parallel``): items handed to ``prefetch`` while a bulk
import saves become exactly the documents made when indexed, and the bulk-imported archive searches the same
with and without prefetching."""

from __future__ import annotations

import json

import pytest

from referat.search import parallel
from referat.search.indexing import item_rows
from referat.search.query import parse
from referat.store.sqlite import SQLiteStore
from referat.synth import national, vocabulary_from

from .conftest import real_documents


@pytest.fixture
def items():
    records = list(national(vocabulary_from(real_documents()), 600))
    return [(m, m * 1000 + n, row) for m, record in enumerate(records, start=1)
            for n, row in enumerate(item_rows(record))]


@pytest.fixture(autouse=True)
def two_workers(monkeypatch):
    monkeypatch.setenv("REFERAT_INDEX_WORKERS", "2")


def test_prefetched_documents_are_made_as_when_indexed(items):
    want = [parallel.index_document(item) for item in items]
    ahead = parallel.Ahead()
    ahead.prefetch(items[:400])
    assert len(ahead) == 400
    got = list(ahead.documents(items))
    assert got == want
    assert not len(ahead)  # every prefetched document was taken
    doc = json.loads(got[0])
    meeting_id, item_id, row = items[0]
    assert (doc["item_id"], doc["meeting_id"], doc["f_municipality"]) == (item_id, meeting_id, row.municipality)
    assert doc["expanded"] and doc["f_person"] == row.persons


def test_prefetch_keeps_at_most_max_ahead_documents(items, monkeypatch):
    monkeypatch.setattr(parallel, "MAX_AHEAD", 250)
    ahead = parallel.Ahead()
    ahead.prefetch(items[:200])
    ahead.prefetch(items[200:400])
    assert len(ahead) <= 250
    assert items[399][1] in ahead and items[0][1] not in ahead  # the newest stay, the oldest gave way
    assert list(ahead.documents(items)) == [parallel.index_document(item) for item in items]


def test_documents_made_ahead_survive_the_pool_shutting_down(items):
    ahead = parallel.Ahead()
    ahead.prefetch(items[:400])
    parallel.shutdown()
    assert list(ahead.documents(items[:400])) == [parallel.index_document(item) for item in items[:400]]


def test_bulk_import_with_prefetch_searches_as_without(tmp_path, monkeypatch):
    records = list(national(vocabulary_from(real_documents()), 3000))
    found = []
    for name, ahead in (("with.db", parallel.MAX_AHEAD), ("without.db", 0)):
        monkeypatch.setattr(parallel, "MAX_AHEAD", ahead)
        with SQLiteStore(tmp_path / name, autoflush=False) as store:
            for i in range(0, len(records), 100):
                store.save_many(records[i:i + 100])
            store.flush()
            found.append([[(h.meeting_id, h.number) for h in store.search(parse(q), limit=50).hits]
                          for q in ("udvalget", "budget beskæftigelse", '"taget til efterretning"', "kultur*")])
    assert found[0] == found[1] and all(found[0])
