"""The PostgreSQL portal recovers when its connection is dropped (``pg_terminate_backend``).

Before the store took its connections from a checked pool (``store.pgconn``),
every public page answered 500 until the portal was restarted.
"""

from __future__ import annotations

import time

import psycopg
from starlette.testclient import TestClient

from referat.parse.importer import parse_bytes
from referat.store import open_store
from referat.web.app import create_app

from .backends import PG_URL, pg_schema
from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


def _terminate(store) -> None:
    pid = store.conn.info.backend_pid
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    time.sleep(0.2)  # (the backend is gone)


def test_pages_and_search_work_after_the_connection_is_terminated():
    with pg_schema() as url:
        store = open_store(url)
        try:
            meeting_id = store.save(parse_bytes(SEED.read_bytes(), SEED.name)).meeting_id
            client = TestClient(create_app(store))
            assert client.get("/soeg", params={"q": "budget"}).status_code == 200
            _terminate(store)
            r = client.get("/soeg.json", params={"q": "beskæftigelsesindsatsen"})  # (not cached: a new query)
            assert r.status_code == 200 and r.json()["hits"]
            _terminate(store)
            assert client.get(f"/moede/{meeting_id}").status_code == 200
            _terminate(store)
            time.sleep(0.6)  # a quiet spell: the connection is checked before use
            assert client.get(f"/moede/{meeting_id}/punkt/1").status_code == 200
            _terminate(store)
            record = parse_bytes(SEED.read_bytes().replace(b"20. marts 2023", b"21. marts 2023"), "other.txt")
            assert store.save(record).status == "new"
        finally:
            store.close()
