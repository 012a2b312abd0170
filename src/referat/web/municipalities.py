"""Finding your way by place: the municipalities, each one's committees, meetings and people, readable addresses.

Why: a citizen starts from "my municipality", not from a search word.  These
pages (``/kommuner``, ``/kommune/<slug>``, ``/kommune/<slug>/personer``) and the
committee pages' slug addresses (``/kommune/ballerup/udvalg/teknisk-udvalg``, as
person pages have) are made from the store's meeting summaries and people read
model; nothing here reads an item, so a closed item cannot show more than its
meeting's item count.  A query that is a person's name offers that person's page
(``people_named``): the search index holds item text, not participant lists.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any

from ..errors import NotFound
from ..persons import Attendance, memberships, slug
from ..store.base import CommitteeSummary, Store
from . import people, views

SEGMENT = people.SEGMENT
#: upcoming and latest meetings on a municipality's page
LISTED = 10


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def directory(store: Store) -> list[dict[str, Any]]:
    """Every municipality in the archive, by name: its address, committees and meetings."""
    by_name: dict[str, list[CommitteeSummary]] = defaultdict(list)
    for c in store.committees():
        by_name[c.municipality].append(c)
    out = []
    for name in sorted(by_name, key=str.casefold):
        rows = by_name[name]
        latest = max((c.latest for c in rows if c.latest), default=None)
        out.append({"name": name, "url": views.municipality_url(name), "committees": len(rows),
                    "meetings": sum(c.meetings for c in rows), "latest": _iso(latest)})
    return out


def municipality_name(store: Store, municipality_slug: str) -> tuple[str, list[CommitteeSummary]]:
    """The municipality whose slug is ``municipality_slug`` and its committees; NotFound if none."""
    if not SEGMENT.fullmatch(municipality_slug):
        raise NotFound(municipality_slug)
    rows = [c for c in store.committees() if slug(c.municipality) == municipality_slug]
    if not rows:
        raise NotFound(municipality_slug)
    name = min(c.municipality for c in rows)
    return name, [c for c in rows if c.municipality == name]


def municipality_page(store: Store, municipality_slug: str, now: datetime) -> dict[str, Any]:
    """A municipality: its committees (newest meeting first), upcoming meetings and the latest held."""
    name, committees = municipality_name(store, municipality_slug)
    listed = sorted(({"name": c.committee, "url": views.committee_url(name, c.committee), "meetings": c.meetings,
                      "latest": _iso(c.latest)} for c in committees), key=lambda c: str(c["name"]).casefold())
    upcoming = store.meetings_between(now, datetime.max, municipality=name)[:LISTED]
    held = [m for m in store.recent_meetings(LISTED + len(upcoming), municipality=name)
            if not m.start or m.start < now][:LISTED]
    return {"municipality": {"name": name, "url": views.municipality_url(name),
                             "people_url": views.municipality_url(name) + "/personer"},
            "committees": listed, "upcoming": [views.summary(m) for m in upcoming],
            "latest": [views.summary(m) for m in held]}


def committee_pair(store: Store, municipality: str, committee: str) -> tuple[str, str]:
    """The (municipality, committee) an address names, by slugs or by names (the committee's feeds answer
    both); NotFound when nothing matches.  Two committees of one slug: the exact names, else the first."""
    wanted_m, wanted_c = slug(municipality), slug(committee)
    found = sorted({(c.municipality, c.committee) for c in store.committees()
                    if slug(c.municipality) == wanted_m and slug(c.committee) == wanted_c})
    if not found:
        raise NotFound(committee)
    return (municipality, committee) if (municipality, committee) in found else found[0]


def committee_names(store: Store, municipality: str, committee: str) -> tuple[str, str]:
    """``committee_pair`` for the committee page, which lives at the slug address: an address by names (an
    old one) raises ``views.Moved`` to it."""
    names = committee_pair(store, municipality, committee)
    if (municipality, committee) != (slug(municipality), slug(committee)):  # not the slug address
        raise views.Moved(views.committee_url(*names))
    return names


def municipality_people(store: Store, municipality_slug: str) -> dict[str, Any]:
    """The people listed at the municipality's meetings: name, party, committees (current seats first)."""
    name, rows = municipality_name(store, municipality_slug)
    committees = sorted({c.committee for c in rows}, key=str.casefold)
    persons: dict[str, dict[str, Any]] = {}
    for committee in committees:
        attendance = store.committee_attendance(name, committee)
        if not attendance:
            continue
        latest = max((r.start for r in attendance if r.start), default=None)
        for seat in memberships(attendance, {(name, committee): latest}):
            url = people.person_url(name, seat.name)
            person = persons.setdefault(url, {"name": seat.name, "url": url, "party": seat.party,
                                              "committees": [], "current": False, "last": None})
            person["committees"].append({"name": committee, "url": views.committee_url(name, committee),
                                         "current": seat.current})
            person["current"] = person["current"] or seat.current
            last = seat.last.isoformat() if seat.last else None
            if last and (person["last"] is None or last > person["last"]):
                person["last"], person["party"] = last, seat.party or person["party"]
    listed = sorted(persons.values(), key=lambda p: p["name"].casefold())
    return {"municipality": {"name": name, "url": views.municipality_url(name)},
            "current": [p for p in listed if p["current"]], "past": [p for p in listed if not p["current"]]}


#: a query that could be a person's name: two to five words of letters (hyphens, apostrophes, a dot)
NAME = re.compile(r"[^\W\d_][\w.'-]*(?:\s+[^\W\d_][\w.'-]*){1,4}")


def people_named(store: Store, query: str, municipality: str | None = None) -> list[dict[str, Any]]:
    """The person pages whose name is ``query`` (any municipality, or only ``municipality``)."""
    text = " ".join(query.split())
    if not NAME.fullmatch(text):
        return []
    names = sorted({c.municipality for c in store.committees()
                    if municipality is None or c.municipality == municipality})
    keys = {f"{slug(name)}/{slug(text)}": name for name in names}
    rows: dict[str, list[Attendance]] = defaultdict(list)
    for row in store.people_attendance(sorted(keys)):
        rows[row.person_key].append(row)
    out = []
    for key, name in sorted(keys.items(), key=lambda kv: kv[1]):
        if mine := rows.get(key):
            newest = mine[-1]
            out.append({"name": newest.name, "party": newest.party, "municipality": name, "url": f"/person/{key}",
                        "meetings": len(mine)})
    return out
