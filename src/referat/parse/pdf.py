"""Minutes and agendas as PDF (Acadre, eDoc, FirstAgenda and similar exports).

The PDF is read with pdfium (fast enough for bulk imports), cleaned up by
``referat.parse.pdftext`` (headers, footers, table of contents, hyphens, paragraphs),
split into agenda items by their printed headings (checked against the table of
contents when there is one) and handed to ``itemparse`` item by item.  The part
before the first item is the meeting header; a signature page at the end gives
the signatories.
"""

from __future__ import annotations

import re
from datetime import datetime

import pypdfium2

from .. import tables
from ..errors import InputError, NotMinutes
from ..model import Meeting
from ..vocab import headings, municipality
from ..vocab.dates import parse_date, parse_datetime, parse_time, with_time
from ..vocab.names import SIGNATURE_PAGE, parse_participants, signature_page
from . import pdftables
from .base import ParseResult
from .items import Para, build_item
from .pdftext import (
    PART,
    Layout,
    Line,
    TocEntry,
    fix_soft_hyphens,
    join_text,
    measure,
    paragraphs,
    read_pdf,
    split_toc,
    strip_running,
    word_set,
)

NAME = "pdf"
_ITEM = re.compile(r"^(?:Punkt\s+(?P<n1>\d{1,4})\s*[:.]|(?P<n2>\d{1,4})\.)\s+(?P<title>\S.*)$", re.I)
_CLOSED_TITLE = re.compile(r"^(?:lukket|fortroligt?)\s*(?:punkt)?\s*:\s*", re.I)
_KIND = re.compile(r"^(?P<kind>referat|dagsorden|beslutningsprotokol)\b\s*(?P<rest>.*)$", re.I)
_FIELD = re.compile(r"^(?P<key>Mødedato|Dato|Tidspunkt|Mødetidspunkt|Mødested|Sted|Starttidspunkt|Sluttidspunkt"
                    r"|Mødet slut)"
                    r"\s*:?\s+(?P<value>\S.*)$", re.I)
_GROUP = re.compile(r"^(?P<label>Medlemmer|Tilstede|Til stede|Deltagere|Mødedeltagere|Afbud/Fraværende|"
                    r"Fraværende/Afbud|Afbud|Fraværende|Fravær|Sekretær|Referent|Protokolfører|Øvrige deltagere)"
                    r"\s*:?\s*(?P<rest>.*)$", re.I)
_ABSENT_LABELS = ("afbud", "fravær")


