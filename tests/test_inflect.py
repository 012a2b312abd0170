"""Danish inflections the stemmer keeps apart are joined at query time (search/inflect.py).

Pairs whose snowball stems differ must meet; words that only look alike must not
(``bør`` "ought" is no form of ``barn``, ``sagen`` no form of ``sagn``).  Over the
real documents, a query in one form finds items that only use another.
"""

from __future__ import annotations

import pytest

from referat.search.analyzer import compound_parts, stem, words
from referat.search.inflect import variant_stems
from referat.search.query import parse

JOINED = [("budget", "budgettet"), ("budgetterne", "budget"), ("regel", "reglerne"), ("center", "centret"),
          ("centrene", "center"), ("teater", "teatret"), ("kapitel", "kapitlet"), ("cykel", "cykler"),
          ("middel", "midlerne"), ("barn", "børnene"), ("børn", "barn"), ("hånd", "hænder"), ("år", "året"),
          ("året", "årene"), ("bog", "bøger"), ("nat", "nætter"), ("by", "byen")]
APART = [("bør", "barn"), ("bør", "børn"), ("sagen", "sagn"), ("børnene", "bør"), ("plan", "planet"),
         ("skole", "skal"), ("bare", "barn")]


@pytest.mark.parametrize("query, text", JOINED)
def test_forms_meet(query, text):
    assert stem(text) in variant_stems(query), (query, text, sorted(variant_stems(query)))


@pytest.mark.parametrize("query, text", APART)
def test_lookalikes_stay_apart(query, text):
    assert stem(text) not in variant_stems(query) or stem(text) == stem(query)


def test_numbers_and_prefixes_are_left_alone():
    assert variant_stems("2025") == frozenset() and variant_stems("10,86") == frozenset()


@pytest.fixture(scope="module")
def store(real_store):  # the shared real archive of each backend (conftest)
    return real_store


@pytest.mark.parametrize("query, only_form", [("centret", "center"), ("cykler", "cykel"), ("barn", "børn"),
                                              ("budgettet", "budget")])
def test_query_finds_items_that_use_another_form(store, query, only_form):
    """Items that use ``only_form`` (as a word or a part of a compound the analyzer splits) and no word with the
    query's own stem are found; the expectation is read from the stored texts, not typed in."""
    hits = store.search(parse(query), limit=500, count=True)
    found = {(h.meeting_id, h.number) for h in hits.hits}
    wanted = set()
    for m in store.meetings():
        for item in store.get(m.id).meeting.items:
            text = item.title + " " + " ".join(s.text for s in item.sections)
            ws = words(text)
            uses = any(w == only_form or only_form in compound_parts(w) for w in ws)
            if item.public and uses and not any(stem(w) == stem(query) for w in ws):
                wanted.add((m.id, item.number))
    assert wanted, f"the real documents have no item with only '{only_form}'"
    assert wanted <= found, sorted(wanted - found)[:5]
