"""Copy a whole archive between stores (SQLite ⇄ PostgreSQL), verified.

Moving to PostgreSQL (or back to one file) must lose nothing, so the copy goes
through the one thing both stores hold losslessly, the canonical model: every
meeting is read from the source and saved in the destination, which rebuilds
its own items and search index.  The source files (``store.blobs``) go along
with their meetings: a meeting whose document has bytes in the source is saved
with them.  Meeting ids are kept when the destination starts empty (links stay
valid).  With ``verify`` every meeting's canonical JSON is compared afterwards,
and every source file the source store holds must be in the destination with
the same bytes; any difference is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import canonical
from ..errors import NotFound, StoreError
from .base import Store


@dataclass
class CopyReport:
    meetings: int = 0
    items: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    verified: int | None = None
    files: int = 0
    kept_ids: bool = False
    mapping: dict[int, int] = field(default_factory=dict)

    def describe(self) -> str:
        ids = "ids kept" if self.kept_ids else "new ids"
        line = (f"copied {self.meetings} meetings ({self.items} items): {self.new} new, {self.replaced} replaced,"
                f" {self.unchanged} unchanged; {ids}")
        if self.verified is not None:
            line += (f"; verified {self.verified} meetings (canonical JSON identical) and {self.files} source files"
                     " (bytes identical)")
        else:
            line += f"; {self.files} source files"
        return line


def copy_archive(src: Store, dst: Store, *, verify: bool = True, flush_every: int = 500,
                 progress: Callable[[int, int], None] | None = None) -> CopyReport:
    summaries = sorted(src.meetings(), key=lambda m: m.id)
    report = CopyReport(kept_ids=not dst.meetings())
    dst.autoflush = False
    try:
        for n, summary in enumerate(summaries, start=1):
            record = src.get(summary.id)
            if src.has_source(record.document.sha256):
                record.source = src.source(record.document.sha256).data
                report.files += 1
            result = dst.save(record, meeting_id=summary.id if report.kept_ids else None)
            report.mapping[summary.id] = result.meeting_id
            report.meetings += 1
            report.items += len(record.meeting.items)
            setattr(report, result.status, getattr(report, result.status) + 1)
            if n % flush_every == 0:
                dst.flush()
            if progress:
                progress(n, len(summaries))
    finally:
        dst.autoflush = True
        dst.flush()
    if verify:
        report.verified = verify_copy(src, dst, report.mapping)
    return report


def verify_copy(src: Store, dst: Store, mapping: dict[int, int]) -> int:
    """Compare the canonical JSON of every copied meeting and the bytes of its source file (when the
    source store has them); raises on the first differences."""
    differ, files = [], []
    for sid, did in mapping.items():
        record = src.get(sid)
        if canonical.dumps(record) != canonical.dumps(dst.get(did)):
            differ.append(sid)
            continue
        sha = record.document.sha256
        if src.has_source(sha):
            try:
                same = dst.source(sha).data == src.source(sha).data
            except NotFound:
                same = False
            if not same:
                files.append(sid)
    if differ:
        shown = ", ".join(str(i) for i in differ[:10]) + (" …" if len(differ) > 10 else "")
        raise StoreError(f"the copy differs from the source in {len(differ)} meetings (source ids {shown})")
    if files:
        shown = ", ".join(str(i) for i in files[:10]) + (" …" if len(files) > 10 else "")
        raise StoreError(f"the copy lacks or differs in the source files of {len(files)} meetings"
                         f" (source ids {shown})")
    return len(mapping)
