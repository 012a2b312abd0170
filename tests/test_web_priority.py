"""While a server process computes a page, its answers from the cache wait for that page (``Portal._computed``),
for at most ``HOLD_SECONDS``; with nothing being computed they are answered at once."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime

import httpx
import pytest

from referat.model import (
    AgendaItem,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Section,
)
from referat.store import open_store
from referat.web import app as app_module
from referat.web import create_app


@pytest.fixture(autouse=True)
def page_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("REFERAT_PAGE_CACHE", str(tmp_path / "pages"))
    monkeypatch.delenv("REFERAT_CACHE", raising=False)


def _record(sha: str, title: str) -> ImportedMeeting:
    item = AgendaItem("1", 1, title, sections=[Section("body", "Sagsfremstilling", f"Om {title.lower()}.")],
                      decisions=[Decision("Godkendt.", "approved")])
    meeting = Meeting("Ballerup", "Teknik- og Miljøudvalget", "referat", start=datetime(2024, 3, 1, 17), items=[item])
    return ImportedMeeting(Document(sha, f"{sha}.txt", "text", "test", "1"), meeting)


def _portal(tmp_path):
    store = open_store(str(tmp_path / "a.db"))
    store.save(_record("s1", "Cykelsti langs åen"))
    gate = threading.Event()
    search = store.search

    def gated_search(query, *args, **kwargs):  # "vej" is computed only when the test opens the gate
        if query.text == "vej":
            gate.wait(10)
        return search(query, *args, **kwargs)

    store.search = gated_search
    return store, create_app(store), gate


def _run(app, gate: threading.Event, open_after: float) -> dict[str, float]:
    """Ask for the cached "cykelsti" page while "vej" is being computed; when each answer came (seconds)."""
    came: dict[str, float] = {}

    async def clients() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as c:
            assert (await c.get("/soeg", params={"q": "cykelsti"})).status_code == 200  # now cached
            start = time.monotonic()

            async def ask(q: str) -> None:
                response = await c.get("/soeg", params={"q": q})
                assert response.status_code == 200
                came[q] = time.monotonic() - start

            computing = asyncio.create_task(ask("vej"))
            portal = app.state.portal
            for _ in range(1000):  # until "vej" is in its computing thread
                if portal._computations and portal._computations[1]:
                    break
                await asyncio.sleep(0.01)
            cached = asyncio.create_task(ask("cykelsti"))
            await asyncio.sleep(open_after)
            gate.set()
            await asyncio.gather(computing, cached)

    asyncio.run(clients())
    return came


def test_a_cached_answer_waits_for_the_page_being_computed(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "HOLD_SECONDS", 5.0)
    store, app, gate = _portal(tmp_path)
    came = _run(app, gate, open_after=0.5)
    assert came["cykelsti"] >= came["vej"] >= 0.5
    store.close()


def test_a_cached_answer_waits_at_most_hold_seconds(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "HOLD_SECONDS", 0.1)
    store, app, gate = _portal(tmp_path)
    came = _run(app, gate, open_after=1.5)
    assert came["cykelsti"] < 1.0 < came["vej"]
    store.close()


def test_with_nothing_computed_a_cached_answer_does_not_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "HOLD_SECONDS", 5.0)
    store, app, gate = _portal(tmp_path)
    gate.set()

    async def twice() -> float:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal") as c:
            await c.get("/soeg", params={"q": "vej"})
            start = time.monotonic()
            assert (await c.get("/soeg", params={"q": "vej"})).status_code == 200
            return time.monotonic() - start

    assert asyncio.run(twice()) < 1.0
    assert app.state.portal.cache.hits >= 1
    store.close()
