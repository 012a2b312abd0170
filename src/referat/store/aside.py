"""Index updates set aside: a meeting whose index documents fail or run over budget is left out, not retried.

Why: the store queues every saved meeting for the search index and applies the
queue when it is opened (SQLite ``index_pending``, PostgreSQL ``index_log``).
One bad entry (a document whose analysis raised, or took minutes) used to be
retried by every open, so ``list``, ``search`` and ``serve`` all hung or failed
behind it.  ``apply_guarded`` applies a batch; if it fails it splits the batch
in halves until the culprits are single meetings, indexes the rest, removes
the culprits' documents from the index and returns them with the reason.  The
stores record them (table ``index_aside``) instead of queueing them again;
``referat doctor`` lists them, a new save of the meeting or ``referat reindex``
tries again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import DiskFull, IndexBudgetExceeded, StoreError
from ..search.index import SearchIndex
from .freshrows import Rows

#: seconds one item's index document may take to make (``REFERAT_INDEX_BUDGET``); the analysis is linear
#: (``analyzer.MAX_WORD``), ~7,000 items of ~850 characters a second, so only a pathological item comes near it
BUDGET_SECONDS = 60.0

SQLITE_STEP = ("CREATE TABLE IF NOT EXISTS index_aside(meeting_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
               " reason TEXT NOT NULL, at TEXT NOT NULL)")
POSTGRES_STEP = ("CREATE TABLE index_aside(meeting_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, reason TEXT NOT NULL,"
                 " at TIMESTAMPTZ NOT NULL DEFAULT now())")
STEP_DESCRIPTION = "index updates set aside (failed or over budget), listed by referat doctor"


@dataclass(frozen=True)
class SetAside:
    """A meeting left out of the search index, and why."""

    meeting_id: int
    reason: str
    at: str


def budget() -> float:
    raw = os.environ.get("REFERAT_INDEX_BUDGET", "").strip()
    try:
        return float(raw) if raw else BUDGET_SECONDS
    except ValueError:
        return BUDGET_SECONDS


def reason(exc: BaseException) -> str:
    """One line saying why an update failed."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(exc, IndexBudgetExceeded):
        return first[:300]
    return f"{type(exc).__name__}: {first}"[:300]


def apply_guarded(index: SearchIndex, batch: list[tuple[int, Rows]]) -> tuple[int, dict[int, str]]:
    """Apply ``batch`` (meeting id, rows) to ``index``; returns the items indexed and the meetings set aside
    (id -> reason), whose documents are taken out of the index.  Errors of the index itself (locked by
    another writer, the disk) are not the entries' fault: they are raised."""
    if not batch:
        return 0, {}
    seconds = budget()
    try:
        return index.apply(batch, budget=seconds), {}
    except IndexBudgetExceeded as exc:
        failure: Exception = exc
    except (StoreError, OSError):
        raise
    except Exception as exc:  # (the analysis or tantivy refused a document: ValueError, RecursionError ...)
        if "No space left" in str(exc) or "disk is full" in str(exc):
            raise DiskFull(f"the disk is full: the search index {index.path} cannot grow; free space and run"
                           " 'referat reindex'") from None
        failure = exc
    if len(batch) == 1:
        meeting_id = batch[0][0]
        index.apply([(meeting_id, [])])
        return 0, {meeting_id: reason(failure)}
    half = len(batch) // 2
    first, aside = apply_guarded(index, batch[:half])
    second, more = apply_guarded(index, batch[half:])
    return first + second, {**aside, **more}
