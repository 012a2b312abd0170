"""The open API under ``/oparl/v1/``: OParl 1.1 objects and paged lists, with strict parameters.

Every URL below the API root names an object or a list of the ``Catalogue``
(``oparl.py``); lists are paged (``page``, ``limit``) and filtered by
``modified_since``/``modified_until``, with OParl's ``pagination`` and
``links``.  The catalogue is built from the whole archive and cached until a
meeting changes (the store's ``meeting_times``).  Every request a client can get
wrong (unknown object, malformed date, page past the end) is a 4xx JSON error.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ReferatError
from ..store.base import Store
from . import oparl
from .params import BadRequest

API_ROOT = "/oparl/v1"
PAGE_SIZE = 20
MAX_LIMIT = 100
MAX_PAGE = 100_000
TITLES = {400: "Forkert forespørgsel", 404: "Findes ikke", 405: "Metoden er ikke tilladt"}


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "title": TITLES.get(status, "Fejl"), "message": message}},
                        status_code=status)


def _number(raw: str | None, name: str, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9 or not 1 <= int(raw) <= high:
        raise BadRequest(f"«{name}» skal være et helt tal mellem 1 og {high}.")
    return int(raw)


def parse_time(raw: str | None, name: str) -> datetime | None:
    """An ISO 8601 time (a date means its midnight, no zone means UTC); a '+' lost to URL decoding is restored."""
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip().replace(" ", "+")
    if len(text) > 40:
        raise BadRequest(f"«{name}» er for langt.")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"«{name}» skal være et tidspunkt i ISO 8601, fx 2024-01-31T12:00:00+01:00.") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class Api:
    """The API's handlers over one store, sharing the portal's lock (one connection)."""

    def __init__(self, store: Store, lock: threading.Lock) -> None:
        self.store = store
        self.lock = lock
        self._cache: dict[str, tuple[Any, oparl.Catalogue]] = {}

    def catalogue(self, request: Request) -> oparl.Catalogue:
        site = str(request.base_url).rstrip("/")
        with self.lock:
            times = self.store.meeting_times()
            summaries = self.store.meetings()
            key = (tuple(sorted(times.items())), tuple(sorted((m.id, m.items, m.source_name) for m in summaries)))
            cached = self._cache.get(site)
            if cached and cached[0] == key:
                return cached[1]
            ordered = sorted(summaries, key=lambda m: (m.start or datetime.min, m.id))
            records = [(m.id, self.store.get(m.id)) for m in ordered]
        catalogue = oparl.build(records, times, site + API_ROOT, site)
        if len(self._cache) > 8:
            self._cache.clear()
        self._cache[site] = (key, catalogue)
        return catalogue

    def endpoint(self, request: Request) -> Response:
        try:
            return self._answer(request)
        except BadRequest as exc:
            return error_response(exc.status, exc.message)
        except ReferatError:
            return error_response(400, "Forespørgslen kunne ikke gennemføres.")

    def _answer(self, request: Request) -> Response:
        path = request.path_params.get("rest", "").strip("/") or "system"
        c = self.catalogue(request)
        if path in c.lists:
            return JSONResponse(self._page(c, path, request.query_params, str(request.url.path)))
        obj = c.objects.get(path)
        if obj is None:
            raise BadRequest(f"Der findes intet OParl-objekt på {API_ROOT}/{path}.", 404)
        return JSONResponse(obj)

    @staticmethod
    def _page(c: oparl.Catalogue, path: str, query: Mapping[str, str], url_path: str) -> dict[str, Any]:
        page = _number(query.get("page"), "page", 1, MAX_PAGE)
        limit = _number(query.get("limit"), "limit", PAGE_SIZE, MAX_LIMIT)
        since, until = parse_time(query.get("modified_since"), "modified_since"), \
            parse_time(query.get("modified_until"), "modified_until")
        for name in ("created_since", "created_until"):
            if query.get(name):
                raise BadRequest(f"«{name}» understøttes ikke: arkivet gemmer ikke, hvornår et møde først blev"
                                 " importeret, kun hvornår det sidst blev ændret (brug modified_since).")
        members = list(c.lists[path])
        if since or until:
            if not c.dated:
                raise BadRequest("Dette arkiv kan ikke filtrere på ændringstidspunkt (modified_since).")
            members = [p for p in members if (when := c.modified.get(p)) is not None
                       and (since is None or when >= since) and (until is None or when <= until)]
        total = len(members)
        pages = max(1, -(-total // limit))
        if page > pages:
            raise BadRequest(f"Side {page} findes ikke; listen har {pages} side(r).", 404)
        keep = [(k, v) for k, v in query.items() if k in ("limit", "modified_since", "modified_until") and v]

        def link(n: int) -> str:
            return c.base.removesuffix(API_ROOT) + url_path + "?" + urlencode(keep + [("page", str(n))])

        links = {"first": link(1), "last": link(pages), "self": link(page)}
        if page > 1:
            links["prev"] = link(page - 1)
        if page < pages:
            links["next"] = link(page + 1)
        data = [c.objects[p] for p in members[(page - 1) * limit:page * limit]]
        return {"data": data, "pagination": {"totalElements": total, "elementsPerPage": limit, "currentPage": page,
                                             "totalPages": pages}, "links": links}


def api_routes(api: Api, openapi: Callable[[Request], Response]) -> list[Route]:
    return [Route("/openapi.json", openapi, methods=["GET", "HEAD"]),
            Route(API_ROOT, api.endpoint, methods=["GET", "HEAD"]),
            Route(API_ROOT + "/{rest:path}", api.endpoint, methods=["GET", "HEAD"])]
