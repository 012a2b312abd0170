"""eDoc publishing exports (root ``<Meeting>``), as Ballerup published minutes 2007-2013.

The export holds the meeting (committee, date, state), one ``MeetingAgendaType``
per agenda (``Åben dagsorden``/``Lukket dagsorden``) with the full printed
minutes as text, and per item the printed text (``FullText``), the item document
(``Title``, ``NeutralTitle``, publishing flags) and its attachments.  The printed
text is what the PDF shows, so the item body is read from it through
``itemparse.build_item``; the XML fields add what the text lacks (publishing
status of attachments, the neutral title of closed items).

Closed items (agenda type containing "Lukket") become ``public=False`` items whose
title is the ``NeutralTitle`` (eDoc's title for publication); the internal
``Title`` is never imported, and the body only where the export carries it.
Attachment full texts (the attached documents themselves) are not imported:
the model keeps attachment titles, not attached documents.
"""

from __future__ import annotations

import difflib
import re

from lxml import etree

from .. import tables
from ..errors import NotMinutes
from ..model import AgendaItem, Attachment, Meeting, Participant
from ..vocab import municipality
from ..vocab.caseids import parse_case_id
from ..vocab.dates import parse_date, parse_datetime
from ..vocab.headings import match_heading
from ..vocab.names import parse_person
from . import xmlutil
from .base import ParseResult
from .items import Para, build_item, parse_attachment

NAME = "edoc-publishing-xml"

_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
                   rb"(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?(?:<!--.*?-->\s*)*<Meeting[\s>]", re.S)
_ITEM_HEAD = re.compile(r"^(?P<num>\d+)\.\s+(?P<title>\S.*)$")
_TOC_LINE = re.compile(r"^(?P<num>\d+)\.\t(?P<title>.+)\t(?P<page>\d+)$")
_MARKER = re.compile(r"^(?:[A-Za-z]|\d{1,2})[.)]$")
_ATT_LINE = re.compile(r"^(?:19|20)\d\d\s*[-–]\s*\d{3,8}\s+-\s+\S")
_BOILERPLATE = {"referat", "dagsorden", "åbent referat", "lukket referat", "åben dagsorden", "lukket dagsorden",
                "side", "indholdsfortegnelse"}
_PRESENT = {"tilstede", "til stede", "deltagere", "mødedeltagere", "medlemmer"}
_ABSENT = {"afbud/fraværende", "afbud", "fraværende", "fravær"}
_SECRETARY = {"sekretær", "referent"}
_WEEKDAY = re.compile(r"^(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)\b", re.I)


def looks_like(data: bytes) -> bool:
    return bool(_ROOT.match(data[:4096])) and b"<MeetingAgendaType" in data[:262144]


