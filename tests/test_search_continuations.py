"""A query word's continuations ("skole" -> "skolevægring") that its stem or compound parts reach already are left
out of the compiled query (``SearchIndex._completions``): that must never change which items a search matches."""

from __future__ import annotations

import re

import pytest

from referat.search import index as index_module
from referat.search.analyzer import words
from referat.search.query import parse
from referat.store.base import SearchFilters, index_filters


@pytest.fixture(scope="module")
def archive(real_sqlite):
    return real_sqlite


def _query_words(archive) -> list[str]:
    """Words of four letters or more that other indexed words continue: the words whose clauses get
    continuations, taken from the real archive's item titles."""
    titles = [h.title for h in archive.search(parse("og"), limit=400).hits]
    found = sorted({w for t in titles for w in words(t) if len(w) >= 4 and w.isalpha()})
    searcher = archive.index.searcher()
    return [w for w in found if len(searcher.terms_with_prefix("exact", w, limit=2)) > 1]


def _matches(archive, word: str) -> tuple[int, int]:
    index = archive.index
    index._compiled.clear()
    index._clauses.clear()
    compiled = index.compile(parse(word), index_filters(SearchFilters()))
    terms = len(re.findall(r"TermQuery", repr(compiled)))
    return index.searcher().search(compiled, limit=1, count=True).count, terms


def test_leaving_out_covered_continuations_keeps_every_match(archive, monkeypatch):
    query_words = _query_words(archive)
    assert len(query_words) >= 40
    pruned = {w: _matches(archive, w) for w in query_words}
    monkeypatch.setattr(index_module, "expansions", lambda word: [])  # nothing counts as covered: all continuations
    full = {w: _matches(archive, w) for w in query_words}
    archive.index._compiled.clear()
    archive.index._clauses.clear()
    assert {w: n for w, (n, _) in pruned.items()} == {w: n for w, (n, _) in full.items()}
    # and continuations were left out (else this test would compare a query with itself)
    fewer = [w for w in query_words if pruned[w][1] < full[w][1]]
    assert len(fewer) >= len(query_words) // 4, fewer
