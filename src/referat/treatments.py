"""Printed treatments resolved against the archive.

Minutes print a case's earlier (and later) treatments as lines such as
"Kommunalbestyrelsen den 30. november 2020, punkt 18" or "Aarhus Byråd,
26. marts 2025, punkt 21" (``Treatment``: body, date, item number).  When the
archive holds that meeting, the line should lead to it: to the item when the
number is printed and found, else to the meeting.  This matters most where
items carry no case id (then the printed line is the only thread between the
treatments), and it lets the item page merge both threads into one history.

A printed body matches a meeting's committee when their words agree after the
municipality's name and the definite ending are set aside ("Byrådet" is
"Aarhus Byråd", "Udvalget for plan, udvikling og kultur" is "… kultur (PUK)")
and the words left are not only generic ones ("Udvalget").  A line without a
body is resolved only when the municipality held exactly one meeting that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import NotFound
from .model import Treatment
from .search.analyzer import stem, words
from .store.base import Store

#: words that say what kind of body it is but not which one
GENERIC = frozenset(stem(w) for w in ("udvalget", "udvalg", "for", "og", "i", "kommune", "kommunes", "den", "det"))


@dataclass(frozen=True)
class Resolved:
    """Where a printed treatment is in the archive; ``number`` is None when only the meeting was found."""

    meeting_id: int
    committee: str
    start: str | None
    number: str | None

    @property
    def url(self) -> str:
        return f"/moede/{self.meeting_id}/punkt/{self.number}" if self.number else f"/moede/{self.meeting_id}"


def _key(name: str, municipality: str) -> frozenset[str]:
    own = {stem(w) for w in words(municipality)}
    return frozenset(s for w in words(name) if (s := stem(w)) not in own)


def body_matches(printed: str, committee: str, municipality: str) -> bool:
    """Whether a printed body names ``committee`` of ``municipality`` (see the module docstring)."""
    a, b = _key(printed, municipality), _key(committee, municipality)
    if not a or not b:
        return False
    if a == b:
        return True
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    return smaller <= larger and bool(smaller - GENERIC)


def resolve(store: Store, municipality: str, treatment: Treatment, *,
            exclude_meeting: int | None = None) -> Resolved | None:
    """The archive meeting (and item) a printed treatment names, if the archive holds it."""
    if treatment.date is None:
        return None
    day = treatment.date if isinstance(treatment.date, date) else date.fromisoformat(str(treatment.date))
    held = [m for m in store.meetings_on(municipality, day) if m.id != exclude_meeting]
    if treatment.body:
        held = [m for m in held if body_matches(treatment.body, m.committee, municipality)]
    elif len({m.committee for m in held}) != 1:
        return None
    if not held:
        return None
    # an agenda and its minutes may both be in the archive: prefer the minutes, then the latest import
    held.sort(key=lambda m: (m.kind != "referat", -m.id))
    meeting = held[0]
    number = None
    if treatment.item_number:
        try:
            store.item_id(meeting.id, treatment.item_number)
            number = treatment.item_number
        except NotFound:
            number = None
    return Resolved(meeting.id, meeting.committee, meeting.start.isoformat() if meeting.start else None, number)


def resolve_all(store: Store, municipality: str, treatments: list[Treatment], *,
                exclude_meeting: int | None = None) -> list[Resolved | None]:
    """``resolve`` for each printed treatment, looking each (municipality, day) up once."""
    cache: dict[tuple[str | None, object, str | None], Resolved | None] = {}
    out = []
    for t in treatments:
        key = (t.body, t.date, t.item_number)
        if key not in cache:
            cache[key] = resolve(store, municipality, t, exclude_meeting=exclude_meeting)
        out.append(cache[key])
    return out


__all__ = ["Resolved", "body_matches", "resolve", "resolve_all"]
