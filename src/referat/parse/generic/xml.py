"""The generic reader for XML exports of minutes and agendas from systems no dedicated parser knows.

An export is a tree of records (an element with children) and fields (an element with text).  An
element's name is its tag, or its ``name`` attribute where an export uses generic elements
(``<table name="agendaitem">``, ``<field name="caseno">``).  The items are the records that
repeat as items do: they carry a title-like field, a number-like field (their own or an enclosing
record's) that differs from item to item, and text; of several such kinds the outermost is taken.
Inside an item, records with a caption and a body are its sections, records named like
attachments its attachments; an item without such records has its longest text field as body,
read line by line.  The meeting's header fields come from the fields outside the items.  Which
words name a title, a number, a body, a committee... is data (``[xml]`` in ``data/generic.toml``).
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from ...errors import InputError, NotMinutes
from ...model import AgendaItem, Attachment, CaseId, Meeting, Participant
from ...vocab import headings, municipality
from ...vocab.caseids import scheme_of
from ...vocab.dates import parse_datetime, parse_time
from ...vocab.names import parse_person
from .. import xmlutil
from ..base import ParseResult
from ..items import Para, build_item
from . import vocab
from .blocks import TextBlock, Typography
from .header import HeaderReader

NAME = "generic-xml"
_INT = re.compile(r"^\d{1,4}(?:\.\d{1,3})*\.?$")
_BR = re.compile(r"<br\s*/?>", re.I)
_LIST = re.compile(r"^(?:[a-zæøå]|\d{1,2})[.)](?:\s|$)")
_TRUE = {"true", "1", "ja", "yes", "x"}


@cache
def _words(kind: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in vocab._data()["xml"][kind])


def key(el: etree._Element) -> str:
    name = el.get("name")
    return name if name else etree.QName(el).localname


def _k(el: etree._Element) -> str:
    return re.sub(r"[^a-zæøå]", "", key(el).casefold())


def _has(el: etree._Element, kind: str) -> bool:
    k = _k(el)
    return any(w in k for w in _words(kind))


def _ends(el: etree._Element, kind: str) -> bool:
    k = _k(el)
    return any(k.endswith(w) for w in _words(kind))


def _elements(el: etree._Element) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str)]


def _leaf(el: etree._Element) -> bool:
    return not _elements(el)


def _value(el: etree._Element) -> str:
    return xmlutil.text_of(el).strip()


def own_fields(rec: etree._Element) -> list[etree._Element]:
    """The record's fields: its leaf children, then the leaf children of its children that are not lists."""
    children = _elements(rec)
    counts: dict[str, int] = {}
    for c in children:
        counts[key(c)] = counts.get(key(c), 0) + 1
    out = [c for c in children if _leaf(c)]
    for c in children:
        if not _leaf(c) and counts[key(c)] == 1:
            out.extend(g for g in _elements(c) if _leaf(g))
    return out


_OTHER_ROLES = ("other", "case", "attachment")


def title_of(rec: etree._Element) -> str:
    """The record's title: its first non-empty field named like a title (and like nothing else)."""
    for f in own_fields(rec):
        if _ends(f, "title") and not any(_has(f, r) for r in _OTHER_ROLES):
            text = " ".join(_value(f).split())
            if text and len(text) <= 300:
                return text
    return ""


def number_of(rec: etree._Element) -> str:
    """The record's printed number: a number-like field of its own or of the nearest enclosing record."""
    for r in (rec, *rec.iterancestors()):
        fields = [f for f in own_fields(r) if _INT.match(_value(f))]
        # a field named as a number ("SerialNo", "Punktnummer") before one named as an order ("SortOrder")
        for kind in ("number", "order"):
            for f in fields:
                if _has(f, kind):
                    return _value(f).rstrip(".")
    return ""


def _absorbed(el: etree._Element) -> bool:
    """A wrapper of plain fields that is its parent's only child of its name (``<fields>``): part of
    the parent record, not a record of its own."""
    parent = el.getparent()
    return parent is not None and all(_leaf(c) for c in _elements(el)) \
        and sum(1 for c in _elements(parent) if key(c) == key(el)) == 1


def _body_fields(rec: etree._Element) -> list[etree._Element]:
    return [f for f in own_fields(rec) if _has(f, "body") and not _ends(f, "title") and _value(f)]


