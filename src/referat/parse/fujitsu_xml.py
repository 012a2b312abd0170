"""Fujitsu eDoc agenda exports (namespace ``http://www.fujitsu.dk/agenda/xml/schemas/2009/03/31/``),
as Middelfart exported agendas for OS2dagsorden.

An export is a folder ``<committee>/<yyyy-mm-dd hh.mm>/Dagsorden/Dagsorden/<publisher>/<export time>/``
holding ``<guid>.xml`` (this module), its XSLT rendering ``<guid>.html`` (``fujitsu_html``) and,
when there are any, ``Attachments/``.  The XML is structured: ``Committee`` with its ``Meeting``
(``MeetingDateTime``, ``EndDateTime``, ``MeetingLocation``, ``MeetingParticipants`` with party, role
and a ``Participate`` flag) and its ``Agenda`` (``Type`` Dagsorden/Referat) of ``AgendaElement``s:
per element the access (``AccessIsPublic``), the absences and the ``HandlingItem`` with the printed
number (``SerialNo``: the rendering prints it, not ``SortOrder``), ``Title``, ``NeutralTitle``,
``CaseNumber``, the text sections (``CasePresentations``: ``Title`` is the heading, ``Content`` an
HTML fragment, ``IsDecision`` marks the decision) and ``Attachments``.

Closed elements are imported under their ``NeutralTitle`` only: the export is made for every
recipient (``OutputFilterIsPublic`` false), so their internal title and text are withheld, as
OS2dagsorden withholds them.  The case worker is metadata the model has no place for.  When the
export lacks the committee or the date, the folder path gives them (``folder_meeting``).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePath

from lxml import etree

from ..errors import NotMinutes
from ..model import AgendaItem, Attachment, Decision, Meeting, Participant, Person
from ..vocab import municipality
from ..vocab.caseids import parse_case_id
from ..vocab.dates import parse_datetime
from ..vocab.headings import classify_outcome
from ..vocab.names import PARTY, parse_person
from . import xmlutil
from .base import ParseResult
from .items import Para, build_item

NAME = "fujitsu-xml"
NS = "http://www.fujitsu.dk/agenda/xml/schemas/2009/03/31/"
_NSMAP = {"e": NS}

_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?!html)[\w:]+[^>]*"
                   + re.escape(NS.encode()), re.DOTALL)
_FOLDER_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d) (\d\d)\.(\d\d)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


def looks_like(data: bytes) -> bool:
    return bool(_ROOT.match(data[:4096])) and b"AgendaElement" in data


def folder_meeting(name: str) -> tuple[str, datetime] | None:
    """The committee and meeting time an export's folder path names
    (``<committee>/<yyyy-mm-dd hh.mm>/Dagsorden/...``), or None."""
    parts = PurePath(name.replace("\\", "/")).parts
    for i, part in enumerate(parts[1:], start=1):
        m = _FOLDER_DATE.match(part)
        if m:
            y, mo, d, h, mi = (int(g) for g in m.groups())
            try:
                return parts[i - 1], datetime(y, mo, d, h, mi)
            except ValueError:
                return None
    return None


def _t(el: etree._Element | None, path: str) -> str:
    found = el.find(path, _NSMAP) if el is not None else None
    return " ".join(xmlutil.text_of(found).split())


def _true(text: str) -> bool:
    return text.strip().lower() in ("true", "1", "ja")


def kind_of(text: str) -> str | None:
    """"dagsorden" or "referat" from an agenda type ("Dagsorden", "Referat", "Agenda", "Minutes")."""
    low = text.lower()
    if "referat" in low or "minutes" in low:
        return "referat"
    if "dagsorden" in low or "agenda" in low:
        return "dagsorden"
    return None


def from_path(meeting: Meeting, name: str, warnings: list[str]) -> None:
    """Fill the committee and start from the folder path when the document lacks them; say when they differ."""
    folder = folder_meeting(name)
    if folder is None:
        return
    committee, start = folder
    if not meeting.committee:
        meeting.committee = committee
        warnings.append("no committee name in the document; taken from the folder name")
    elif committee != meeting.committee:
        warnings.append(f"the folder names the committee {committee!r}; kept the document's {meeting.committee!r}")
    if meeting.start is None:
        meeting.start = start
        warnings.append("no meeting time in the document; taken from the folder name")
    elif start != meeting.start:
        warnings.append(f"the folder names the meeting time {start:%Y-%m-%d %H:%M}; kept the document's")


def detect_municipality(texts: list[str], name: str, urls: list[str]) -> str:
    """The municipality the text names, else one a file name of the export's own resources names
    (the logo ``Middelfart.jpg``, a stylesheet folder), else the document's file name."""
    found = municipality.detect("\n".join(texts))
    if found != municipality.UNKNOWN:
        return found
    for url in urls:
        for segment in reversed([s for s in re.split(r"[/\\]", url) if s]):
            found = municipality.detect("", segment)
            if found != municipality.UNKNOWN:
                return found
    return municipality.detect("", name)


