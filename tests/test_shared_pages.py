"""Server processes share rendered pages: a page one process computed is served by another for the same state of
the archive, never after the archive changed; the shared file is a cache whose failure is only a miss."""

from __future__ import annotations

import time
import warnings
from datetime import datetime

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.model import (
    AgendaItem,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Section,
)
from referat.store import open_store
from referat.web import create_app
from referat.web.cache import CHECK_SECONDS
from referat.web.sharedcache import SharedPages

from .backends import BACKENDS, target


def _record(sha: str, title: str, day: int) -> ImportedMeeting:
    item = AgendaItem("1", 1, title, sections=[Section("body", "Sagsfremstilling", f"Om {title.lower()}.")],
                      decisions=[Decision("Godkendt.", "approved")])
    meeting = Meeting("Ballerup", "Teknik- og Miljøudvalget", "referat", start=datetime(2024, 3, day, 17),
                      items=[item])
    return ImportedMeeting(Document(sha, f"{sha}.txt", "text", "test", "1"), meeting)


@pytest.fixture(autouse=True)
def page_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("REFERAT_PAGE_CACHE", str(tmp_path / "pages"))
    monkeypatch.delenv("REFERAT_CACHE", raising=False)
    return tmp_path / "pages"


@pytest.mark.parametrize("kind", BACKENDS)
def test_generation_is_the_same_in_every_process_and_moves_with_every_change(kind, tmp_path):
    with target(kind, tmp_path) as where, target(kind, tmp_path) as elsewhere:
        a, b, other = open_store(where), open_store(where), open_store(elsewhere)
        try:
            empty = a.generation()
            assert b.generation() == empty and other.generation() != empty  # another archive never matches
            a.save(_record("s1", "Cykelsti langs åen", 1))
            saved = b.generation()
            assert saved != empty and a.generation() == saved
            a.save(_record("s1", "Cykelsti langs åen", 1))  # the same document again: nothing changed
            assert b.generation() == saved
            a.save(_record("s2", "Cykelsti over banen", 8))
            assert b.generation() not in (empty, saved)
        finally:
            a.close(), b.close(), other.close()


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_page_one_process_computed_is_served_by_another_until_the_archive_changes(kind, tmp_path):
    with target(kind, tmp_path) as where:
        first, second = open_store(where), open_store(where)
        try:
            first.save(_record("s1", "Cykelsti langs åen", 1))
            app_a, app_b = create_app(first), create_app(second)  # two server processes over one archive
            with TestClient(app_a) as a, TestClient(app_b) as b:
                page = a.get("/soeg", params={"q": "cykelsti"})
                assert page.status_code == 200 and "Cykelsti langs åen" in page.text
                again = b.get("/soeg", params={"q": "cykelsti"})
                assert again.text == page.text and again.headers["content-type"] == page.headers["content-type"]
                assert app_b.state.portal.cache.shared_hits == 1
                assert b.get("/soeg", params={"q": "cykelsti"}).text == page.text  # now from its own memory
                assert app_b.state.portal.cache.shared_hits == 1

                first.save(_record("s2", "Cykelsti over banen", 8))  # an import by another process
                time.sleep(CHECK_SECONDS + 0.05)
                fresh = b.get("/soeg.json", params={"q": "cykelsti"}).json()
                assert fresh["total"] == 2
                assert "Cykelsti over banen" in b.get("/soeg", params={"q": "cykelsti"}).text
                assert app_b.state.portal.cache.shared_hits == 1
        finally:
            first.close(), second.close()


def test_an_unusable_cache_folder_is_only_a_miss(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("REFERAT_PAGE_CACHE", str(blocker))
    store = open_store(str(tmp_path / "a.db"))
    store.save(_record("s1", "Cykelsti langs åen", 1))
    app = create_app(store)
    with TestClient(app) as c:
        for _ in range(2):
            assert "Cykelsti langs åen" in c.get("/soeg", params={"q": "cykelsti"}).text
    assert app.state.portal.cache.hits == 1 and app.state.portal.cache.shared.broken
    store.close()


def test_old_generations_and_excess_pages_are_pruned(tmp_path):
    pages = SharedPages(tmp_path / "p.sqlite", max_rows=300)
    for i in range(300):
        pages.put(f"/old/{i}", "g1", b"old", 200, ())
    for i in range(300):
        pages.put(f"/new/{i}", "g2", f"new {i}".encode(), 200, (("content-type", "text/html"),))
    assert pages.get("/old/1", "g1") is None  # pruned when the 512th page was written
    assert pages.get("/new/299", "g2") == (b"new 299", 200, (("content-type", "text/html"),))
    assert pages.get("/new/299", "g1") is None
    rows = pages.db.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert rows <= 300
    pages.close()


def test_a_page_asked_for_by_many_clients_at_once_is_computed_once(tmp_path):
    import asyncio

    import httpx

    store = open_store(str(tmp_path / "a.db"))
    store.save(_record("s1", "Cykelsti langs åen", 1))
    counted: list[str] = []
    search = store.search

    def slow_search(query, *args, **kwargs):  # made slow enough for the clients to meet
        counted.append(query.text)
        time.sleep(0.3)
        return search(query, *args, **kwargs)

    store.search = slow_search
    app = create_app(store)

    async def clients() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as c:
            asks = [c.get("/soeg", params={"q": "cykelsti"}) for _ in range(6)]
            return await asyncio.gather(*asks, c.get("/soeg", params={"q": "åen"}))

    answers = asyncio.run(clients())
    assert [a.status_code for a in answers] == [200] * 7
    assert len({a.text for a in answers[:6]}) == 1 and "Cykelsti langs åen" in answers[0].text
    assert sorted(counted) == ["cykelsti", "åen"]  # six clients, one computation
    assert app.state.portal.cache.joined == 5
    store.close()
