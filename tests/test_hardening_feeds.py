"""Feeds and exports cannot starve the portal: kept per archive version, bounded per client, no shared lock.

Before, ``/moeder.ics`` and ``/soeg/eksport.json`` were computed afresh for
every request under the portal's single store lock: four clients pushed
everyone else's searches to 30 s timeouts.
"""

from __future__ import annotations

import threading

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.testclient import TestClient

from referat.parse.importer import parse_bytes
from referat.search.query import parse
from referat.store import open_store
from referat.web.app import create_app
from referat.web.heavy import Busy, HeavyAnswers

from .hostile import seed_text


def _request(path: str, client: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
                    "headers": [], "client": (client, 1234), "server": ("127.0.0.1", 80), "scheme": "http"})


@pytest.fixture()
def store(tmp_path):
    with open_store(str(tmp_path / "a.db")) as s:
        s.save(parse_bytes(seed_text(20).encode(), "seed-20.txt"))
        yield s


def test_a_heavy_answer_is_computed_once_per_archive_version(store):
    heavy = HeavyAnswers(store, threading.Lock())
    made: list[int] = []

    def work() -> Response:
        made.append(1)
        return Response(f"answer {len(made)}")

    first = heavy.answer(_request("/moeder.ics", "10.0.0.1"), work)
    again = heavy.answer(_request("/moeder.ics", "10.0.0.2"), work)
    assert again.body == first.body == b"answer 1" and len(made) == 1
    store.save(parse_bytes(seed_text(21).encode(), "seed-21.txt"))  # (a new archive version)
    assert heavy.answer(_request("/moeder.ics", "10.0.0.1"), work).body == b"answer 2"


def test_heavy_answers_are_bounded_per_client_and_in_all(store):
    heavy = HeavyAnswers(store, threading.Lock())
    started, release = threading.Semaphore(0), threading.Event()

    def slow() -> Response:
        started.release()
        release.wait(10)
        return Response("slow")

    runs = [threading.Thread(target=heavy.answer, args=(_request(f"/soeg/eksport.json?q={n}", client), slow))
            for n, client in enumerate(["10.0.0.1", "10.0.0.2"])]
    for run in runs:
        run.start()
    assert started.acquire(timeout=10) and started.acquire(timeout=10)
    try:
        with pytest.raises(Busy):  # the same client again
            heavy.answer(_request("/soeg/eksport.json?q=x", "10.0.0.1"), slow)
        with pytest.raises(Busy):  # a third client: two are computed already
            heavy.answer(_request("/soeg/eksport.json?q=y", "10.0.0.3"), slow)
    finally:
        release.set()
        for run in runs:
            run.join(10)
    assert heavy.answer(_request("/soeg/eksport.json?q=z", "10.0.0.1"), lambda: Response("ok")).body == b"ok"


def test_sqlite_threads_read_through_connections_of_their_own(store):
    assert store.concurrent_reads
    seen: dict[str, object] = {}

    def reader() -> None:
        seen["db"] = store.db
        seen["hits"] = [h.meeting_id for h in store.search(parse("budgetimplementering")).hits]

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join(30)
    assert seen["db"] is not store.db and seen["hits"] == [1]


def test_the_portal_answers_the_calendar_and_a_busy_client_gets_429(store):
    client = TestClient(create_app(store))
    first = client.get("/moeder.ics")
    assert first.status_code == 200 and "BEGIN:VEVENT" in first.text
    assert client.get("/moeder.ics").text == first.text
