"""An attachment as a file: its bytes, what the delivery says about it, and its text.

``AttachmentFile`` is what the publication readers (``referat.parse.folders``) hand the store: the bytes
(kept once by SHA-256), the facts for download (name, MIME type, size) and listing (title, number, order,
public flag, the item it belongs to), and the extracted text per page for search.  It is a plain value:
nothing here touches a store.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .extract import MAX_PAGES, MAX_SECONDS, extract_text
from .formats import sniff


@dataclass(frozen=True)
class Limits:
    """The budget for reading one file's text (see ``extract.extract_text``); ``text=False`` reads none.
    ``max_total_seconds`` bounds the text reading of all files of one delivery (``referat.parse.folders``):
    once spent, the remaining files are kept without text, each with a warning."""

    max_pages: int = MAX_PAGES
    max_seconds: float = MAX_SECONDS
    max_ocr_pages: int | None = None
    use_ocr: bool = True
    text: bool = True
    max_total_seconds: float | None = None


@dataclass
class AttachmentFile:
    """One attached file of a meeting.

    ``name`` is its file name in the delivery (NFC), ``aliases`` other names the same bytes came under;
    ``title`` the attachment's title (as printed in the minutes when matched, else as the delivery gives
    it); ``number`` the attachment number the source gives (None when it gives none); ``order`` its 1-based
    position among its item's attachments; ``item`` the printed number of the agenda item it belongs to
    (None when the delivery does not say); ``attachment_index`` its index in that item's
    ``AgendaItem.attachments`` of the meeting read, when matched; ``reference`` the source's reference for
    it (a document number, a path); ``public`` False when the delivery or the item marks it closed.
    ``pages`` is the file's page count when known, ``text`` the text per page read, ``text_method`` how
    (``extract.Extraction.method``), ``complete`` False when a budget or a failure left text unread,
    ``warnings`` what went wrong reading it.  ``alternates`` are the same attachment in another format
    (Acadre delivers a DOCX and its PDF print).  ``data`` is the bytes (not in repr or comparisons)."""

    name: str
    sha256: str
    size: int
    mime_type: str
    title: str
    number: str | None = None
    order: int = 0
    item: str | None = None
    attachment_index: int | None = None
    reference: str | None = None
    public: bool = True
    pages: int | None = None
    text: list[str] = field(default_factory=list)
    text_method: str = "none"
    ocr_pages: list[int] = field(default_factory=list)
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    alternates: list[AttachmentFile] = field(default_factory=list)
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def full_text(self) -> str:
        return "\n\n".join(p for p in self.text if p)


def nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def read_attachment(data: bytes, name: str, *, title: str | None = None, number: str | None = None,
                    order: int = 0, item: str | None = None, public: bool = True, reference: str | None = None,
                    limits: Limits = Limits()) -> AttachmentFile:
    """The ``AttachmentFile`` of ``data`` (the file ``name``) with its text read within ``limits``."""
    name = nfc(Path(name).name)
    _kind, mime = sniff(data, name)
    att = AttachmentFile(name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data), mime_type=mime,
                         title=title or Path(name).stem, number=number, order=order, item=item, public=public,
                         reference=reference, data=data)
    if limits.text:
        ex = extract_text(data, name, max_pages=limits.max_pages, max_seconds=limits.max_seconds,
                          max_ocr_pages=limits.max_ocr_pages, use_ocr=limits.use_ocr)
        att.pages, att.text, att.text_method = ex.page_count, ex.pages, ex.method
        att.ocr_pages, att.complete, att.warnings = ex.ocr_pages, ex.complete, ex.warnings
    return att
