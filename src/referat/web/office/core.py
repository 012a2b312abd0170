"""The plumbing of the secretariat's and members' screens: sessions, CSRF, rendering and refusals.

Every screen is a plain function ``handler(ctx) -> Response`` wrapped by
``Office.endpoint``, which

* reads the session cookie and asks the library for its user (``Council.session_user``);
* sends an anonymous visitor to the login form and refuses a logged-in user
  without the screen's role with a Danish 403 page;
* checks the CSRF token (from the library, derived from the session) on every
  POST before anything else happens: a missing or wrong one is a 403;
* runs the handler in a worker thread (the library's database calls block);
* turns the library's refusals into Danish 4xx pages (403 permission,
  404 not found, 409 conflict and approved minutes, 422 invalid input and the
  rules of law), with the visitor's own text shown again so nothing is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ...council import Council, User
from ...errors import (
    ConflictError,
    FormError,
    InvalidInput,
    MinutesLocked,
    NotFound,
    PermissionDenied,
    ReferatError,
    RuleViolation,
)
from .. import views
from ..params import digits
from .messages import danish
from .uploads import NotAllowed, TooLarge, read_form

HERE = Path(__file__).resolve().parent.parent
log = logging.getLogger("referat.web.office")

COOKIE = "referat_session"
SECRETARY, MEMBER, USER, ANYONE = "secretary", "member", "user", "anyone"
HOME = {"secretary": "/sekretariat/", "member": "/mine-moeder/", "public": "/min-side"}
#: the free-text fields shown back (with their Danish label) on a refusal page, so nothing typed is lost
TEXT_FIELDS = {"title": "Titel", "text": "Tekst", "closed_title": "Neutral titel", "case_ids": "Sagsnumre",
               "number": "Nummer", "place": "Mødested", "note": "Bemærkning", "name": "Navn",
               "municipality": "Kommune", "votes_for": "Stemte for", "votes_against": "Stemte imod",
               "votes_abstain": "Undlod at stemme", "party": "Partibogstav"}

STATUS = [(PermissionDenied, 403, "Adgang nægtet"), (NotFound, 404, "Siden findes ikke"),
          (ConflictError, 409, "Ændringen blev ikke gemt"), (MinutesLocked, 409, "Referatet er låst"),
          (RuleViolation, 422, "Reglerne tillader det ikke"), (InvalidInput, 422, "Oplysningerne kan ikke bruges")]


class CsrfFailure(ReferatError):
    """A POST without this session's CSRF token (a forged or stale form)."""


@dataclass
class Ctx:
    """One request as a handler sees it: the user, their session, the parsed form and the library."""

    request: Request
    council: Council
    office: Office
    user: User | None = None
    token: str | None = None
    form: Mapping[str, Any] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return self.council.csrf_token(self.token) if self.token else ""

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name, default)
        return value.strip() if isinstance(value, str) else default

    def number(self, name: str, message: str | None = None) -> int:
        """A required whole-number field (an id from a select); ``message`` says what to choose when it is missing."""
        raw = self.field(name)
        if not digits(raw, 12):
            raise FormError(message or f"Feltet {name} mangler eller er ikke et tal.")
        return int(raw)

    def path_id(self, name: str) -> int:
        raw = str(self.request.path_params[name])
        if not digits(raw, 12):
            raise NotFound(raw)
        return int(raw)

    def render(self, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        return self.office.render(self, template, data, status)

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)


