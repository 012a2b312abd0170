"""Import files and folders into a store: the library behind ``referat import``.

Each file is parsed completely before the store is touched, and saved in one
transaction, so a bad file never damages what is already stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, ReferatError
from .importer import MAX_BYTES, parse_file
from .store.base import Store


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # new | unchanged | replaced | error
    meeting_id: int | None = None
    items: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None


def expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*")
                              if f.is_file() and not any(x.startswith(".") for x in f.relative_to(p).parts))
        elif p.exists():
            yield p
        else:
            raise InputError(f"{p}: no such file or folder")


def ingest(store: Store, paths: Iterable[str | Path], *, max_bytes: int = MAX_BYTES,
           flush_every: int = 200) -> Iterator[Outcome]:
    """Import every file; the search index is brought up to date every ``flush_every`` files and at the end."""
    store.autoflush = False
    try:
        for n, path in enumerate(expand(paths), start=1):
            try:
                record = parse_file(path, max_bytes=max_bytes)
                result = store.save(record)
            except ReferatError as exc:
                yield Outcome(path, "error", error=str(exc))
                continue
            if n % flush_every == 0:
                store.flush()
            yield Outcome(path, result.status, result.meeting_id, len(record.meeting.items),
                          tuple(record.document.warnings))
    finally:
        store.autoflush = True
        store.flush()
