"""One SQLAlchemy engine on the archive's own database.

``referat.store.open_store`` takes a SQLite path or a ``postgresql://`` URL;
``engine_for`` takes the same string, so the meeting side and the archive
always share one database.  PostgreSQL URLs keep their query (``options=
-csearch_path=...`` selects the schema, as the tests do).  SQLite connections
enable foreign keys and WAL and take the write lock at the start of a write
transaction (``BEGIN IMMEDIATE``), so two writers queue instead of failing
half-way; reads (``read_only``) start a plain deferred transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..store import is_postgres
from ..store.postgres import redact


def engine_for(target: str) -> Engine:
    """An engine on the database a store opened with ``open_store(target)`` uses."""
    try:
        if is_postgres(target):
            url = make_url(target).set(drivername="postgresql+psycopg")
            return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        return _sqlite_engine(target.removeprefix("sqlite:///"))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database {redact(target)}: {exc}") from None


def _sqlite_engine(path: str) -> Engine:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _begin)
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        read = conn.get_execution_options().get("council_read_only", False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return engine


@contextmanager
def read_only(engine: Engine) -> Iterator[Connection]:
    """A connection for reads (one snapshot, no write lock)."""
    with engine.connect() as conn:
        conn = conn.execution_options(council_read_only=True)
        with conn.begin():
            yield conn


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    if key is None:
        raise StoreError("the database gave no id for the new row")
    return int(key[0])
