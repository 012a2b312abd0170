"""Finding your way in the portal over every real document, on both backends: municipalities, committees by slug,
the calendar, people per municipality and by name, date filters, sorting that keeps filters, browsing without words."""

from __future__ import annotations

import re
import warnings
from datetime import date, timedelta
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.persons import slug
from referat.web import create_app


@pytest.fixture(scope="module")
def client(real_store: Any) -> Any:
    with TestClient(create_app(real_store), raise_server_exceptions=False) as c:
        yield c


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_directory_lists_every_municipality_with_its_page(client: Any, real_store: Any) -> None:
    names = sorted({m.municipality for m in real_store.meetings()}, key=str.casefold)
    j = client.get("/kommuner.json").json()
    assert [k["name"] for k in j["municipalities"]] == names
    ballerup = next(k for k in j["municipalities"] if k["name"] == "Ballerup")
    assert ballerup["url"] == "/kommune/ballerup"
    assert ballerup["meetings"] == sum(m.municipality == "Ballerup" for m in real_store.meetings())
    html = client.get("/kommuner").text
    assert '<a href="/kommune/ballerup">Ballerup</a>' in html and "<h1>" in html
    assert '<a href="/kommuner">Kommuner</a>' in html  # the header links every page to it


def test_municipality_page_lists_committees_and_meetings(client: Any, real_store: Any) -> None:
    r = client.get("/kommune/ballerup")
    assert r.status_code == 200
    committees = {m.committee for m in real_store.meetings() if m.municipality == "Ballerup"}
    j = client.get("/kommune/ballerup.json").json()
    assert {c["name"] for c in j["committees"]} == committees
    for c in j["committees"]:
        assert c["url"] == f"/kommune/ballerup/udvalg/{slug(c['name'])}"
        assert client.get(c["url"]).status_code == 200
    # everything in the archive is in the past (2012-2025): latest held, none upcoming
    assert j["upcoming"] == [] and len(j["latest"]) == min(10, sum(m.municipality == "Ballerup"
                                                                 for m in real_store.meetings()))
    assert "Arkivet har ingen kommende møder for Ballerup." in r.text
    assert "/kommune/ballerup/personer" in _links(r.text)
    assert client.get("/kommune/nowhere").status_code == 404
    assert client.get("/kommune/%3Cb%3E").status_code == 404


