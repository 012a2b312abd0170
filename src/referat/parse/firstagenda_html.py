"""FirstAgenda publication pages (HTML), as Aarhus and other municipalities publish
their agendas and minutes ("Referat 1. oktober 2025 kl. 15.45").

The page is read structurally, not as flattened text: the meeting header is the
``table.dagsordeninfo``; each agenda item is a ``tr.punktrow`` in
``table#dagsordenDetaljer`` with the printed number in ``span.label``, the title
in ``h2.overskrift`` and a ``div.details`` holding the case id
(``span.sagsnummer``), the case text (``div.punkt``: ``<h3>`` headings, each
followed by a ``span.resume`` of ``<div>`` paragraphs) and the attachment list
(``<h3>Bilag</h3>`` + ``ul`` of ``a.bilag-link``).  Headings come from markup,
so items are built with ``build_item(marked_headings=True)``: a "Beslutning:"
inside a citizen's proposal stays prose.  Navigation, menus, modals and scripts
are boilerplate and never reach ``content``.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from ..errors import NotMinutes
from ..model import AgendaItem, Meeting
from ..vocab import municipality
from ..vocab.dates import parse_datetime
from ..vocab.names import parse_participants
from .base import ParseResult
from .items import Para, build_item

NAME = "firstagenda-html"

_MARKERS = (b"dagsordenDetaljer", b"punktrow", b"firstagenda")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = _HEADINGS | {
    "div", "p", "ul", "ol", "li", "table", "tr", "blockquote", "section", "article", "header", "footer",
    "pre", "dl", "dt", "dd", "hr", "address", "figure", "figcaption", "center",
}
_SKIP = {"script", "style", "noscript", "template", "button", "input", "select", "textarea", "img", "svg"}
# A run of blanks with two or more no-break spaces or a tab is a tab stop of a
# Word table pasted as text ("54\xa0\xa0 \xa0Sikker transport ...\xa0\xa0 \xa0DD").
_CELL_GAP = re.compile(r"[ \xa0]*\t[ \xa0\t]*|(?:[ ]*\xa0){2,}[ ]*")
_LINE_BREAK = re.compile(r"[ \t\xa0]*[\r\n]\s*")
_KIND = re.compile(r"^\s*(?P<kind>referat|dagsorden|tillægsdagsorden|tillægsreferat)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_LIST_MARK = re.compile(r"^\(?[a-zæøå]{1,2}[.)]\s")
_CLOSED = re.compile(r"^\s*Lukket punkt\s*$", re.I)


def looks_like(data: bytes) -> bool:
    """A FirstAgenda publication page: its item table or its API address is in the page."""
    return any(marker in data for marker in _MARKERS)


def _decode(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data  # BeautifulSoup reads the declared charset or guesses


def clean(text: str) -> str:
    """One paragraph's text: Word tab stops become " | " cell separators, blanks collapse."""
    text = _LINE_BREAK.sub(" ", text.replace("\u00ad", ""))  # source indentation is not a tab stop
    text = _CELL_GAP.sub(" | ", text)
    return " ".join(text.split()).strip(" |") if "|" in text else " ".join(text.split())


def _has_block(tag: Tag) -> bool:
    return tag.find(_BLOCKS) is not None


def blocks(el: Tag, out: list[Para]) -> list[Para]:
    """The paragraphs and headings under ``el`` in reading order (headings flagged)."""
    run: list[str] = []

    def flush() -> None:
        text = clean("".join(run))
        run.clear()
        if text and re.search(r"\w", text):  # "." left by an empty template field is not content
            # a line with tab stops may be a row of a Word table pasted as text; build_item
            # makes a table of two or more such lines with the same number of cells
            out.append(Para(text, cells=text.split(" | ") if " | " in text else None))

    for child in el.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            run.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in _SKIP:
            continue
        name = child.name
        if name == "br":
            flush()
        elif name in _HEADINGS:
            flush()
            out.append(Para(clean(child.get_text(" ")), heading=True))
        elif name == "table":
            flush()
            _table(child, out)
        elif name in ("ul", "ol"):
            flush()
            _list(child, out)
        elif name in _BLOCKS or _has_block(child):
            flush()
            blocks(child, out)
        else:
            run.append(child.get_text())
    flush()
    return out


