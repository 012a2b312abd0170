"""Feeds and exports: Atom for any search and per committee, iCal for meetings, CSV/JSON of search results.

People follow the archive in feed readers and calendars and analyse it in
spreadsheets; these are the same searches and meeting lists as the HTML pages,
in those formats.  A search feed or export takes exactly the HTML search's
parameters (``q``, ``kommune``, ``udvalg``, ``aar``, ``udfald``, ``sorter``).
Closed items appear with their title and "Lukket punkt" only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import NotFound, QueryError, ReferatError
from ..search.query import parse as parse_query
from ..search.snippets import CLOSE, OPEN
from ..store.base import Hit, MeetingSummary, SearchFilters, Store
from . import spreadsheet, urls, views
from .api import error_response
from .heavy import Busy, HeavyAnswers, busy_response
from .municipalities import committee_pair
from .params import BadRequest, SearchParams, search_params

FEED_SIZE = 50
EXPORT_CAP = 5000
CALENDAR_CAP = 2000
CSV_COLUMNS = ["url", "kommune", "udvalg", "dato", "punkt", "titel", "udfald", "offentlig", "score", "uddrag"]
#: Europe/Copenhagen for iCal consumers (the EU rules since 1996)
VTIMEZONE = ["BEGIN:VTIMEZONE", "TZID:Europe/Copenhagen",
             "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19810329T020000",
             "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
             "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET", "DTSTART:19961027T030000",
             "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"]


def plain(snippet: str) -> str:
    return snippet.replace(OPEN, "").replace(CLOSE, "")


# -- iCal (RFC 5545) ---------------------------------------------------------------
def ical_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per physical line, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _ical_time(value: datetime) -> str:
    if value.tzinfo is not None:
        return ":" + value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";TZID=Europe/Copenhagen:" + value.strftime("%Y%m%dT%H%M%S")


def calendar(name: str, events: list[dict[str, Any]], host: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//referat//Kommunale møder//DA", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + ical_text(name), "X-WR-TIMEZONE:Europe/Copenhagen", *VTIMEZONE]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:moede-{e['id']}@{host}", "DTSTAMP:" + stamp, "DTSTART" + _ical_time(e["start"])]
        if e.get("end") and e["end"] > e["start"]:
            lines.append("DTEND" + _ical_time(e["end"]))
        lines += ["SUMMARY:" + ical_text(e["summary"]), "URL:" + e["url"], "DESCRIPTION:" + ical_text(e["description"])]
        if e.get("place"):
            lines.append("LOCATION:" + ical_text(e["place"]))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


# -- Atom (RFC 4287) ---------------------------------------------------------------
def _atom_time(value: datetime | None) -> str:
    if value is None:
        return "1970-01-01T00:00:00Z"
    if value.tzinfo is None:  # meeting times are Danish local time
        try:
            value = value.replace(tzinfo=ZoneInfo("Europe/Copenhagen"))
        except ZoneInfoNotFoundError:
            value = value.replace(tzinfo=UTC)
    return value.isoformat()


def atom(title: str, self_url: str, alternate: str, entries: list[dict[str, Any]]) -> str:
    updated = max((e["updated"] for e in entries), default=_atom_time(None))
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="da">',
           f"<title>{escape(title)}</title>", f"<id>{escape(self_url)}</id>", f"<updated>{updated}</updated>",
           f'<link rel="self" type="application/atom+xml" href="{escape(self_url)}"/>',
           f'<link rel="alternate" type="text/html" href="{escape(alternate)}"/>',
           "<author><name>Referat</name></author>", "<generator>referat</generator>"]
    for e in entries:
        out += ["<entry>", f"<title>{escape(e['title'])}</title>", f"<id>{escape(e['url'])}</id>",
                f'<link rel="alternate" type="text/html" href="{escape(e["url"])}"/>',
                f"<updated>{e['updated']}</updated>", f"<author><name>{escape(e['author'])}</name></author>",
                f'<summary type="text">{escape(e["summary"])}</summary>', "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


class Feeds:
    """Handlers for feeds and exports, over the portal's store and lock."""

    def __init__(self, store: Store, lock: threading.Lock) -> None:
        self.store = store
        self.lock = lock
        self.heavy = HeavyAnswers(store, lock)  # kept per archive version, bounded per client (``heavy``)

    def guarded(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                return self.heavy.answer(request, lambda: handler(request))
            except Busy:
                return busy_response()
            except BadRequest as exc:
                return error_response(exc.status, exc.message)
            except NotFound:
                return error_response(404, "Vi kunne ikke finde det, du ledte efter.")
            except QueryError:
                return error_response(400, "Søgningen kan ikke forstås. Skriv mindst ét ord at søge efter.")
            except ReferatError:
                return error_response(400, "Forespørgslen kunne ikke gennemføres.")
        return endpoint

    def _search(self, request: Request, limit: int, default_sort: str) -> tuple[SearchParams, list[Hit], int]:
        params = dict(request.query_params)
        params.setdefault("sorter", default_sort)
        p = search_params(params)
        if not p.q:
            raise BadRequest("Angiv en søgning med «q», fx ?q=budget.")
        date_from, date_to = p.date_range
        filters = SearchFilters(municipality=p.municipality, committee=p.committee, date_from=date_from,
                                date_to=date_to, outcome=p.outcome, kle=p.kle, person=p.person)
        result = self.store.search(parse_query(p.q), filters, limit=limit, count=True, sort=p.sort_key)
        return p, result.hits, result.total or 0

    def search_atom(self, request: Request) -> Response:
        p, hits, _total = self._search(request, FEED_SIZE, "dato")
        site = urls.site(request)
        entries = [{"title": f"{h.title} ({h.committee}, punkt {h.number})", "url": site + views.hit(h)["url"],
                    "updated": _atom_time(h.start), "author": f"{h.municipality} Kommune",
                    "summary": plain(h.snippet) if h.public else views.CLOSED} for h in hits]
        return Response(atom(f"Søgning efter »{p.q}« – Referat", urls.here(request), site + p.url(), entries),
                        media_type="application/atom+xml; charset=utf-8")

    def export(self, request: Request) -> Response:
        p, hits, total = self._search(request, EXPORT_CAP, "relevans")
        site = urls.site(request)
        capped = total > len(hits)
        notice = (f"Søgningen har {total} resultater; eksporten indeholder de første {len(hits)}."
                  " Afgræns søgningen for at få resten.") if capped else None
        rows = [{"url": site + views.hit(h)["url"], "kommune": h.municipality, "udvalg": h.committee,
                 "dato": h.start.date().isoformat() if h.start else "", "punkt": h.number, "titel": h.title,
                 "udfald": (h.outcome or "") if h.public else "", "offentlig": h.public, "score": round(h.score, 4),
                 "uddrag": plain(h.snippet) if h.public else views.CLOSED} for h in hits]
        headers = {"X-Referat-Total": str(total), "X-Referat-Capped": "true" if capped else "false"}
        if notice:
            headers["X-Referat-Notice"] = notice.encode("ascii", "xmlcharrefreplace").decode()
        if request.url.path.endswith(".json"):
            return JSONResponse({"query": p.q, "total": total, "exported": len(rows), "capped": capped,
                                 "cap": EXPORT_CAP, "message": notice, "hits": rows}, headers=headers)
        if request.url.path.endswith(".xlsx"):  # Danish values, typed cells (web/spreadsheet.py)
            headers["Content-Disposition"] = 'attachment; filename="referat-soegning.xlsx"'
            return Response(spreadsheet.xlsx_bytes(rows, CSV_COLUMNS, p.q, total, notice),
                            media_type=spreadsheet.XLSX_TYPE, headers=headers)
        headers["Content-Disposition"] = 'attachment; filename="referat-soegning.csv"'
        return Response(spreadsheet.csv_text(rows, CSV_COLUMNS), media_type="text/csv; charset=utf-8",
                        headers=headers)

    def _committee(self, request: Request) -> tuple[str, str, list[MeetingSummary]]:
        # the committee page's slug address or the names (web/municipalities.py)
        municipality, committee = committee_pair(self.store, unquote(request.path_params["municipality"]),
                                                 unquote(request.path_params["committee"]))
        meetings = self.store.recent_meetings(CALENDAR_CAP, municipality=municipality, committee=committee)
        if not meetings:
            raise NotFound(committee)
        return municipality, committee, meetings

    def committee_atom(self, request: Request) -> Response:
        municipality, committee, meetings = self._committee(request)
        site = urls.site(request)
        entries = [{"title": f"{views.KIND_LABELS.get(m.kind, m.kind)}: {m.committee}, {views.danish_date(m.start)}",
                    "url": f"{site}/moede/{m.id}", "updated": _atom_time(m.start),
                    "author": f"{m.municipality} Kommune",
                    "summary": f"{m.items} punkter. Kilde: {m.source_name}"} for m in meetings[:FEED_SIZE]]
        return Response(atom(f"{committee}, {municipality} Kommune – Referat", urls.here(request),
                             site + views.committee_url(municipality, committee), entries),
                        media_type="application/atom+xml; charset=utf-8")

    def _ical(self, request: Request, name: str, meetings: list[MeetingSummary]) -> Response:
        site = urls.site(request)
        events = []
        for m in meetings:
            if m.start is None:
                continue
            record = self.store.get(m.id).meeting
            events.append({"id": m.id, "start": m.start, "end": record.end, "place": record.place,
                           "summary": f"{m.committee} ({m.municipality})", "url": f"{site}/moede/{m.id}",
                           "description": f"{views.KIND_LABELS.get(m.kind, m.kind)}, {m.items} punkter.\n"
                                          + "\n".join(f"{i.number}. {i.title}" for i in record.items)})
        return Response(calendar(name, events, urls.host(request)),
                        media_type="text/calendar; charset=utf-8")

    def all_ical(self, request: Request) -> Response:
        return self._ical(request, "Kommunale møder – Referat", self.store.recent_meetings(CALENDAR_CAP))

    def committee_ical(self, request: Request) -> Response:
        municipality, committee, meetings = self._committee(request)
        return self._ical(request, f"{committee}, {municipality}", meetings)


def feed_routes(feeds: Feeds) -> list[Route]:
    g = feeds.guarded
    committee = "/kommune/{municipality}/udvalg/{committee}"
    return [Route("/soeg.atom", g(feeds.search_atom), methods=["GET", "HEAD"]),
            Route("/soeg/eksport.csv", g(feeds.export), methods=["GET", "HEAD"]),
            Route("/soeg/eksport.json", g(feeds.export), methods=["GET", "HEAD"]),
            Route("/soeg/eksport.xlsx", g(feeds.export), methods=["GET", "HEAD"]),
            Route("/moeder.ics", g(feeds.all_ical), methods=["GET", "HEAD"]),
            Route(committee + ".atom", g(feeds.committee_atom), methods=["GET", "HEAD"]),
            Route(committee + ".ics", g(feeds.committee_ical), methods=["GET", "HEAD"])]

