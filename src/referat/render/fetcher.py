"""The only resources WeasyPrint may read while it prints a meeting: referat's own bundled files.

Why: the printed HTML carries text from imported documents and from the
secretariat (committee names, titles).  WeasyPrint's default fetcher follows any
``url(...)``, ``<img src>`` or ``<link>`` it meets, over http(s), ftp, ``data:``
and ``file://``, so a string that escaped its CSS quotes made the server fetch
``http://127.0.0.1:9999/x`` (a request from inside the network) or read a local
file into the PDF.  ``BundledOnly`` refuses every URL except a ``file:`` URL of a
file shipped in the ``referat.render`` package (its templates); what it refuses is
logged, and the page is printed without it.
"""

from __future__ import annotations

import logging
import mimetypes
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)


def bundled_root() -> Path:
    """The folder of the files the renderer ships (templates and style sheets)."""
    return Path(str(resources.files("referat.render"))).resolve()


def bundled_file(url: str) -> Path | None:
    """The bundled file ``url`` names, or None for anything else (another scheme, host or folder)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    root = bundled_root()
    return path if path.is_relative_to(root) and path.is_file() else None


class BundledOnly(URLFetcher):
    """A URL fetcher that answers only with referat's own bundled files."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, **kwargs)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        path = bundled_file(url)
        if path is None:
            log.warning("the PDF renderer refused to fetch %.200r: only referat's own files are read", url)
            raise ValueError(f"refused: {url[:200]!r} is not one of referat's own files")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": media})
