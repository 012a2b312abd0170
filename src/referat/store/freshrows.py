"""Item rows a process has just saved, kept for its next index update.

Why: a bulk import saves batches and indexes them later (``flush``); reading every
meeting's items back from the database to index them cost a tenth of the import.
A save hands the rows it wrote (with their new item ids) to ``FreshRows`` under the
number that names that saved version in the store's index queue (SQLite: the change
counter of the saving transaction; PostgreSQL: the ``index_log`` sequence number).
The index update takes a meeting's rows from here only when the queue names exactly
that version; anything else (a version saved by another process, rows given up to
keep memory bounded) is read from the database as before.
"""

from __future__ import annotations

from ..search.indexing import ItemRow

#: a meeting's item rows as indexed: (item id, row)
Rows = list[tuple[int, ItemRow]]
#: item rows kept at most (a bulk import indexes every 100,000 items)
MAX_FRESH_ITEMS = 250_000


class FreshRows:
    """Rows by meeting id, with the number of the version they are."""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[int, Rows]] = {}
        self._items = 0

    def keep(self, versions: dict[int, tuple[int, Rows]]) -> None:
        """Keep ``{meeting id: (version number, rows)}`` of a committed save."""
        for meeting_id, (number, rows) in versions.items():
            if self._items + len(rows) > MAX_FRESH_ITEMS:
                return  # a huge import without index updates: the rest are read back
            self._rows[meeting_id] = (number, rows)
            self._items += len(rows)

    def take(self) -> dict[int, tuple[int, Rows]]:
        """Everything kept (and forget it)."""
        rows, self._rows, self._items = self._rows, {}, 0
        return rows
