"""The public portal over every real document: each page type, its JSON twin, closed items, and bad input."""

from __future__ import annotations

import re
import warnings

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.web import create_app


@pytest.fixture(scope="module")
def store(real_sqlite):  # the shared real archive (conftest)
    return real_sqlite


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        yield c


def _meeting_id(store, committee: str, fmt: str) -> int:
    return next(m.id for m in store.meetings() if m.committee == committee and m.format == fmt)


def _one_meeting_of_both_formats(store, committee: str) -> int:
    """The committee's only meeting, imported as PDF and as XML: one meeting with both as sources (issue 18)."""
    [meeting] = [m for m in store.meetings() if m.committee == committee]
    docs = store.meeting_documents([meeting.id])[meeting.id]
    assert sorted(d["format"] for d in docs) == ["pdf", "xml"]
    return meeting.id


def _closed(store):
    for m in store.meetings():
        for item in store.get(m.id).meeting.items:
            if not item.public:
                return m.id, item
    pytest.skip("no closed item in the corpus")


def test_front_page(client, store):
    r = client.get("/")
    assert r.status_code == 200 and '<html lang="da">' in r.text
    assert 'href="#indhold"' in r.text and "Seneste møder" in r.text and '<label for="q">' in r.text
    assert "Teknisk Udvalg" in r.text
    j = client.get("/index.json").json()
    assert len(j["latest"]) == min(10, len(store.meetings()))


def test_search_page_with_marks_facets_and_sorting(client):
    r = client.get("/soeg", params={"q": "udviklingsplan"})
    assert r.status_code == 200
    assert "<mark>" in r.text and "‹" not in r.text
    assert "Kommune" in r.text and "Udfald" in r.text and "Aarhus" in r.text
    j = client.get("/soeg.json", params={"q": "budget"}).json()
    assert j["total"] >= len(j["hits"]) > 0
    assert sum(v["count"] for v in j["facets"]["municipality"]) == j["total"]
    assert sum(v["count"] for v in j["facets"]["year"]) <= j["total"]
    by_date = client.get("/soeg.json", params={"q": "budget", "sorter": "dato"}).json()["hits"]
    starts = [h["start"] for h in by_date if h["start"]]
    assert starts == sorted(starts, reverse=True)
    only = client.get("/soeg.json", params={"q": "budget", "kommune": "Aarhus", "aar": "2025"}).json()
    assert only["hits"] and {h["municipality"] for h in only["hits"]} == {"Aarhus"}
    assert all(h["start"].startswith("2025") for h in only["hits"])
    assert client.get("/soeg", params={"q": "budget"}, headers={"accept": "application/json"}).json()["total"]


def test_paging(client):
    total = client.get("/soeg.json", params={"q": "udvalget"}).json()["total"]
    assert total > 20
    page2 = client.get("/soeg.json", params={"q": "udvalget", "side": "2"}).json()
    assert page2["page"] == 2 and page2["hits"]
    assert 'rel="next"' in client.get("/soeg", params={"q": "udvalget"}).text


def test_meeting_page(client, store):
    mid = _meeting_id(store, "Teknisk Udvalg", "html")
    r = client.get(f"/moede/{mid}")
    assert r.status_code == 200 and "<h1>" in r.text and '<th scope="col">' in r.text
    record = store.get(mid)
    for item in record.meeting.items:
        assert f"/moede/{mid}/punkt/{item.number}" in r.text
    j = client.get(f"/moede/{mid}.json").json()["meeting"]
    assert [i["number"] for i in j["items"]] == [i.number for i in record.meeting.items]
    assert j["source"]["name"] == record.document.source_name


def test_participants_with_party(client, store):
    for m in store.meetings():
        participants = store.get(m.id).meeting.participants
        with_party = [p for p in participants if p.person.party]
        if with_party:
            text = client.get(f"/moede/{m.id}").text
            assert "Deltagere" in text and with_party[0].person.name in text
            return
    pytest.skip("no participant with a party in the corpus")


