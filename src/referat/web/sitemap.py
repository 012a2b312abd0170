"""What search engines and browsers ask a site for: robots.txt, a paged sitemap, the favicon.

Why: people find minutes through search engines; a sitemap lists every meeting,
committee and municipality page so they are found without crawling the endless
search-result variants (which robots.txt keeps crawlers out of, as it does the
secretariat's screens).  A large archive's sitemap is an index of pages of at
most ``PER_PAGE`` addresses (the protocol allows 50,000).  Every address is
absolute, made from the configured public root (``urls.site``), never the
request's Host header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..store.base import Store
from . import urls, views

#: addresses per sitemap page (a municipality's meetings stay in order across pages)
PER_PAGE = 10_000
XML = "application/xml; charset=utf-8"
ROBOTS = """User-agent: *
Disallow: /soeg
Disallow: /sekretariat
Disallow: /log-ind
Disallow: /log-ud
Disallow: /min-side
Allow: /

Sitemap: {site}/sitemap.xml
"""


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def addresses(store: Store) -> list[tuple[str, str | None]]:
    """(path, last modified day) of every page worth listing: front, directory, calendar, each municipality,
    its people, each committee and each meeting (its items are linked from it)."""
    out: list[tuple[str, str | None]] = [("/", None), ("/kommuner", None), ("/kalender", None)]
    seen: set[str] = set()
    for c in store.committees():
        for path in (views.municipality_url(c.municipality), views.municipality_url(c.municipality) + "/personer",
                     views.committee_url(c.municipality, c.committee)):
            if path not in seen:
                seen.add(path)
                out.append((path, None))
    # the meetings' ids with when each changed, one grouped query (a backend that cannot tell: its summaries)
    changed: dict[int, datetime | None] = {**store.meeting_times()} or {m.id: None for m in store.meetings()}
    out += [(f"/moede/{meeting_id}", _day(changed[meeting_id])) for meeting_id in sorted(changed)]
    return out


def sitemap_index(site: str, total: int, per_page: int = PER_PAGE) -> str:
    pages = max(1, -(-total // per_page))
    entries = "".join(f"<sitemap><loc>{escape(site)}/sitemap-{n}.xml</loc></sitemap>\n" for n in range(1, pages + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')


def sitemap_page(site: str, rows: list[tuple[str, str | None]]) -> str:
    entries = "".join(f"<url><loc>{escape(site + path)}</loc>{f'<lastmod>{day}</lastmod>' if day else ''}</url>\n"
                      for path, day in rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def sitemap_routes(portal: Any, per_page: int = PER_PAGE) -> list[Route]:
    """``/robots.txt``, ``/sitemap.xml`` (the index), ``/sitemap-<n>.xml`` and ``/favicon.ico``; the addresses
    are read once per archive version."""
    kept: dict[str, Any] = {}

    def current() -> list[tuple[str, str | None]]:
        with portal.lock:
            generation = portal.store.generation()
            if generation is None or kept.get("generation") != generation:
                kept.update(generation=generation, rows=addresses(portal.store))
            return list(kept["rows"])

    def robots(request: Request) -> Response:
        return PlainTextResponse(ROBOTS.format(site=urls.site(request)))

    def index(request: Request) -> Response:
        total = len(current())
        return Response(sitemap_index(urls.site(request), total, per_page), media_type=XML)

    def page(request: Request) -> Response:
        raw = request.path_params["page"]
        rows = current()
        n = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
        if n < 1 or (n - 1) * per_page >= max(len(rows), 1):
            return portal.error(request, 404, "Den side af oversigten findes ikke.")
        return Response(sitemap_page(urls.site(request), rows[(n - 1) * per_page:n * per_page]), media_type=XML)

    def favicon(request: Request) -> Response:
        return RedirectResponse("/static/favicon.svg", 301)

    get = ["GET", "HEAD"]
    return [Route("/robots.txt", robots, methods=get), Route("/sitemap.xml", index, methods=get),
            Route("/sitemap-{page}.xml", page, methods=get), Route("/favicon.ico", favicon, methods=get)]