def parse(data: bytes, name: str) -> ParseResult:
    root, warnings = xmlutil.load(data, "Fujitsu eDoc XML")
    com = root.find("e:Committee", _NSMAP)
    met = com.find("e:Meeting", _NSMAP) if com is not None else None
    agenda = met.find("e:Agenda", _NSMAP) if met is not None else None
    if agenda is None:
        raise NotMinutes("not a Fujitsu eDoc agenda export: no <Committee><Meeting><Agenda>")
    kind = kind_of(_t(agenda, "e:Type")) or kind_of(_t(root, "e:OutputTypeEnumName"))
    if kind is None:
        warnings.append("the export says neither agenda nor minutes; assumed an agenda")
    meeting = Meeting(municipality="", committee=_t(com, "e:Name"), kind=kind or "dagsorden",
                      status=_t(agenda, "e:State") or _t(met, "e:MeetingStateCode") or None,
                      start=parse_datetime(_t(met, "e:MeetingDateTime")),
                      end=parse_datetime(_t(met, "e:EndDateTime")),
                      title=_t(met, "e:DescriptionText") or _t(agenda, "e:Type") or None)
    from_path(meeting, name, warnings)
    content: list[str] = [s for s in (meeting.committee, meeting.title) if s]
    place = _t(met, "e:MeetingLocation") or _t(com, "e:DefaultLocation")
    if place:
        meeting.place = place
        content.append(place)
    _participants(meeting, met)
    elements = agenda.findall("e:AgendaElements/e:AgendaElement", _NSMAP)
    if not elements:
        raise NotMinutes("no agenda items (<AgendaElement>) in this Fujitsu eDoc export; the file may be truncated")
    numbered = [(_t(el, "e:HandlingItem/e:SerialNo") or _t(el, "e:SortOrder"), el) for el in elements]
    if all(_NUMBER.match(n) for n, _ in numbered):
        numbered.sort(key=lambda ne: tuple(int(p) for p in ne[0].split(".")))
    texts: list[str] = []
    for position, (number, el) in enumerate(numbered, start=1):
        item, paras = _item(el, number or str(position), position, warnings)
        meeting.items.append(item)
        content.append(item.title)
        content.extend(p.text for p in paras)
        texts.extend(p.text for p in paras)
    meeting.municipality = detect_municipality(texts, name, [_t(root, "e:OutputLayoutCssFile")])
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _participants(meeting: Meeting, met: etree._Element | None) -> None:
    for path in ("e:MeetingParticipants/e:MeetingParticipant", "e:MeetingParticipantExternals/*"):
        for mp in met.findall(path, _NSMAP) if met is not None else []:
            person, present, note = parse_person(_t(mp, "e:Name"))
            if not person.name:
                continue
            code, party = _t(mp, "e:PoliticalPartyList"), _t(mp, "e:PoliticalParty")
            person.party = person.party or (code if re.fullmatch(PARTY, code) else party or code or None)
            roles = [_t(mp, "e:RoleInMeeting")]
            if _true(_t(mp, "e:Secretary")):
                roles.append("Sekretær")
            person.role = ", ".join(filter(None, [*roles, person.role])) or None
            flag = _t(mp, "e:Participate")
            if flag:
                present = present and _true(flag)
            represent = _t(mp, "e:Represent")
            note = ", ".join(filter(None, [note, f"stedfortræder for {represent}" if represent else ""])) or None
            meeting.participants.append(Participant(person, present, note))


