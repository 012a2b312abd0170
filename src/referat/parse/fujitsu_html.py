"""The HTML that Fujitsu eDoc's XSLT renders from an agenda export (``<guid>.html`` beside
``<guid>.xml``; see ``fujitsu_xml``), as Middelfart published it.

The page is read by its XSLT classes, never as flattened text: ``div.xsltAgendaTitle`` (kind, then
committee), ``div.xsltDateAndLocation`` (time, "Mødested: ..."), the tables of contents
(``table.xsltListOfContent*``: boilerplate), ``div.xsltItemsHeader`` ("Åbne sager"/"Lukkede sager"),
and per item ``table.xsltTitleTableBegin`` (printed number and title), ``table.xsltTitleTableEnd``
("Sagsnr.: ...", "Sagsbehandler: ...", "Åben"/"Lukket") and pairs of ``div.xsltHeader`` (a section
heading, marked by the markup) and the ``div`` holding that section's HTML.  Empty sections are
not imported.  The page prints no neutral title, so a closed item is imported as "Lukket punkt"
without its text.  The municipality is named by the page's own resources (the logo
``Middelfart.jpg``) when its text does not name it.
"""

from __future__ import annotations

import re

from lxml import etree, html

from ..errors import NotMinutes
from ..model import Meeting
from ..vocab.dates import parse_datetime
from . import xmlutil
from .base import ParseResult
from .fujitsu_xml import NS, detect_municipality, finish_item, from_path, kind_of, presentation_paras
from .items import Para, build_item

NAME = "fujitsu-html"

_PLACE = re.compile(r"^Mødested\s*:\s*", re.IGNORECASE)
_CASE = re.compile(r"^Sagsnr\.?\s*:\s*(?P<id>.*)$", re.IGNORECASE)
_NUM = re.compile(r"^(?P<num>\d+(?:\.\d+)*)\.?$")


def looks_like(data: bytes) -> bool:
    """An XSLT rendering of a Fujitsu eDoc agenda: its namespace on the page's root or its item classes."""
    head = data[:4096]
    if b"<html" in head.lower() and NS.encode() in head:
        return True
    return b'class="xsltAgendaTitle"' in data and b'class="xsltTitleTableBegin"' in data


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def _lines(el: etree._Element) -> list[str]:
    return [p.text for p in xmlutil.html_paras(html.tostring(el, encoding="unicode"))]


def _decode(data: bytes, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.append("the page is not UTF-8; read as Windows-1252")
        return data.decode("cp1252", errors="replace")


class _Item:
    def __init__(self, number: str, title: str) -> None:
        self.number, self.title = number, title
        self.public = True
        self.case = ""
        self.paras: list[Para] = []
        self.withheld = 0


def parse(data: bytes, name: str) -> ParseResult:
    warnings: list[str] = []
    doc = html.document_fromstring(_decode(data, warnings))
    outer = next(iter(doc.find_class("xsltOuter")), None)
    if outer is None:
        raise NotMinutes("not a Fujitsu eDoc agenda page: no div.xsltOuter")
    title_div = next(iter(doc.find_class("xsltAgendaTitle")), None)
    head = _lines(title_div) if title_div is not None else []
    kind = kind_of(head[0]) if head else None
    if kind is None:
        warnings.append("the page says neither Dagsorden nor Referat; assumed an agenda")
    meeting = Meeting(municipality="", committee=" ".join(head[1:]), kind=kind or "dagsorden",
                      title=head[0] if head else None)
    content: list[str] = [s for s in (meeting.committee, meeting.title) if s]
    when = next(iter(doc.find_class("xsltDateAndLocation")), None)
    for line in _lines(when) if when is not None else []:
        if _PLACE.match(line):
            meeting.place = _PLACE.sub("", line) or None
            content.extend([meeting.place] if meeting.place else [])
        elif meeting.start is None and parse_datetime(line):
            meeting.start = parse_datetime(line)
        else:
            warnings.append(f"header line not understood: {line[:80]}")
            content.append(line)
    from_path(meeting, name, warnings)
    raw = _walk(outer, warnings)
    if not raw:
        raise NotMinutes("no agenda items (table.xsltTitleTableBegin) on this Fujitsu eDoc page")
    texts: list[str] = []
    for position, r in enumerate(raw, start=1):
        if not r.public:
            warnings.append(f"closed item {r.number}: the page prints no neutral title; imported as "
                            f"'Lukket punkt', the text of its {r.withheld} section(s) is withheld")
        item = build_item(r.number, position, r.title if r.public else "Lukket punkt", r.paras if r.public else [],
                          public=r.public, marked_headings=True)
        finish_item(item, set(), r.case, warnings)
        meeting.items.append(item)
        if r.public:
            content.append(item.title)
            content.extend(p.text for p in r.paras)
            texts.extend(p.text for p in r.paras)
    urls = [u for el in doc.iter("img", "link") for u in (el.get("src"), el.get("href")) if u]
    meeting.municipality = detect_municipality(texts, name, urls)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _walk(outer: etree._Element, warnings: list[str]) -> list[_Item]:
    """The items in printed order from the children of div.xsltOuter."""
    items: list[_Item] = []
    closed_part = False
    heading: str | None = None
    for el in outer:
        if not isinstance(el.tag, str):
            continue
        cls = _classes(el)
        if "xsltItemsHeader" in cls:
            closed_part = "lukke" in " ".join(_lines(el)).lower()
        elif "xsltTitleTableBegin" in cls:
            cells = [" ".join(xmlutil.text_of(d).split()) for d in el.find_class("xsltTitle")]
            m = _NUM.match(cells[0]) if cells else None
            if m is None or len(cells) < 2:
                warnings.append(f"item heading not understood: {' '.join(cells)[:80]}")
                continue
            items.append(_Item(m.group("num"), " ".join(cells[1:])))
            items[-1].public = not closed_part
            heading = None
        elif "xsltTitleTableEnd" in cls and items:
            for d in el.find_class("xsltSubTitle"):
                text = " ".join(xmlutil.text_of(d).split())
                case = _CASE.match(text)
                if case:
                    items[-1].case = case.group("id").strip()
                elif text.lower().startswith("lukket"):
                    items[-1].public = False
        elif "xsltHeader" in cls:
            heading = " ".join(xmlutil.text_of(el).split()).rstrip(":").strip()
        elif el.tag == "div" and heading is not None and items:
            more = presentation_paras(heading, html.tostring(el, encoding="unicode", with_tail=False))
            if more and items[-1].public:
                items[-1].paras.extend(more)
            items[-1].withheld += bool(more)
            heading = None
    return items

