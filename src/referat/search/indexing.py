"""What of an item goes into the search index, the same for every backend.

Closed items (``public=False``) contribute their title only: content that may
not be published is never indexed, so it can never surface in a snippet.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import CaseId, ImportedMeeting


@dataclass(frozen=True)
class ItemRow:
    position: int
    number: str
    title: str
    public: bool
    outcome: str | None
    date: str | None
    municipality: str
    committee: str
    text: str
    case_ids: list[CaseId]


def item_text(item) -> str:
    if not item.public:
        return item.title
    parts = [item.title, " ".join(c.value for c in item.case_ids)]
    for section in item.sections:
        parts.append(section.heading)
        parts.append(section.text)
    return "\n".join(p for p in parts if p)


def item_rows(record: ImportedMeeting) -> list[ItemRow]:
    m = record.meeting
    day = m.start.date().isoformat() if m.start else None
    rows = []
    for item in m.items:
        rows.append(ItemRow(
            position=item.position, number=item.number, title=item.title, public=item.public,
            outcome=item.outcome, date=day, municipality=m.municipality, committee=m.committee,
            text=item_text(item), case_ids=item.case_ids))
    return rows