def looks_like(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"%PDF-"


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise InputError("the PDF is encrypted (password-protected); "
                             "save an unprotected copy and import that") from None
        raise InputError(f"the PDF is damaged or truncated and cannot be read ({msg.rstrip('.')})") from None


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _toc_match(number: str, title: str, entries: list[TocEntry], start: int) -> int | None:
    t = _norm(_CLOSED_TITLE.sub("", title))
    for j in range(start, len(entries)):
        e = entries[j]
        if e.number is not None and e.number != number:
            continue
        target = _norm(_CLOSED_TITLE.sub("", e.title))
        if t and target and (t.startswith(target) or (target.startswith(t) and len(t) >= min(12, len(target)))):
            return j
    return None


class _Doc:
    """The cleaned lines of one PDF and what was learnt about its layout."""

    def __init__(self, lines: list[Line], layout: Layout, toc: list[TocEntry], closed_pages: set[int]):
        self.lines = lines
        self.layout = layout
        self.toc = toc
        self.closed_pages = closed_pages
        exact = [ln for ln in lines if (h := headings.match_heading(ln.text)) and not h.groups]
        styled = sum(1 for ln in exact if layout.styled(ln))
        # headings are set apart by font in this document: an unstyled synonym is ordinary text
        self.strict = len(exact) >= 3 and styled >= 0.6 * len(exact)

    def heading(self, line: Line) -> headings.HeadingMatch | None:
        hm = headings.match_heading(line.text)
        # a synonym of several words ("Følgende deltog ikke i behandlingen af punktet") is
        # a heading even in body type; a one-word synonym is one only when set apart
        if hm and (hm.groups or not self.strict or self.layout.styled(line) or len(hm.heading.split()) >= 4):
            return hm
        return None


def _find_items(doc: _Doc, end: int) -> list[tuple[int, int, str, str, TocEntry | None]]:
    """(heading line, first body line, number, title, toc entry) for every item heading."""
    found = []
    next_toc = 0
    lines = doc.lines
    i = 0
    while i < end:
        m = _ITEM.match(lines[i].text)
        if not m:
            i += 1
            continue
        number = m.group("n1") or m.group("n2")
        title = m.group("title")
        entry = None
        if doc.toc:
            j = _toc_match(number, title, doc.toc, next_toc)
            if j is None:
                # a wrapped heading may only match the TOC once its next line is added
                if i + 1 < end and lines[i + 1].page == lines[i].page:
                    j = _toc_match(number, join_text(title, lines[i + 1].text), doc.toc, next_toc)
                if j is None:
                    i += 1
                    continue
            entry, next_toc = doc.toc[j], j + 1
        elif not (m.group("n1") or doc.layout.styled(lines[i])):
            i += 1
            continue
        k = i + 1
        target = _norm(_CLOSED_TITLE.sub("", entry.title)) if entry else ""
        while k < end and not _ITEM.match(lines[k].text):
            cur, nxt = _norm(_CLOSED_TITLE.sub("", title)), lines[k]
            joined = join_text(title, nxt.text)
            jn = _norm(_CLOSED_TITLE.sub("", joined))
            by_toc = target and len(cur) < len(target) and target.startswith(cur) and \
                (target.startswith(jn) or jn.startswith(target))
            by_style = doc.layout.styled(lines[i]) and doc.layout.styled(nxt) and nxt.page == lines[i].page \
                and abs(nxt.size - lines[i].size) < 0.6 and not headings.match_heading(nxt.text)
            if not (by_toc or by_style):
                break
            title = joined
            k += 1
        found.append((i, k, number, title, entry))
        i = k
    return found


def _join_title(lines: list[Line]) -> list[Line]:
    """A long title ("REFERAT <a long committee name> d. 20-03-2023") wraps onto more lines;
    those follow directly in the same font and are joined back to it."""
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and _KIND.match(prev.text) and not re.search(r"\d{4}$", prev.text) \
                and line.page == prev.page and line.bold == prev.bold and abs(line.size - prev.size) < 0.3 \
                and 0 < prev.bottom - line.bottom < 1.6 * max(line.size, 1.0) \
                and not (_FIELD.match(line.text) or _GROUP.match(line.text) or PART.match(line.text)):
            out[-1] = Line(join_text(prev.text, line.text), prev.page, prev.x0, max(prev.x1, line.x1), line.bottom,
                           prev.top, prev.size, prev.bold, prev.word_w, line.trailing_space)
            continue
        out.append(line)
    return out


def _parse_header(lines: list[Line], meeting: Meeting, content: list[str], warnings: list[str]) -> None:
    group: str | None = None
    lines = _join_title(lines)
    pending_place: list[str] = []
    seen_date = False
    for line in lines:
        text = " ".join(line.text.split())
        if PART.match(text):
            meeting.status = meeting.status or text
            continue
        g = _GROUP.match(text)
        if g:
            group = g.group("label")
            text = g.group("rest").strip()
            if not text:
                continue
        if group:
            absent = group.lower().startswith(_ABSENT_LABELS)
            role = group if group.lower() in ("sekretær", "referent", "protokolfører") else None
            for p in parse_participants(text):
                if absent:
                    p.present, p.note = False, p.note or group
                if role:
                    p.person.role = ", ".join(x for x in (p.person.role, role) if x)
                meeting.participants.append(p)
            continue
        k = _KIND.match(text)
        if k and not meeting.committee and not meeting.title:
            meeting.kind = "dagsorden" if k.group("kind").lower() == "dagsorden" else "referat"
            rest = k.group("rest").strip()
            if rest:
                meeting.title = text
                date = re.search(r"\s+(?:d\.|den)\s+(?P<d>\d\d?[-.]\d\d?[-.]\d{4})$", rest)
                meeting.committee = rest[: date.start()] if date else rest
                if date:
                    meeting.start = parse_datetime(date.group("d"))
            continue
        f = _FIELD.match(text)
        if f:
            key = f.group("key").lower()
            if key in ("mødested", "sted"):
                meeting.place = f.group("value")
            elif key in ("sluttidspunkt", "mødet slut"):
                t = parse_time(f.group("value"))
                if t and meeting.start:
                    meeting.end = datetime.combine(meeting.start.date(), t)
            else:
                meeting.start = with_time(meeting.start, f.group("value"))
            seen_date = True
            continue
        if parse_date(text) and len(text) < 60:
            meeting.start = with_time(meeting.start, text)
            seen_date = True
            continue
        if re.fullmatch(r"(?:kl\.?\s*)?\d{1,2}[:.]\d\d(?:\s*-\s*\d{1,2}[:.]\d\d)?", text, re.I) and meeting.start:
            meeting.start = with_time(meeting.start, text)
            continue
        if not meeting.committee:
            meeting.committee = text
            continue
        if not seen_date and not meeting.title:
            meeting.title = text
            continue
        if seen_date:
            pending_place.append(re.sub(r"^i\s+", "", text))
            continue
        warnings.append(f"header line not understood: {text[:80]}")
        content.append(text)
    if pending_place and not meeting.place:
        meeting.place = ", ".join(pending_place)



def _signatories(lines: list[Line], meeting: Meeting, content: list[str], warnings: list[str]) -> None:
    people, other = signature_page([line.text for line in lines])
    meeting.signatories.extend(people)
    for text in other:
        warnings.append(f"line on the signature page not understood: {text[:80]}")
        content.append(text)


def _item_paras(doc: _Doc, lines: list[Line], content: list[str]) -> tuple[list[Para], bool | None]:
    """The item's paragraphs; also the last part marker seen (False for "Lukket ...")."""
    part: bool | None = None
    body: list[Line] = []
    for line in lines:
        pm = PART.match(" ".join(line.text.split()))
        if pm:
            part = pm.group("kind").lower().startswith("å")
            continue
        body.append(line)
    paras: list[Para] = []
    done = 0
    for found in pdftables.find(body, doc.layout) + [None]:
        upto = found.first if found else len(body)
        paras.extend(_text_paras(doc, body[done:upto], content))
        if found is None:
            break
        for n, cells in enumerate(found.rows):
            text = tables.row_text(cells)
            content.append(text)
            paras.append(Para(text, body[found.first].page, plain=True, cells=cells, table=found.first + 1,
                              head=n < found.header_rows))
        done = found.last + 1
    return paras, part


def _text_paras(doc: _Doc, body: list[Line], content: list[str]) -> list[Para]:
    paras: list[Para] = []
    for block in paragraphs(body, doc.layout, breaks=lambda ln: doc.heading(ln) is not None):
        text = " ".join(block.text.split())
        plain = True
        hm = headings.match_heading(text)
        if hm and len(block.lines) == 1 and doc.heading(block.lines[0]):
            plain = False
            content.append(hm.heading)
        else:
            content.append(text)
        paras.append(Para(text, block.page, plain=plain))
    return paras


def parse(data: bytes, name: str) -> ParseResult:
    pdf = _open(data)
    try:
        npages = len(pdf)
        heights = [pdf.get_page_size(i)[1] for i in range(npages)]
        raw = read_pdf(pdf)
    except pypdfium2.PdfiumError as exc:
        raise InputError(f"the PDF cannot be read ({str(exc).rstrip('.')})") from None
    finally:
        pdf.close()
    if not any(raw):
        raise NotMinutes("the PDF has no text layer (a scanned image?): run OCR first")
    words = word_set(raw)
    for lines in raw:
        for line in lines:
            line.text = fix_soft_hyphens(line.text, words)
            line.cells = [(fix_soft_hyphens(t, words), x0, x1) for t, x0, x1 in line.cells]
    full_text = "\n".join(ln.text for lines in raw for ln in lines)
    pages, toc = split_toc(raw)
    closed_pages = {ln.page for lines in pages for ln in lines
                    if (m := PART.match(" ".join(ln.text.split()))) and m.group("kind").lower() == "lukket"}
    pages = strip_running(pages, heights, keep=lambda t: headings.match_heading(t) is not None)
    lines = [ln for page in pages for ln in page]
    doc = _Doc(lines, measure(pages), toc, closed_pages)
    sig = next((i for i, ln in enumerate(lines) if SIGNATURE_PAGE.match(ln.text.strip())), len(lines))
    items = _find_items(doc, sig)
    if not items:
        raise NotMinutes("no agenda items found in this PDF: an attachment or other document with no agenda items, "
                         "or minutes in a layout referat does not know")
    meeting = Meeting(municipality=municipality.detect(full_text, name), committee="", kind="referat")
    content: list[str] = []
    warnings: list[str] = []
    _parse_header(lines[: items[0][0]], meeting, content, warnings)
    if not meeting.committee:
        warnings.append("no committee name found in the header")
    if meeting.start is None:
        warnings.append("no meeting date found in the header")
    public_part = True
    for position, (i, k, number, title, entry) in enumerate(items, start=1):
        end = items[position][0] if position < len(items) else sig
        paras, part = _item_paras(doc, lines[k:end], content)
        closed_title = bool(_CLOSED_TITLE.match(title))
        public = public_part and not closed_title and lines[i].page not in doc.closed_pages \
            and (entry is None or entry.public)
        item = build_item(number, position, _CLOSED_TITLE.sub("", title), paras, public=public, page=lines[i].page)
        meeting.items.append(item)
        if part is not None:
            public_part = part
    if toc and len(toc) != len(items):
        warnings.append(f"the table of contents lists {len(toc)} items but {len(items)} item headings were found")
    _refuse_what_is_not_a_meeting(meeting)
    _signatories(lines[sig + 1:], meeting, content, warnings)
    return ParseResult(meeting=meeting, content=content, pages=npages, warnings=warnings)


#: section roles only an agenda item carries (a report's chapters have "Formål" or "Lovgrundlag" too)
_ITEM_ROLES = frozenset({"summary", "presentation", "recommendation", "decision", "deciding_body", "case_history",
                         "previous_treatment", "endorsement"})


def _refuse_what_is_not_a_meeting(meeting: Meeting) -> None:
    """Numbered chapters are not agenda items, and one item's own PDF is not its meeting.

    A report or programme attached to a case numbers its chapters like items ("1. Forord"), but none of them
    carries what an agenda item has: a case id, a typed section, a recommendation or a decision.  A case
    system's per-item PDF (eDoc prints each item again on its own) has no meeting header at all; its one item
    names the meeting only in its decision heading.  Stored as a meeting it would take the place of the whole
    minutes (same committee, day, kind and format), so both are refused, saying what they are.
    """
    items = meeting.items
    if not any(i.case_ids or i.decisions or i.recommendation or any(s.role in _ITEM_ROLES for s in i.sections)
               for i in items):
        raise NotMinutes(f"an attachment or other document with no agenda items: its {len(items)} numbered "
                         "headings carry no case id, recommendation, decision or case section")
    if len(items) == 1 and not meeting.committee and meeting.start is None:
        item = items[0]
        decision = next((d for d in item.decisions if d.body or d.date), None)
        where = f" of {decision.body}" if decision and decision.body else ""
        when = f" on {decision.date:%d-%m-%Y}" if decision and decision.date else ""
        raise NotMinutes(f"the document of one agenda item (punkt {item.number}{where}{when}), not of a "
                         "meeting: import the meeting's folder or its whole minutes")

