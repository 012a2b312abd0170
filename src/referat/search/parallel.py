"""Danish analysis of many items at once, in worker processes when it pays.

Why: our analysis (``analyzer``) is pure Python, ~7,000 items/s on one core,
and it is the largest cost of indexing a bulk import or rebuilding an index.
Batches of at least ``PARALLEL_MIN`` rows are analysed by a small pool of
worker processes (forked once per process, one per core, at most
``MAX_WORKERS``), which keeps the cores busy while this process feeds tantivy.
Fork, not spawn: spawn re-imports the caller's main script, which breaks any
script without a ``__main__`` guard; the workers only run the analysis (no
database or index handles are used in them), and the pool is started before
the index writer's threads exist.
Small batches (a single import) are analysed in-process: starting a pool would
cost more than it saves.  ``REFERAT_INDEX_WORKERS=0`` turns the pool off.

A bulk import saves first and indexes later (``flush``), so a store hands a
just-saved batch's items to ``Ahead.prefetch`` of its index: the workers make
their index documents (``documents``: analysis and JSON) while the importer
saves the next batch, and ``Ahead.documents`` picks them up by item id.  An
item id names one version of one item of one archive (a changed meeting gets
new item ids, ids are never reused), and each index has its own ``Ahead``, so a
document made ahead can never belong to anything else.  At most ``MAX_AHEAD``
documents wait (the oldest give way), and an item not prefetched is made when
indexed, as before.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice

from ..settings import Settings
from .analyzer import analyze
from .documents import Fields, document_json
from .indexing import ItemRow

#: an item to index: (meeting id, item id, row)
Item = tuple[int, int, ItemRow]

PARALLEL_MIN = 2000
MAX_WORKERS = 4
CHUNK = 200
MAX_AHEAD = 100_000

_pool: ProcessPoolExecutor | None = None


def analyzed_fields(row: ItemRow) -> Fields:
    title = analyze(row.title)
    body = analyze(row.text[len(row.title):] if row.text.startswith(row.title) else row.text)
    return title.exact, body.exact, f"{title.expanded} {body.expanded}"


def index_document(item: Item) -> str:
    """The item's index document (JSON), analysis included."""
    meeting_id, item_id, row = item
    return document_json(meeting_id, item_id, row, analyzed_fields(row))


def _documents_of(items: list[Item]) -> list[str]:
    return [index_document(item) for item in items]


def workers(settings: Settings | None = None) -> int:
    """Processes of the pool: ``index_workers`` (``REFERAT_INDEX_WORKERS``) or one per CPU, at most
    ``MAX_WORKERS``.  Read when the pool is first started (once per process)."""
    chosen = (settings or Settings.from_env()).index_workers
    return min(chosen or os.cpu_count() or 1, MAX_WORKERS)


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("fork"))
        atexit.register(shutdown)
    return _pool


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


class Ahead:
    """One index's documents being made ahead of indexing, by item id."""

    def __init__(self) -> None:
        self._ahead: dict[int, tuple[Future[list[str]], int]] = {}

    def __len__(self) -> int:
        return len(self._ahead)

    def __contains__(self, item_id: int) -> bool:
        return item_id in self._ahead

    def prefetch(self, items: list[Item]) -> None:
        """Start making the documents of ``items`` in the workers; ``documents`` takes them when indexed."""
        if len(items) < CHUNK or len(items) > MAX_AHEAD or workers() < 2:
            return
        for key in list(islice(self._ahead, max(0, len(self._ahead) + len(items) - MAX_AHEAD))):
            del self._ahead[key]  # the oldest, never asked for (a replaced meeting, another process indexed it)
        for i in range(0, len(items), CHUNK):
            chunk = items[i:i + CHUNK]
            future = _executor().submit(_documents_of, chunk)
            for n, (_, item_id, _) in enumerate(chunk):
                self._ahead[item_id] = (future, n)

    def documents(self, items: list[Item]) -> Iterator[str]:
        """The index document of every item, in order, as they are ready (the caller indexes meanwhile).
        Big batches are handed to the workers at once, before the caller opens its index writer."""
        if self._ahead:
            found = [self._ahead.pop(item_id, None) for _, item_id, _ in items]
            if any(found):
                rest = _made([item for item, ahead in zip(items, found, strict=False) if ahead is None])
                return (_result(ahead, item) if ahead else next(rest)
                        for item, ahead in zip(items, found, strict=False))
        return _made(items)


def _result(ahead: tuple[Future[list[str]], int], item: Item) -> str:
    try:
        return ahead[0].result()[ahead[1]]
    except (CancelledError, BrokenProcessPool):  # the pool was shut down meanwhile: make it here
        return index_document(item)


def _made(items: list[Item]) -> Iterator[str]:
    if len(items) < PARALLEL_MIN or workers() < 2:
        return map(index_document, items)
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    return chain.from_iterable(_executor().map(_documents_of, chunks))
