"""What one harvest of one source did: the counts the summary prints and the failures it reports.

Shared by every kind of source (portal, folder) and by the CLI, so the summary reads the same
whatever was harvested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: the statuses a meeting (or file) of a source ends a harvest in, in summary order
STATUSES = ("new", "updated", "unchanged", "failed", "pending", "ignored", "closed", "gone")

#: ``progress(source, what, total)``: one offering handled (``what`` is its status); total once known
Progress = Callable[[str, str, int | None], None]


@dataclass
class Report:
    source: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    errors: list[str] = field(default_factory=list)  # one line each: what failed and why
    retried: list[str] = field(default_factory=list)  # transient failures that were tried again
    attachments: int = 0  # attachments fetched
    requests: int = 0
    busy: bool = False  # another harvest held the source: nothing was done
    error: str | None = None  # the source as a whole failed (list unreachable, not a portal ...)

    def count(self, status: str, n: int = 1) -> None:
        self.counts[status] = self.counts.get(status, 0) + n

    @property
    def failed(self) -> bool:
        return self.error is not None or self.counts.get("failed", 0) > 0

    def line(self) -> str:
        if self.busy:
            return f"{self.source}: busy (another harvest holds it); nothing done"
        parts = [f"{self.counts[s]} {s}" for s in STATUSES if self.counts.get(s) or s in ("new", "updated",
                                                                                          "unchanged", "failed")]
        extra = f", {self.attachments} attachments" if self.attachments else ""
        retried = f", {len(self.retried)} retried" if self.retried else ""
        tail = f"; FAILED: {self.error}" if self.error else ""
        return f"{self.source}: {', '.join(parts)}{extra}{retried}{tail}"
