"""An item's case history on its page: every other treatment of the case the archive holds.

Three threads lead to the other treatments: the case ids an item carries (the
same id on items of other meetings and committees, ``Store.case_items``), the
treatments the document prints ("Tidligere behandling", "Sagens forløb"),
resolved to archive meetings by ``referat.treatments``, and the other way round,
later (or earlier) items whose documents print this item's treatment (its
municipality, day, committee and item number; ``Store.printed_refs``).  All go into one table,
oldest first, without duplicates; each printed line that was found gets an
``archive_url`` so the page can link it.  A closed item shows no history at all,
and a closed item found by either thread shows number and title only.
"""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..model import AgendaItem, Meeting
from ..store.base import Store
from ..store.treatrefs import PrintedRef
from ..treatments import body_matches, resolve_all
from . import views


def case_history(store: Store, meeting_id: int, meeting: Meeting, item: AgendaItem,
                 detail: dict[str, Any]) -> list[dict[str, Any]]:
    """The table rows of other treatments; marks ``detail``'s printed treatments with ``archive_url``."""
    if not item.public:
        return []
    own = (meeting_id, item.number)
    rows = {(c.meeting_id, c.number): views.case_item(c)
            for c in store.case_items([c.value for c in item.case_ids]) if (c.meeting_id, c.number) != own} \
        if item.case_ids else {}
    printed = item.previous_treatments + item.case_history
    shown = detail.get("previous_treatments", []) + detail.get("case_history", [])
    for _treatment, row, found in zip(printed, shown, resolve_all(store, meeting.municipality, printed,
                                                                 exclude_meeting=meeting_id), strict=False):
        if found is None:
            continue
        row["archive_url"] = found.url
        if found.number is None or (found.meeting_id, found.number) in rows:
            continue
        key = (found.meeting_id, found.number)
        other = _item(store, found.meeting_id, found.number)
        if other is not None:
            rows[key] = _row(found.meeting_id, *other, printed=True)
    for ref in _naming_this(store, meeting_id, meeting, item):
        key = (ref.meeting_id, ref.item_number)
        other = None if key in rows else _item(store, ref.meeting_id, ref.item_number)
        if other is not None:
            rows[key] = _row(ref.meeting_id, *other, names_this=True)
    return sorted(rows.values(), key=lambda r: (r["start"] or "", r["meeting_id"]))


def _row(meeting_id: int, m: Meeting, it: AgendaItem, **why: bool) -> dict[str, Any]:
    """A table row for another meeting's item found by a printed treatment (``why``: which thread)."""
    return {"meeting_id": meeting_id, "url": f"/moede/{meeting_id}/punkt/{it.number}", "municipality": m.municipality,
            "committee": m.committee, "start": m.start.isoformat() if m.start else None, "number": it.number,
            "title": it.title, "outcome": it.outcome if it.public else None, "public": it.public, "case_id": None,
            **why}


def _naming_this(store: Store, meeting_id: int, meeting: Meeting, item: AgendaItem) -> list[PrintedRef]:
    """Other items whose documents print a treatment of this item: the same municipality and day, a body that
    names this committee (or none, when the municipality held meetings of one committee only that day) and
    this item's number (a line naming only the meeting says nothing about which item)."""
    if meeting.start is None:
        return []
    day = meeting.start.date()
    refs = [r for r in store.printed_refs(meeting.municipality, day)
            if r.meeting_id != meeting_id and r.number == item.number]
    only_one = False
    if any(r.body is None for r in refs):
        only_one = len({m.committee for m in store.meetings_on(meeting.municipality, day)}) == 1
    return [r for r in refs if (body_matches(r.body, meeting.committee, meeting.municipality) if r.body
                                else only_one)]


def _item(store: Store, meeting_id: int, number: str) -> tuple[Meeting, AgendaItem] | None:
    try:
        meeting = store.get(meeting_id).meeting
    except NotFound:
        return None
    match = [i for i in meeting.items if i.number == number]
    return (meeting, match[0]) if match else None
