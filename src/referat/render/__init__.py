"""Rendering meetings as text, HTML and PDF: ``render(record, fmt)`` is the one entry point.

``public=True`` (the default) is the published variant: closed items as their
number and title only, non-public attachments left out.  ``signatures`` (from the
meeting side) fill the signature page; without them it lists the meeting's
signatories.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..errors import RenderError
from ..model import ImportedMeeting
from .layout import build
from .signatures import Signature

FORMATS = ("text", "html", "pdf")
MEDIA_TYPES = {"text": "text/plain; charset=utf-8", "html": "text/html; charset=utf-8", "pdf": "application/pdf"}
EXTENSIONS = {"text": "txt", "html": "html", "pdf": "pdf"}

__all__ = ["FORMATS", "MEDIA_TYPES", "Signature", "filename", "render"]


def render(record: ImportedMeeting, fmt: str, *, public: bool = True,
           signatures: Iterable[Signature] = ()) -> str | bytes:
    """The meeting as ``fmt``: text and html give ``str``, pdf gives ``bytes``."""
    layout = build(record, public=public, signatures=tuple(signatures))
    if fmt == "text":
        from .text import render_text

        return render_text(layout)
    if fmt == "html":
        from .html import render_html

        return render_html(layout)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(layout)
    raise RenderError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")


def _slug(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-") or "moede"


def filename(record: ImportedMeeting, fmt: str) -> str:
    """"ballerup_2022-11-15_erhvervs-beskaeftigelses-og-uddannelsesudvalget_referat.pdf" (the corpus' naming)."""
    m = record.meeting
    when = m.start.date().isoformat() if m.start else "udateret"
    kind = m.kind if m.kind in ("referat", "dagsorden") else "referat"
    parts = [_slug(m.municipality), when, _slug(m.committee), kind]
    return "_".join(parts) + "." + EXTENSIONS.get(fmt, fmt)
