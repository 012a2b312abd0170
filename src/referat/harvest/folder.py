"""Harvest a publication folder: the files a case system drops (eDoc, SBSYS, Acadre, Fujitsu ...).

Each file is read through ``parse_bytes`` on its own for now (the readers that make one meeting
of a whole drop folder are another issue's).  A file is looked at again only when its size or
modification time moved, and imported only when its SHA-256 moved, so a re-run reads nothing.
A file still being written is never imported broken: one modified within the last ``settle``
seconds, one that changed while it was read, or a zip whose directory is not there yet (still
growing) is left *pending* and tried again by the next run; a zip that is still incomplete at the
same size and time as at the last look is a failure.  A file that is no agenda or minutes (an
attachment PDF, a manifest) is *ignored* until it changes.  State is saved with the meeting, in one
transaction, as for portals.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from ..errors import InputError, NotMinutes, ReferatError, UnsupportedFormat
from ..parse.importer import MAX_BYTES, parse_bytes
from ..store.base import Store
from ..store.harvestdb import Tx, rekey
from . import state
from .firstagenda import Options
from .outcome import Progress, Report
from .state import Seen, Source


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def harvest(store: Store, source: Source, owner: str, options: Options, progress: Progress | None = None) -> Report:
    report = Report(source.name)
    root = Path(source.location)
    if not root.is_dir():
        raise InputError(f"{root}: the folder is not there")
    known = state.seen(store, source.name)
    found = files(root)
    if progress:
        progress(source.name, "", len(found))
    present = set()
    for path in found:
        ident = path.relative_to(root).as_posix()
        present.add(ident)
        status = _one(store, source, owner, options, path, ident, known.get(ident), report)
        report.count(status)
        if progress:
            progress(source.name, status, None)
    gone = [s for s in known.values() if s.external_id not in present and s.status != "gone"]
    if gone:
        def mark(tx: Tx, _save: object) -> None:
            for s in gone:
                s.status = "gone"
                state.put_seen(tx, source.name, s)
        store.transact(mark)
        report.count("gone", len(gone))
    return report


def _one(store: Store, source: Source, owner: str, options: Options, path: Path, ident: str, prior: Seen | None,
         report: Report) -> str:
    try:
        st = path.stat()
    except OSError:
        return "pending"  # (removed meanwhile)
    stamp = str(st.st_mtime_ns)
    if prior is not None and prior.status in ("ok", "ignored") and prior.size == st.st_size \
            and prior.modified == stamp:
        return "unchanged" if prior.status == "ok" else "ignored"
    seen = Seen(ident, prior.meeting_id if prior else None, None, None, prior.sha256 if prior else None, None, stamp,
                st.st_size, "ok", None)

    def record_only(tx: Tx, _save: object) -> None:
        state.put_seen(tx, source.name, seen)

    if time.time() - st.st_mtime < options.settle:
        seen.status, seen.error = "pending", "modified moments ago: still being written?"
        store.transact(record_only)
        return "pending"
    if st.st_size > MAX_BYTES:
        seen.status, seen.error = "error", f"the file is over {MAX_BYTES // 2**20} MB"
        store.transact(record_only)
        report.errors.append(f"{source.name}: {ident}: {seen.error}")
        return "failed"
    try:
        data = path.read_bytes()
        after = path.stat()
    except OSError as exc:
        seen.status, seen.error = "pending", f"cannot read: {exc.strerror or exc}"
        store.transact(record_only)
        return "pending"
    if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns) or len(data) != st.st_size:
        seen.status, seen.error = "pending", "changed while read: still being written"
        store.transact(record_only)
        return "pending"
    sha = hashlib.sha256(data).hexdigest()
    if prior is not None and prior.sha256 == sha and prior.status in ("ok", "ignored"):
        seen.status = prior.status
        store.transact(record_only)  # (touched, same bytes)
        return "unchanged" if prior.status == "ok" else "ignored"
    seen.sha256 = sha
    try:
        record = parse_bytes(data, path.name)
    except (NotMinutes, UnsupportedFormat) as exc:
        seen.status, seen.error = "ignored", str(exc)
        store.transact(record_only)
        return "ignored"
    except InputError as exc:
        incomplete = data.startswith(b"PK") and "incomplete" in str(exc)
        if incomplete and not (prior is not None and prior.status == "pending" and prior.size == st.st_size
                               and prior.modified == stamp):
            seen.status, seen.error = "pending", f"{exc}: still being written?"
            store.transact(record_only)
            return "pending"
        seen.status, seen.error = "error", str(exc)
        store.transact(record_only)
        report.errors.append(f"{source.name}: {ident}: {exc}")
        return "failed"
    except ReferatError as exc:
        seen.status, seen.error = "error", str(exc)
        store.transact(record_only)
        report.errors.append(f"{source.name}: {ident}: {exc}")
        return "failed"
    if source.municipality:
        record.meeting.municipality = source.municipality

    def work(tx: Tx, save: object) -> str:
        state.renew(tx, source.name, owner)
        now = state.seen_one(tx, source.name, ident)
        if now is not None and now.meeting_id is not None:
            rekey(tx, now.meeting_id, record)
        result = save(record)  # type: ignore[operator]
        seen.meeting_id = result.meeting_id
        state.put_seen(tx, source.name, seen)
        return {"new": "new", "replaced": "updated", "attached": "updated"}.get(result.status, "unchanged")

    return store.transact(work)
