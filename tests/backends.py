"""Test backends: a fresh store of each kind, so the same tests run on SQLite and PostgreSQL.

Every PostgreSQL store gets its own schema (``search_path`` set through the
connection URL) that is dropped afterwards, so parallel test workers never see
each other's tables.  In CI (``CI`` set) an unreachable PostgreSQL fails the
test with a clear message; locally it skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

import psycopg
import pytest

from referat.store.base import Store

BACKENDS = ["sqlite", "postgres"]
PG_URL = os.environ.get("REFERAT_TEST_PG", "postgresql://127.0.0.1:5432/test")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _unreachable(exc: Exception) -> NoReturn:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
    message = f"PostgreSQL is not reachable at {PG_URL} ({reason}); start it or set REFERAT_TEST_PG"
    if in_ci():
        pytest.fail("CI needs PostgreSQL: " + message, pytrace=False)
    pytest.skip(message)


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh, empty schema; yields a URL whose connections use it."""
    name = "t_" + uuid.uuid4().hex[:16]
    failure: Exception | None = None
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        failure = exc
    if failure is not None:
        _unreachable(failure)  # fails (CI) or skips: no further
    with admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
        sep = "&" if "?" in PG_URL else "?"
        try:
            yield f"{PG_URL}{sep}options={quote(f'-csearch_path={name}')}"
        finally:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


@contextmanager
def target(kind: str, folder: Path) -> Iterator[str]:
    """Where a store of ``kind`` lives: a SQLite file in ``folder`` or a PostgreSQL URL."""
    if kind == "sqlite":
        yield str(folder / f"store-{uuid.uuid4().hex[:8]}.db")
    else:
        with pg_schema() as url:
            yield url


@contextmanager
def real_archive(kind: str, folder: Path) -> Iterator[Store]:
    """A fresh store of ``kind`` holding every real document in ../shared (no import may fail)."""
    from referat.ingest import ingest
    from referat.store import open_store

    from .conftest import SHARED

    with target(kind, folder) as where:
        store = open_store(where)
        try:
            failed = [o for o in ingest(store, [SHARED / "seeds", SHARED / "corpus"]) if o.status == "error"]
            assert failed == []
            yield store
        finally:
            store.close()