def _text_size(rec: etree._Element) -> int:
    return sum(len(_value(f)) for f in _body_fields(rec)) + sum(
        len(_value(f)) for d in rec.iterdescendants() if isinstance(d.tag, str) and not _leaf(d)
        for f in _body_fields(d))


def find_items(root: etree._Element) -> list[etree._Element]:
    """The item records: the outermost kind that has titles, distinct numbers and text."""
    kinds: dict[str, list[etree._Element]] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and not _leaf(el) and el is not root and not _has(el, "attachment") \
                and not _absorbed(el):
            kinds.setdefault(key(el), []).append(el)
    good: list[list[etree._Element]] = []
    for insts in kinds.values():
        titled = [e for e in insts if title_of(e)]
        numbers = [number_of(e) for e in titled]
        if not titled or len(titled) * 2 < len(insts) or not all(numbers) or len(set(numbers)) < len(numbers):
            continue
        if sum(_text_size(e) for e in titled) < 40 * len(titled):
            continue
        good.append(titled)
    if not good:
        return []
    # (sets of elements, not of id()s: lxml makes an element's Python object anew once none is held)
    inside = {d for insts in good for e in insts for d in e.iterdescendants()}
    outer = [insts for insts in good if not any(e in inside for e in insts)]
    return max(outer, key=len)


def _paras_of(field: etree._Element) -> list[Para]:
    value = _value(field)
    if "<" in value and re.search(r"<[a-zA-Z]", value):
        return xmlutil.html_paras(value)
    out: list[str] = []
    for line in value.splitlines():
        text = " ".join(line.split())
        # a sentence wrapped by a hard line break goes on in lower case after a line without an end
        if text and out and text[0].islower() and not out[-1].endswith((".", ":", "!", "?")) \
                and not _LIST.match(text):
            out[-1] = f"{out[-1]} {text}"
        elif text:
            out.append(text)
    return [Para(t) for t in out]


def _is_section(rec: etree._Element) -> bool:
    return bool(title_of(rec)) and bool(_body_fields(rec)) and not _has(rec, "attachment")


def _item(rec: etree._Element, position: int, items: set[etree._Element], content: list[str]) -> AgendaItem:
    number = number_of(rec) or str(position)
    title, closed = vocab.closed_title(title_of(rec))
    sections = [d for d in rec.iterdescendants() if isinstance(d.tag, str) and not _leaf(d)
                and d not in items and not _absorbed(d) and _is_section(d)]
    paras: list[Para] = []
    marked = bool(sections)
    if sections:
        for s in sections:
            body = [p for f in _body_fields(s) for p in _paras_of(f)]
            if not body:
                continue  # an empty section is not printed
            paras.append(Para(title_of(s), heading=True))
            paras.extend(body)
    else:
        fields = sorted(_body_fields(rec), key=lambda f: len(_value(f)), reverse=True)
        for p in _paras_of(fields[0]) if fields else []:
            n = vocab.item_number(p.text)
            if n and n.number == number and n.title.casefold().startswith(title.casefold()[:20]):
                continue  # the item's own heading printed again at the head of its text
            paras.append(p)
    public = not closed and _public(rec)
    item = build_item(number, position, title, paras, public=public, marked_headings=marked)
    content.append(item.title)
    content.extend(hm.heading if (hm := headings.match_heading(p.text)) else p.text for p in paras)
    for f in own_fields(rec):
        if _k(f) in _words("case") and _value(f):
            value = " ".join(_value(f).split())
            if value not in {c.value for c in item.case_ids}:
                item.case_ids.insert(0, CaseId(value, scheme_of(value) or "other"))
    for d in rec.iterdescendants():
        if isinstance(d.tag, str) and not _leaf(d) and _has(d, "attachment") and title_of(d):
            item.attachments.append(Attachment(title=title_of(d), number=number_of(d) or None))
    return item


def _public(rec: etree._Element) -> bool:
    """Closed when the item's (or an enclosing record's) access field says so."""
    for r in (rec, *rec.iterancestors()):
        for f in own_fields(r):
            value = _value(f).casefold()
            if _has(f, "access") and (value in ("false", "nej", "no") or any(w in value for w in _words("closed"))):
                return False
            if _has(f, "type") and any(w in value for w in _words("closed")) and len(value) < 40:
                return False
    return True


def _context(el: etree._Element, kind: str) -> bool:
    return any(_has(a, kind) for a in list(el.iterancestors())[:3])


