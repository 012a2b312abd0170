"""Safe, tolerant XML loading shared by the XML importers (eDoc, Acadre).

Exports from municipal ESDH systems are often not well-formed: invalid
character references (``&#xC;`` for a page break), a declared encoding that
does not match the bytes, files cut off in transfer.  This module repairs what
can be repaired *explicitly* and says so in warnings, then parses with lxml
hardened against hostile input (no entity expansion, no network, no huge
trees).  It also turns the HTML fragments that some exports embed in fields
into plain paragraphs (a <table>'s rows as table rows, cells joined by " | ").
"""

from __future__ import annotations

import re

from lxml import etree, html

from .. import tables
from ..errors import InputError
from .items import Para

_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_BAD_CHARREF = re.compile(r"&#(?:x([0-9A-Fa-f]+)|([0-9]+));")
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.S)
_ENTITY_REF = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_][\w.-]*;")


def _xml_allowed(code: int) -> bool:
    return code in (9, 10, 13) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def decode(data: bytes, warnings: list[str]) -> str:
    """The document as text, honouring the declared encoding when the bytes agree with it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    m = _DECL.match(data[:200])
    declared = m.group(1).decode("ascii").lower().replace("_", "-") if m else "utf-8"
    text: str | None = None
    try:
        text = data.decode(declared)
    except LookupError:
        warnings.append(f"unknown declared encoding {declared!r}; guessing the encoding")
    except UnicodeDecodeError:
        pass
    if text is not None:
        if declared not in ("utf-8", "utf8") and not data.isascii():
            # A single-byte declaration over UTF-8 bytes gives mojibake ("Ã¸"): prefer UTF-8 then.
            try:
                utf = data.decode("utf-8")
            except UnicodeDecodeError:
                return text
            warnings.append(f"the XML declares encoding {declared!r} but the bytes are UTF-8; read as UTF-8")
            return utf
        return text
    for enc in ("utf-8", "cp1252"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        warnings.append(f"the XML declares encoding {declared!r} but the bytes are not; read as {enc}")
        return text
    raise InputError(f"the XML is neither valid {declared} nor UTF-8 nor Windows-1252")


def _strip_doctype(text: str, warnings: list[str]) -> str:
    """Drop a DOCTYPE and references to the entities it declares: minutes never need
    them, and expanding them is how entity bombs and external-entity leaks work."""
    m = _DOCTYPE.search(text[:65536])
    if not m:
        return text
    text = text[:m.start()] + text[m.end():]
    refs = len(_ENTITY_REF.findall(text))
    text = _ENTITY_REF.sub("", text)
    warnings.append(f"the XML has a DOCTYPE; it was ignored and {refs} reference(s) to entities it declares "
                    "were dropped (entities are never expanded)")
    return text


def _repair(text: str, warnings: list[str]) -> str:
    fixed = 0

    def charref(m: re.Match[str]) -> str:
        nonlocal fixed
        code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        if _xml_allowed(code):
            return m.group(0)
        fixed += 1
        return "\n" if code == 12 else " "

    text = _BAD_CHARREF.sub(charref, text)
    if fixed:
        warnings.append(f"repaired {fixed} invalid character reference(s) such as &#xC; (page break) "
                        "that made the XML not well-formed: replaced by line breaks/spaces")
    raw = len(_RAW_CONTROL.findall(text))
    if raw:
        text = _RAW_CONTROL.sub(lambda m: "\n" if m.group(0) == "\x0c" else " ", text)
        warnings.append(f"removed {raw} control character(s) not allowed in XML")
    return text


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(recover=recover, resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, dtd_validation=False)


def load(data: bytes, what: str) -> tuple[etree._Element, list[str]]:
    """Parse ``data`` safely; returns the root and warnings about every repair made."""
    warnings: list[str] = []
    text = decode(data, warnings)
    text = _strip_doctype(text, warnings)
    text = _repair(text, warnings)
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    raw = ('<?xml version="1.0" encoding="UTF-8"?>' + body).encode("utf-8")
    try:
        root = etree.fromstring(raw, _parser(False))
    except etree.XMLSyntaxError as exc:
        parser = _parser(True)
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as exc2:
            raise InputError(f"{what}: the XML cannot be read even in recovery mode: {exc2}") from None
        if root is None:
            raise InputError(f"{what}: the XML cannot be read: {exc}") from None
        errors = [f"line {e.line}: {e.message.strip()}" for e in parser.error_log][:3]
        warnings.append(f"the XML is not well-formed ({exc}); recovered what could be read, content after the "
                        f"damage may be missing (truncated file?): {'; '.join(errors)}")
    return root, warnings


def text_of(el: etree._Element | None) -> str:
    """All text of an element with entity references (never expanded) left out."""
    if el is None:
        return ""
    return "".join(t for t in el.itertext() if isinstance(t, str))


_BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote",
          "pre", "dd", "dt", "section", "article"}


def html_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment in reading order: one per block element or <br> line."""
    return [p.text for p in html_paras(fragment)]


def _cell_text(cell: etree._Element) -> str:
    return " ".join(text_of(cell).split())


def _bold_cell(cell: etree._Element) -> bool:
    text = _cell_text(cell).split()
    bold = " ".join(_cell_text(b) for b in cell.iter("b", "strong")).split() + [
        w for e in cell.iter() if isinstance(e.tag, str) and re.search(r"font-weight\s*:\s*(?:bold|[6-9]00)",
                                                                        e.get("style") or "")
        for w in _cell_text(e).split()]
    return bool(text) and all(w in bold for w in text)


def _table_rows(table: etree._Element) -> list[Para]:
    """A <table>'s rows as table-row paragraphs (cells joined by " | "); a row of <th>, in <thead>
    or of bold cells only is a header row; a <caption> is the paragraph before them and the table's caption."""
    out: list[Para] = []
    cap = next((c for c in table if isinstance(c.tag, str) and c.tag.lower() == "caption"), None)
    caption = _cell_text(cap) if cap is not None else ""
    if caption:
        out.append(Para(caption))
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is not table:
            continue
        tags = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        cells = [_cell_text(c) for c in tags]
        if not any(cells):
            continue
        head = next(tr.iterancestors("thead"), None) is not None or all(c.tag.lower() == "th" for c in tags) or \
            all(_bold_cell(c) for c, t in zip(tags, cells, strict=False) if t)
        out.append(Para(tables.row_text(cells), cells=cells, table=id(table), head=head, caption=caption or None))
    return out


def html_paras(fragment: str) -> list[Para]:
    """``html_paragraphs`` as ``Para``s, a <table>'s rows as table rows (see ``itemparse.Para``)."""
    if not fragment.strip():
        return []
    if "<" not in fragment:
        return [Para(" ".join(line.split())) for line in fragment.splitlines() if line.strip()]
    try:
        nodes = html.fragments_fromstring(fragment)
    except (etree.ParserError, ValueError):
        return [Para(" ".join(fragment.split()))]
    out: list[Para] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            out.append(Para(text))
        buf.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in ("script", "style"):
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table":
            flush()
            out.extend(_table_rows(el))
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK
        if block or tag == "br":
            flush()
        if tag in ("td", "th"):
            buf.append(" ")
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    for node in nodes:
        if isinstance(node, str):
            buf.append(node)
        else:
            walk(node)
    flush()
    return out
