"""The open API under ``/oparl/v1/``: OParl 1.1 objects and paged lists, with strict parameters.

Every URL below the API root names an OParl object or a list of them
(built by ``oparl.py``); lists are paged (``page``, ``limit``) and filtered by
``modified_since``/``modified_until``/``created_since``/``created_until``, with OParl's ``pagination`` and
``links``.  Lists page in the store, never in memory (``store.apiindex`` and
the people tables), so the API serves a 300k-item archive as fast as a small
one.  Every request a client can get wrong (unknown object, malformed date,
page past the end) is a 4xx JSON error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import NotFound, ReferatError
from ..store.base import Store
from . import oparl
from . import urls as urls_
from .params import BadRequest, digits

API_ROOT = "/oparl/v1"
PAGE_SIZE = 20
MAX_LIMIT = 100
MAX_PAGE = 100_000
TIME_FILTERS = ("modified_since", "modified_until", "created_since", "created_until")
TITLES = {400: "Forkert forespørgsel", 404: "Findes ikke", 405: "Metoden er ikke tilladt"}


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "title": TITLES.get(status, "Fejl"), "message": message}},
                        status_code=status)


def _number(raw: str | None, name: str, default: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    if not digits(raw, 9) or not 1 <= int(raw) <= high:
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
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Api:
    """The API's handlers over one store, sharing the portal's lock (one connection).

    Lists page in the store (``store.apiindex``, the people tables): a page costs one count, one page query
    and the ``get`` of the meetings on it; a single object costs one meeting or one person's rows."""

    def __init__(self, store: Store, lock: threading.Lock) -> None:
        self.store = store
        self.lock = lock

    def endpoint(self, request: Request) -> Response:
        try:
            root = urls_.site(request)  # configured, never the Host header
            urls = oparl.Urls(root + API_ROOT, root)
            path = request.path_params.get("rest", "").strip("/") or "system"
            with self.lock:
                answer = _Answer(self.store, urls, request.query_params, str(request.url.path)).get(path)
            return JSONResponse(answer)
        except BadRequest as exc:
            return error_response(exc.status, exc.message)
        except NotFound:
            return error_response(404, f"Der findes intet OParl-objekt på {request.url.path}.")
        except ReferatError:
            return error_response(400, "Forespørgslen kunne ikke gennemføres.")


def _times(query: Mapping[str, str]) -> dict[str, datetime | None]:
    return {name: parse_time(query.get(name), name) for name in TIME_FILTERS}


