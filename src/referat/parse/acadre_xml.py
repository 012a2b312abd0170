"""Acadre MM agenda/minutes exports (root ``<root>`` of nested ``<table name=...>``
with ``<fields><field name=...>``), as Syddjurs and other Acadre municipalities
publish them.

Everything is already structured: the agenda (kind), the committee with its
members, the meeting (date, finish, location, address, attendance with an
``absent`` flag), and per item its printed number (the ``sort`` of the
``agendaitemparents`` row, e.g. 715), case number, access (Åben/Lukket), the
typed sections ("bullets", HTML) and the enclosures.  Bullet names are section
headings marked by the markup, so items are built with
``build_item(marked_headings=True)``: a "Tidsplan:" line inside a Resumé stays
text.  Empty bullets (not printed in the PDF) are left out.

The publication manifest delivered beside the files folder (``XML_<id>.xml``) is refused by
name: it holds no items, only the names of the fusion XML and documents to import.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import NotMinutes
from ..model import AgendaItem, Attachment, Meeting, Participant, Person
from ..vocab import municipality
from ..vocab.caseids import parse_case_id
from ..vocab.dates import parse_datetime
from ..vocab.names import parse_person, split_list
from . import xmlutil
from .base import ParseResult
from .items import Para, build_item

NAME = "acadre-xml"

_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
                   rb"(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?(?:<!--.*?-->\s*)*<root>\s*<table\s+name=[\"']agenda[\"']")
_BR = re.compile(r"<br\s*/?>", re.I)


# The publication manifest Acadre delivers beside the files folder (XML_<agenda id>.xml): a <root> whose
# "producedAgenda" rows name the fusion XML, the document and the folder of each produced agenda/minutes.
_MANIFEST = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?<root>.{0,8192}?"
                       rb"<table\s+name=[\"']producedAgenda[\"']", re.S)


def looks_like(data: bytes) -> bool:
    """An Acadre export, or its publication manifest (claimed to be refused by name)."""
    return bool(_ROOT.match(data[:4096]) or _MANIFEST.match(data[:16384]))


def _refuse_manifest(root: etree._Element) -> None:
    produced = _tables(root, "producedAgenda")
    if not produced:
        return
    folders = sorted({v for t in produced for f in t.iter("field") if (v := f.get("filesfolder", "").strip())})
    names = sorted({v for t in produced for f in t.iter("field") if (v := f.get("xmlfilename", "").strip())})
    where = ", ".join(folders) or ", ".join(names) or "named in it"
    raise NotMinutes(f"an Acadre publication manifest: import the folder it names ({where}), "
                     "or the fusion XML or minutes in it")


def _fields(table: etree._Element | None) -> dict[str, str]:
    """The ``<fields>`` of one table row as name -> text (whitespace as stored)."""
    if table is None:
        return {}
    out: dict[str, str] = {}
    fields = table.find("fields")
    if fields is not None:
        for f in fields.findall("field"):
            out[f.get("name", "")] = xmlutil.text_of(f)
    return out


def _tables(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else parent.findall(f"table[@name='{name}']")


def _one(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _tables(parent, name)
    return found[0] if found else None


def _clean(text: str) -> str:
    return " ".join(text.split())


def parse(data: bytes, name: str) -> ParseResult:
    root, warnings = xmlutil.load(data, "Acadre XML")
    _refuse_manifest(root)
    agenda = _one(root, "agenda")
    if root.tag != "root" or agenda is None:
        raise NotMinutes(f"not an Acadre export: expected <root><table name=\"agenda\">, found <{root.tag}>")
    ag = _fields(agenda)
    committee_t = _one(agenda, "committee")
    meeting_t = _one(agenda, "meeting")
    com = _fields(committee_t)
    met = _fields(meeting_t)
    kind_text = _clean(ag.get("name", ""))
    kind = "dagsorden" if "dagsorden" in kind_text.lower() else "referat"
    if "referat" not in kind_text.lower() and kind == "referat":
        warnings.append(f"agenda name {kind_text!r} says neither Referat nor Dagsorden; assumed minutes")
    meeting = Meeting(municipality="", committee=_clean(com.get("name", "")), kind=kind,
                      title=_clean(met.get("name", "")) or None,
                      start=parse_datetime(met.get("date", "")), end=parse_datetime(met.get("finish", "")))
    content: list[str] = [s for s in (meeting.committee, meeting.title) if s]
    place = [_clean(met.get("location", ""))] + [_clean(p) for p in _BR.split(met.get("address", ""))]
    place = [p for p in place if p]
    if place:
        meeting.place = ", ".join(place)
        content.extend(place)
    if not meeting.committee:
        warnings.append("no committee name in the export")
    if meeting.start is None:
        warnings.append("no meeting date in the export")
    _members(meeting, meeting_t, committee_t, warnings)
    items: list[tuple[int, int, etree._Element, dict[str, str]]] = []
    for order, parent in enumerate(_tables(agenda, "agendaitemparents")):
        pf = _fields(parent)
        for it in _tables(parent, "agendaitem"):
            sort = pf.get("sort", "").strip()
            items.append((int(sort) if sort.isdigit() else 10**9, order, it, pf))
    if not items:
        raise NotMinutes("no agenda items (<table name=\"agendaitem\">) in this Acadre export; "
                         "the file may be truncated")
    items.sort(key=lambda t: (t[0], t[1]))
    texts: list[str] = []
    for position, (_, _, it, pf) in enumerate(items, start=1):
        item, paras = _item(it, pf, position, warnings)
        meeting.items.append(item)
        content.append(item.title)
        content.extend(p.text for p in paras)
        content.extend(a.title for a in item.attachments)
        texts.extend(p.text for p in paras)
    meeting.municipality = municipality.detect("\n".join(texts), name)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _members(meeting: Meeting, meeting_t: etree._Element | None, committee_t: etree._Element | None,
             warnings: list[str]) -> None:
    """Attendance from the meeting's member list, else the committee's (then presence is unknown)."""
    rows = _tables(_one(meeting_t, "meetmember"), "member")
    attendance = bool(rows)
    if not rows:
        rows = _tables(_one(committee_t, "commember"), "member")
        if rows:
            warnings.append("no meeting attendance in the export; listed the committee's members as present")
    for row in sorted(rows, key=lambda r: _sort_key(_fields(r).get("sort", ""))):
        f = _fields(row)
        person, present, note = parse_person(f.get("name", ""))
        if not person.name:
            continue
        party = _clean(f.get("party", ""))
        if party and not person.party:
            person.party = party
        role = _clean(f.get("role", ""))
        if role:
            person.role = ", ".join(filter(None, [role, person.role]))
        if attendance and f.get("absent", "0").strip() not in ("", "0"):
            present = False
        comment = _clean(f.get("comment", ""))
        meeting.participants.append(Participant(person, present, comment or note))


def _is_open(f: dict[str, str]) -> bool:
    """Access by its name ("Åben"/"Lukket"); without a name only access code 1 is open."""
    name = _clean(f.get("accessname", "")).lower()
    if name:
        return name.startswith("åben") or name == "aaben"
    return f.get("access", "1").strip() in ("", "1")


def _sort_key(value: str) -> int:
    value = value.strip()
    return int(value) if value.isdigit() else 10**9


def _item(it: etree._Element, pf: dict[str, str], position: int,
          warnings: list[str]) -> tuple[AgendaItem, list[Para]]:
    f = _fields(it)
    number = pf.get("sort", "").strip() or str(position)
    title = _clean(f.get("name", ""))
    public = _is_open(f)
    if not title:
        warnings.append(f"item {number}: no title in the export")
    paras: list[Para] = []
    for bullet in sorted(_tables(it, "bullet"), key=lambda b: _sort_key(_fields(b).get("bulletsortorder", ""))):
        bf = _fields(bullet)
        heading = _clean(bf.get("bulletname", ""))
        body = xmlutil.html_paras(bf.get("bulletcontent", ""))
        if not body:
            continue  # empty bullets are not printed
        paras.append(Para(heading, heading=True))
        paras.extend(body)
    if not public and paras:
        warnings.append(f"closed item {number}: the export carries its text; imported as published")
    item = build_item(number, position, title, paras, public=public, marked_headings=True)
    for s in item.sections:
        if s.role == "other":
            warnings.append(f"item {number}: section heading {s.heading!r} is not in the heading table")
    case = parse_case_id(_clean(f.get("caseno", "")))
    if case and case.value not in {c.value for c in item.case_ids}:
        item.case_ids.insert(0, case)
    comname = _clean(f.get("comname", ""))
    if comname and not item.deciding_body:
        item.deciding_body = comname  # printed as "Sagen afgøres i: <comname>"
    for key in ("absent", "excuse"):
        for name in split_list(_clean(f.get(key, ""))):
            person = parse_person(name)[0]
            if person.name and person.name not in {p.name for p in item.absences}:
                item.absences.append(Person(person.name, person.party, person.role))
    for enc in sorted(_tables(it, "enclosure"), key=lambda e: _sort_key(_fields(e).get("sort", ""))):
        ef = _fields(enc)
        enc_title = _clean(ef.get("name", ""))
        if not enc_title:
            continue
        item.attachments.append(Attachment(
            title=enc_title, number=ef.get("sort", "").strip() or None,
            public=_is_open(ef),
            reference=_clean(ef.get("fileno", "")) or None))
    return item, paras
