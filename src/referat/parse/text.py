"""Minutes as plain text in the "Punkt N: title" layout (text exported from
FirstAgenda/Prepare-style PDFs, as in the Albertslund and Ballerup seeds)."""

from __future__ import annotations

import re

from .. import tables
from ..errors import NotMinutes
from ..model import Meeting
from ..vocab import municipality
from ..vocab.dates import parse_date, parse_datetime
from ..vocab.names import SIGNATURE_PAGE, parse_participants, signature_page
from .base import ParseResult
from .items import Para, build_item

NAME = "text-punkt"
_TITLE = re.compile(r"^(?P<kind>REFERAT|DAGSORDEN)\s+(?P<committee>.+?)(?:\s+d\.\s+(?P<date>\d\d-\d\d-\d{4}))?$", re.I)
_ITEM = re.compile(r"^Punkt\s+(?P<num>\d+)\s*[:.]\s*(?P<title>.+)$")
_TOC_LINE = re.compile(r"^.+?(?:\.{3,}|\t)\s*\d+\s*$")
_FIELD = re.compile(r"^(?P<key>Mødedato|Mødested|Mødedeltagere|Mødetidspunkt|Sted|Deltagere|Fraværende|Afbud)"
                    r"\s*:?\s+(?P<value>.+)$")
_CLOSED = re.compile(r"\b(lukket punkt|lukket sag|fortroligt punkt)\b", re.I)
# "Punkt 21: Lukket: Køb af landbrugsejendom" (FirstAgenda, as in the Aarhus PDF): closed, and not part of the title.
_CLOSED_PREFIX = re.compile(r"^(?:lukket|fortroligt?)\s*(?:punkt)?\s*:\s*", re.I)


def decode(data: bytes) -> str:
    from ..errors import InputError

    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "cp1252" and not re.search(r"[æøåÆØÅ]", text):
            raise InputError("text is not valid UTF-8 and does not look like Danish in Windows-1252 either")
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise InputError("text is neither UTF-8 nor Windows-1252")


def looks_like(data: bytes) -> bool:
    """Plain text is always ours to try: ``parse`` says clearly why it is not minutes."""
    return True


def parse(data: bytes, name: str) -> ParseResult:
    text = decode(data)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paras = [line for line in lines if line]
    first_item = next((i for i, p in enumerate(paras) if _ITEM.match(p)), None)
    if first_item is None:
        raise NotMinutes("no agenda items (\"Punkt N: ...\") found: not minutes or an agenda in a layout we know")
    header, body = paras[:first_item], paras[first_item:]
    meeting = Meeting(municipality=municipality.detect(text, name), committee="", kind="referat")
    content: list[str] = []
    warnings: list[str] = []
    in_toc = False
    for line in header:
        if line.lower() == "indholdsfortegnelse":
            in_toc = True
            continue
        if in_toc and (_TOC_LINE.match(line) or re.search(r"\s\d{1,3}$", line)):
            continue
        m = _TITLE.match(line)
        if m and not meeting.committee:
            meeting.kind = "dagsorden" if m.group("kind").upper() == "DAGSORDEN" else "referat"
            meeting.committee = m.group("committee").strip()
            meeting.title = line
            if m.group("date") and meeting.start is None:
                d = parse_date(m.group("date"))
                meeting.start = parse_datetime(m.group("date")) if d else None
            continue
        f = _FIELD.match(line)
        if not f:
            warnings.append(f"header line not understood: {line[:80]}")
            content.append(line)
            continue
        key, value = f.group("key"), f.group("value")
        if key in ("Mødedato", "Mødetidspunkt"):
            meeting.start = parse_datetime(value) or meeting.start
        elif key in ("Mødested", "Sted"):
            meeting.place = value
        else:
            people = parse_participants(value)
            if key in ("Fraværende", "Afbud"):
                for p in people:
                    p.present = False
            meeting.participants.extend(people)
    if not meeting.committee:
        warnings.append("no committee name found in the header")
    chunks: list[tuple[re.Match[str], list[Para]]] = []
    sig = next((i for i, line in enumerate(body) if SIGNATURE_PAGE.match(line)), len(body))
    body, signature = body[:sig], body[sig + 1:]
    for line in body:
        m = _ITEM.match(line)
        if m:
            chunks.append((m, []))
            continue
        rows = chunks[-1][1]
        if tables.RULE.match(line) and rows and rows[-1].cells is not None:
            # the rule under a table's header rows (render/text.py): the rows above are the header
            for row in rows[::-1]:
                if row.cells is None or len(row.cells) != len(rows[-1].cells or []):
                    break
                row.head = True
            continue
        # rows of a table: lines with " | " between cells (a table as render/text.py prints it, or
        # Word tab stops); build_item makes a table of two or more lines with the same number of cells
        rows.append(Para(line, cells=tables.split_row(line)))
        content.append(line)
    for position, (m, item_paras) in enumerate(chunks, start=1):
        title = m.group("title")
        public = not _CLOSED.search(title) and not _CLOSED_PREFIX.match(title)
        title = _CLOSED_PREFIX.sub("", title)
        meeting.items.append(build_item(m.group("num"), position, title, item_paras, public=public))
    meeting.signatories, other = signature_page(signature)
    for line in other:
        warnings.append(f"line on the signature page not understood: {line[:80]}")
        content.append(line)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)
