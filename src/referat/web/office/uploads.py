"""Reading a posted form within bounds: files only from a logged-in secretary, sizes capped while streaming.

Why: Starlette's ``request.form()`` writes every uploaded file to disk in full
before any handler runs, so an anonymous client could post 3 GB (20 files) to
``/log-ind``.  Here a request is refused before its body is read when it
announces too much (Content-Length), a multipart body (the only way to send a
file) is read only for a session of the secretariat, and the body is counted
as it streams, so a client that announces nothing (chunked) or lies is cut
off at the cap too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

#: the most an ordinary form may hold (text fields: minutes are long, never this long)
MAX_FORM_BYTES = 2 * 2**20
#: the most a secretary's upload (attachments) may hold, all files together
MAX_UPLOAD_BYTES = 100 * 2**20
#: files per request
MAX_FILES = 5


class TooLarge(Exception):
    """The body is over its cap (or announced it would be)."""


class NotAllowed(Exception):
    """Files posted without a secretariat session."""


def _capped(receive: Callable[[], Awaitable[Message]], cap: int) -> Callable[[], Awaitable[Message]]:
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise TooLarge
        return message
    return counted


async def read_form(request: Request, is_secretary: Callable[[str | None], bool], cookie: str) -> FormData:
    """The posted form, read within its caps; raises ``TooLarge`` or ``NotAllowed`` before writing anything
    to disk that a caller may not send."""
    multipart = request.headers.get("content-type", "").lower().startswith("multipart/")
    if multipart and not await run_in_threadpool(is_secretary, request.cookies.get(cookie) or None):
        raise NotAllowed
    cap = MAX_UPLOAD_BYTES if multipart else MAX_FORM_BYTES
    announced = request.headers.get("content-length", "")
    if announced.strip().isascii() and announced.strip().isdigit() and int(announced) > cap:
        raise TooLarge
    capped = Request(request.scope, _capped(request.receive, cap))
    if multipart:
        return await capped.form(max_files=MAX_FILES, max_fields=500)
    return await capped.form(max_files=0, max_fields=500, max_part_size=MAX_FORM_BYTES)