def presentation_paras(title: str, fragment: str) -> list[Para]:
    """One case presentation as a marked heading and its paragraphs; [] when it is empty (not printed)."""
    body = xmlutil.html_paras(fragment)
    return [Para(title, heading=True), *body] if body else []


def finish_item(item: AgendaItem, decision_headings: set[str], case_number: str, warnings: list[str]) -> None:
    """What the XML and its rendering share: a section the export flags as the decision is one, the
    case number is the item's case id, unknown headings are reported."""
    for s in item.sections:
        if s.heading in decision_headings and s.role != "decision":
            if s.role == "recommendation" and item.recommendation and item.recommendation.text == s.text:
                item.recommendation = None
            s.role = "decision"
            item.decisions.append(Decision(text=s.text, outcome=classify_outcome(s.text)))
        if s.role == "other":
            warnings.append(f"item {item.number}: section heading {s.heading!r} is not in the heading table")
    case = parse_case_id(f"Sagsnr.: {case_number}") if case_number else None
    if case and case.value not in {c.value for c in item.case_ids}:
        item.case_ids.insert(0, case)


def _item(el: etree._Element, number: str, position: int, warnings: list[str]) -> tuple[AgendaItem, list[Para]]:
    hi = el.find("e:HandlingItem", _NSMAP)
    public = _true(_t(el, "e:AccessIsPublic") or "true")
    presentations = hi.findall("e:CasePresentations/e:CasePresentation", _NSMAP) if hi is not None else []
    paras: list[Para] = []
    decisions: set[str] = set()
    if public:
        title = _t(hi, "e:Title") or _t(hi, "e:NeutralTitle")
        for cp in presentations:
            heading = _t(cp, "e:Title")
            more = presentation_paras(heading, xmlutil.text_of(cp.find("e:Content", _NSMAP)))
            paras.extend(more)
            if more and _true(_t(cp, "e:IsDecision")):
                decisions.add(heading.rstrip(":").strip())
    else:
        title = _t(hi, "e:NeutralTitle") or "Lukket punkt"
        withheld = sum(1 for cp in presentations if _t(cp, "e:Content"))
        warnings.append(f"closed item {number}: imported under its neutral title; "
                        f"the text of its {withheld} section(s) is withheld")
    if not title:
        warnings.append(f"item {number}: no title in the export")
    item = build_item(number, position, title, paras, public=public, marked_headings=True)
    finish_item(item, decisions, _t(hi, "e:CaseNumber"), warnings)
    for absent in el.findall("e:Absences/*", _NSMAP):
        person = parse_person(_t(absent, "e:Name") or " ".join(xmlutil.text_of(absent).split()))[0]
        if person.name and person.name not in {p.name for p in item.absences}:
            item.absences.append(Person(person.name, person.party, person.role))
    for att in hi.findall("e:Attachments/e:Attachment", _NSMAP) if hi is not None else []:
        att_title = _t(att, "e:Title")
        if not att_title:
            continue
        flag = _t(att, "e:AccessIsPublic") or _t(att, "e:IsPublic")
        item.attachments.append(Attachment(
            title=att_title, number=_t(att, "e:SerialNo") or _t(att, "e:Number") or None,
            public=public and (_true(flag) if flag else True),
            reference=_t(att, "e:Link").replace("\\", "/") or None))
    if item.attachments:
        item.attachment_count = len(item.attachments)
    return item, paras