def _t(el: etree._Element | None, path: str) -> str:
    return " ".join(xmlutil.text_of(el.find(path) if el is not None else None).split())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def parse(data: bytes, name: str) -> ParseResult:
    root, warnings = xmlutil.load(data, "eDoc XML")
    if not isinstance(root.tag, str) or root.tag != "Meeting":
        raise NotMinutes(f"not an eDoc publishing export: the root element is <{root.tag}>, expected <Meeting>")
    committee = _t(root, "Committee")
    state = _t(root, "MeetingState")
    meeting = Meeting(municipality="", committee=committee, kind="referat", status=state or None,
                      start=parse_datetime(_t(root, "MeetingDate")))
    content: list[str] = []
    all_text: list[str] = [committee]
    pages: dict[str, int] = {}
    header_done = False
    agenda_types = root.findall("MeetingAgendaTypes/MeetingAgendaType")
    if not agenda_types:
        raise NotMinutes("eDoc XML without <MeetingAgendaTypes>: no agenda in this export")
    raw_items: list[tuple[bool, etree._Element]] = []
    full_texts: list[list[str]] = []
    for mat in agenda_types:
        closed = "lukket" in _t(mat, "AgendaType").lower()
        full = _lines(xmlutil.text_of(mat.find("FullText")))
        if full and any(full):
            if not header_done:
                _header(meeting, full, content, warnings)
                header_done = True
            full_texts.append(full)
            for line in full:
                m = _TOC_LINE.match(line)
                if m:
                    pages.setdefault(m.group("num"), int(m.group("page")))
        raw_items.extend((closed, el) for el in mat.findall("MeetingAgendaItems/MeetingAgendaItem"))
    if not raw_items:
        raise NotMinutes("no agenda items (<MeetingAgendaItem>) in this eDoc export; the file may be truncated")
    raw_items.sort(key=lambda ci: (ci[0], _num_key(_t(ci[1], "AgendaItemNumber"))))
    item_lines: set[str] = set()
    skipped_attachments = [0, 0]
    for position, (closed, el) in enumerate(raw_items, start=1):
        item, paras = _item(el, position, closed, pages, warnings, skipped_attachments)
        meeting.items.append(item)
        content.extend(_content_text(p.text) for p in paras)
        all_text.extend(p.text for p in paras)
        item_lines.update(" ".join(line.split()) for p in paras for line in p.text.split("\n"))
        item_lines.update(" ".join(line.split()) for line in _lines(xmlutil.text_of(el.find("FullText"))))
    _check_full_texts(full_texts, item_lines, content, warnings)
    if skipped_attachments[0]:
        warnings.append(f"the full text of {skipped_attachments[0]} attachment(s) "
                        f"({skipped_attachments[1]} characters) "
                        "is not imported: the model keeps attachment titles, not the attached documents")
    if meeting.kind == "referat" and not re.search("referat", state, re.I) and re.search("dagsorden", state, re.I):
        meeting.kind = "dagsorden"
    meeting.municipality = municipality.detect("\n".join(all_text), name)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _content_text(text: str) -> str:
    """A heading's trailing colon is punctuation the model's section heading drops."""
    return text.rstrip().rstrip(":") if match_heading(text) else text


def _num_key(num: str) -> tuple[int, str]:
    return (int(num), num) if num.isdigit() else (10**9, num)


def _header(meeting: Meeting, lines: list[str], content: list[str], warnings: list[str]) -> None:
    """The printed front page: date, place, present and absent members, secretary."""
    mode: str | None = None
    label = ""
    after_date = False
    for line in lines:
        low = line.casefold().rstrip(":")
        if low == "indholdsfortegnelse" or _ITEM_HEAD.match(line):
            break
        if not line:
            continue
        if low in _BOILERPLATE or line == meeting.committee:
            continue
        if low.startswith("dato:") and parse_date(line):
            continue
        if low in _PRESENT | _ABSENT | _SECRETARY:
            mode, label = low, line.rstrip(":").strip()
            continue
        if _WEEKDAY.match(line) and parse_date(line):
            start = parse_datetime(line)
            if meeting.start and start and start != meeting.start:
                warnings.append(f"the printed meeting time {line!r} differs from <MeetingDate>; kept <MeetingDate>")
            meeting.start = meeting.start or start
            after_date = True
            continue
        if after_date and mode is None and meeting.place is None:
            meeting.place = re.sub(r"^i\s+", "", line)
            content.append(meeting.place)
            continue
        if mode is not None:
            person, present, note = parse_person(line)
            if mode in _SECRETARY:
                person.role = ", ".join(filter(None, [label, person.role]))
            meeting.participants.append(Participant(person, present and mode not in _ABSENT, note))
            continue
        warnings.append(f"header line not understood: {line[:80]}")
        content.append(line)


