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

A bulk import saves first and indexes later (``flush``), so ``prefetch`` hands
a just-saved batch's rows to the workers at once: they analyse it while the
importer saves the next batch, and ``analyzed_rows`` picks the results up by
the rows' text (analysis depends on title and text only, so a result can never
belong to another version of an item: a changed item simply misses).  At most
``MAX_AHEAD`` rows wait (about 2 KB of analysis each; the oldest give way), and
a row that was not prefetched is analysed when indexed, as before.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Iterator
from itertools import chain, islice
from concurrent.futures import Future, ProcessPoolExecutor

from .analyzer import analyze
from .indexing import ItemRow

#: (title words, body words, expansions of both) as the index stores them
Fields = tuple[str, str, str]

PARALLEL_MIN = 2000
MAX_WORKERS = 4
CHUNK = 200
MAX_AHEAD = 100_000

_pool: ProcessPoolExecutor | None = None
#: (title, text) -> (the chunk's future, position in the chunk) of rows handed to ``prefetch``
_ahead: dict[tuple[str, str], tuple["Future[list[Fields]]", int]] = {}


def analyzed_fields(row: ItemRow) -> Fields:
    title = analyze(row.title)
    body = analyze(row.text[len(row.title):] if row.text.startswith(row.title) else row.text)
    return title.exact, body.exact, f"{title.expanded} {body.expanded}"


def _analyze_chunk(rows: list[ItemRow]) -> list[Fields]:
    return [analyzed_fields(row) for row in rows]


def workers() -> int:
    raw = os.environ.get("REFERAT_INDEX_WORKERS")
    if raw is not None and raw.strip().isdigit():
        return min(int(raw), MAX_WORKERS)
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("fork"))
        atexit.register(shutdown)
    return _pool


def shutdown() -> None:
    global _pool
    _ahead.clear()
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None


def prefetch(rows: list[ItemRow]) -> None:
    """Start analysing ``rows`` in the workers now; ``analyzed_rows`` takes the results when they are indexed."""
    if len(rows) < CHUNK or len(rows) > MAX_AHEAD or workers() < 2:
        return
    for key in list(islice(_ahead, max(0, len(_ahead) + len(rows) - MAX_AHEAD))):
        del _ahead[key]  # the oldest rows, never asked for (a replaced meeting, another process indexed them)
    for i in range(0, len(rows), CHUNK):
        chunk = rows[i:i + CHUNK]
        future = _executor().submit(_analyze_chunk, chunk)
        for n, row in enumerate(chunk):
            _ahead[(row.title, row.text)] = (future, n)


def analyzed_rows(rows: list[ItemRow]) -> Iterator[Fields]:
    """The index fields of every row, in order, as they are ready (the caller indexes meanwhile).
    Big batches are handed to the workers at once, before the caller opens its index writer."""
    if _ahead:
        found = [_ahead.pop((row.title, row.text), None) for row in rows]
        if any(found):
            rest = _analyzed([row for row, ahead in zip(rows, found) if ahead is None])
            return (ahead[0].result()[ahead[1]] if ahead else next(rest) for ahead in found)
    return _analyzed(rows)


def _analyzed(rows: list[ItemRow]) -> Iterator[Fields]:
    if len(rows) < PARALLEL_MIN or workers() < 2:
        return map(analyzed_fields, rows)
    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    return chain.from_iterable(_executor().map(_analyze_chunk, chunks))
