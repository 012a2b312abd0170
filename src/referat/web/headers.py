"""Security headers on every answer of the portal and the secretariat's screens.

Why: the pages are server-rendered HTML with no scripts and only our own style
sheets, so a strict Content-Security-Policy costs nothing and turns an escaping
mistake (or an uploaded HTML file) into inert text; the pages must not be framed
(clickjacking of the secretariat's forms), leak their addresses (a search, a
member's meeting) to other sites, or be sniffed into another type.

``SecurityHeaders`` is a plain ASGI middleware (no per-request task or body
copy): it adds each header a response does not set itself, so a route with
its own policy (the sandboxed source documents, the rendered minutes with their
inline print style) keeps it; a PDF gets no page policy (``object-src 'none'``
would keep the browser's own PDF viewer from showing it), the other headers yes.  ``SecuredStarlette`` puts
it outside Starlette's error handling, so a 500 page carries the headers too.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: pages: our own style sheets and forms only; no script, plugin, frame or <base> anywhere
PAGE_POLICY = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none';"
               " base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
#: a rendered minutes/agenda HTML document: its print style is inline (running header), nothing else loads
DOCUMENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
                   " form-action 'none'; frame-ancestors 'none'")

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", PAGE_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
)


class SecurityHeaders:
    """Adds ``HEADERS`` to every HTTP response that does not carry them already."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if any(n.lower() == b"content-type" and v.startswith(b"application/pdf") for n, v in headers):
                    present.add(b"content-security-policy")  # a page policy keeps browsers' PDF viewers out
                headers += [(name, value) for name, value in HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecuredStarlette(Starlette):
    """A Starlette app whose every answer, error pages included, carries the security headers."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())