def test_item_page(client, store):
    mid = _meeting_id(store, "Teknisk Udvalg", "html")
    item = next(i for i in store.get(mid).meeting.items if i.public and i.sections and i.decisions)
    r = client.get(f"/moede/{mid}/punkt/{item.number}")
    assert r.status_code == 200
    assert r.text.count("<h1>") == 1 and "<h2" in r.text
    assert "Beslutning og udfald" in r.text
    for s in item.sections:
        if s.role == "attachments" and item.attachments:  # listed once, as the item's attachments
            assert f">Bilag ({len(item.attachments)})</h2>" in r.text
        elif s.heading and s.role not in ("decision", "absence"):
            assert f">{s.heading}</h2>" in r.text.replace("&amp;", "&")
    j = client.get(f"/moede/{mid}/punkt/{item.number}.json").json()
    assert j["item"]["title"] == item.title and j["item"]["sections"]


def test_case_history_across_meetings(client, store):
    # The Syddjurs meeting is stored from PDF and XML: the same case id in two meetings.
    pairs = {}
    for m in store.meetings():
        for item in store.get(m.id).meeting.items:
            for c in item.case_ids:
                pairs.setdefault(c.value, set()).add((m.id, item.number))
    shared = [(v, refs) for v, refs in pairs.items() if len({r[0] for r in refs}) > 1]
    assert shared
    _value, refs = shared[0]
    (mid, number), (other_mid, other_number) = sorted(refs)[:2]
    j = client.get(f"/moede/{mid}/punkt/{number}.json").json()
    assert f"/moede/{other_mid}/punkt/{other_number}" in [t["url"] for t in j["treatments"]]
    assert "Andre behandlinger af samme sag" in client.get(f"/moede/{mid}/punkt/{number}").text


def test_committee_page(client, store):
    r = client.get("/kommune/Aarhus/udvalg/Teknisk%20Udvalg")
    assert r.status_code == 200 and "Teknisk Udvalg" in r.text
    j = client.get("/kommune/Aarhus/udvalg/Teknisk%20Udvalg.json").json()
    assert j["meetings"] and all(m["committee"] == "Teknisk Udvalg" for m in j["meetings"])


def test_closed_items_never_show_content(client, store):
    mid, item = _closed(store)
    secret = [s.text for s in item.sections if len(s.text) > 30]
    for url in (f"/moede/{mid}/punkt/{item.number}", f"/moede/{mid}/punkt/{item.number}.json", f"/moede/{mid}",
                f"/moede/{mid}.json"):
        r = client.get(url)
        assert r.status_code == 200
        assert "Lukket punkt" in r.text
        for text in secret:
            assert text[:30] not in r.text
    j = client.get(f"/moede/{mid}/punkt/{item.number}.json").json()["item"]
    assert set(j) <= {"number", "position", "title", "public", "url", "note"}


@pytest.mark.parametrize("url,status", [
    ("/moede/999999", 404), ("/moede/999999.json", 404), ("/moede/abc", 404), ("/moede/1/punkt/9999", 404),
    ("/kommune/Nowhere/udvalg/Nothing", 404), ("/findes-ikke", 404),
    ("/soeg?q=%22", 400), ("/soeg?q=-budget", 400), ("/soeg?q=budget&side=0", 400),
    ("/soeg?q=budget&side=99999999999", 400), ("/soeg?q=budget&side=400", 404), ("/soeg?q=budget&sorter=x", 400),
    ("/soeg?q=budget&aar=19x9", 400), ("/soeg?q=budget&udfald=%27%3B%20DROP%20TABLE%20items%3B--", 400),
    ("/soeg?q=" + "a" * 600, 400), ("/soeg?q=a%00b", 400),
])
def test_bad_requests_are_danish_4xx(client, url, status):
    r = client.get(url)
    assert r.status_code == status, r.text[:300]
    assert '<html lang="da">' in r.text or ".json" in url
    j = client.get(url, headers={"accept": "application/json"})
    assert j.status_code == status and j.json()["error"]["message"]


