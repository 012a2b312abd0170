"""The original source documents, served as they were imported: ``/dokument/<sha256>``.

The store keeps every imported file's bytes (``store.blobs``); the meeting page links
to them ("Kildedokument"), an item page to its page in a PDF (``#page=N``) and the
open API's File objects carry the URL.  A raw file is served only when doing so
cannot show more than the portal itself shows.  The portal's one rule on secrecy is
``views``: a closed item (``public=False``) is its number and title and "Lukket
punkt", nothing else.  A raw file bypasses that rule, so it is served only if it
holds nothing the rule would hide:

1. **Council minutes are never served raw** (``Document.format == "council"``, made
   by ``referat.council``): they are built from the meeting side's own records,
   closed items' full text included; the public variant is the rendered
   ``/moede/<id>/referat.pdf``, which applies the rule.  (They are saved without
   bytes anyway; the rule holds even if some were stored.)
2. **A meeting without closed items**: every item is public, so the file (the
   municipality's own publication, imported as published) holds nothing the portal
   would not show.  Served; a PDF, HTML or text file names a non-public attachment
   only by its title, which the portal shows too (XML: rule 3).
3. **XML exports with closed items or non-public attachments are never served**:
   case-system exports (eDoc, Acadre) carry fields the model does not import, such
   as a closed item's internal ``Title`` and the full text of attached documents
   marked not public, so nothing the model holds can prove the file harmless.
4. **PDF, HTML and text with closed items** are served only with proof that the
   file is the public publication: every closed item in the model is bare (no
   sections, decision, recommendation, attachments, absences or treatments, only
   number and title), and the lossless check (``referat.parse.lossless``) placed every
   content paragraph of the file in the model (no "text not placed" warning).  The
   importers are lossless-checked, so a bare closed item means the file printed
   nothing under it but its title, exactly what the portal shows.  A closed item
   that carries any text (Aarhus prints a one-line decision under a closed item in
   its public minutes) makes the file withheld: the portal cannot tell a published
   decision line from an internal paragraph, and the portal's rule hides both.  A
   PDF with embedded files (``/EmbeddedFile``) is withheld too (text extraction
   does not see them).

A withheld document gets no link and its URL answers 403 in Danish; an unknown hash
(or a document stored without bytes, or a replaced version) answers 404.

HTML (and XML, which a browser renders with scripts when it is XHTML) is served with
``Content-Security-Policy: sandbox`` and ``default-src 'none'`` (no scripts, no
requests, an opaque origin), text as ``text/plain`` with its charset; every answer has
``X-Content-Type-Options: nosniff``, so a stored file can never run script on the
portal's origin.  The ETag is the SHA-256.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound
from ..model import AgendaItem, ImportedMeeting

MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html", "xml": "application/xml", "text": "text/plain"}
FORMAT_LABELS = {"pdf": "PDF", "html": "HTML", "xml": "XML", "text": "tekst"}
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SHA = re.compile(r"[0-9a-f]{64}")
UNPLACED = "text not placed in the model"


def url(sha256: str) -> str:
    return f"/dokument/{sha256}"


def _bare(item: AgendaItem) -> bool:
    """A closed item that holds nothing but its number and title (and where it is printed)."""
    return not (item.sections or item.recommendation or item.decisions or item.attachments or item.absences
                or item.previous_treatments or item.case_history or item.deciding_body)


def withheld(record: ImportedMeeting, data: bytes | None = None) -> str | None:
    """Why the raw source of ``record`` may not be served (Danish, for the page), or None if it may;
    ``data`` (the bytes, when at hand) adds the check for files embedded in a PDF."""
    doc, items = record.document, record.meeting.items
    if doc.format == "council" or doc.format not in MEDIA_TYPES:
        return "Referater fra mødesystemet vises kun som det offentlige referat."
    closed = [i for i in items if not i.public]
    hidden = any(not a.public for i in items for a in i.attachments)
    if not closed and not (hidden and doc.format == "xml"):
        return None
    if doc.format == "xml":
        return "Kildefilen er et udtræk fra et sagssystem med lukkede oplysninger og vises ikke."
    if any(w.startswith(UNPLACED) for w in doc.warnings) or not all(_bare(i) for i in closed):
        return "Kildedokumentet vises ikke, fordi mødet har lukkede punkter."
    if data is not None and doc.format == "pdf" and b"/EmbeddedFile" in data:
        return "Kildedokumentet vises ikke, fordi mødet har lukkede punkter."
    return None


def charset(data: bytes) -> str:
    """The charset of a text or HTML file: UTF-8 when it decodes as such, else Windows-1252."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def size_label(size: int) -> str:
    """A file size as Danes write it: "104 kB", "1,5 MB"."""
    if size < 1000:
        return f"{size} byte"
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def describe(record: ImportedMeeting, stored: bool) -> dict[str, Any]:
    """The source document as the meeting page and its JSON twin show it; ``url`` only when it is served."""
    doc = record.document
    out: dict[str, Any] = {"name": doc.source_name, "format": doc.format, "pages": doc.pages, "sha256": doc.sha256,
                           "size": doc.size or None, "media_type": MEDIA_TYPES.get(doc.format), "url": None,
                           "withheld": None}
    if stored:
        reason = withheld(record)
        if reason is None:
            out["url"] = url(doc.sha256)
        else:
            out["withheld"] = reason
    label = FORMAT_LABELS.get(doc.format, doc.format.upper())
    facts = [label] + ([f"{doc.pages} sider" if doc.pages != 1 else "1 side"] if doc.pages else [])
    out["label"] = ", ".join(facts + ([size_label(doc.size)] if doc.size else []))
    return out


