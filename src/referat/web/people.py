"""Person pages and committee members: what the portal shows of the people in the archive.

A person is a normalized name within a municipality (``referat.persons``), so a
person page lives at ``/person/<municipality>/<name>`` in slug form
(``/person/ballerup/anja-holtze``).  The data comes from the store's people read
model (participants and item mentions written at save time), never from reading
meetings, so these pages cost a few indexed queries at any archive size.  Only
public items are ever mentioned (the read model skips closed ones).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..errors import NotFound
from ..persons import Attendance, Membership, Mention, held, memberships, person_key
from ..store.base import Store
from . import views

SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]{0,89}")
MENTION_LABELS = {"absent": "Fraværende under punktet", "inhabil": "Deltog ikke i behandlingen (inhabil)",
                  "dissent": "Dissens eller protokoltilførsel"}


def person_url(municipality: str, name: str) -> str:
    return "/person/" + person_key(municipality, name)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _membership(m: Membership) -> dict[str, Any]:
    return {"committee": m.committee, "municipality": m.municipality,
            "committee_url": views.committee_url(m.municipality, m.committee), "party": m.party, "role": m.role,
            "first": _iso(m.first), "last": _iso(m.last), "present": m.present, "absent": m.absent,
            "current": m.current}


def _member(m: Membership) -> dict[str, Any]:
    return dict(_membership(m), name=m.name, url=person_url(m.municipality, m.name))


def _meeting(a: Attendance) -> dict[str, Any]:
    return {"meeting_id": a.meeting_id, "url": f"/moede/{a.meeting_id}", "start": _iso(a.start),
            "committee": a.committee, "committee_url": views.committee_url(a.municipality, a.committee),
            "kind": a.kind, "present": a.present, "note": a.note, "role": a.role, "party": a.party}


def _mention(m: Mention) -> dict[str, Any]:
    return {"kind": m.kind, "label": MENTION_LABELS.get(m.kind, m.kind), "meeting_id": m.meeting_id,
            "meeting_url": f"/moede/{m.meeting_id}", "url": f"/moede/{m.meeting_id}/punkt/{m.item_number}",
            "start": _iso(m.start), "committee": m.committee, "number": m.item_number, "title": m.item_title,
            "text": m.text or None}


def person_page(store: Store, municipality_slug: str, name_slug: str) -> dict[str, Any]:
    """The person page's data: memberships, attendance record (newest first) and item mentions."""
    if not (SEGMENT.fullmatch(municipality_slug) and SEGMENT.fullmatch(name_slug)):
        raise NotFound(name_slug)
    key = f"{municipality_slug}/{name_slug}"
    rows = store.person_attendance(key)
    mentions = store.person_mentions(key)
    if not rows and not mentions:
        raise NotFound(key)
    latest = store.latest_listed({(r.municipality, r.committee) for r in rows})
    seats = memberships(rows, latest)
    newest = rows[-1] if rows else None
    first = mentions[-1] if mentions else None
    name = newest.name if newest else first.name if first else name_slug
    municipality = newest.municipality if newest else first.municipality if first else municipality_slug
    party = newest.party if newest else first.party if first else None
    attended = [r for r in rows if held(r.kind)]  # minutes: a meeting that took place (agendas do not count)
    present = sum(r.present for r in attended)
    return {
        "person": {"key": key, "url": f"/person/{key}", "name": name, "municipality": municipality,
                   "party": party},
        "memberships": [_membership(m) for m in seats],
        "attendance": {"present": present, "absent": len(attended) - present,
                       "meetings": [_meeting(a) for a in reversed(attended)]},
        "mentions": [_mention(m) for m in reversed(mentions)],
    }


def committee_members(store: Store, municipality: str, committee: str) -> dict[str, list[dict[str, Any]]]:
    """Current and past members of a committee, from the participant lists of its meetings."""
    rows = store.committee_attendance(municipality, committee)
    if not rows:
        return {"current": [], "past": []}
    seats = memberships(rows, {(municipality, committee): max((r.start for r in rows if r.start),
                                                              default=None)})
    return {"current": [_member(m) for m in seats if m.current],
            "past": [_member(m) for m in seats if not m.current]}