def _paras(lines: list[str]) -> tuple[list[Para], list[str]]:
    """Item text lines -> paragraphs for build_item, and the inline attachment lines.

    A lone point marker ("A)", "b.") joins the line after it, a line starting in
    lower case continues the line before it, and a "Bilag" block followed by more
    body text (as in "Meddelelser" items) stays body text instead of starting an
    attachments section that would swallow the rest of the item."""
    out: list[str] = []
    inline_att: list[str] = []
    pending_marker = ""
    clean = [line for line in lines if line]
    i = 0
    while i < len(clean):
        line = clean[i]
        if _MARKER.match(line) and i + 1 < len(clean):
            pending_marker = line
            i += 1
            continue
        if pending_marker:
            line, pending_marker = f"{pending_marker} {line}", ""
        elif out and line[:1].islower() and not match_heading(out[-1]) and not out[-1].endswith((".", ":", "!", "?")) \
                and "\t" not in line + out[-1]:
            out[-1] = f"{out[-1]} {line}"
            i += 1
            continue
        heading = match_heading(line)
        if heading and heading.role == "attachments":
            j = i + 1
            while j < len(clean) and (_ATT_LINE.match(clean[j]) or clean[j].casefold() == "ingen"):
                j += 1
            if j < len(clean) and j > i + 1 and not match_heading(clean[j]):
                out.append("\n".join(clean[i:j]))
                inline_att.extend(c for c in clean[i + 1:j] if _ATT_LINE.match(c))
                i = j
                continue
        out.append(line)
        i += 1
    return _table_rows(out), inline_att


_MONEY = re.compile(r"\d\.\d{3}|kr\.|mio\.|mia\.|%|pct\.", re.I)


def _amount(text: str) -> bool:
    return tables.numeric(text) and bool(_MONEY.search(text))


def _label(text: str) -> bool:
    return len(text) <= 200 and not tables.numeric(text) and match_heading(text) is None and "\n" not in text


def _head_cell(text: str, para: Para | None) -> bool:
    """A column heading: a short textual line, not a sentence, not already in a table."""
    return para is not None and para.cells is None and _label(text) and len(text) <= 60 \
        and not text.rstrip().endswith((".", ":", ";"))


def _tab_cells(text: str) -> list[str] | None:
    cells = [c.strip() for c in text.split("\t")]
    return cells if "\t" in text and sum(1 for c in cells if c) >= 2 else None


def _tab_rows(texts: list[str], out: list[Para]) -> None:
    i = 0
    while i < len(texts):
        cells = _tab_cells(texts[i])
        j = i + 1
        while cells and j < len(texts) and (more := _tab_cells(texts[j])) is not None and len(more) == len(cells):
            j += 1
        if cells and j - i >= 2:
            for n in range(i, j):
                row = _tab_cells(texts[n]) or []
                out[n] = Para(tables.row_text(row), cells=row, table=i + 1)
        i = j


def _table_rows(texts: list[str]) -> list[Para]:
    """A Word table exported as text comes out one cell per line: a budget ("Indsatsområde" /
    "Afsatte midler i 2013", then label / amount, label / amount ...).  Three or more label /
    amount pairs in a row are the rows of a two-column table; two short textual lines just
    before them are its header.  Lines with tab stops, two or more in a row with the same number
    of cells, are the rows of a table too."""
    out = [Para(t) for t in texts]
    _tab_rows(texts, out)
    i = 0
    while i + 1 < len(texts):
        k = i
        while k + 1 < len(texts) and out[k].cells is None and _label(texts[k]) and _amount(texts[k + 1]):
            k += 2
        pairs = (k - i) // 2
        if pairs < 3:
            i += 1
            continue
        heads = zip(texts[i - 2:i], out[i - 2:i], strict=False)
        first = i - 2 if i >= 2 and all(_head_cell(t, p) for t, p in heads) else i
        rows = [texts[j:j + 2] for j in range(first, k, 2)]
        table_id = len(texts) + first  # distinct for each table of the item
        repl = [Para(tables.row_text(r), cells=r, table=table_id, head=(n == 0 and first < i))
                for n, r in enumerate(rows)]
        out[first:k] = repl + [None] * (k - first - len(repl))  # type: ignore[list-item]
        i = k
    return [p for p in out if p is not None]


