"""SQLite and PostgreSQL must answer every search the same way.

Both stores search with the same tantivy index over the same analysis (the
PostgreSQL store keeps it beside the database, following the change log), so
hits, their order, totals, snippets and facets must be identical; only the
item ids differ (each store numbers its own rows).
"""

from __future__ import annotations

import pytest

from referat.search.query import parse
from referat.store.base import SearchFilters

QUERIES = ["udvalget", "strategi", "beskæftigelsesstrategien", "erhvervs politik", "erhvervspolitik",
           "ankestyrelse*", '"10,86 mio. kr."', "15.00.00-A00-10-23", "måløv", "strategi -kontrol",
           "budget OR kultur", "kulturkommune", "vedligeholdelse", "rygestop", '"Aarhus Ø"', "budget 2026",
           "sundhedsvæsenet", "indsatsen", "aflastning", "lokalplan", "børn unge", "-budget udvalget"]
FILTERS = [SearchFilters(), SearchFilters(municipality="aarhus"), SearchFilters(case_prefix="15.00"),
           SearchFilters(outcome="approved"), SearchFilters(committee="Teknisk Udvalg"),
           SearchFilters(kle="15.00"), SearchFilters(person="Anja Holtze (A)")]


@pytest.fixture(scope="module")
def stores(real_sqlite, real_postgres):  # the shared real archives (conftest)
    return [real_sqlite, real_postgres]


def _found(store, query, filters, sort="relevance"):
    result = store.search(parse(query), filters, limit=500, count=True, sort=sort)
    return result.total, [(h.meeting_id, h.number, h.snippet, round(h.score, 4)) for h in result.hits]


@pytest.mark.parametrize("query", QUERIES)
def test_same_hits(stores, query):
    for filters in FILTERS:
        sqlite_found, pg_found = (_found(s, query, filters) for s in stores)
        assert sqlite_found == pg_found, (query, filters)
    by_date = [[(m, n) for m, n, _, _ in _found(s, query, SearchFilters(), "date")[1]] for s in stores]
    assert sorted(by_date[0]) == sorted(by_date[1])


def test_same_facets_and_portal_reads(stores):
    sqlite_store, pg_store = stores
    for query, filters in (("udvalget", SearchFilters()), ("budget", SearchFilters(municipality="Aarhus"))):
        assert sqlite_store.facets(parse(query), filters) == pg_store.facets(parse(query), filters)
    assert [m.id for m in sqlite_store.recent_meetings(5)] == [m.id for m in pg_store.recent_meetings(5)]
    assert sqlite_store.recent_meetings(2, municipality="Ballerup") == pg_store.recent_meetings(
        2, municipality="Ballerup")
    cases = ["15.00.00-A00-10-23", "EMN-2025-008294"]
    assert [(c.meeting_id, c.number) for c in sqlite_store.case_items(cases)] == [
        (c.meeting_id, c.number) for c in pg_store.case_items(cases)]
    by_date = pg_store.search(parse("budget"), limit=20, sort="date").hits
    assert by_date and [h.start for h in by_date] == sorted((h.start for h in by_date), reverse=True)
