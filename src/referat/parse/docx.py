"""Minutes and agendas as Word documents (.docx), as Acadre and other case systems deliver them.

Word says what PDF only shows: a paragraph's style ("Heading 1", Danish "Overskrift 1", "Title",
or any style with an outline level), its automatic numbering (``w:numPr``: the "3." or "1.1"
a reader sees is not in the text), bold runs, tables, and headers/footers kept apart from the
body.  So the structure is read from the markup, through python-docx:

* items are the numbered headings ("715. Titel", "Punkt 3:", "Pkt. 3", "Sag nr. 3", "3.1") at the
  shallowest heading level that has any; a document without heading styles has its numbered
  bold paragraphs as item headings;
* sections are the deeper headings inside items (else the bold paragraphs), handed to
  ``build_item(marked_headings=True)``: a bold "Tidsplan:" line in a styled document stays text;
* layout tables (a front page, an item's "Sagsnr.: | 12/27845" box, nested tables) are read as
  paragraphs, data tables become the model's ``Table``;
* the part before the first item is the meeting header (Referat/Dagsorden, committee, date,
  time, place, participant groups); a signature page gives the signatories;
* running headers and footers live in their own parts and are never read; the table of
  contents (toc styles, a TOC content control) is left out.

A document with no numbered items, or whose items have neither a meeting header nor a known
section heading (a report with numbered chapters), is refused: an attachment, not minutes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from ..errors import NotMinutes
from ..model import Meeting
from ..vocab import headings, municipality
from ..vocab.dates import parse_date, parse_time, with_time
from ..vocab.names import SIGNATURE_PAGE, parse_participants, signature_page
from .base import ParseResult
from .items import Para, build_item
from .wordml import Block, read_blocks

NAME = "docx"

_ITEM = re.compile(r"^(?:(?:Punkt|Pkt\.?|Sag|Dagsordenspunkt)(?:\s*nr\.?)?\s*"
                   r"(?P<n1>\d{1,4}(?:\.\d{1,2})*)\.?\s*[:.)\-–]?"
                   r"|(?P<n2>\d{1,4}(?:\.\d{1,2})*)\s*[.):]?)(?:\s+(?P<title>\S.*))?$", re.I)
_CLOSED_TITLE = re.compile(r"^(?:lukket|fortroligt?)\s*(?:punkt)?\s*:\s*", re.I)
_PART = re.compile(r"^(?P<kind>Åbent?|Åbne|Lukket|Lukkede|Fortrolige?)\s+"
                   r"(?:referat|dagsorden|møde|del|punkter?|sager)$", re.I)
_KIND = re.compile(r"^(?P<kind>referat|dagsorden|beslutningsprotokol)\b\s*(?P<rest>.*)$", re.I)
_FIELD = re.compile(r"^(?P<key>Mødedato|Dato|Tidspunkt|Mødetidspunkt|Tid|Mødested|Sted|Starttidspunkt|Sluttidspunkt|"
                    r"Mødet slut|Mødet afsluttet)\s*:?\s+(?P<value>\S.*)$", re.I)
_GROUP = re.compile(r"^(?P<label>Medlemmer|Tilstede|Til stede|Deltagere|Mødedeltagere|Afbud/Fraværende|"
                    r"Fraværende/Afbud|Afbud|Fraværende|Fravær|Sekretær|Referent|Protokolfører|Øvrige deltagere)"
                    r"\s*:?\s*(?P<rest>.*)$", re.I)
_ABSENT_LABELS = ("afbud", "fravær")
_ROLE_LABELS = ("sekretær", "referent", "protokolfører")
_TIME_ONLY = re.compile(r"(?:kl\.?\s*)?\d{1,2}[:.]\d\d(?:\s*[-–]\s*\d{1,2}[:.]\d\d)?", re.I)


def looks_like(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        return "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def _heading(b: Block) -> tuple[str, str] | None:
    """(number, title) when the block reads as an item heading; the title may be on the next block."""
    if b.cells is not None or b.label is not None or b.toc:
        return None
    m = _ITEM.match(b.text)
    if not m or not (m.group("n1") or m.group("title")):
        return None
    return m.group("n1") or m.group("n2"), m.group("title") or ""


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(x) for x in number.split("."))


def _find_items(blocks: list[Block]) -> tuple[list[int], int | None]:
    """The item heading blocks (increasing numbers) and the heading level they are at (None: bold)."""
    levels = [b.level for b in blocks if b.level is not None and _heading(b)]
    # the Title style (level 0) holds the meeting's name; it numbers the items only when nothing else does
    level = min((lv for lv in levels if lv), default=min(levels) if levels else None)
    heads: list[int] = []
    last: tuple[int, ...] = ()
    current = ""
    for i, b in enumerate(blocks):
        h = _heading(b)
        if h is None:
            continue
        if level is None:
            ok = b.bold
        elif b.level == level:
            ok = True
        else:  # "3.1 ..." under item "3": a sub-item, unless it is a section heading ("1.1 Baggrund")
            ok = b.level is not None and b.level > level and h[0].startswith(current + ".") and bool(current) \
                and not headings.match_heading(h[1])
        if ok and _key(h[0]) > last:
            heads.append(i)
            last = _key(h[0])
            if b.level == level:
                current = h[0]
    return heads, level


def parse(data: bytes, name: str) -> ParseResult:
    blocks = read_blocks(data)
    heads, level = _find_items(blocks)
    meeting = Meeting(municipality=municipality.detect("\n".join(b.text for b in blocks), name),
                      committee="", kind="referat")
    content: list[str] = []
    warnings: list[str] = []
    first = heads[0] if heads else len(blocks)
    kind_seen = _parse_header(blocks[:first], meeting, content, warnings)
    sig = next((i for i in range(first, len(blocks)) if SIGNATURE_PAGE.match(blocks[i].text)), len(blocks))
    heads = [h for h in heads if h < sig]
    bodies = [blocks[h + 1: heads[n + 1] if n + 1 < len(heads) else sig] for n, h in enumerate(heads)]
    styled = level is not None and any(b.level is not None for body in bodies for b in body)
    public_part = True
    for position, (h, body) in enumerate(zip(heads, bodies, strict=True), start=1):
        number, title = _heading(blocks[h]) or ("", "")
        if not title and body and body[0].cells is None:
            title, body = body[0].text, body[1:]
        paras, part = _item_paras(body, styled, content)
        closed = bool(_CLOSED_TITLE.match(title))
        title = _CLOSED_TITLE.sub("", title)
        content.append(title)
        meeting.items.append(build_item(number, position, title, paras, public=public_part and not closed,
                                        marked_headings=True))
        if part is not None:
            public_part = part
    sections = {s.role for it in meeting.items for s in it.sections} - {"body", "other"}
    if not meeting.items or not (kind_seen or meeting.start or sections):
        raise NotMinutes("an attachment or other document with no agenda items: this Word document has "
                         + ("no numbered item headings" if not meeting.items else
                            "numbered headings but no meeting header and no minutes sections"))
    if not meeting.committee:
        warnings.append("no committee name found in the header")
    if meeting.start is None:
        warnings.append("no meeting date found in the header")
    people, other = signature_page([ln for b in blocks[sig + 1:] for ln in b.lines])
    meeting.signatories.extend(people)
    for text in other:
        warnings.append(f"line on the signature page not understood: {text[:80]}")
        content.append(text)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _item_paras(body: list[Block], styled: bool, content: list[str]) -> tuple[list[Para], bool | None]:
    """The item's paragraphs for ``build_item``, and the last part marker seen (False for "Lukket ...")."""
    paras: list[Para] = []
    part: bool | None = None
    role = ""
    for b in body:
        if b.toc:
            continue
        if pm := _PART.match(b.text):
            part = pm.group("kind").lower().startswith("å")
            continue
        if b.cells is not None:
            if role == "attachments":  # a list of attachments set as a table: one attachment a row
                text = " ".join(c for c in b.cells if c)
                paras.append(Para(text))
            else:
                text = b.text
                paras.append(Para(text, cells=b.cells, table=b.table, head=b.head))
            content.append(text)
            continue
        content.append(b.text)
        if b.label is not None:
            value = b.text[len(b.label):].strip()
            if (hm := headings.match_heading(b.text)) and hm.groups:
                paras.append(Para(b.text, heading=True))
                role = hm.role
            elif value and (hm := headings.match_heading(b.label)):
                paras.extend([Para(b.label, heading=True), Para(value)])
                role = hm.role
            else:
                paras.append(Para(b.text))
            continue
        heading = b.level is not None if styled else (b.bold and len(b.text) <= 120 and not b.text.endswith((".", ",")))
        if heading:
            hm = headings.match_heading(b.text)
            role = hm.role if hm else "other"
        paras.append(Para(b.text, heading=heading))
    return paras, part