class _Answer:
    """One API request: resolves a path to an object or a list page."""

    def __init__(self, store: Store, urls: oparl.Urls, query: Mapping[str, str], url_path: str) -> None:
        self.store, self.u, self.query, self.url_path = store, urls, query, url_path
        self._meetings: dict[int, Any] = {}

    def get(self, path: str) -> dict[str, Any]:
        parts = path.split("/")
        head, rest = parts[0], parts[1:]
        if path == "system":
            return oparl.system(self.u)
        if path == "bodies":
            return self._bodies()
        if head == "body" and len(rest) == 1:
            return self._body(rest[0])
        if head == "body" and len(rest) == 2 and rest[1] in oparl.BODY_LISTS:
            return self._body_list(rest[0], rest[1])
        if head == "organization" and len(rest) in (2, 3):
            municipality, committee = self._committee(rest[0], rest[1])
            if len(rest) == 3 and rest[2] == "meetings":
                return self._paged_objects("meeting", rest[0], rest[1])
            if len(rest) == 2:
                keys = self.store.committee_member_keys(municipality, committee)
                modified, created = self._committees()[(municipality, committee)]
                return oparl.organization(self.u, municipality, committee, keys, modified, created)
        if head == "person" and len(rest) == 2:
            return self._person(f"{rest[0]}/{rest[1]}")
        if head == "membership" and len(rest) == 3:
            return self._membership(f"{rest[0]}/{rest[2]}", rest[1])
        if head == "paper" and len(rest) >= 2:
            return self._paper(rest[0], "/".join(rest[1:]))
        if head in ("meeting", "agendaitem", "consultation", "file") and rest and _ids(rest):
            return self._meeting_object(int(rest[0]), path)
        raise NotFound(path)

    # -- small, archive-wide sets (municipalities, committees) ------------------------------------
    def _committees(self) -> dict[tuple[str, str], tuple[datetime | None, datetime | None]]:
        return {(m, c): (mod, cre) for m, c, mod, cre in self.store.api_committees()}

    def _bodies_by_slug(self) -> dict[str, tuple[str, datetime | None, datetime | None]]:
        out: dict[str, tuple[str, datetime | None, datetime | None]] = {}
        for (municipality, _), (modified, created) in self._committees().items():
            b = oparl.slug(municipality)
            _, mod0, cre0 = out.get(b, (municipality, None, None))
            out[b] = (municipality, _max(mod0, modified), _min(cre0, created))
        return out

    def _committee(self, b: str, o: str) -> tuple[str, str]:
        for municipality, committee in self._committees():
            if oparl.slug(municipality) == b and oparl.slug(committee) == o:
                return municipality, committee
        raise NotFound(o)

    def _bodies(self) -> dict[str, Any]:
        bodies = sorted(self._bodies_by_slug().items())
        objs = [oparl.body(self.u, m, mod, cre) for _, (m, mod, cre) in bodies]
        return self._in_memory(objs)

    def _body(self, b: str) -> dict[str, Any]:
        found = self._bodies_by_slug().get(b)
        if found is None:
            raise NotFound(b)
        return oparl.body(self.u, *found)

    def _body_list(self, b: str, suffix: str) -> dict[str, Any]:
        if b not in self._bodies_by_slug():
            raise NotFound(b)
        if suffix == "organizations":
            committees = sorted((oparl.slug(c), m, c, mod, cre) for (m, c), (mod, cre) in self._committees().items()
                                if oparl.slug(m) == b)
            return self._in_memory([oparl.organization(self.u, m, c, self.store.committee_member_keys(m, c), mod,
                                                       cre) for _, m, c, mod, cre in committees])
        if suffix in ("persons", "memberships"):
            limit, offset = self._window()
            total, rows = self.store.api_people(b, _times(self.query), limit, offset,
                                                memberships=suffix == "memberships")
            if suffix == "persons":
                return self._list(total, [self._person(key) for key in rows])
            return self._list(total, [self._membership(key, oparl.slug(committee)) for key, committee in rows])
        if suffix == "papers":
            limit, offset = self._window()
            total, cases = self.store.api_papers(b, _times(self.query), limit, offset)
            return self._list(total, [self._paper(b, case) for case in cases])
        kind = {"meetings": "meeting", "agendaitems": "agendaitem", "consultations": "consultation",
                "files": "file"}[suffix]
        return self._paged_objects(kind, b, None)

    # -- objects derived from meetings ------------------------------------------------------------
    def _record(self, meeting_id: int) -> Any:
        if meeting_id not in self._meetings:
            self._meetings[meeting_id] = self.store.get(meeting_id)
        return self._meetings[meeting_id]

    def _objects(self, meeting_ids: list[int]) -> dict[str, dict[str, Any]]:
        times = self.store.api_meeting_times(meeting_ids)
        out: dict[str, dict[str, Any]] = {}
        for meeting_id in dict.fromkeys(meeting_ids):
            modified, created = times.get(meeting_id, (None, None))
            record = self._record(meeting_id)
            out.update(oparl.meeting_objects(self.u, meeting_id, record, modified, created,
                                             stored=self.store.has_source(record.document.sha256)))
        return out

    def _meeting_object(self, meeting_id: int, path: str) -> dict[str, Any]:
        obj = self._objects([meeting_id]).get(path)
        if obj is None:
            raise NotFound(path)
        return obj

    def _paged_objects(self, kind: str, b: str, o: str | None) -> dict[str, Any]:
        limit, offset = self._window()
        total, rows = self.store.api_page(kind, b, o, _times(self.query), limit, offset)
        objects = self._objects([meeting_id for _, meeting_id in rows])
        return self._list(total, [objects[path] for path, _ in rows if path in objects])

    def _paper(self, b: str, case: str) -> dict[str, Any]:
        treatments = self.store.api_paper(b, case)
        if not treatments:
            raise NotFound(case)
        times = self.store.api_meeting_times([m for _, m in treatments])
        return oparl.paper(self.u, b, case, [(p, m, self._record(m)) for p, m in treatments], times)

    # -- people ----------------------------------------------------------------------------------
    def _person(self, key: str) -> dict[str, Any]:
        rows = self.store.person_attendance(key)
        if not rows:
            raise NotFound(key)
        return oparl.person(self.u, key, rows, self.store.api_meeting_times([r.meeting_id for r in rows]))

    def _membership(self, key: str, o: str) -> dict[str, Any]:
        rows = [r for r in self.store.person_attendance(key) if oparl.slug(r.committee) == o]
        if not rows:
            raise NotFound(key)
        return oparl.membership(self.u, key, rows, self.store.api_meeting_times([r.meeting_id for r in rows]))

    # -- paging ----------------------------------------------------------------------------------
    def _window(self) -> tuple[int, int]:
        self.page = _number(self.query.get("page"), "page", 1, MAX_PAGE)
        self.limit = _number(self.query.get("limit"), "limit", PAGE_SIZE, MAX_LIMIT)
        _times(self.query)  # refuse a malformed time before any work
        return self.limit, (self.page - 1) * self.limit

    def _in_memory(self, objects: list[dict[str, Any]]) -> dict[str, Any]:
        """Page a small list held in memory (bodies, a body's organizations) with the same filters."""
        limit, offset = self._window()
        t = _times(self.query)
        kept = [o for o in objects if _within(o.get("modified"), t["modified_since"], t["modified_until"])
                and _within(o.get("created"), t["created_since"], t["created_until"])]
        return self._list(len(kept), kept[offset:offset + limit])

    def _list(self, total: int, data: list[dict[str, Any]]) -> dict[str, Any]:
        pages = max(1, -(-total // self.limit))
        if self.page > pages:
            raise BadRequest(f"Side {self.page} findes ikke; listen har {pages} side(r).", 404)
        keep = [(k, v) for k, v in self.query.items() if k in ("limit", *TIME_FILTERS) and v]

        def link(n: int) -> str:
            return self.u.site + self.url_path + "?" + urlencode(keep + [("page", str(n))])

        links = {"first": link(1), "last": link(pages), "self": link(self.page)}
        if self.page > 1:
            links["prev"] = link(self.page - 1)
        if self.page < pages:
            links["next"] = link(self.page + 1)
        return {"data": data, "pagination": {"totalElements": total, "elementsPerPage": self.limit,
                                             "currentPage": self.page, "totalPages": pages}, "links": links}


def _ids(parts: list[str]) -> bool:
    return all(digits(p, 12) for p in parts)


def _max(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _min(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _within(stamp: str | None, since: datetime | None, until: datetime | None) -> bool:
    if since is None and until is None:
        return True
    if stamp is None:
        return False
    when = datetime.fromisoformat(stamp)
    return (since is None or when >= since) and (until is None or when <= until)


def api_routes(api: Api, openapi: Callable[[Request], Response]) -> list[Route]:
    return [Route("/openapi.json", openapi, methods=["GET", "HEAD"]),
            Route(API_ROOT, api.endpoint, methods=["GET", "HEAD"]),
            Route(API_ROOT + "/{rest:path}", api.endpoint, methods=["GET", "HEAD"])]
