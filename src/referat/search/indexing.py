"""What of an item goes into the search index, the same for every backend.

Closed items (``public=False``) contribute their title only: content that may
not be published is never indexed, so it can never surface in a snippet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import CaseId, ImportedMeeting, Meeting
from ..vocab.kle import group_of


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
    persons: list[str] = field(default_factory=list)  # the meeting's participants, "Name (Party)"


def kle_groups(case_ids: list[CaseId]) -> list[str]:
    """The KLE subject groups ("00.01") of an item's case ids, once each."""
    return list(dict.fromkeys(g for c in case_ids if (g := group_of(c.value)) is not None))


def person_label(name: str, party: str | None) -> str:
    return f"{name} ({party})" if party else name


def meeting_persons(meeting: Meeting) -> list[str]:
    """Who took part in the meeting (present participants), as the ``person`` facet shows them."""
    return list(dict.fromkeys(person_label(p.person.name, p.person.party) for p in meeting.participants
                              if p.present and p.person.name.strip()))


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
    persons = meeting_persons(m)
    rows = []
    for item in m.items:
        rows.append(ItemRow(
            position=item.position, number=item.number, title=item.title, public=item.public,
            outcome=item.outcome, date=day, municipality=m.municipality, committee=m.committee,
            text=item_text(item), case_ids=item.case_ids, persons=persons))
    return rows
