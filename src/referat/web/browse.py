"""A search without words: the meetings a visitor's filters leave (municipality, committee, year, fra/til).

Why: people browse ("Teknisk Udvalg's meetings in 2023") as often as they search,
and the search index needs at least one word; the meeting summaries answer the
filters that describe a meeting.  The filters that describe an item's content
(outcome, KLE subject, person) need words and say so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..store.base import Store
from . import views
from .params import BadRequest, SearchParams


def browse_page(store: Store, p: SearchParams, page_size: int) -> dict[str, Any]:
    """The page ``p.page`` of the filtered meetings, newest first (``meetings``, ``total``, ``pages``)."""
    if p.outcome or p.kle or p.person:
        raise BadRequest("Skriv mindst ét søgeord for at afgrænse efter udfald, KLE-emne eller person.")
    low, high = p.date_range
    rows = [m for m in store.meetings()
            if (p.municipality is None or m.municipality == p.municipality)
            and (p.committee is None or m.committee == p.committee)
            and (low is None or (m.start is not None and m.start.date() >= low))
            and (high is None or (m.start is not None and m.start.date() <= high))]
    rows.sort(key=lambda m: (m.start is not None, m.start or datetime.min, m.id), reverse=True)
    total = len(rows)
    if p.page > 1 and p.offset >= total:
        raise BadRequest(f"Side {p.page} findes ikke; der er {total} møder.", 404)
    return {"browse": True, "meetings": [views.summary(m) for m in rows[p.offset:p.offset + page_size]],
            "total": total, "pages": max(1, -(-total // page_size))}