def _table(table: Tag, out: list[Para]) -> None:
    """Each row one line, cells separated by " | ", so budget tables keep their text; the
    rows are also a table: a row of <th> cells, in <thead>, or of only bold cells is a header.
    A <caption> is the paragraph before the rows and the table's caption."""
    cap = table.find("caption")
    caption = clean(cap.get_text(" ")) if isinstance(cap, Tag) and cap.find_parent("table") is table else ""
    if caption:
        out.append(Para(caption))
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        tags = tr.find_all(["td", "th"], recursive=False)
        cells = [clean(cell.get_text(" ")) for cell in tags]
        if any(cells):
            head = tr.find_parent("thead") is not None or all(c.name == "th" for c in tags) or \
                all(_bold(c) for c, text in zip(tags, cells, strict=False) if text)
            out.append(Para(" | ".join(cells), cells=cells, table=id(table), head=head, caption=caption or None))


def _bold(cell: Tag) -> bool:
    """All of the cell's text is inside <b>/<strong> (or a bold style)."""
    text = clean(cell.get_text(" "))
    bold = " ".join(clean(b.get_text(" ")) for b in cell.find_all(["b", "strong"]) +
                    cell.find_all(style=re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)")))
    return bool(text) and all(w in bold.split() for w in text.split())


def _list(lst: Tag, out: list[Para]) -> None:
    ordered = lst.name == "ol"
    start_attr = str(lst.get("start", ""))
    start = int(start_attr) if ordered and start_attr.isdigit() else 1
    for n, li in enumerate(lst.find_all("li", recursive=False), start=start):
        inner = blocks(li, [])
        if inner and not inner[0].heading:
            inner[0].text = (f"{n}. " if ordered else "- ") + inner[0].text
        out.extend(inner)


def join_wrapped(paras: list[Para]) -> list[Para]:
    """Join lines hard-wrapped into separate <div>s: a line not ending a sentence
    followed by one starting in lower case is the same paragraph."""
    out: list[Para] = []
    for para in paras:
        prev = out[-1] if out else None
        if (prev and not prev.heading and not para.heading and para.text[:1].islower()
                and not _SENTENCE_END.search(prev.text) and not _LIST_MARK.match(para.text)
                and prev.cells is None and para.cells is None):
            prev.text = f"{prev.text} {para.text}"
        else:
            out.append(Para(para.text, para.page, para.heading, cells=para.cells, table=para.table, head=para.head,
                            caption=para.caption))
    return out


def _header(soup: BeautifulSoup, meeting: Meeting, warnings: list[str]) -> list[str]:
    """Fill the meeting from the header table; returns header lines that are content."""
    content: list[str] = []
    h1 = soup.select_one("div.title h1") or soup.find("h1")
    heading = clean(h1.get_text(" ")) if h1 else ""
    m = _KIND.match(heading)
    if m:
        meeting.kind = "dagsorden" if "dagsorden" in m.group("kind").lower() else "referat"
        meeting.title = heading
    else:
        warnings.append(f"page heading does not say Referat or Dagsorden: {heading[:80]!r}; assumed minutes")
    info = soup.select_one("table.dagsordeninfo")
    for tr in info.find_all("tr") if info else []:
        cells = tr.find_all("td")
        if len(cells) < 2:
            continue
        key = clean(cells[0].get_text(" ")).rstrip(":").casefold()
        value_el = cells[1]
        value = clean(value_el.get_text(" "))
        if key == "udvalg":
            meeting.committee = value
        elif key == "mødedato":
            meeting.start = parse_datetime(value)
            if value and meeting.start is None:
                warnings.append(f"meeting date not understood: {value[:80]!r}")
        elif key == "mødested":
            meeting.place = value or None
        elif key in ("mødedeltagere", "deltagere", "afbud", "fraværende"):
            for para in blocks(value_el, []):
                people = parse_participants(para.text)
                if key in ("afbud", "fraværende"):
                    for p in people:
                        p.present = False
                meeting.participants.extend(people)
        elif value:
            warnings.append(f"header field {key!r} not placed in the model: {value[:80]}")
            content.append(value)
    if not meeting.committee:
        udvalg = soup.select_one("div.title .udvalg")
        meeting.committee = clean(udvalg.get_text(" ")) if udvalg else ""
    if not meeting.committee:
        warnings.append("no committee name found in the page header")
    if meeting.start is None and heading:
        meeting.start = parse_datetime(heading)
    if meeting.start is None:
        warnings.append("no meeting date found in the page header")
    return content


def _item_paras(details: Tag, number: str, warnings: list[str]) -> list[Para]:
    paras: list[Para] = []
    for child in details.children:
        if not isinstance(child, Tag) or child.name in _SKIP:
            if isinstance(child, NavigableString) and not isinstance(child, Comment) and clean(str(child)):
                warnings.append(f"item {number}: loose text in the item details: {clean(str(child))[:60]}")
                paras.append(Para(clean(str(child))))
            continue
        classes: list[str] = list(child.get("class") or [])
        if "sagsnummer" in classes:
            text = clean(child.get_text(" "))
            if text:
                paras.append(Para(text))
        elif child.name in ("ul", "ol") and child.find("a", class_="bilag-link"):
            for link in child.find_all("a", class_="bilag-link"):
                text = clean(link.get_text(" "))
                if text:
                    paras.append(Para(text))
        elif child.name in _HEADINGS:
            paras.append(Para(clean(child.get_text(" ")), heading=True))
        elif "punkt" in classes:
            blocks(child, paras)
        else:
            found = blocks(child, [])
            if found:
                warnings.append(f"item {number}: unexpected <{child.name}> in the item details, read as text")
                paras.extend(found)
    return join_wrapped(paras)


def _item(row: Tag, position: int, meeting: Meeting, warnings: list[str]) -> tuple[AgendaItem, list[Para]]:
    first_cell = row.find("td")
    label = (first_cell.find("span", class_="label") or first_cell) if isinstance(first_cell, Tag) else None
    number = clean(label.get_text(" ")) if label else ""
    if not number:
        number = str(position)
        warnings.append(f"item at position {position} has no printed number; used its position")
    title_el = row.find("h2", class_="overskrift") or row.find(class_="overskrift-btn")
    title = clean(title_el.get_text(" ")) if title_el else ""
    if not title:
        warnings.append(f"item {number} has no title")
    details = row.find("div", class_="details")
    paras = _item_paras(details, number, warnings) if details else []
    if details is None:
        warnings.append(f"item {number} has no details block (only the title is published)")
    public = row.find(string=_CLOSED) is None
    item = build_item(number, position, title, paras, public=public, marked_headings=True)
    badge = row.find(class_="fil-ikon-nummer")
    if badge and clean(badge.get_text()).isdigit():
        item.attachment_count = int(clean(badge.get_text()))
        if item.attachment_count != len(item.attachments):
            warnings.append(f"item {number}: the page counts {item.attachment_count} attachments "
                            f"but lists {len(item.attachments)}")
    elif item.attachments:
        item.attachment_count = len(item.attachments)
    if meeting.kind == "referat":
        if not item.decisions and details is not None:
            warnings.append(f"item {number}: minutes without a decision section")
        for decision in item.decisions:
            decision.body = decision.body or meeting.committee or None
            decision.date = decision.date or (meeting.start.date() if meeting.start else None)
    return item, paras


def parse(data: bytes, name: str) -> ParseResult:
    soup = BeautifulSoup(_decode(data), "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    table = soup.select_one("table#dagsordenDetaljer") or soup.select_one("table.dagsorden")
    rows = table.select("tr.punktrow") if table else []
    if not rows:
        raise NotMinutes("this HTML page has no FirstAgenda agenda table (table#dagsordenDetaljer with "
                         "tr.punktrow items): it is not an agenda or minutes page")
    meeting = Meeting(municipality="", committee="", kind="referat")
    warnings: list[str] = []
    content = _header(soup, meeting, warnings)
    numbers: set[str] = set()
    for position, row in enumerate(rows, start=1):
        item, paras = _item(row, position, meeting, warnings)
        if item.number in numbers:
            warnings.append(f"item number {item.number} occurs more than once")
        numbers.add(item.number)
        meeting.items.append(item)
        # Headings are stored as Section.heading without their colon.
        content.extend(p.text.rstrip(":").strip() if p.heading else p.text for p in paras if p.text)
    meeting.municipality = municipality.detect("\n".join(content), name)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)
