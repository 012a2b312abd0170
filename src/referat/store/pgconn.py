"""The PostgreSQL store's connection: taken from a pool (psycopg_pool), checked, replaced when it broke.

Why: the store used one connection for its whole life, so once it dropped
(``pg_terminate_backend``, a database restart, a network cut) every public
page answered 500 until the portal was restarted.  Now the connection comes
from a ``ConnectionPool`` whose ``check`` proves a connection alive before it
is handed out; a connection that broke is given back (the pool throws it away)
and a new one taken.  Reads are retried once on a fresh connection when the
connection was lost (``retrying``); a connection idle for ``IDLE_CHECK``
seconds is checked before it is used again, so the first request after a
quiet spell never meets a connection the server dropped meanwhile.  The store
still uses one connection at a time (callers serialise, as before): the pool
is its supply of healthy ones, not a way to run queries in parallel.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import StoreError

T = TypeVar("T")
#: seconds a connection may sit unused before it is checked again (one round trip, ~0.1 ms on loopback)
IDLE_CHECK = 0.5
#: seconds to wait for a healthy connection
CONNECT_TIMEOUT = 10.0
#: TCP keepalives: a cut network is noticed in ~15 s instead of the kernel's two hours
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 5}


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def lost(conn: psycopg.Connection[Any] | None) -> bool:
    return conn is None or conn.closed or conn.broken


class Connections:
    """One store's current connection, out of a pool of healthy ones."""

    def __init__(self, url: str, describe: str) -> None:
        self.describe = describe
        kwargs: dict[str, Any] = {"autocommit": True, **KEEPALIVES}
        # connecting once by hand gives the server's own reason when it cannot be reached (a pool only times out)
        try:
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT), **kwargs).close()
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {describe}: {first_line(exc)}") from None
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url, min_size=1, max_size=2, kwargs=kwargs, check=ConnectionPool.check_connection, open=True,
            timeout=CONNECT_TIMEOUT, name=f"referat {describe}")
        self._conn: psycopg.Connection[Any] | None = None
        self._used = 0.0
        self._lock = threading.Lock()

    @property
    def conn(self) -> psycopg.Connection[Any]:
        """The connection to use now: the current one if it is alive, else a checked one from the pool."""
        with self._lock:
            conn, now = self._conn, time.monotonic()
            if conn is not None and not lost(conn) and now - self._used > IDLE_CHECK:
                try:
                    ConnectionPool.check_connection(conn)
                except psycopg.Error:
                    pass  # (now lost: replaced below)
            if lost(conn):
                self._replace()
            self._used = now
            assert self._conn is not None
            return self._conn

    def _replace(self) -> None:
        if self._conn is not None:
            self.pool.putconn(self._conn)  # (a broken or closed connection is discarded by the pool)
            self._conn = None
        try:
            self._conn = self.pool.getconn()
        except PoolTimeout:
            raise StoreError(f"PostgreSQL at {self.describe} cannot be reached (no connection within"
                             f" {CONNECT_TIMEOUT:g} s)") from None

    def retrying(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """``work(connection)``, run once more on a new connection if the connection was lost meanwhile (for
        reads, and writes that are idempotent)."""
        conn = self.conn
        try:
            return work(conn)
        except psycopg.OperationalError:
            if not lost(conn):
                raise
        return work(self.conn)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self.pool.putconn(self._conn)
                self._conn = None
        self.pool.close()
