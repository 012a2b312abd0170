"""An item's case history on its page: every other treatment of the case the archive holds.

Two threads lead to the other treatments: the case ids an item carries (the
same id on items of other meetings and committees, ``Store.case_items``) and
the treatments the document prints ("Tidligere behandling", "Sagens forløb"),
resolved to archive meetings by ``referat.treatments``.  Both go into one table,
oldest first, without duplicates; each printed line that was found gets an
``archive_url`` so the page can link it.  A closed item shows no history at all,
and a closed item found by either thread shows number and title only.
"""

from __future__ import annotations

from typing import Any

from ..errors import NotFound
from ..model import AgendaItem, Meeting
from ..store.base import Store
from ..treatments import resolve_all
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
    for treatment, row, found in zip(printed, shown, resolve_all(store, meeting.municipality, printed,
                                                                 exclude_meeting=meeting_id)):
        if found is None:
            continue
        row["archive_url"] = found.url
        key = (found.meeting_id, found.number)
        if found.number is None or key in rows:
            continue
        other = _item(store, found.meeting_id, found.number)
        if other is not None:
            m, it = other
            rows[key] = {"meeting_id": found.meeting_id, "url": found.url, "municipality": m.municipality,
                         "committee": m.committee, "start": found.start, "number": it.number, "title": it.title,
                         "outcome": it.outcome if it.public else None, "public": it.public, "case_id": None,
                         "printed": True}
    return sorted(rows.values(), key=lambda r: (r["start"] or "", r["meeting_id"]))


def _item(store: Store, meeting_id: int, number: str) -> tuple[Meeting, AgendaItem] | None:
    try:
        meeting = store.get(meeting_id).meeting
    except NotFound:
        return None
    match = [i for i in meeting.items if i.number == number]
    return (meeting, match[0]) if match else None