def _item(el: etree._Element, position: int, closed: bool, pages: dict[str, int], warnings: list[str],
          skipped: list[int]) -> tuple[AgendaItem, list[Para]]:
    number = _t(el, "AgendaItemNumber")
    doc = el.find("Document")
    title = _t(doc, "Title")
    neutral = _t(doc, "NeutralTitle")
    lines = _lines(xmlutil.text_of(el.find("FullText")))
    first = next((i for i, line in enumerate(lines) if line), None)
    body = lines
    if first is not None:
        m = _ITEM_HEAD.match(lines[first])
        if m:
            body = lines[first + 1:]
            if m.group("num") != number:
                warnings.append(f"item {number}: the printed text is headed {m.group('num')}.; kept <AgendaItemNumber>")
            if not closed:
                title = " ".join(m.group("title").split())
    if closed:
        if neutral != title:
            warnings.append(f"closed item {number}: imported under its NeutralTitle; the internal Title is withheld")
        title = neutral or "Lukket punkt"
        if not any(body):
            warnings.append(f"closed item {number}: the export publishes no text for it")
    elif not title:
        title = neutral
        warnings.append(f"item {number}: no printed title; used the document title")
    if first is None and not closed:
        warnings.append(f"item {number}: no <FullText> in the export; only its title is imported")
    paras, inline_att = _paras(body)
    item = build_item(number, position, title, paras, public=not closed, page=pages.get(number))
    if not item.case_ids:
        case = parse_case_id(_t(doc, "CaseLogicIdentifier")) if doc is not None else None
        if case:
            item.case_ids.append(case)
    for line in inline_att:
        item.attachments.append(parse_attachment(line))
    item.attachments = [a for a in item.attachments if a.title.casefold() != "ingen"]
    _merge_attachments(item, doc, number, warnings, skipped)
    return item, paras


def _merge_attachments(item: AgendaItem, doc: etree._Element | None, number: str, warnings: list[str],
                       skipped: list[int]) -> None:
    """Publishing status from the XML attachment records, matched to the printed list by title."""
    if doc is None:
        return
    for att in doc.findall("Attachments/Attachment"):
        full = xmlutil.text_of(att.find("FullText"))
        if full.strip():
            skipped[0] += 1
            skipped[1] += len(full)
        publishing = _t(att, "PublishingType").upper()
        public = not re.search(r"\bIKKE\b|LUKKET|FORTROLIG", publishing)
        title = _t(att, "NeutralTitle") or ("" if not public else _t(att, "Title"))
        if not title:
            continue
        best: Attachment | None = None
        best_ratio = 0.0
        for candidate in item.attachments:
            ratio = difflib.SequenceMatcher(None, candidate.title.casefold(), title.casefold()).ratio()
            if ratio > best_ratio:
                best, best_ratio = candidate, ratio
        if best is not None and best_ratio >= 0.75:
            best.public = best.public and public
        else:
            item.attachments.append(Attachment(title=title, public=public))
            warnings.append(f"item {number}: attachment {title!r} is in the export but not in the printed list")


def _check_full_texts(full_texts: list[list[str]], item_lines: set[str], content: list[str],
                      warnings: list[str]) -> None:
    """Lines of the complete printed minutes that no item text accounts for are reported, never dropped."""
    for full in full_texts:
        start = next((i for i, line in enumerate(full) if line.casefold() == "indholdsfortegnelse"), None)
        if start is None:
            continue
        for line in full[start + 1:]:
            norm = " ".join(line.split())
            if not norm or norm.casefold() in _BOILERPLATE or _TOC_LINE.match(line) or norm in item_lines:
                continue
            warnings.append(f"line of the complete minutes not found in any item text: {norm[:80]}")
            content.append(norm)
