""""Kommende møder": the archive's meetings from a given week on, by ISO week, for the ``/kalender`` page.

Why: people plan by week ("what is on the agenda next week in my municipality"),
and the meeting summaries the store already keeps carry everything the page
shows (committee, kind, start, item count), so no item is read and nothing of a
closed item appears.  The same meetings are a calendar file (``/moeder.ics``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from ..persons import slug
from ..store.base import MeetingSummary, Store
from . import views
from .params import BadRequest

#: the weeks one page shows
WEEKS = 8


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest("«fra» skal være en dato som 2025-01-31.") from None
    if not 1900 <= day.year <= 2100:
        raise BadRequest("«fra» skal være en dato som 2025-01-31.")
    return day


def week_label(monday: date) -> str:
    """``Uge 50: 7.–13. december 2026`` (the month and year once when the week stays in them)."""
    sunday = monday + timedelta(days=6)
    week = monday.isocalendar()[1]
    if monday.month == sunday.month:
        span = f"{monday.day}.–{views.danish_date(sunday)}"
    elif monday.year == sunday.year:
        span = f"{views.danish_date(monday).rsplit(' ', 1)[0]} – {views.danish_date(sunday)}"
    else:
        span = f"{views.danish_date(monday)} – {views.danish_date(sunday)}"
    return f"Uge {week}: {span}"


def calendar_page(store: Store, query: Mapping[str, str], today: date) -> dict[str, Any]:
    """The meetings in ``WEEKS`` weeks from the week of ``fra`` (default: this week), optionally one
    municipality's (``kommune``, its slug), grouped by week, earliest first."""
    start = _day(query.get("fra")) or today
    monday = start - timedelta(days=start.weekday())
    end = monday + timedelta(weeks=WEEKS)
    wanted = (query.get("kommune") or "").strip() or None
    municipalities = sorted({c.municipality for c in store.committees()}, key=str.casefold)
    chosen = next((m for m in municipalities if slug(m) == wanted), None)
    if wanted is not None and chosen is None:
        raise BadRequest(f"Kommunen «{wanted}» findes ikke i arkivet.", 404)
    rows: list[MeetingSummary] = store.meetings_between(datetime.combine(monday, time()), datetime.combine(end, time()),
                                                        municipality=chosen)
    weeks: dict[date, list[dict[str, Any]]] = {}
    for m in rows:
        assert m.start is not None
        first = m.start.date() - timedelta(days=m.start.weekday())
        weeks.setdefault(first, []).append(dict(views.summary(m),
                                                committee_url=views.committee_url(m.municipality, m.committee)))
    here = f"&kommune={slug(chosen)}" if chosen else ""
    return {"from": monday.isoformat(), "to": (end - timedelta(days=1)).isoformat(),
            "municipality": chosen, "municipalities": [{"name": m, "slug": slug(m)} for m in municipalities],
            "weeks": [{"monday": d.isoformat(), "label": week_label(d), "meetings": ms}
                      for d, ms in sorted(weeks.items())],
            "previous": f"/kalender?fra={(monday - timedelta(weeks=WEEKS)).isoformat()}{here}",
            "next": f"/kalender?fra={end.isoformat()}{here}", "ical": "/moeder.ics", "total": len(rows)}