HOSTILE = [
    "<script>alert(1)</script>", "'; DROP TABLE items; --", '" OR 1=1 --', "*", "**", "-", "OR", "OR OR",
    "a" * 499, "\u202e\u0000", "%00", "../../etc/passwd", "budget" + " OR budget" * 40, '"""', "(", "[]{}",
    "æøå*", "NOT", "-\"x\"", "a*b*c", "🙂", "\\", "budget\u00a0plan",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_500(client, q):
    for params in ({"q": q}, {"q": "budget", "kommune": q}, {"q": "budget", "udvalg": q}):
        r = client.get("/soeg", params=params)
        assert r.status_code < 500, (params, r.text[:300])
        assert "<script>alert" not in r.text


@pytest.mark.parametrize("path", ["/moede/%3Cscript%3E", "/moede/1/punkt/%3Cscript%3E", "/moede/-1",
                                  "/moede/1e9", "/kommune/%00/udvalg/x", "/moede/" + "9" * 40,
                                  "/kommune/%3Cb%3E/udvalg/%22"])
def test_hostile_paths_never_500(client, path):
    r = client.get(path)
    assert 400 <= r.status_code < 500
    assert "<script>" not in r.text and not re.search(r"<b>", r.text)


def test_post_is_refused(client):
    assert client.post("/soeg", data={"q": "x"}).status_code == 405


def test_meeting_participants_link_to_person_pages_with_memberships_and_attendance(client, store):
    meeting_id = _one_meeting_of_both_formats(store, "Sundheds- og Forebyggelsesudvalget")
    meeting = client.get(f"/moede/{meeting_id}.json").json()["meeting"]
    chair = next(p for p in meeting["participants"] if p["role"] == "formand")
    assert chair["url"] == "/person/ballerup/lolan-ottesen"
    assert f'href="{chair["url"]}"' in client.get(f"/moede/{meeting_id}").text
    page = client.get(chair["url"])
    assert page.status_code == 200 and "<h1>Lolan Ottesen (A)</h1>" in page.text
    assert "Medlemskaber" in page.text and "Fremmøde" in page.text and "formand" in page.text
    j = client.get(chair["url"] + ".json").json()
    assert j["person"]["name"] == "Lolan Ottesen" and j["person"]["municipality"] == "Ballerup"
    [seat] = j["memberships"]
    assert seat["committee"] == "Sundheds- og Forebyggelsesudvalget" and seat["party"] == "A" and seat["current"]
    assert seat["committee_url"] == "/kommune/ballerup/udvalg/sundheds-og-forebyggelsesudvalget"
    # the one meeting, imported from both PDF and XML, is counted once
    assert seat["present"] + seat["absent"] == 1 == len(j["attendance"]["meetings"])
    assert [a["url"] for a in j["attendance"]["meetings"]] == [f"/moede/{meeting_id}"]


def test_person_page_shows_item_absences_and_dissents(client):
    j = client.get("/person/aarhus/solveig-munk.json").json()
    [dissent] = j["mentions"]
    assert dissent["kind"] == "dissent" and "kunne ikke tiltræde" in dissent["text"]
    assert client.get(dissent["url"]).status_code == 200
    absent = client.get("/person/albertslund/dogan-polat.json").json()["mentions"]
    assert absent and {m["kind"] for m in absent} == {"absent"}
    assert "Dogan Polat" in client.get("/person/albertslund/dogan-polat").text


def test_committee_page_lists_current_members_with_party_and_role(client, store):
    meeting_id = _one_meeting_of_both_formats(store, "Udvalget for plan, udvikling og kultur (PUK)")
    participants = store.get(meeting_id).meeting.participants
    page = "/kommune/syddjurs/udvalg/udvalget-for-plan-udvikling-og-kultur-puk"
    old = "/kommune/Syddjurs/udvalg/Udvalget%20for%20plan%2C%20udvikling%20og%20kultur%20%28PUK%29"
    moved = client.get(old + ".json", follow_redirects=False)  # the name URL moved to the slug
    assert moved.status_code == 301 and moved.headers["location"] == page + ".json"
    r = client.get(page + ".json")
    assert r.status_code == 200
    members = r.json()["members"]
    assert participants and {m["name"] for m in members["current"]} == {p.person.name for p in participants}
    assert members["past"] == []
    assert all(m["url"].startswith("/person/syddjurs/") and m["party"] for m in members["current"])
    assert all(m["present"] == 1 and m["absent"] == 0 for m in members["current"])  # one meeting, once
    html = client.get(page).text
    assert "Nuværende medlemmer" in html and 'href="/person/syddjurs/' in html


@pytest.mark.parametrize("path", ["/person/aarhus/ingen-saadan-person", "/person/aarhus/ingen.json",
                                  "/person/AARHUS/x", "/person/%00/x", "/person/aarhus/" + "x" * 300,
                                  "/person/aarhus/x'%20OR%201=1--"])
def test_unknown_or_malformed_person_is_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
