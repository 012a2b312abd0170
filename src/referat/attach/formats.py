"""What kind of file an attachment is, and its MIME type, from its bytes first and its name second.

Deliveries name files carelessly (``1537646.PDF``, ``2531342E2.DOC``, a title with no extension), so the
bytes decide where they can (PDF, zip-based office files, old OLE2 office files, images) and the extension
only tells apart what the bytes cannot (an OLE2 file that is a spreadsheet).  The MIME type is what a
download will be served with.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_ZIP_MIME = {
    "word/document.xml": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/workbook.xml": ("office", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/presentation.xml": ("office", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
_OLE_MIME = {
    ".doc": ("doc", "application/msword"), ".dot": ("doc", "application/msword"),
    ".xls": ("office", "application/vnd.ms-excel"), ".ppt": ("office", "application/vnd.ms-powerpoint"),
    ".msg": ("other", "application/vnd.ms-outlook"),
}
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"II*\x00", "image/tiff"),
           (b"MM\x00*", "image/tiff"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"BM", "image/bmp"))
_TEXT_EXT = {".txt": ("text", "text/plain"), ".csv": ("text", "text/csv"), ".htm": ("html", "text/html"),
             ".html": ("html", "text/html"), ".xml": ("xml", "application/xml")}


def sniff(data: bytes, name: str) -> tuple[str, str]:
    """``(kind, mime type)``; kind is one of pdf, docx, doc, office, image, html, xml, text, other."""
    ext = Path(name).suffix.lower()
    head = data[:1024]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-") or (ext == ".pdf" and b"%PDF-" in head):
        return "pdf", "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data, ext)
    if data.startswith(OLE2):
        if ext in _OLE_MIME:
            return _OLE_MIME[ext]
        if "WordDocument".encode("utf-16-le") in data[:1 << 20]:
            return "doc", "application/msword"
        return "office", "application/x-ole-storage"
    if data.startswith(b"{\\rtf"):
        return "office", "application/rtf"
    for magic, mime in _IMAGES:
        if data.startswith(magic) and (magic != b"BM" or ext == ".bmp"):
            return "image", mime
    sample = data[:65536]
    if b"\x00" in sample[:4096] and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "other", "application/octet-stream"
    low = sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if low.startswith(b"<!doctype html") or b"<html" in low:
        return "html", "text/html"
    if low.startswith(b"<?xml") or (low.startswith(b"<") and ext == ".xml"):
        return "xml", "application/xml"
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) // 100:
        return "other", "application/octet-stream"
    return "text", "text/plain"


def _zip_kind(data: bytes, ext: str) -> tuple[str, str]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = set(zf.namelist())
        if "mimetype" in names:
            mime = zf.read("mimetype")[:200].decode("ascii", "replace").strip()
            if mime.startswith("application/vnd.oasis.opendocument"):
                return "office", mime
    except (zipfile.BadZipFile, ValueError, EOFError, KeyError, OSError):
        if ext == ".docx":
            return "docx", _ZIP_MIME["word/document.xml"][1]
        return "other", "application/zip"
    for member, kind in _ZIP_MIME.items():
        if member in names:
            return kind
    return "other", "application/zip"
