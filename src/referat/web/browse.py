"""A search without words: the meetings a visitor's filters leave (municipality, committee, year, fra/til).

Why: people browse ("Teknisk Udvalg's meetings in 2023") as often as they search,
and the search index needs at least one word; the meeting summaries answer the
filters that describe a meeting.  The filters that describe an item's content
(outcome, KLE subject, person) need words and say so.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from ..store.base import Store
from . import views
from .params import BadRequest, SearchParams


def browse_page(store: Store, p: SearchParams, page_size: int) -> dict[str, Any]:
    """The page ``p.page`` of the filtered meetings, newest first (``meetings``, ``total``, ``pages``)."""
    if p.outcome or p.kle or p.person:
        raise BadRequest("Skriv mindst ét søgeord for at afgrænse efter udfald, KLE-emne eller person.")
    low, high = p.date_range
    if low is None and high is None:  # newest first, a page at a time; the total from the committees' counts
        total = sum(c.meetings for c in store.committees() if (p.municipality in (None, c.municipality))
                    and (p.committee in (None, c.committee)))
        rows = store.recent_meetings(page_size, p.offset, municipality=p.municipality, committee=p.committee)
    else:
        start = datetime.combine(low, time()) if low else datetime.min
        end = datetime.combine(high + timedelta(days=1), time()) if high and high < date.max else datetime.max
        found = store.meetings_between(start, end, municipality=p.municipality, committee=p.committee)
        total = len(found)
        rows = list(reversed(found))[p.offset:p.offset + page_size]
    if p.page > 1 and p.offset >= total:
        raise BadRequest(f"Side {p.page} findes ikke; der er {total} møder.", 404)
    return {"browse": True, "meetings": [views.summary(m) for m in rows],
            "total": total, "pages": max(1, -(-total // page_size))}
