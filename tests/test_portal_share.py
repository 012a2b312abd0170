"""Pages people share and search engines read, over every real document on both backends: robots.txt, the paged
sitemap, the favicon, <title> and Open Graph tags per page (a closed item's say only "Lukket punkt")."""

from __future__ import annotations

import re
import warnings
from typing import Any
from xml.etree import ElementTree

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.settings import Settings
from referat.web import create_app
from referat.web.sitemap import addresses, sitemap_index, sitemap_page

BASE = "https://referater.example.dk/arkiv"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def client(real_store: Any) -> Any:
    # no page cache: the session's other portals over this archive share it, with another public root
    app = create_app(real_store, settings=Settings.from_env(base_url=BASE, cache=False))
    with TestClient(app, raise_server_exceptions=False, base_url="http://evil.example") as c:
        yield c


def test_robots_keeps_crawlers_out_of_searches_and_the_meeting_side(client: Any) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = r.text.splitlines()
    assert {"Disallow: /soeg", "Disallow: /sekretariat", "Disallow: /log-ind"} <= set(lines)
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


def test_sitemap_index_and_its_page_list_every_meeting(client: Any, real_store: Any) -> None:
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    pages = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    assert pages == [f"{BASE}/sitemap-1.xml"]
    r = client.get("/sitemap-1.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    urls = [e.text for e in ElementTree.fromstring(r.content).findall("s:url/s:loc", NS)]
    assert {f"{BASE}/moede/{m.id}" for m in real_store.meetings()} <= set(urls)
    assert f"{BASE}/kommune/ballerup" in urls and f"{BASE}/kommune/aarhus/udvalg/teknisk-udvalg" in urls
    assert len(urls) == len(set(urls)) and "evil.example" not in r.text
    assert client.get("/sitemap-2.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
    assert client.get("/sitemap-x.xml").status_code == 404


def test_a_large_archives_sitemap_is_paged(real_store: Any) -> None:
    rows = addresses(real_store)
    assert len(rows) > 10
    index = ElementTree.fromstring(sitemap_index(BASE, len(rows), per_page=4))
    locs = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    assert locs == [f"{BASE}/sitemap-{n}.xml" for n in range(1, -(-len(rows) // 4) + 1)]
    page = ElementTree.fromstring(sitemap_page(BASE, rows[4:8]))
    assert [e.text for e in page.findall("s:url/s:loc", NS)] == [BASE + path for path, _ in rows[4:8]]
    dated = [day for path, day in rows if path.startswith("/moede/")]
    assert dated and all(day is None or re.fullmatch(r"\d{4}-\d\d-\d\d", day) for day in dated)


def test_favicon(client: Any) -> None:
    r = client.get("/favicon.ico", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/static/favicon.svg"
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/").text


def _meta(html: str) -> dict[str, str]:
    return dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html))


def test_every_page_has_its_title_and_open_graph_tags(client: Any, real_store: Any) -> None:
    m = next(m for m in real_store.meetings() if real_store.get(m.id).meeting.items)
    record = real_store.get(m.id).meeting
    item = next(i for i in record.items if i.public)
    for path in ["/", "/kommuner", f"/moede/{m.id}", f"/moede/{m.id}/punkt/{item.number}",
                 "/kommune/aarhus/udvalg/teknisk-udvalg", "/kommune/ballerup"]:
        html = client.get(path).text
        title = re.search(r"<title>(.*?) – Referat</title>", html)
        meta = _meta(html)
        assert title is not None and meta["og:title"] == title.group(1), path
        assert meta["og:url"] == BASE + path and meta["og:locale"] == "da_DK" and meta["og:description"], path
    html = client.get(f"/moede/{m.id}/punkt/{item.number}").text
    meta = _meta(html)
    assert meta["og:type"] == "article" and f"Punkt {item.number}:" in meta["og:title"]
    assert record.committee.replace("&", "&amp;") in meta["og:description"]


def test_a_closed_items_tags_say_only_closed(client: Any, real_store: Any) -> None:
    closed = next(((m.id, i) for m in real_store.meetings() for i in real_store.get(m.id).meeting.items
                   if not i.public), None)
    if closed is None:
        pytest.skip("no closed item in the corpus")
    meeting_id, item = closed
    meta = _meta(client.get(f"/moede/{meeting_id}/punkt/{item.number}").text)
    assert meta["og:description"].startswith("Lukket punkt. ")
    for d in item.decisions:
        assert not d.text or d.text[:40] not in meta["og:description"]
