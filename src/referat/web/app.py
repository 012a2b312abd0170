"""The public portal: a Starlette app, server-rendered Danish HTML with a JSON twin for every page.

A thin layer over the store: each handler reads validated parameters, asks the
store, shapes the answer with ``views`` and renders it as HTML (Jinja2) or as
JSON (same URL with ``.json``, or ``Accept: application/json``).  Every failure
a visitor can cause is a ``BadRequest``/``NotFound`` with a Danish message and a
4xx status; an unexpected error is logged and still answered in Danish.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote

import anyio
import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from .. import tables
from ..errors import IndexDamaged, NotFound, QueryError, ReferatError
from ..search.query import parse as parse_query
from ..settings import Settings
from ..store.base import SearchFilters, Store
from ..vocab.kle import group_label
from . import municipalities, openapi, people, sources, views
from .api import API_ROOT, Api, api_routes, error_response
from .browse import browse_page
from .cache import Memo, ResponseCache
from .calendar import calendar_page
from .downloads import download_routes
from .feeds import EXPORT_CAP, Feeds, feed_routes
from .headers import SecuredStarlette
from .history import case_history
from .municipalities import committee_names, people_named
from .office import office_for, office_routes
from .params import PAGE_SIZE, BadRequest, digits, search_params
from .sharedcache import SharedPages
from .sitemap import sitemap_routes
from .urls import public_root
from .verification import verification_routes

if TYPE_CHECKING:
    from ..search.facets import Facets

HERE = Path(__file__).resolve().parent
log = logging.getLogger("referat.web")
Handler = Callable[[Request], tuple[str, dict[str, Any]]]


def _section_parts(section: dict[str, Any]) -> list[tuple[str, Any]]:
    """A section of the item page in reading order: paragraphs, and its tables in place of their rows."""
    heading = section.get("heading") or views.role_label(section.get("role", ""))
    return tables.display(section["text"], section.get("tables") or [], heading)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # templates ship with the package: no stat of each file per page
    env.filters.update(marks=views.marks, fromiso=views.fromiso, outcome=views.outcome_label, role=views.role_label,
                       dadate=views.danish_date, committee_url=views.committee_url, person_url=people.person_url,
                       municipality_url=views.municipality_url, committee_feed_url=views.committee_feed_url,
                       fmt=views.format_label,
                       kle=group_label, section_parts=_section_parts)
    env.globals.update(kinds=views.KIND_LABELS, closed=views.CLOSED, export_cap=EXPORT_CAP)
    return env


def _wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


#: how long a request waits for another thread computing the same page before computing it itself
JOIN_SECONDS = 30.0
#: the longest a cached answer waits for the pages its process is computing (``Portal._computed``)
HOLD_SECONDS = 0.25


class Portal:
    """The handlers, bound to one store (reads are serialized: one SQLite connection)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.lock = threading.Lock()
        self.env = _environment()
        #: pages computed at once (one in the store, one rendering; ``Settings.computing``): with one process
        #: per core and cached answers waiting for computations, a cold cache's search p99 was 152-191 ms
        #: with 1 against 112-128 ms with 2, two runs each
        self.computing = settings.computing
        archive_id = getattr(store, "archive_id", None)
        # rendered pages until the archive changes (web/cache.py), shared by the server's processes
        shared = SharedPages.for_archive(archive_id, settings) if archive_id and settings.cache else None
        self.cache = ResponseCache(enabled=settings.cache, shared=shared)
        # facet counts per query and filters, shared by a search's pages and sort orders
        self.facets = Memo(enabled=settings.cache)
        self._limiter: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None
        self._computations: tuple[asyncio.AbstractEventLoop, set[asyncio.Future[None]]] | None = None

    # -- rendering -------------------------------------------------------------------
    def render(self, request: Request, template: str, data: dict[str, Any], status: int = 200) -> Response:
        if _wants_json(request):
            return JSONResponse(data, status_code=status)
        html = self.env.get_template(template).render(data=data, request=request)
        return HTMLResponse(html, status_code=status)

    def error(self, request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith(API_ROOT) or request.url.path == "/openapi.json":
            return error_response(status, message)
        titles = {400: "Forkert forespørgsel", 403: "Dokumentet vises ikke", 404: "Siden findes ikke",
                  405: "Metoden er ikke tilladt", 500: "Der skete en fejl"}
        data = {"error": {"status": status, "title": titles.get(status, "Fejl"), "message": message}}
        return self.render(request, "error.html", data, status)

    def page(self, handler: Handler, vary: Callable[[], str] | None = None) -> Callable[[Request], Any]:
        """``handler`` as a cached page; ``vary`` names what else than the archive the page depends on (the
        day, for pages of upcoming meetings), so a cached copy is not served once that changed."""
        async def endpoint(request: Request) -> Response:
            # a cached page is answered on the event loop: no thread, no lock, no store read
            key = f"{int(_wants_json(request))} {request.url.path}?{request.url.query}"
            if vary is not None:
                key += f" {vary()}"
            if self.cache.due():
                await run_in_threadpool(self._sync_cache)
            if (cached := self.cache.get(key)) is not None:
                if running := self._running():  # pages this process is computing go first (``_computed``)
                    await asyncio.wait(list(running), timeout=HOLD_SECONDS)
                return cached
            joined = self.cache.join(key)
            if joined is not None:  # another request is computing this very page: wait for it (not in a
                # computing thread, which the pages others wait for would need)
                await anyio.to_thread.run_sync(joined.wait, JOIN_SECONDS)
                if (cached := self.cache.get(key, again=True)) is not None:
                    return cached
                return await self._computed(fresh, request, key)
            try:
                return await self._computed(fresh, request, key)
            finally:
                self.cache.done(key)

        def fresh(request: Request, key: str) -> Response:
            with self.lock:
                generation = self.store.generation()
            self.cache.sync(generation)
            if (cached := self.cache.get(key, again=True)) is not None:  # another process computed it meanwhile
                return cached
            response = answer(request)
            self.cache.put(key, response, generation)
            return response

        def answer(request: Request) -> Response:
            try:
                with self.lock:
                    template, data = handler(request)
                return self.render(request, template, data)
            except views.Moved as exc:  # an old address: the page's own, same query, JSON twin kept
                query = f"?{request.url.query}" if request.url.query else ""
                return RedirectResponse(exc.url + (".json" if request.url.path.endswith(".json") else "") + query,
                                        301)
            except BadRequest as exc:
                return self.error(request, exc.status, exc.message)
            except NotFound:
                return self.error(request, 404, "Vi kunne ikke finde det, du ledte efter. Tjek adressen, eller søg.")
            except QueryError:
                return self.error(request, 400, "Søgningen kan ikke forstås. Skriv mindst ét ord at søge efter.")
            except IndexDamaged as exc:  # (the cause and the fix, not a 500)
                log.error("%s", exc)
                return self.error(request, 503, "Søgeindekset er beskadiget. Arkivets administrator genopbygger det"
                                                " med 'referat reindex'.")
            except ReferatError as exc:
                log.warning("referat error on %s: %s", request.url.path, exc)
                return self.error(request, 400, "Forespørgslen kunne ikke gennemføres.")
        return endpoint

    async def _computed(self, fresh: Callable[[Request, str], Response], request: Request, key: str) -> Response:
        """A page computed in a thread, ``computing`` at a time in arrival order.  While it is computed, answers
        from the cache wait for it (``endpoint``): otherwise the cheap answers, hundreds a second from a
        busy cache, take the CPU turn by turn with it and a page that costs 4 ms of CPU took tens of ms
        (benchmark, Zipf popularity from a cold cache, ten runs: search p99 150-170 -> 81-128 ms, item 67-85
        -> 32-54 ms).  A cached answer waits only for the pages being computed when it came, never for a
        queue, and at most ``HOLD_SECONDS``."""
        async with self._computing():
            done = asyncio.get_running_loop().create_future()
            running = self._running()
            running.add(done)
            try:
                return await anyio.to_thread.run_sync(fresh, request, key)
            finally:
                running.discard(done)
                done.set_result(None)

    def _running(self) -> set[asyncio.Future[None]]:
        """This event loop's pages being computed now (one per computing thread at most)."""
        loop = asyncio.get_running_loop()
        if self._computations is None or self._computations[0] is not loop:
            self._computations = (loop, set())
        return self._computations[1]

    def _computing(self) -> anyio.CapacityLimiter:
        """The threads computing pages, ``computing`` at a time, the rest waiting in arrival order.  The
        handlers take turns on the store anyway (``lock``); letting dozens of threads wait on that lock made
        the order in which they got it a lottery (the 99th percentile four times the mean under load)."""
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._limiter[0] is not loop:
            self._limiter = (loop, anyio.CapacityLimiter(self.computing))
        return self._limiter[1]

    def _sync_cache(self) -> object:
        """Drop cached pages if the archive changed; returns the archive's generation."""
        with self.lock:
            generation = self.store.generation()
        self.cache.sync(generation)
        return generation

    # -- pages -----------------------------------------------------------------------
    def front(self, request: Request) -> tuple[str, dict[str, Any]]:
        latest = [views.summary(m) for m in self.store.recent_meetings(10)]
        return "index.html", {"latest": latest}

    def search(self, request: Request) -> tuple[str, dict[str, Any]]:
        p = search_params(request.query_params)
        data: dict[str, Any] = {"params": p, "query": p.q, "hits": [], "total": 0, "facets": None,
                                "page": p.page, "page_size": PAGE_SIZE, "sort": p.sort}
        if not p.q:
            if p.filtered:  # no words: browse the meetings the filters leave
                data.update(browse_page(self.store, p, PAGE_SIZE))
            return "search.html", self._search_json(data) if _wants_json(request) else data
        data["people"] = people_named(self.store, p.q, p.municipality)
        query = parse_query(p.q)
        date_from, date_to = p.date_range
        filters = SearchFilters(municipality=p.municipality, committee=p.committee, date_from=date_from,
                                date_to=date_to, outcome=p.outcome, kle=p.kle, person=p.person)
        kwargs: dict[str, Any] = {}
        if p.sort_key == "date":
            if "sort" not in inspect.signature(self.store.search).parameters:
                raise BadRequest("Dette arkiv kan ikke sortere efter dato endnu; sortér efter relevans.")
            kwargs["sort"] = "date"
        # facets first: their outcome buckets give the total, so the ranked search need not count every match
        generation = self.cache.generation  # read by ``page`` just before this handler ran (None: no reuse)
        facets = cast("Facets | None", self.facets.get((query, filters), generation))
        if facets is None:
            facets = self.store.facets(query, filters)
            self.facets.put((query, filters), generation, facets)
        total = facets.total
        if total is not None and p.page > 1 and p.offset >= total:
            raise BadRequest(f"Side {p.page} findes ikke; søgningen har {total} resultater.", 404)
        result = self.store.search(query, filters, limit=PAGE_SIZE, offset=p.offset, count=total is None,
                                   **kwargs)
        if total is None:
            total = result.total or 0
            if p.page > 1 and p.offset >= total:
                raise BadRequest(f"Side {p.page} findes ikke; søgningen har {total} resultater.", 404)
        data.update(hits=[views.hit(h) for h in result.hits], total=total, facets=facets.as_dict(),
                    pages=max(1, -(-total // PAGE_SIZE)))
        if _wants_json(request):
            return "search.html", self._search_json(data)
        data["facet_blocks"] = views.facet_blocks(p, data["facets"])
        data["hit_list"] = views.hit_list(data["hits"])
        return "search.html", data

    @staticmethod
    def _search_json(data: dict[str, Any]) -> dict[str, Any]:
        p = data["params"]
        out = {k: v for k, v in data.items() if k != "params"}
        out["filters"] = {"municipality": p.municipality, "committee": p.committee, "year": p.year,
                          "outcome": p.outcome, "kle": p.kle, "person": p.person,
                          "date_from": p.date_from.isoformat() if p.date_from else None,
                          "date_to": p.date_to.isoformat() if p.date_to else None}
        return out

    def _meeting(self, request: Request) -> tuple[int, Any]:
        raw = request.path_params["meeting_id"]
        if not digits(raw, 12):
            raise NotFound(raw)
        meeting_id = int(raw)
        return meeting_id, self.store.get(meeting_id)

    def meeting(self, request: Request) -> tuple[str, dict[str, Any]]:
        meeting_id, record = self._meeting(request)
        stored = self.store.has_source(record.document.sha256)
        return "meeting.html", {"meeting": views.meeting_detail(meeting_id, record, stored=stored)}

    def item(self, request: Request) -> tuple[str, dict[str, Any]]:
        meeting_id, record = self._meeting(request)
        number = request.path_params["number"]
        match = [i for i in record.meeting.items if i.number == number]
        if not match:
            raise NotFound(number)
        item = match[0]
        meeting = views.meeting_detail(meeting_id, record, stored=self.store.has_source(record.document.sha256))
        meeting.pop("items")
        meeting.pop("participants")
        detail = views.item_detail(meeting_id, item)
        if item.public:  # a closed item stays number, title and "Lukket punkt"
            detail["source_url"] = sources.page_url(meeting["source"], item)
        history = case_history(self.store, meeting_id, record.meeting, item, detail)
        return "item.html", {"meeting": meeting, "item": detail, "treatments": history}

    def committee(self, request: Request) -> tuple[str, dict[str, Any]]:
        municipality, committee = committee_names(self.store, unquote(request.path_params["municipality"]),
                                                  unquote(request.path_params["committee"]))
        p = search_params({"side": request.query_params.get("side", "")})
        meetings = self.store.recent_meetings(PAGE_SIZE + 1, p.offset, municipality=municipality,
                                              committee=committee)
        if not meetings and p.page == 1:
            raise NotFound(committee)
        if not meetings:
            raise BadRequest(f"Side {p.page} findes ikke for dette udvalg.", 404)
        return "committee.html", {"municipality": municipality, "committee": committee, "page": p.page,
                                  "more": len(meetings) > PAGE_SIZE,
                                  "meetings": [views.summary(m) for m in meetings[:PAGE_SIZE]],
                                  "members": people.committee_members(self.store, municipality, committee)}

    def municipalities(self, request: Request) -> tuple[str, dict[str, Any]]:
        return "municipalities.html", {"municipalities": municipalities.directory(self.store)}

    def municipality(self, request: Request) -> tuple[str, dict[str, Any]]:  # (upcoming: from today on)
        return "municipality.html", municipalities.municipality_page(self.store, request.path_params["municipality"],
                                                                     datetime.combine(date.today(), time()))

    def municipality_people(self, request: Request) -> tuple[str, dict[str, Any]]:
        return "people.html", municipalities.municipality_people(self.store, request.path_params["municipality"])

    def calendar(self, request: Request) -> tuple[str, dict[str, Any]]:
        return "calendar.html", calendar_page(self.store, request.query_params, date.today())

    def person(self, request: Request) -> tuple[str, dict[str, Any]]:
        return "person.html", people.person_page(self.store, request.path_params["municipality"],
                                                 request.path_params["name"])


def _routes(portal: Portal) -> list[Route | Mount]:
    pages = [("/", portal.front, "/index.json"), ("/soeg", portal.search, None),
             ("/moede/{meeting_id}", portal.meeting, None),
             ("/moede/{meeting_id}/punkt/{number}", portal.item, None),
             ("/kommune/{municipality}/udvalg/{committee}", portal.committee, None),
             ("/kommuner", portal.municipalities, None), ("/kommune/{municipality}", portal.municipality, None),
             ("/kommune/{municipality}/personer", portal.municipality_people, None),
             ("/kalender", portal.calendar, None),
             ("/person/{municipality}/{name}", portal.person, None)]
    routes: list[Route | Mount] = []
    today: dict[Any, Callable[[], str]] = {portal.municipality: lambda: date.today().isoformat(),
                                           portal.calendar: lambda: date.today().isoformat()}
    for path, handler, json_path in pages:
        endpoint = portal.page(handler, today.get(handler))
        # the .json twin first: a path parameter would otherwise swallow the suffix
        routes.append(Route(json_path or path + ".json", endpoint, methods=["GET", "HEAD"]))
        routes.append(Route(path, endpoint, methods=["GET", "HEAD"]))
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
    return routes


def create_app(store: Store, council: Any = None, settings: Settings | None = None) -> Starlette:
    """The portal over ``store``; the secretariat's and members' screens use ``council`` (a
    ``referat.council.Council``), by default one on the store's own database, opened on first use.
    ``settings`` default to ``Settings.from_env()``."""
    settings = settings or Settings.from_env()
    portal = Portal(store, settings)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        messages = {404: "Siden findes ikke. Tjek adressen, eller brug søgningen.",
                    405: "Denne adresse kan kun læses (GET)."}
        return portal.error(request, status, messages.get(status, "Forespørgslen kunne ikke gennemføres."))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return portal.error(request, 500, "Der skete en uventet fejl. Prøv igen senere.")

    api = Api(store, portal.lock)
    routes: list[BaseRoute] = [*api_routes(api, lambda request: JSONResponse(openapi.document()))]
    routes += feed_routes(Feeds(store, portal.lock))
    routes += _routes(portal)  # feeds before the pages' path parameters
    office = office_for(store, portal.lock, council)
    routes += verification_routes(portal, office)  # before the downloads' "{doc}.{ext}"
    routes += download_routes(portal) + sources.source_routes(portal) + sitemap_routes(portal)
    routes += office_routes(office)
    app = SecuredStarlette(routes=routes, exception_handlers={HTTPException: http_error, 500: server_error})
    app.state.portal = portal
    app.state.office = office
    app.state.public_root = public_root(settings.base_url)  # absolute URLs: never from the Host header
    return app


def app_from_settings(settings: Settings) -> Starlette:
    """The portal over the archive ``settings.db``: what each ``referat serve --workers N`` process makes
    (they are fresh processes, so they cannot inherit an open store)."""
    from ..store import open_store

    return serving(create_app(open_store(settings.db, settings), settings=settings))


def app_from_env() -> Starlette:
    """The portal over the archive named by ``$REFERAT_DB``: the factory uvicorn's own workers import by name
    (the fallback of ``referat serve --workers N`` where the platform has no ``SO_REUSEPORT``)."""
    return app_from_settings(Settings.from_env())


def serving(app: Starlette) -> Starlette:
    """The app, with everything made so far (modules, templates, the store) moved out of the garbage
    collector's sight (``gc.freeze``): a full collection then scans only what requests made since, a pause of
    ~5 ms instead of ~35 ms, every few seconds under load, for every request waiting in that process."""
    gc.collect()
    gc.freeze()
    return app
