"""Heavy answers (feeds, calendars, exports): computed once per archive version, a few at a time, bounded per client.

Why: ``/moeder.ics`` (2,000 meetings, each read back: 2.3 s) and
``/soeg/eksport.json`` (5,000 hits with snippets) were computed afresh for
every request under the portal's one store lock, so four anonymous clients
asking for them pushed everyone else's searches to 30 s timeouts.  Now:

* an answer is kept for the archive's version (``Store.generation``: any save
  or index update moves it), so a repeated request costs a dictionary lookup;
* at most ``RUNNING`` heavy answers are computed at once in the process and
  one per client address; a client asking for more is answered 429 at once
  (``Retry-After``), never queued, so heavy requests cannot fill the server's
  threads;
* a store whose threads read through connections of their own
  (``Store.concurrent_reads``, SQLite) computes without the portal's lock, so
  ordinary pages never wait behind an export.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from ..store.base import Store

T = TypeVar("T")
#: heavy answers computed at once in one process, and by one client address
RUNNING, PER_CLIENT = 2, 1
#: answers kept (each at most ``KEPT_BYTES``)
KEPT, KEPT_BYTES = 64, 16 * 2**20


class Busy(Exception):
    """Too many heavy answers being computed (for this client, or at all)."""


class HeavyAnswers:
    """One portal's heavy answers: kept per archive version, their computations bounded."""

    def __init__(self, store: Store, lock: threading.Lock) -> None:
        self.store = store
        self.lock = lock
        self._kept: OrderedDict[tuple[str, object], Response] = OrderedDict()
        self._running: dict[str, int] = {}
        self._guard = threading.Lock()

    @contextmanager
    def _slot(self, client: str) -> Iterator[None]:
        with self._guard:
            if sum(self._running.values()) >= RUNNING or self._running.get(client, 0) >= PER_CLIENT:
                raise Busy
            self._running[client] = self._running.get(client, 0) + 1
        try:
            yield
        finally:
            with self._guard:
                self._running[client] -= 1
                if not self._running[client]:
                    del self._running[client]

    def _read(self, work: Callable[[], T]) -> T:
        if self.store.concurrent_reads:
            return work()
        with self.lock:
            return work()

    def answer(self, request: Request, work: Callable[[], Response]) -> Response:
        """``work()``'s response for ``request``, from the kept answers of this archive version if there."""
        generation = self._read(self.store.generation)
        key = (str(request.url.path) + "?" + str(request.url.query), generation)
        with self._guard:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        client = request.client.host if request.client else "?"
        with self._slot(client):
            response = self._read(work)
        if response.status_code == 200 and len(response.body) <= KEPT_BYTES:
            with self._guard:
                self._kept[key] = response
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
        return response


def busy_response() -> Response:
    return Response("For mange tunge forespørgsler på én gang. Prøv igen om lidt.\n", status_code=429,
                    media_type="text/plain; charset=utf-8", headers={"Retry-After": "5"})