def test_committee_addresses_are_slugs_and_old_ones_move_permanently(client: Any) -> None:
    new = "/kommune/aarhus/udvalg/teknisk-udvalg"
    r = client.get("/kommune/Aarhus/udvalg/Teknisk%20Udvalg", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == new
    old_json = client.get("/kommune/Aarhus/udvalg/Teknisk%20Udvalg.json?side=1", follow_redirects=False)
    assert old_json.status_code == 301 and old_json.headers["location"] == new + ".json?side=1"
    page = client.get(new)
    assert page.status_code == 200 and "<h1>Teknisk Udvalg</h1>" in page.text
    # breadcrumbs link the way back up; the feeds hang under the slug address, and under the names as before
    assert '<a href="/kommune/aarhus">Aarhus</a>' in page.text
    assert {new + ".atom", new + ".ics"} <= set(_links(page.text))
    for suffix in (".atom", ".ics"):
        by_slug = client.get(new + suffix)
        by_names = client.get("/kommune/Aarhus/udvalg/Teknisk%20Udvalg" + suffix)
        assert by_slug.status_code == by_names.status_code == 200
        assert by_slug.text.count("/moede/") == by_names.text.count("/moede/") > 0
    assert client.get("/kommune/aarhus/udvalg/findes-ikke.atom").status_code == 404
    assert client.get(new + ".json").json()["committee"] == "Teknisk Udvalg"
    assert client.get("/kommune/aarhus/udvalg/findes-ikke").status_code == 404


def test_pages_link_municipality_and_committee_in_breadcrumbs(client: Any, real_store: Any) -> None:
    m = next(m for m in real_store.meetings() if m.municipality == "Ballerup")
    html = client.get(f"/moede/{m.id}").text
    crumbs = re.search(r'<nav aria-label="Brødkrumme" class="crumbs">(.*?)</nav>', html, re.S)
    assert crumbs is not None
    assert _links(crumbs.group(1)) == ["/", "/kommune/ballerup", f"/kommune/ballerup/udvalg/{slug(m.committee)}"]


def test_calendar_by_week_with_ical(client: Any, real_store: Any) -> None:
    r = client.get("/kalender")
    assert r.status_code == 200 and "/moeder.ics" in _links(r.text)
    j = client.get("/kalender.json", params={"fra": "2025-09-01"}).json()
    expected = sorted(m.id for m in real_store.meetings() if m.start and "2025-09-01" <= m.start.date().isoformat()
                      < "2025-10-27")
    assert expected and sorted(x["id"] for w in j["weeks"] for x in w["meetings"]) == expected
    week = j["weeks"][0]
    assert re.fullmatch(r"Uge \d+: .+ 20\d\d", week["label"])
    assert all(x["start"][:10] >= week["monday"] for x in week["meetings"])
    only = client.get("/kalender.json", params={"fra": "2012-01-01", "kommune": "aarhus"}).json()
    assert only["municipality"] == "Aarhus" and only["total"] == 0
    assert client.get("/kalender", params={"fra": "igår"}).status_code == 400
    assert client.get("/kalender", params={"kommune": "nowhere"}).status_code == 404


def test_people_per_municipality(client: Any) -> None:
    j = client.get("/kommune/ballerup/personer.json").json()
    everyone = j["current"] + j["past"]
    assert any(p["name"] == "Anja Holtze" and p["url"] == "/person/ballerup/anja-holtze" for p in everyone)
    assert all(p["committees"] and p["url"].startswith("/person/ballerup/") for p in everyone)
    html = client.get("/kommune/ballerup/personer").text
    assert '<a href="/person/ballerup/anja-holtze">Anja Holtze</a>' in html


def test_a_persons_name_offers_the_person_page(client: Any) -> None:
    j = client.get("/soeg.json", params={"q": "Anja Holtze"}).json()
    assert [p["url"] for p in j["people"]] == ["/person/ballerup/anja-holtze"]
    html = client.get("/soeg", params={"q": "anja  holtze"}).text
    assert 'href="/person/ballerup/anja-holtze"' in html
    assert html.index("/person/ballerup/anja-holtze") < html.index('id="hits-h"')
    assert client.get("/soeg.json", params={"q": "budget"}).json()["people"] == []
    assert client.get("/soeg.json", params={"q": "Anja Holtze", "kommune": "Aarhus"}).json()["people"] == []


def test_date_range_filter(client: Any) -> None:
    everything = client.get("/soeg.json", params={"q": "budget"}).json()
    only = client.get("/soeg.json", params={"q": "budget", "fra": "2025-01-01", "til": "2025-12-31"}).json()
    assert 0 < only["total"] < everything["total"]
    assert all(h["start"].startswith("2025") for h in only["hits"])
    assert only["filters"]["date_from"] == "2025-01-01" and only["filters"]["date_to"] == "2025-12-31"
    html = client.get("/soeg", params={"q": "budget", "fra": "2025-01-01"}).text
    assert 'id="fra" name="fra" type="date" value="2025-01-01"' in html
    # facet links keep the dates
    assert any("fra=2025-01-01" in link and "kommune=" in link for link in _links(html))
    for bad in ({"fra": "1. januar"}, {"fra": "2025-02-30"}, {"fra": "2025-03-01", "til": "2025-01-01"}):
        assert client.get("/soeg", params={"q": "budget", **bad}).status_code == 400


def test_changing_the_sort_keeps_every_filter(client: Any) -> None:
    html = client.get("/soeg", params={"q": "budget", "kommune": "Ballerup", "kle": "00.01",
                                       "person": "Anja Holtze (A)", "udfald": "approved", "aar": "2022"}).text
    form = re.search(r'<form class="big".*?</form>', html, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    assert fields == {"kommune": "Ballerup", "aar": "2022", "udfald": "approved", "kle": "00.01",
                      "person": "Anja Holtze (A)"}


def test_browse_without_words(client: Any, real_store: Any) -> None:
    empty = client.get("/soeg")
    assert empty.status_code == 200 and 'name="q" type="search" value="" aria-describedby="qhelp">' in empty.text
    j = client.get("/soeg.json", params={"kommune": "Ballerup"}).json()
    ballerup = [m for m in real_store.meetings() if m.municipality == "Ballerup"]
    assert j["browse"] and j["total"] == len(ballerup) == len(j["meetings"])
    starts = [m["start"] for m in j["meetings"]]
    assert starts == sorted(starts, reverse=True)
    dated = client.get("/soeg.json", params={"fra": "2025-01-01"}).json()
    assert dated["total"] == sum(1 for m in real_store.meetings() if m.start and m.start.year >= 2025)
    html = client.get("/soeg", params={"kommune": "Ballerup"}).text
    assert f"{len(ballerup)} møder" in html and f"/moede/{ballerup[0].id}" in html
    assert client.get("/soeg", params={"udfald": "approved"}).status_code == 400


def test_header_links_log_in(client: Any) -> None:
    html = client.get("/").text
    assert '<a href="/log-ind">Log ind</a>' in html and '<a href="/kalender">Kommende møder</a>' in html


def test_new_pages_never_show_a_closed_items_text(client: Any, real_store: Any) -> None:
    closed = [(m.id, i) for m in real_store.meetings() for i in real_store.get(m.id).meeting.items if not i.public]
    if not closed:
        pytest.skip("no closed item in the corpus")
    pages = ["/kommuner", "/kalender?fra=2012-01-01", "/soeg?kommune=Ballerup"]
    pages += [f"/kommune/{slug(m)}" for m in {m.municipality for m in real_store.meetings()}]
    pages += [f"/kommune/{slug(m)}/personer" for m in {m.municipality for m in real_store.meetings()}]
    for url in pages:
        html = client.get(url).text
        for _meeting_id, item in closed:
            for section in item.sections:
                text = section.text.strip()
                if len(text) > 30:
                    assert text[:60] not in html, url


def test_pages_of_upcoming_meetings_are_cached_per_day(real_store: Any) -> None:
    """A cached page that depends on the day (``vary``) is computed again once the day changed; the calendar
    and municipality pages are registered so, with today's date."""
    from starlette.applications import Starlette
    from starlette.routing import Route

    from referat.settings import Settings
    from referat.web.app import Portal

    portal = Portal(real_store, Settings.from_env(cache=True))
    calls: list[int] = []
    day = ["2026-12-07"]

    def handler(request: Any) -> tuple[str, dict[str, Any]]:
        calls.append(1)
        return "error.html", {"error": {"status": 200, "title": f"Dag {day[0]}", "message": str(len(calls))}}

    app = Starlette(routes=[Route("/x", portal.page(handler, lambda: day[0]))])
    with TestClient(app) as c:
        first = c.get("/x").text
        assert c.get("/x").text == first and len(calls) == 1  # cached within the day
        day[0] = "2026-12-08"
        assert "Dag 2026-12-08" in c.get("/x").text and len(calls) == 2
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    with TestClient(create_app(real_store)) as c:
        assert c.get("/kalender.json").json()["from"] == monday.isoformat()