def _toc_captions(blocks: list[Block]) -> set[int]:
    """The lines just before the table of contents that head it ("Indholdsfortegnelse", "Punkt Side")."""
    out: set[int] = set()
    for i, b in enumerate(blocks):
        if b.toc and i and not blocks[i - 1].toc:
            j = i - 1
            while j >= 0 and (c := blocks[j]).row is None and not c.toc and c.cells is None and len(c.text) <= 60 \
                    and not (_FIELD.match(c.text) or _GROUP.match(c.text)):
                out.add(j)
                j -= 1
    return out


def _parse_header(blocks: list[Block], meeting: Meeting, content: list[str], warnings: list[str]) -> bool:
    """Fill the meeting from the lines before the first item; True when they name the kind (Referat, Dagsorden)."""
    group: str | None = None
    group_row: tuple[int, int] | None = None
    kind_seen = seen_date = False
    place: list[str] = []
    captions = _toc_captions(blocks)
    for i, b in enumerate(blocks):
        if b.toc or i in captions:
            continue
        if group and (b.row != group_row or b.bold or b.level is not None):
            group = None
        for text in b.lines:
            if _PART.match(text):
                meeting.status = meeting.status or text
                continue
            if g := _GROUP.match(text):
                group, group_row = g.group("label"), b.row
                text = g.group("rest").strip()
                if not text:
                    continue
            if group:
                absent = group.lower().startswith(_ABSENT_LABELS)
                role = group if group.lower() in _ROLE_LABELS else None
                for p in parse_participants(text):
                    if absent:
                        p.present, p.note = False, p.note or group
                    if role:
                        p.person.role = ", ".join(x for x in (p.person.role, role) if x)
                    meeting.participants.append(p)
                continue
            k = _KIND.match(text)
            if k and not kind_seen and not meeting.committee and len(text) <= 160:
                kind_seen = True
                meeting.kind = "dagsorden" if k.group("kind").lower() == "dagsorden" else "referat"
                rest = k.group("rest").strip()
                date = re.search(r"\s+(?:d\.|den)\s+(?P<d>\d\d?[-.]\d\d?[-.]\d{4})$", rest)
                if rest:
                    meeting.title = text
                    meeting.committee = rest[: date.start()] if date else rest
                if date:
                    meeting.start = with_time(meeting.start, date.group("d"))
                continue
            if f := _FIELD.match(text):
                key = f.group("key").lower()
                if key in ("mødested", "sted"):
                    meeting.place = f.group("value")
                elif key in ("sluttidspunkt", "mødet slut", "mødet afsluttet"):
                    t = parse_time(f.group("value"))
                    if t and meeting.start:
                        meeting.end = datetime.combine(meeting.start.date(), t)
                else:
                    meeting.start = with_time(meeting.start, f.group("value"))
                    seen_date = seen_date or meeting.start is not None
                continue
            if len(text) < 60 and parse_date(text):
                meeting.start = with_time(meeting.start, text)
                seen_date = True
                continue
            if _TIME_ONLY.fullmatch(text) and meeting.start:
                meeting.start = with_time(meeting.start, text)
                continue
            if not meeting.committee and len(text) <= 160:
                meeting.committee = text
            elif not seen_date and not meeting.title and len(text) <= 160:
                meeting.title = text
            elif seen_date and len(text) <= 160:
                place.append(re.sub(r"^i\s+", "", text))
            else:
                warnings.append(f"header line not understood: {text[:80]}")
                content.append(text)
    if place and not meeting.place:
        meeting.place = ", ".join(place)
    return kind_seen

