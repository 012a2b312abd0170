"""KLE subject group and person as search filters and facets, on both backends, over the real documents.

Expected values are worked out from the imported meetings themselves (case ids, present
participants), never typed in: the store's answers must agree with the documents.
"""

from __future__ import annotations

import warnings
from collections import Counter

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.search.indexing import meeting_persons
from referat.search.query import parse
from referat.store.base import SearchFilters
from referat.vocab.kle import group_label, group_name, group_of
from referat.web import create_app

QUERY = "udvalget OR indstillingen OR budget"


@pytest.fixture(scope="module")
def store(real_store):  # the shared real archive of each backend (conftest)
    return real_store


def matched(store, filters: SearchFilters | None = None):
    """(meeting id, item number) -> (KLE groups, persons) of every item the query matches."""
    filters = filters or SearchFilters()
    hits = store.search(parse(QUERY), filters, limit=1000, count=True)
    assert hits.total == len(hits.hits)
    out = {}
    for h in hits.hits:
        record = store.get(h.meeting_id)
        item = next(i for i in record.meeting.items if i.number == h.number)
        groups = {g for c in item.case_ids if (g := group_of(c.value))}
        out[(h.meeting_id, h.number)] = (groups, set(meeting_persons(record.meeting)))
    return out


def test_facets_count_what_the_documents_say(store):
    everything = matched(store)
    kle = Counter(g for groups, _ in everything.values() for g in groups)
    persons = Counter(p for _, people in everything.values() for p in people)
    facets = store.facets(parse(QUERY))
    assert kle and persons
    assert {v.value: v.count for v in facets.kle} == dict(kle)
    assert {v.value: v.count for v in facets.person} == dict(persons) or (
        len(facets.person) == 30 and all(persons[v.value] == v.count for v in facets.person))
    for v in facets.kle:
        assert v.label == group_label(v.value)
        assert v.label.startswith(v.value)


def test_absent_participants_are_not_persons_of_the_meeting(store):
    absent = {f"{p.person.name} ({p.person.party})" if p.person.party else p.person.name
              for m in store.meetings() for p in store.get(m.id).meeting.participants if not p.present}
    present = {p for m in store.meetings() for p in meeting_persons(store.get(m.id).meeting)}
    only_absent = absent - present
    assert only_absent, "the real documents list someone who sent apologies"
    assert not only_absent & {v.value for v in store.facets(parse(QUERY)).person}


def test_filters_keep_exactly_the_items_of_that_group_or_person(store):
    everything = matched(store)
    facets = store.facets(parse(QUERY))
    for v in facets.kle:
        kept = matched(store, SearchFilters(kle=v.value))
        assert set(kept) == {k for k, (groups, _) in everything.items() if v.value in groups}
    for v in facets.person[:5]:
        kept = matched(store, SearchFilters(person=v.value))
        assert set(kept) == {k for k, (_, people) in everything.items() if v.value in people}
        assert len(kept) == v.count


def test_kle_names_come_from_the_shipped_list():
    assert group_name("15.00") is not None and group_name("00.01") == "Kommunens styrelse"
    assert group_name("00.30") is None and group_label("00.30") == "00.30"  # not in KL's list we ship
    assert group_of("15.00.00-A00-10-23") == "15.00" and group_of("EMN-2025-003383") is None


def test_search_page_and_json_show_and_apply_both_facets(store):
    facets = store.facets(parse(QUERY))
    group, person = facets.kle[0], facets.person[0]
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        page = client.get("/soeg", params={"q": QUERY})
        assert page.status_code == 200
        assert "KLE-emne" in page.text and group.label in page.text and person.value in page.text
        data = client.get("/soeg.json", params={"q": QUERY, "kle": group.value}).json()
        assert data["filters"]["kle"] == group.value and data["total"] == group.count
        assert data["facets"]["kle"][0] == {"value": group.value, "count": group.count, "label": group.label}
        data = client.get("/soeg.json", params={"q": QUERY, "person": person.value}).json()
        assert data["filters"]["person"] == person.value and data["total"] == person.count
        filtered = client.get("/soeg", params={"q": QUERY, "person": person.value})
        assert f"Fjern filter Person: {person.value}" in filtered.text
        assert client.get("/soeg", params={"q": QUERY, "kle": "femten"}).status_code == 400
