"""Import one source file: sniff its format, guard against bad input, pick the
parser, run the lossless check, and return an ``ImportedMeeting``.

Nothing here touches the store; ``referat.ingest`` stores what this returns, so a
failure at any point leaves the store as it was.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from . import __version__
from .errors import InputError, NotMinutes, UnsupportedFormat
from .lossless import unplaced
from .model import Document, ImportedMeeting
from .parsers.base import ParseResult

MAX_BYTES = 100 * 1024 * 1024
IMPORTER_VERSION = __version__

# format -> parser modules tried in order; each has looks_like(data) and parse(data, name).
PARSERS: dict[str, list[str]] = {
    "pdf": ["referat.parsers.pdf"],
    "html": ["referat.parsers.firstagenda_html"],
    "xml": ["referat.parsers.edoc_xml", "referat.parsers.acadre_xml"],
    "text": ["referat.parsers.text"],
}


def sniff(data: bytes) -> str:
    """The format of ``data``: pdf, html, xml or text; raises InputError for what is none."""
    if not data.strip():
        raise InputError("the file is empty")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    low = head[:1024].lower()
    if b"<html" in low or low.startswith(b"<!doctype html"):
        return "html"
    if head.startswith(b"<"):
        return "xml"
    sample = data[:65536]
    if b"\x00" in sample:
        raise UnsupportedFormat("the file is binary, not PDF, HTML, XML or text")
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if controls > len(sample) // 100:
        raise UnsupportedFormat("the file is binary, not PDF, HTML, XML or text")
    return "text"


def _parser_modules(fmt: str):
    for name in PARSERS[fmt]:
        try:
            yield name, importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def parse_bytes(data: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> ImportedMeeting:
    if len(data) > max_bytes:
        raise InputError(f"the file is {len(data) / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB")
    fmt = sniff(data)
    candidates = list(_parser_modules(fmt))
    if not candidates:
        raise UnsupportedFormat(f"no importer for {fmt} files is installed")
    chosen = next(((n, m) for n, m in candidates if m.looks_like(data)), None)
    if chosen is None:
        raise NotMinutes(f"this {fmt} file is not minutes or an agenda in a layout referat knows")
    mod_name, module = chosen
    result: ParseResult = module.parse(data, name)
    if not result.meeting.items:
        raise NotMinutes(f"no agenda items found in this {fmt} file")
    warnings = list(result.warnings)
    missing = unplaced(result.content, result.meeting)
    warnings.extend(f"text not placed in the model: {m[:120]}" for m in missing)
    document = Document(
        sha256=hashlib.sha256(data).hexdigest(),
        source_name=Path(name).name,
        format=fmt,
        importer=getattr(module, "NAME", mod_name.rsplit(".", 1)[-1]),
        importer_version=IMPORTER_VERSION,
        pages=result.pages,
        size=len(data),
        warnings=warnings,
    )
    return ImportedMeeting(document=document, meeting=result.meeting, source=data)


def parse_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> ImportedMeeting:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"{p.name}: the file is {size / 2**20:.0f} MB; the limit is {max_bytes / 2**20:.0f} MB")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from exc
    try:
        return parse_bytes(data, str(p), max_bytes=max_bytes)
    except InputError as exc:
        raise type(exc)(f"{p.name}: {exc}") from None
