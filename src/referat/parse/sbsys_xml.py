"""SBSYS "eDagsorden" publications (root ``<Publication>``), as Ballerup published agendas from SBSYS.

The publication is fully structured: ``Agendas/Agenda`` holds the meeting (``When``, ``Until``,
``Where``, ``Members/MeetingMember`` with a participation status), the committee and
``Items/Item``: per item its printed ``Number`` (or a ``Nummer``/``Number`` attribute), ``Caption``,
``IsPublic``, the case (``Case/Number``), the text fields (``Fields/ItemField``: ``Caption`` is the
section heading, ``Content`` an HTML fragment, ``IsFeedback`` marks the decision fields filled in at
the meeting) and the enclosures (``Enclosures/Enclosure``, files beside the XML under
``InstantiationFilePathRelative``).  Field captions are headings by markup, so items are built with
``build_item(marked_headings=True)``.  ``PublicationTypeAsEnum`` says agenda (Draft/Final) or minutes.
Earlier decisions on the case (``ItemHistory/ItemField`` with ``MeetingDetails``) are previous treatments.

Variants read the same way: ``Agenda`` directly under ``Publication``; sub-items nested in an item's
own ``Items``/``SubItems`` (numbered "3.1" under "3" when their own number is a bare "1"); hierarchical
printed numbers (1, 1.1, 1.2) ordered as numbers.  Closed items (``IsPublic`` false) keep their
caption (SBSYS publishes it in the table of contents) or a neutral caption when the export has one;
their text fields are never imported and their enclosures are marked not public.

``sbsys_zip`` reads the zip an SBSYS publication is delivered as and calls ``read`` with a
``locate`` function that turns an enclosure's relative path into its path inside the zip.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree, html

from ..errors import NotMinutes
from ..model import AgendaItem, Attachment, Meeting, Participant, Person, Treatment
from ..vocab import municipality
from ..vocab.caseids import parse_case_id
from ..vocab.dates import parse_date, parse_datetime
from ..vocab.names import parse_person
from . import xmlutil
from .base import ParseResult
from .items import Para, build_item

NAME = "sbsys-xml"

_ROOT = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<Publication[\s>]", re.DOTALL)
_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
# ParticipationStatusAsValue: 0 not decided (listed, presence unknown), 1 and 4 participating, else absent
_PRESENT_STATUS = {"0", "1", "4"}
_PRESENT_TEXT = {"notdecided", "participating", "participates", "deltager"}
_SUB_ITEMS = ("Items", "SubItems", "Underpunkter")

Locate = Callable[[str], str | None]


def looks_like(data: bytes) -> bool:
    head = data[:4096]
    return bool(_ROOT.match(head)) and b"<Agenda" in data[:1 << 20]


def _t(el: etree._Element | None, path: str) -> str:
    return " ".join(xmlutil.text_of(el.find(path) if el is not None else None).split())


def _true(text: str) -> bool:
    return text.strip().lower() in ("true", "1", "ja", "yes")


def parse(data: bytes, name: str) -> ParseResult:
    return read(data, name)


def read(data: bytes, name: str, locate: Locate | None = None) -> ParseResult:
    """The meeting of an SBSYS publication XML; ``locate`` maps an enclosure's relative path to
    where the file is (its path in a zip), or None when it is missing."""
    root, warnings = xmlutil.load(data, "SBSYS XML")
    if root.tag != "Publication":
        raise NotMinutes(f"not an SBSYS publication: the root element is <{root.tag}>, expected <Publication>")
    agendas = root.findall("Agendas/Agenda") or root.findall("Agenda")
    if not agendas:
        raise NotMinutes("SBSYS publication without <Agendas><Agenda>: no agenda in this export")
    if len(agendas) > 1:
        warnings.append(f"the publication holds {len(agendas)} agendas; imported the first")
    agenda = agendas[0]
    met = agenda.find("Meeting")
    committee = _t(agenda, "Committee/Name") or _t(agenda, "Name")
    pub_type = _t(root, "PublicationTypeAsEnum") or _t(agenda, "PublicationTypeAsEnum")
    pub_value = _t(root, "PublicationTypeAsValue")
    minutes = pub_type.lower() in ("minutes", "referat") or (not pub_type and pub_value == "2")
    meeting = Meeting(municipality="", committee=committee, kind="referat" if minutes else "dagsorden",
                      status=pub_type or None, start=parse_datetime(_t(met, "When")),
                      end=parse_datetime(_t(met, "Until")))
    name_title = _t(agenda, "Name")
    if name_title and name_title != committee:
        meeting.title = name_title
    content: list[str] = [s for s in (committee, meeting.title) if s]
    place = _t(met, "Where")
    if place:
        meeting.place = place
        content.append(place)
    if not committee:
        warnings.append("no committee name in the publication")
    if meeting.start is None:
        warnings.append("no meeting date (<Meeting><When>) in the publication")
    undecided = _members(meeting, met)
    if undecided:
        warnings.append(f"the attendance of {undecided} member(s) is not decided in the publication; listed as present")
    if not meeting.participants:
        for member in agenda.findall("Committee/Members/CommitteeMember/Member"):
            person, present, note = parse_person(_t(member, "Name"))
            if person.name:
                meeting.participants.append(Participant(person, present, note))
        if meeting.participants:
            warnings.append("no meeting attendance in the publication; listed the committee's members as present")
    raw = list(_items(agenda.find("Items"), ""))
    if not raw:
        raise NotMinutes("no agenda items (<Items><Item>) in this SBSYS publication; the file may be truncated")
    if all(_NUMBER.match(num) for num, _ in raw):
        raw.sort(key=lambda ne: tuple(int(p) for p in ne[0].rstrip(".").split(".")))
    elif any(num for num, _ in raw):
        warnings.append("item numbers are not all numbers; items kept in the order of the publication")
    texts: list[str] = []
    seen_enclosures: set[str] = set()
    for position, (number, el) in enumerate(raw, start=1):
        item, paras = _item(el, number or str(position), position, warnings, locate)
        meeting.items.append(item)
        content.append(item.title)
        content.extend(p.text for p in paras)
        content.extend(t.text for t in item.previous_treatments)
        texts.extend(p.text for p in paras)
        seen_enclosures.update(e.get("ID", "") for e in el.findall("Enclosures/Enclosure"))
    _loose_enclosures(agenda, meeting, seen_enclosures, warnings, locate)
    meeting.municipality = municipality.detect("\n".join(texts), name)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _items(parent: etree._Element | None, prefix: str) -> Iterator[tuple[str, etree._Element]]:
    """Every ``Item`` in reading order with its printed number; sub-items follow their parent."""
    if parent is None:
        return
    for el in parent.findall("Item"):
        num = (_t(el, "Number") or el.get("Nummer", "") or el.get("Number", "")).strip()
        if prefix and num.isdigit():
            num = f"{prefix}.{num}"  # a sub-item numbered within its parent
        yield num, el
        for tag in _SUB_ITEMS:
            yield from _items(el.find(tag), num.rstrip("."))


def _members(meeting: Meeting, met: etree._Element | None) -> int:
    """Attendance from the meeting's member list: "not decided" counts as listed and present
    (as OS2dagsorden reads it); returns how many are not decided."""
    undecided = 0
    if met is None:
        return 0
    for mm in met.findall("Members/MeetingMember"):
        person, present, note = parse_person(_t(mm, "Name") or _t(mm, "Member/Name"))
        if not person.name:
            continue
        value = _t(mm, "ParticipationStatusAsValue")
        status = _t(mm, "ParticipationStatusAsText")
        undecided += value == "0" or (not value and status.lower() == "notdecided")
        if value or status:
            present = present and (value in _PRESENT_STATUS if value else status.lower() in _PRESENT_TEXT)
        roles = _t(mm, "MeetingMemberRolesList")
        if roles:
            person.role = ", ".join(filter(None, [roles, person.role]))
        extra = _t(mm, "ParticipationNote")
        if not present and status and status.lower() not in _PRESENT_TEXT:
            extra = ", ".join(filter(None, [status, extra]))
        meeting.participants.append(Participant(person, present, ", ".join(filter(None, [note, extra])) or None))
    return undecided


def _item(el: etree._Element, number: str, position: int, warnings: list[str],
          locate: Locate | None) -> tuple[AgendaItem, list[Para]]:
    public = _true(_t(el, "IsPublic") or "true")
    caption = _t(el, "Caption")
    title = caption
    paras: list[Para] = []
    fields = sorted(el.findall("Fields/ItemField"), key=lambda f: _index(_t(f, "Index")))
    if public:
        for f in fields:
            body = xmlutil.html_paras(_list_markers(xmlutil.text_of(f.find("Content"))))
            if not body:
                continue  # empty fields are not printed (ShowEmptyFields)
            paras.append(Para(_t(f, "Caption"), heading=True))
            paras.extend(body)
    else:
        title = _t(el, "NeutralCaption") or _t(el, "NeutralTitle") or caption or "Lukket punkt"
        withheld = sum(1 for f in fields if xmlutil.text_of(f.find("Content")).strip())
        warnings.append(f"closed item {number}: imported under its caption only; "
                        f"the text of its {withheld} field(s) is withheld")
    if not title:
        warnings.append(f"item {number}: no caption in the publication")
    item = build_item(number, position, title, paras, public=public, marked_headings=True)
    for s in item.sections:
        if s.role == "other":
            warnings.append(f"item {number}: section heading {s.heading!r} is not in the heading table")
    if public:
        item.previous_treatments.extend(_history(el))
    case = parse_case_id(f"Sagsnr.: {_t(el, 'Case/Number')}") if _t(el, "Case/Number") else None
    if case and case.value not in {c.value for c in item.case_ids}:
        item.case_ids.insert(0, case)
    for im in el.findall("Members/ItemMember"):
        value = _t(im, "ParticipationStatusAsValue")
        if value and value not in _PRESENT_STATUS:
            person = parse_person(_t(im, "Name"))[0]
            if person.name and person.name not in {p.name for p in item.absences}:
                item.absences.append(Person(person.name, person.party, person.role))
    for enc in sorted(el.findall("Enclosures/Enclosure"), key=lambda e: _index(_t(e, "Index") or _t(e, "Number"))):
        att = _enclosure(enc, public, number, warnings, locate)
        if att:
            item.attachments.append(att)
    if item.attachments:
        item.attachment_count = len(item.attachments)
    return item, paras


_STYLE = re.compile(r"list-style-type\s*:\s*([a-z-]+)", re.IGNORECASE)


def _marker(n: int, style: str) -> str:
    if style in ("upper-alpha", "upper-latin", "lower-alpha", "lower-latin") and 1 <= n <= 26:
        letter = chr(ord("A") + n - 1)
        return f"{letter if style.startswith('upper') else letter.lower()}."
    return f"{n}."


def _list_markers(fragment: str) -> str:
    """The printed markers of ordered lists ("A.", "B." for ``list-style-type: upper-alpha``) put in
    front of each ``<li>``: the editor's HTML leaves them to the renderer, and the recommendation's
    points are read from them."""
    if "<ol" not in fragment.lower():
        return fragment
    try:
        nodes = html.fragments_fromstring(fragment)
    except (etree.ParserError, ValueError):
        return fragment
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        for ol in node.iter("ol"):
            m = _STYLE.search(ol.get("style") or "")
            style = (m.group(1) if m else ol.get("type", "") or "decimal").lower()
            style = {"A": "upper-alpha", "a": "lower-alpha"}.get(ol.get("type", ""), style)
            start = int(ol.get("start", "1")) if ol.get("start", "1").isdigit() else 1
            for n, li in enumerate((c for c in ol if c.tag == "li"), start=start):
                li.text = f"{_marker(n, style)} {(li.text or '').lstrip()}"
        out.append(html.tostring(node, encoding="unicode"))
    return "".join(out)


def _history(el: etree._Element) -> list[Treatment]:
    """Earlier decisions on the case (``ItemHistory/ItemField``: the field, the meeting it was made at)."""
    out: list[Treatment] = []
    for f in el.findall("ItemHistory/ItemField"):
        body = [p.text for p in xmlutil.html_paras(xmlutil.text_of(f.find("Content")))]
        if not body:
            continue
        when = _t(f, "MeetingDetails/MeetingDueDate")
        caption = _t(f, "Caption")
        out.append(Treatment(body=_t(f, "MeetingDetails/CommitteeName") or None,
                             date=parse_date(when) if when else None,
                             item_number=_t(f, "MeetingDetails/ItemNumber") or None,
                             text="\n\n".join([caption, *body] if caption else body)))
    return out


def _index(text: str) -> int:
    return int(text) if text.isdigit() else 10**9


def _enclosure(enc: etree._Element, item_public: bool, number: str, warnings: list[str],
               locate: Locate | None) -> Attachment | None:
    title = _t(enc, "Name") or re.sub(r"\.[A-Za-z0-9]{2,4}$", "", _t(enc, "FileName"))
    if not title:
        return None
    rel = _t(enc, "InstantiationFilePathRelative").replace("\\", "/") or None
    reference = rel
    if rel and locate is not None:
        reference = locate(rel)
        if reference is None:
            warnings.append(f"item {number}: enclosure {title!r} ({rel}) is not in the delivery")
            reference = rel
    protected = _true(_t(enc, "IsProtected")) or (_t(enc, "IsPublic") != "" and not _true(_t(enc, "IsPublic")))
    return Attachment(title=title, number=_t(enc, "Number") or None, public=item_public and not protected,
                      reference=reference)


def _loose_enclosures(agenda: etree._Element, meeting: Meeting, seen: set[str], warnings: list[str],
                      locate: Locate | None) -> None:
    """Agenda-level enclosures not listed under any item go to the item their ``ItemNumber`` names."""
    by_number = {i.number: i for i in meeting.items}
    for enc in agenda.findall("Enclosures/Enclosure"):
        if enc.get("ID", "") in seen and enc.get("ID"):
            continue
        item = by_number.get(_t(enc, "ItemNumber"))
        if item is None:
            warnings.append(f"enclosure {_t(enc, 'Name')!r} belongs to no item of the agenda; not imported")
            continue
        att = _enclosure(enc, item.public, item.number, warnings, locate)
        if att:
            item.attachments.append(att)
            item.attachment_count = len(item.attachments)
