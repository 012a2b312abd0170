"""Logging in and out of the meeting side (/log-ind, /log-ud).

The session token the library issues travels in an HttpOnly, SameSite=Lax
cookie (Secure when served over https); the database keeps only its hash.
A wrong username and a wrong password give the same Danish message, so the
form does not tell which usernames exist.  Too many failures for an account
or from one client address answer 429 with ``Retry-After`` and say in Danish how
long to wait (``council/throttle.py``).  The login form itself is protected
against cross-site posting by a double-submit token (a random cookie that the
form must repeat), since there is no session yet to derive a token from.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.responses import Response

from ...errors import LoginThrottled, PermissionDenied
from .. import urls
from .core import COOKIE, HOME, Ctx
from .messages import danish

LOGIN_COOKIE = "referat_login"


def _safe_next(value: str) -> str | None:
    """Only paths on this site ("/…", never "//host" or a full URL)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 500:
        return value
    return None


def _cookie(ctx: Ctx, response: Response, name: str, value: str, max_age: int | None) -> None:
    # Secure over https, and whenever the portal's public address is https (TLS ended at a proxy before us)
    secure = ctx.request.url.scheme == "https" or urls.site(ctx.request).startswith("https://")
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=secure)


def login_form(ctx: Ctx, error: str | None = None, status: int = 200, username: str = "") -> Response:
    if ctx.user is not None and error is None:
        return ctx.redirect(HOME.get(ctx.user.role, "/"))
    token = ctx.request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    nxt = _safe_next(ctx.request.query_params.get("naeste", "") or ctx.field("naeste")) or ""
    response = ctx.render("office/login.html", {"error": error, "login_token": token, "next": nxt,
                                                "username": username}, status)
    _cookie(ctx, response, LOGIN_COOKIE, token, 3600)
    return response


def login(ctx: Ctx) -> Response:
    username, password = ctx.field("username"), str(ctx.form.get("password", ""))
    expected = ctx.request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, ctx.field("csrf")):
        return login_form(ctx, "Formularen er udløbet. Prøv at logge ind igen.", 403, username)
    if not username or not password:
        return login_form(ctx, "Skriv både brugernavn og adgangskode.", 422, username)
    try:  # the socket's address: a client sets X-Forwarded-For itself (behind a proxy all share the proxy's)
        session = ctx.council.login(username, password, ctx.request.client.host if ctx.request.client else None)
    except LoginThrottled as exc:
        response = login_form(ctx, danish(exc), 429, username)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except PermissionDenied:
        return login_form(ctx, "Forkert brugernavn eller adgangskode.", 401, username)
    target = _safe_next(ctx.field("naeste")) or HOME.get(session.user.role, "/")
    response = ctx.redirect(target)
    max_age = int((session.expires_at - ctx.council.now()).total_seconds())
    _cookie(ctx, response, COOKIE, session.token, max_age)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def logout(ctx: Ctx) -> Response:
    if ctx.token:
        ctx.council.logout(ctx.token)
    response = ctx.redirect("/log-ind?logget-ud=1")
    response.delete_cookie(COOKIE, path="/")
    return response


def account(ctx: Ctx) -> Response:
    """A logged-in citizen's page (they see what everybody sees; the page says so and offers logout)."""
    return ctx.render("office/account.html", {})