def page_url(source: dict[str, Any], item: AgendaItem) -> str | None:
    """``/dokument/<sha>#page=N`` for a public item of a served PDF whose page is known."""
    if not source.get("url") or source.get("format") != "pdf" or not item.page or not item.public:
        return None
    return f"{source['url']}#page={item.page}"


def disposition(name: str, kind: str = "inline", fallback: str = "dokument") -> str:
    """A Content-Disposition header for a file called ``name``: an ASCII ``filename`` for old clients and the
    real name as RFC 5987 ``filename*=UTF-8''...`` (a header value is Latin-1: "文件.pdf" or "Ĳ-rapport.pdf"
    put there as it is could not be sent at all)."""
    ascii_name = re.sub(r'[^A-Za-z0-9._ -]', "_", name).strip(" ") or fallback
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def source_routes(portal: Any) -> list[Route]:
    async def document(request: Request) -> Response:
        sha = request.path_params["sha256"]
        try:
            if not SHA.fullmatch(sha):
                raise NotFound(sha)
            with portal.lock:
                stored = portal.store.source(sha)
                record = portal.store.get(stored.meeting_id)
        except NotFound:
            return portal.error(request, 404, "Vi har ikke dette kildedokument. Tjek adressen, eller søg.")
        reason = withheld(record, stored.data)
        if reason is not None:
            return portal.error(request, 403, reason)
        doc = record.document
        headers = {"ETag": f'"{sha}"', "Content-Disposition": disposition(doc.source_name),
                   "X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"}
        if doc.format != "pdf":
            headers["Content-Security-Policy"] = SANDBOX
        if request.headers.get("if-none-match", "").strip() in (f'"{sha}"', f'W/"{sha}"', "*"):
            return Response(status_code=304, headers={k: v for k, v in headers.items()
                                                      if k in ("ETag", "Cache-Control")})
        media = MEDIA_TYPES[doc.format]
        if doc.format in ("text", "html"):
            media += f"; charset={charset(stored.data)}"
        return Response(stored.data, headers=headers, media_type=media)

    return [Route("/dokument/{sha256}", document, methods=["GET", "HEAD"])]
