"""Copy a whole archive between stores (SQLite ⇄ PostgreSQL), verified.

Moving to PostgreSQL (or back to one file) must lose nothing, so the copy goes
through the one thing both stores hold losslessly, the canonical model: every
meeting is read from the source and saved in the destination, which rebuilds
its own items and search index.  Meeting ids are kept when the destination
starts empty (links stay valid).  With ``verify`` every meeting's canonical
JSON is compared afterwards and any difference is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import canonical
from ..errors import StoreError
from .base import Store


@dataclass
class CopyReport:
    meetings: int = 0
    items: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    verified: int | None = None
    kept_ids: bool = False
    mapping: dict[int, int] = field(default_factory=dict)

    def describe(self) -> str:
        ids = "ids kept" if self.kept_ids else "new ids"
        line = (f"copied {self.meetings} meetings ({self.items} items): {self.new} new, {self.replaced} replaced,"
                f" {self.unchanged} unchanged; {ids}")
        if self.verified is not None:
            line += f"; verified {self.verified} meetings (canonical JSON identical)"
        return line


def copy_archive(src: Store, dst: Store, *, verify: bool = True, flush_every: int = 500,
                 progress: Callable[[int, int], None] | None = None) -> CopyReport:
    summaries = sorted(src.meetings(), key=lambda m: m.id)
    report = CopyReport(kept_ids=not dst.meetings())
    dst.autoflush = False
    try:
        for n, summary in enumerate(summaries, start=1):
            record = src.get(summary.id)
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
    """Compare the canonical JSON of every copied meeting; raises on the first differences."""
    differ = [sid for sid, did in mapping.items()
              if canonical.dumps(src.get(sid)) != canonical.dumps(dst.get(did))]
    if differ:
        shown = ", ".join(str(i) for i in differ[:10]) + (" …" if len(differ) > 10 else "")
        raise StoreError(f"the copy differs from the source in {len(differ)} meetings (source ids {shown})")
    return len(mapping)
