"""Import one source file: sniff its format, guard against bad input, pick the
parser, run the lossless check, and return an ``ImportedMeeting``.

Nothing here touches the store; ``referat.ingest`` stores what this returns, so a
failure at any point leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..errors import InputError, NotMinutes, UnsupportedFormat
from ..model import Document, ImportedMeeting
from . import registry
from .base import ParseResult
from .lossless import unplaced
from .registry import Parser

MAX_BYTES = 100 * 1024 * 1024
IMPORTER_VERSION = __version__

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc, .xls)


def sniff(data: bytes) -> str:
    """The format of ``data``: one of ``registry.FORMATS``; raises InputError for what is none."""
    if not data.strip():
        raise InputError("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise InputError("the zip file is damaged or incomplete") from None
        return "docx" if "word/document.xml" in names else "zip"
    if data.startswith(_OLE2):
        raise UnsupportedFormat("an old binary Office file (.doc/.xls); as a document it is read only as an "
                                "attachment of a meeting (import the folder it belongs to)")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    low = head[:1024].lower()
    if b"<html" in low or low.startswith(b"<!doctype html"):
        return "html"
    if head.startswith(b"<"):
        return "xml"
    if head[:1] in (b"{", b"["):
        return "json"
    sample = data[:65536]
    if b"\x00" in sample:
        raise UnsupportedFormat("the file is binary, not PDF, HTML, XML, JSON, DOCX or text")
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) // 100:
        raise UnsupportedFormat("the file is binary, not PDF, HTML, XML, JSON, DOCX or text")
    return "text"


def choose(data: bytes, fmt: str, candidates: Iterable[Parser] | None = None) -> Parser:
    """The first parser of ``candidates`` (default: the registry's for ``fmt``) that claims ``data``."""
    listed = list(registry.for_format(fmt) if candidates is None else candidates)
    if not listed:
        raise UnsupportedFormat(f"no importer for {fmt} files is installed")
    chosen = next((p for p in listed if p.looks_like(data)), None)
    if chosen is None:
        raise NotMinutes(f"this {fmt} file is not minutes or an agenda in a layout referat knows")
    return chosen


def parse_bytes(data: bytes, name: str, *, max_bytes: int = MAX_BYTES,
                parsers: Iterable[Parser] | None = None) -> ImportedMeeting:
    """Read ``data`` (the file ``name``) into a meeting; ``parsers`` narrows the candidates (the generic
    benchmark passes only the generic reader), filtered to those that read the sniffed format."""
    if len(data) > max_bytes:
        raise InputError(f"the file is {len(data) / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    fmt = sniff(data)
    parser = choose(data, fmt, None if parsers is None else [p for p in parsers if fmt in p.formats])
    try:
        result: ParseResult = parser.parse(data, name)
    except RecursionError:  # (200,000 nested elements: one error for this file, not the end of a batch)
        raise InputError(f"this {fmt} file is nested too deeply to read") from None
    if not result.meeting.items:
        raise NotMinutes(f"no agenda items found in this {fmt} file: an attachment or other document, "
                         "not minutes or an agenda")
    warnings = list(result.warnings)
    missing = unplaced(result.content, result.meeting)
    warnings.extend(f"text not placed in the model: {m[:120]}" for m in missing)
    document = Document(
        sha256=hashlib.sha256(data).hexdigest(),
        source_name=Path(name).name,
        format=fmt,
        importer=parser.name,
        importer_version=IMPORTER_VERSION,
        pages=result.pages,
        size=len(data),
        warnings=warnings,
    )
    return ImportedMeeting(document=document, meeting=result.meeting, source=data)


def parse_file(path: str | Path, *, max_bytes: int = MAX_BYTES,
               parsers: Iterable[Parser] | None = None) -> ImportedMeeting:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"{p.name}: the file is {size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    try:
        return parse_bytes(data, str(p), max_bytes=max_bytes, parsers=parsers)
    except InputError as exc:
        raise type(exc)(f"{p.name}: {exc}") from None
