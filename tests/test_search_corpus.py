"""Search over every real document (all formats): query -> (municipality, title) that must rank in the top 3."""

from __future__ import annotations

import pytest

from referat.search.query import parse
from referat.store.base import SearchFilters


@pytest.fixture(scope="module")
def store(real_store):  # the shared real archive of each backend (conftest)
    return real_store


TOP3 = [
    ("kulturkommune", "Syddjurs", "Kulturkommune 2017. Politiske fokusområder"),
    ("vedligeholdelse", "Ballerup", "Bygningsvedligeholdelse 2013 - anlægsbevilling"),   # compound part
    ("rygestop", "Ballerup", "Evaluering af rygestopkurser"),                           # compound head
    ("aflastning", "Ballerup", "Takstreduktion på aflastningstilbuddet Torvevej i Skovlunde i 2013"),
    ("udviklingsplanen", "Aarhus", "Udviklingsplan Aarhus Ø - endelig vedtagelse"),     # inflection
    ('"Aarhus Ø"', "Aarhus", "Udviklingsplan Aarhus Ø - endelig vedtagelse"),           # æøå in a phrase
    ("budget 2026", "Aarhus", "Forslag til budget 2026-2029"),
    ("sundhedsvæsenet", "Ballerup", "Meddelelser"),
    ("beskæftigelsesstrategi", "Ballerup", "Revideret beskæftigelsesstrategi"),
]


@pytest.mark.parametrize("query,municipality,title", TOP3)
def test_top3(store, query, municipality, title):
    top = [(h.municipality, h.title) for h in store.search(parse(query), limit=3).hits]
    assert (municipality, title) in top


def test_same_meeting_in_two_formats_is_one_meeting_found_once(store):
    """Syddjurs' minutes as PDF and as Acadre XML are one meeting (issue 18): its item is one hit."""
    hits = store.search(parse("kulturkommune"), limit=10).hits
    found = [h for h in hits if h.title.startswith("Kulturkommune 2017")]
    assert len(found) == 1


def test_filters_across_municipalities(store):
    only = store.search(parse("budget"), SearchFilters(municipality="aarhus"), limit=50).hits
    assert only and {h.municipality for h in only} == {"Aarhus"}
    acadre = store.search(parse("kultur"), SearchFilters(case_prefix="12/"), limit=50).hits
    assert [h.number for h in acadre] == ["715"]  # (one meeting, though imported as PDF and XML)
    emn = store.search(parse("udviklingsplan"), SearchFilters(case_prefix="EMN-2025"), limit=50).hits
    assert emn and all(h.municipality == "Aarhus" for h in emn)