def _header(root: etree._Element, items: list[etree._Element], meeting: Meeting) -> None:
    skip = {d for i in items for d in i.iter()}
    leaves = [e for e in root.iter() if isinstance(e.tag, str) and _leaf(e) and e not in skip and _value(e)]
    for e in leaves:
        value = " ".join(_value(e).split())
        if not meeting.committee and len(value) <= 200 and (
                (_ends(e, "committee") and not _has(e, "type")) or (_context(e, "committee") and _ends(e, "title"))):
            meeting.committee = value
    in_meeting = [e for e in leaves if _context(e, "meeting") or _has(e, "meeting")]
    for e in in_meeting + leaves:
        if meeting.start is None and _ends(e, "date") and parse_datetime(_value(e)):
            meeting.start = parse_datetime(_value(e))
    for e in in_meeting:
        if meeting.end is None and _has(e, "end") and meeting.start:
            t = parse_time(_value(e))
            if t:
                meeting.end = meeting.start.replace(hour=t.hour, minute=t.minute)
        if meeting.place is None and _ends(e, "place"):
            parts = [_value(e)] + [p for s in _elements(e.getparent()) if _has(s, "address") and _leaf(s)
                                   for p in _BR.split(_value(s))]
            meeting.place = ", ".join(" ".join(p.split()) for p in parts if p.strip()) or None
    for e in leaves:
        if _ends(e, "kind") and (k := vocab.kind(_value(e))):
            meeting.kind = k[0]
            break
    _participants(root, skip, meeting)
    if not meeting.participants:
        _printed_header(leaves, meeting)


def _printed_header(leaves: list[etree._Element], meeting: Meeting) -> None:
    """Some exports carry the printed document as one text field beside the records: the lines of
    its header (up to its table of contents or first item) list the participants."""
    texts = [e for e in leaves if _has(e, "body") and len(_value(e)) >= 300]
    if not texts:
        return
    lines: list[TextBlock] = []
    for line in max(texts, key=lambda e: len(_value(e))).itertext():
        for part in str(line).splitlines():
            text = " ".join(part.split())
            if vocab.toc_heading(text) or vocab.item_number(text):
                break
            if text:
                lines.append(TextBlock(text))
        else:
            continue
        break
    printed = Meeting(municipality="", committee="", kind=meeting.kind)
    HeaderReader(printed, Typography(lines), [], []).read(lines)
    meeting.participants = printed.participants


def _participants(root: etree._Element, skip: set[etree._Element], meeting: Meeting) -> None:
    recs = [e for e in root.iter() if isinstance(e.tag, str) and not _leaf(e) and e not in skip
            and _has(e, "participant") and title_of(e)
            and not any(_has(c, "participant") and not _leaf(c) for c in _elements(e))]
    at_meeting = [e for e in recs if _context(e, "meeting")]
    seen: set[str] = set()
    for rec in at_meeting or recs:
        person, present, note = parse_person(title_of(rec))
        if not person.name or person.name in seen:
            continue
        seen.add(person.name)
        for f in own_fields(rec):
            value = _value(f).casefold()
            said_absent = _ends(f, "absent") and value in _TRUE
            if said_absent or (_ends(f, "present") and value in ("false", "0", "nej", "no")):
                present = False
        meeting.participants.append(Participant(person, present, note))


def parse(data: bytes, name: str) -> ParseResult:
    root, warnings = xmlutil.load(data, "XML")
    items = find_items(root)
    if not items:
        raise NotMinutes("no agenda items found in this XML: no repeated records with a title, a number and text")
    meeting = Meeting(municipality="", committee="", kind="referat")
    _header(root, items, meeting)
    content: list[str] = []
    ids = set(items)
    # an export lists its records in any order; printed numbers give the agenda's
    items = sorted(items, key=lambda r: tuple(int(p) for p in number_of(r).split(".") if p.isdigit()))
    for position, rec in enumerate(items, start=1):
        meeting.items.append(_item(rec, position, ids, content))
    meeting.municipality = municipality.detect("\n".join(content), name)
    if not meeting.committee:
        warnings.append("no committee name found in the export")
    if meeting.start is None:
        warnings.append("no meeting date found in the export")
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def looks_like(data: bytes) -> bool:
    """An XML export with at least one recognisable agenda item."""
    try:
        return bool(find_items(xmlutil.load(data, "XML")[0]))
    except InputError:
        return False
