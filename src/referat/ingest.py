"""Import files and folders into a store: the library behind ``referat import``.

Each file is parsed completely before the store is touched, and saved in one
transaction, so a bad file never damages what is already stored.  Files are
read within a time and memory budget in a worker process (``parse.budget``):
a hostile file is one error line and the rest of the batch still imports.
A publication folder or zip (an eDoc meeting folder, an SBSYS zip, an Acadre
manifest, a Fujitsu export: ``parse.folders``) is one meeting with its
documents, per-item files and attachments, saved in one transaction
(``store.attachments.save_publication``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import DiskFull, InputError, ReferatError
from .model import ImportedMeeting
from .parse import budget
from .parse.folders import delivery_kind, read_publications
from .parse.importer import MAX_BYTES, parse_file
from .store.attachments import save_publication
from .store.base import SaveResult, Store


@dataclass(frozen=True)
class Outcome:
    path: Path
    status: str  # new | unchanged | replaced | error
    meeting_id: int | None = None
    items: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    note: str | None = None  # (a publication: the files it brought)


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
           flush_every: int = 200, batch: int = 20, seconds: float | None = budget.SECONDS,
           memory_mb: int = budget.MEMORY_MB) -> Iterator[Outcome]:
    """Import every file; the search index is brought up to date every ``flush_every`` files and at the end.

    Each file is read in a worker within ``seconds`` and ``memory_mb`` (``parse.budget``; ``seconds=None``
    reads in this process, without budgets).  Parsed files are saved ``batch`` at a time through
    ``Store.save_many`` (one transaction on PostgreSQL); an outcome is reported only once its file is
    committed, in file order."""
    paths = list(paths)
    deliveries = [Path(p) for p in paths if _is_delivery(Path(p))]
    paths = [p for p in paths if not _is_delivery(Path(p))]
    store.autoflush = False
    pending: list[tuple[Path, ImportedMeeting | ReferatError]] = []
    reader = None if seconds is None else budget.BudgetedReader(seconds=seconds, memory_mb=memory_mb)
    try:
        for n, path in enumerate(expand(paths), start=1):
            try:
                read = parse_file(path, max_bytes=max_bytes) if reader is None else \
                    reader.read(path, max_bytes=max_bytes)
                pending.append((path, read))
            except ReferatError as exc:
                pending.append((path, exc))
            if sum(isinstance(r, ImportedMeeting) for _, r in pending) >= batch:
                yield from _save(store, pending)
                pending = []
            if n % flush_every == 0:
                store.flush()
        yield from _save(store, pending)
        for delivery in deliveries:
            yield from _save_deliveries(store, delivery)
    finally:
        if reader is not None:
            reader.close()
        store.autoflush = True
        store.flush()


def _is_delivery(path: Path) -> bool:
    """Is ``path`` itself a publication (a delivery folder, an SBSYS zip, an Acadre manifest)?"""
    if not (path.is_dir() or path.suffix.lower() == ".zip" or path.name.upper().startswith("XML_")):
        return False
    return delivery_kind(path) is not None


def _save_deliveries(store: Store, path: Path) -> Iterator[Outcome]:
    try:
        publications = read_publications(path)
    except ReferatError as exc:
        yield Outcome(path, "error", error=str(exc))
        return
    for pub in publications:
        try:
            result = save_publication(store, pub)
        except DiskFull:
            raise
        except ReferatError as exc:
            yield Outcome(path, "error", error=str(exc))
            continue
        files = f"{len(pub.attachments)} attachments, {len(pub.item_documents)} item files"
        yield Outcome(path, result.status, result.meeting_id, len(pub.meeting.items),
                      (*pub.warnings, *(w for d in pub.documents for w in d.document.warnings)), note=files)


def _save(store: Store, pending: list[tuple[Path, ImportedMeeting | ReferatError]]) -> Iterator[Outcome]:
    records = [r for _, r in pending if isinstance(r, ImportedMeeting)]
    try:
        saved: list[SaveResult | ReferatError] = list(store.save_many(records))
    except DiskFull:
        raise  # (not any file's fault: the import stops with one line)
    except ReferatError:  # find the culprit: one at a time
        saved = []
        for record in records:
            try:
                saved.append(store.save(record))
            except ReferatError as exc:
                saved.append(exc)
    results = iter(saved)
    for path, parsed in pending:
        if isinstance(parsed, ReferatError):
            yield Outcome(path, "error", error=str(parsed))
            continue
        result = next(results)
        if isinstance(result, ReferatError):
            yield Outcome(path, "error", error=str(result))
        else:
            yield Outcome(path, result.status, result.meeting_id, len(parsed.meeting.items),
                          tuple(parsed.document.warnings))
