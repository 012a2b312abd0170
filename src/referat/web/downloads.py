"""The published minutes and agenda of a meeting as files: PDF, text and HTML.

``/moede/{id}/referat.pdf`` (``.txt``, ``.html``; ``dagsorden.*`` for an agenda)
serve ``referat.render`` output, always the public variant: closed items as their
title only, non-public attachments left out.  The file name is the one the
renderer gives ("ballerup_2022-11-15_..._referat.pdf").
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound, ReferatError
from ..render import MEDIA_TYPES, filename, render
from .headers import DOCUMENT_POLICY
from .params import digits

EXTENSIONS = {"pdf": "pdf", "txt": "text", "html": "html"}


def download_routes(portal: Any) -> list[Route]:
    async def download(request: Request) -> Response:
        raw, doc, ext = (request.path_params[k] for k in ("meeting_id", "doc", "ext"))
        fmt = EXTENSIONS.get(ext)
        try:
            if fmt is None or not digits(raw, 12):
                raise NotFound(raw)
            with portal.lock:
                record = portal.store.get(int(raw))
            if doc != record.meeting.kind:
                raise NotFound(doc)
            body = await run_in_threadpool(render, record, fmt, public=True)
        except NotFound:
            return portal.error(request, 404, "Vi kunne ikke finde det, du ledte efter. Tjek adressen, eller søg.")
        except ReferatError:
            return portal.error(request, 500, "Dokumentet kunne ikke dannes. Prøv igen senere.")
        headers = {"Content-Disposition": f'inline; filename="{filename(record, fmt)}"'}  # ASCII (render.filename)
        if fmt == "html":
            headers["Content-Security-Policy"] = DOCUMENT_POLICY  # its print style is inline
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)

    return [Route("/moede/{meeting_id}/{doc:str}.{ext:str}", download, methods=["GET", "HEAD"])]
