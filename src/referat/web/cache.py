"""A small response cache for the portal's pages, valid until the archive changes.

A search page costs tens of milliseconds of CPU (ranking, snippets, facets), an
item page a few; under many concurrent readers on a small machine that queues
up.  Most traffic repeats (front page, popular searches, linked items), so
rendered pages (and the 400/404 answers to bad requests) are kept in a bounded LRU keyed by path, query and
format.  The store's ``generation()`` (SQLite: its data version, which moves
with every commit by any process) is read at most every ``CHECK_SECONDS`` and
with every page computed; when it moves, the whole cache is dropped, and a page
computed before the move is not kept.  Cached answers are served on the event
loop, without a thread or the store's lock.  A store that cannot tell (``None``) gets
entries that expire after ``TTL_SECONDS``.  ``REFERAT_CACHE=0`` turns it off.
Behind it, pages are shared with the server's other processes (``sharedcache``) when the store's generation
is the same in every process.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.responses import Response

from .sharedcache import SharedPages

MAX_ENTRIES = 4096
CACHED_STATUS = (200, 400, 404)  # a refused request is as deterministic as a page, for one archive generation
MAX_BODY = 512 * 1024  # bigger pages are not kept
TTL_SECONDS = 5.0
CHECK_SECONDS = 0.25  # how stale a cached answer may be after another process changed the archive


@dataclass(frozen=True)
class Entry:
    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    born: float


class ResponseCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, enabled: bool = True,
                 shared: SharedPages | None = None) -> None:
        self.max_entries = max_entries
        self.enabled = enabled  # ``Settings.cache`` (``REFERAT_CACHE``)
        self.shared = shared if self.enabled else None
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.generation: object = None
        self.checked = float("-inf")  # when the generation was last read
        self.lock = threading.Lock()
        self.hits = self.misses = self.shared_hits = self.joined = 0
        self.computing: dict[str, threading.Event] = {}  # pages being computed now, by key (``join``)

    def due(self) -> bool:
        """Whether the archive's generation should be read again before answering from the cache."""
        return self.enabled and time.monotonic() - self.checked > CHECK_SECONDS

    def sync(self, generation: object) -> None:
        """Drop everything when the archive changed since the entries were made."""
        with self.lock:
            self.checked = time.monotonic()
            if generation != self.generation:
                self.entries.clear()
                self.generation = generation

    def join(self, key: str) -> threading.Event | None:
        """Single flight: None when the caller is to compute ``key`` (and must call ``done``), else an event
        set when the thread computing it is done; a popular page asked for by many clients at once (a cold
        cache) is computed once, not once per client."""
        if not self.enabled:
            return None
        with self.lock:
            running = self.computing.get(key)
            if running is None:
                self.computing[key] = threading.Event()
            else:
                self.joined += 1
            return running

    def done(self, key: str) -> None:
        with self.lock:
            running = self.computing.pop(key, None)
        if running is not None:
            running.set()

    def get(self, key: str, *, again: bool = False) -> Response | None:
        """The cached page, or None; ``again``: a second look for the same request (its miss is counted)."""
        if not self.enabled:
            return None
        with self.lock:
            entry = self.entries.get(key)
            generation = self.generation
            if entry is None or (generation is None and time.monotonic() - entry.born > TTL_SECONDS):
                entry = None
            else:
                self.entries.move_to_end(key)
                self.hits += 1
        if entry is None:
            entry = self._from_shared(key, generation)
            if entry is None:
                self.misses += not again
                return None
        return Response(entry.body, status_code=entry.status, headers=dict(entry.headers))

    def _from_shared(self, key: str, generation: object) -> Entry | None:
        """A page another server process computed for this generation (kept here too)."""
        if self.shared is None or generation is None:
            return None
        found = self.shared.get(key, repr(generation))
        if found is None:
            return None
        entry = Entry(found[0], found[1], found[2], time.monotonic())
        with self.lock:
            if generation == self.generation:
                self._keep(key, entry)
            self.shared_hits += 1
        return entry

    def _keep(self, key: str, entry: Entry) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

    def put(self, key: str, response: Response, generation: object) -> None:
        """Keep a page computed at ``generation`` (not if the archive has moved on since)."""
        body = getattr(response, "body", None)
        if (not self.enabled or response.status_code not in CACHED_STATUS or not isinstance(body, bytes)
                or len(body) > MAX_BODY):
            return
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in ("content-length",))
        with self.lock:
            if generation != self.generation:
                return
            self._keep(key, Entry(body, response.status_code, headers, time.monotonic()))
        if self.shared is not None and generation is not None:
            self.shared.put(key, repr(generation), body, response.status_code, headers)


class Memo:
    """Computed values (a search's facet counts) for one archive generation, bounded LRU: a results page's
    facets do not depend on its page number or sort order, so paging and re-sorting reuse them.
    Off with the response cache (``REFERAT_CACHE=0``)."""

    def __init__(self, max_entries: int = 512, enabled: bool = True) -> None:
        self.max_entries = max_entries
        self.enabled = enabled
        self.entries: OrderedDict[object, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: object, generation: object) -> object | None:
        if not self.enabled or generation is None:
            return None
        with self.lock:
            value = self.entries.get((generation, key))
            if value is not None:
                self.entries.move_to_end((generation, key))
            return value

    def put(self, key: object, generation: object, value: object) -> None:
        if not self.enabled or generation is None:
            return
        with self.lock:
            self.entries[(generation, key)] = value
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
