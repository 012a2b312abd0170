"""Analysis for the index in worker processes (``search.parallel``): rows handed to ``prefetch`` while a bulk
import saves are analysed exactly as rows analysed when indexed, a changed item never gets the analysis of its
old text, and the bulk-imported archive searches the same with and without prefetching."""

from __future__ import annotations

import dataclasses

import pytest

from referat.search import parallel
from referat.search.indexing import item_rows
from referat.search.query import parse
from referat.store.sqlite import SQLiteStore
from referat.synth import national, vocabulary_from

from .conftest import real_documents


@pytest.fixture
def rows():
    records = list(national(vocabulary_from(real_documents()), 600))
    return [row for record in records for row in item_rows(record)]


@pytest.fixture(autouse=True)
def two_workers(monkeypatch):
    monkeypatch.setenv("REFERAT_INDEX_WORKERS", "2")
    yield
    parallel._ahead.clear()


def test_prefetched_rows_are_analysed_as_when_indexed(rows):
    want = [parallel.analyzed_fields(row) for row in rows]
    parallel.prefetch(rows[:400])
    assert len(parallel._ahead) == len({(r.title, r.text) for r in rows[:400]})
    changed = dataclasses.replace(rows[7], text=rows[7].text + " kloakrenovering")
    got = list(parallel.analyzed_rows([changed, *rows]))
    assert got[1:] == want
    assert got[0] == parallel.analyzed_fields(changed) and "kloakrenovering" in got[0][1]
    assert not parallel._ahead  # every prefetched row was taken


def test_prefetch_keeps_at_most_max_ahead_rows(rows, monkeypatch):
    monkeypatch.setattr(parallel, "MAX_AHEAD", 250)
    parallel.prefetch(rows[:200])
    parallel.prefetch(rows[200:400])
    assert len(parallel._ahead) <= 250
    assert (rows[399].title, rows[399].text) in parallel._ahead  # the newest stay, the oldest gave way
    assert list(parallel.analyzed_rows(rows)) == [parallel.analyzed_fields(row) for row in rows]


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
