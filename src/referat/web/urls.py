"""The portal's public address, for every absolute URL it writes (OParl ids, Atom ids and links, iCal UIDs).

Why: these URLs were made from the request (``request.base_url``), that is from
the ``Host`` header any client sets, so one request with ``Host: evil.example``
put ``http://evil.example/oparl/v1/...`` ids into the shared page cache, feeds
and exports every later visitor got.  The address is configured instead
(``Settings.base_url``, ``REFERAT_BASE_URL``, ``referat serve --base-url``);
unconfigured it is ``FALLBACK``, never anything a request says.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from ..errors import ConfigError

#: the address used when none is configured (``referat serve`` configures http://HOST:PORT itself)
FALLBACK = "http://localhost"


def public_root(base_url: str | None) -> str:
    """``base_url`` checked and without a trailing slash ("https://host/prefix"), or ``FALLBACK``."""
    if not base_url:
        return FALLBACK
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or any(c.isspace() or c in "\"'<>\\" for c in base_url.strip()):
        raise ConfigError(f"the public base URL must be http(s)://host[:port][/prefix], not {base_url!r}")
    return base_url.strip().rstrip("/")


def site(request: Request) -> str:
    """The configured public root of the app serving ``request`` (set by ``create_app``)."""
    root = getattr(request.app.state, "public_root", None)
    return root if isinstance(root, str) else FALLBACK


def here(request: Request) -> str:
    """The absolute public URL of this request: the configured root, the request's path and query."""
    query = request.url.query
    return site(request) + request.url.path + (f"?{query}" if query else "")


def host(request: Request) -> str:
    """The public host name (iCal UIDs end in it)."""
    return urlsplit(site(request)).hostname or "referat"