def _environment() -> Environment:
    env = Environment(loader=ChoiceLoader([FileSystemLoader(HERE / "templates")]),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # templates ship with the package: no stat of each file per page
    env.filters.update(dadate=views.danish_date, outcome=views.outcome_label, local=_local, clock=_clock)
    env.globals.update(closed=views.CLOSED)
    return env


def _local(moment: Any) -> Any:
    from ...council.minutes import local

    return local(moment) if moment is not None else None


def _clock(moment: Any) -> str:
    """A timestamp as Danish wall-clock text: "20.03.2023 kl. 17.30"."""
    if moment is None:
        return "–"
    when = _local(moment)
    return f"{when:%d.%m.%Y} kl. {when:%H.%M}"


class Office:
    """The meeting side's screens over one ``Council`` (built lazily from the store's database)."""

    def __init__(self, factory: Callable[[], Council], archive_lock: threading.Lock | None = None) -> None:
        self._factory = factory
        self._council: Council | None = None
        self._lock = threading.Lock()
        #: the portal's lock around the archive store: publishing writes to it
        self.archive_lock = archive_lock or threading.Lock()
        self.env = _environment()

    @property
    def council(self) -> Council:
        with self._lock:
            if self._council is None:
                self._council = self._factory()
            return self._council

    # -- rendering ---------------------------------------------------------------------------------
    def render(self, ctx: Ctx, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = self.env.get_template(template).render(data=data, user=ctx.user, csrf=ctx.csrf, request=ctx.request,
                                                       home=HOME.get(ctx.user.role, "/") if ctx.user else "/")
        response = HTMLResponse(html, status_code=status)
        response.headers["Cache-Control"] = "no-store"  # closed content must not linger in caches
        return response

    def refusal(self, ctx: Ctx, status: int, title: str, message: str) -> HTMLResponse:
        shown = {(TEXT_FIELDS.get(k) or f"Afsnit ({k.removeprefix('section:')})"): v for k, v in ctx.form.items()
                 if (k in TEXT_FIELDS or k.startswith("section:")) and isinstance(v, str) and v.strip()}
        back = ctx.request.headers.get("referer", "")
        back = back if back.startswith(str(ctx.request.base_url)) else ""
        return self.render(ctx, "office/error.html", {"status": status, "title": title, "message": message,
                                                      "submitted": shown, "back": back}, status)

    # -- the wrapper -------------------------------------------------------------------------------
    def endpoint(self, handler: Callable[[Ctx], Response], role: str = ANYONE,
                 csrf: bool = True) -> Callable[[Request], Any]:
        async def run(request: Request) -> Response:
            form: FormData | None = None
            if request.method == "POST":  # (bounded, and files only from the secretariat: ``uploads``)
                try:
                    form = await read_form(request, self._is_secretary, COOKIE)
                except TooLarge:
                    return HTMLResponse("<h1>For stor</h1><p>Det sendte er for stort.</p>", status_code=413)
                except NotAllowed:
                    return HTMLResponse("<h1>Adgang nægtet</h1><p>Kun sekretariatet kan sende filer.</p>",
                                        status_code=403)
            try:
                return await run_in_threadpool(self._handle, request, form, handler, role, csrf)
            finally:
                if form is not None:
                    await form.close()
        return run

    def _is_secretary(self, token: str | None) -> bool:
        user = self.council.session_user(token) if token else None
        return user is not None and user.is_secretary

    def _handle(self, request: Request, form: FormData | None, handler: Callable[[Ctx], Response], role: str,
                csrf: bool) -> Response:
        council = self.council
        ctx = Ctx(request, council, self)
        if form is not None:
            ctx.form = _multi(form)
            ctx.files = {k: v for k, v in form.multi_items() if isinstance(v, UploadFile)}
        try:
            ctx.token = request.cookies.get(COOKIE) or None
            ctx.user = council.session_user(ctx.token)
            if ctx.user is None:
                ctx.token = None
            if role != ANYONE and ctx.user is None:
                return ctx.redirect(f"/log-ind?naeste={quote(request.url.path)}")
            if role == SECRETARY and not ctx.user.is_secretary:  # type: ignore[union-attr]
                raise PermissionDenied("only the secretariat may open this page", action="open this page",
                                       code="secretariat_only")
            if role == MEMBER and ctx.user.role != "member":  # type: ignore[union-attr]
                raise PermissionDenied("only committee members may open this page", action="open this page",
                                       code="members_only")
            if form is not None and csrf and not (ctx.token and council.check_csrf(ctx.token, ctx.field("csrf"))):
                raise CsrfFailure("csrf")
            return handler(ctx)
        except CsrfFailure:
            return self.refusal(ctx, 403, "Formularen er udløbet",
                                "Formularen kunne ikke bekræftes (sikkerhedsnøglen mangler eller passer ikke til"
                                " din session). Intet er ændret. Genindlæs siden, og prøv igen.")
        except ReferatError as exc:
            for cls, status, title in STATUS:
                if isinstance(exc, cls):
                    return self.refusal(ctx, status, title, danish(exc))
            log.warning("council error on %s: %s", request.url.path, exc)
            return self.refusal(ctx, 400, "Handlingen kunne ikke gennemføres", danish(exc))


def _multi(form: FormData) -> dict[str, Any]:
    """Text fields; a field given more than once (checkboxes, repeated rows) becomes a list under ``name[]``."""
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str):
            continue
        if key.endswith("[]"):
            out.setdefault(key, []).append(value)
        else:
            out[key] = value
    return out
