"""Turn the paragraphs of one agenda item into a typed ``AgendaItem``.

Every importer (text, PDF, HTML, XML) ends up with an item number, a title and
the item's paragraphs in reading order.  This module is the one place that
splits them into typed sections through the heading synonym table and derives
the structured fields (case ids, recommendation points, decisions and their
outcome, deciding body, absences, attachments, previous treatments).  All text
stays in the sections, so nothing is dropped; the derived fields are views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import tables
from ..model import (
    AgendaItem,
    Attachment,
    Decision,
    Person,
    Recommendation,
    RecommendationPoint,
    Section,
    Table,
    Treatment,
)
from ..vocab import headings
from ..vocab.caseids import parse_case_id
from ..vocab.dates import parse_date
from ..vocab.names import absent_people, parse_person


@dataclass
class Para:
    """One logical paragraph of source text and the page it starts on."""

    text: str
    page: int | None = None
    # True when the source's markup says this is a section heading (HTML <h3>, XML
    # element); with ``build_item(marked_headings=True)`` only such paragraphs open sections.
    heading: bool = False
    # True when the layout says this is body text (a synonym printed in body type, not
    # set apart like the document's headings): it never opens a section.
    plain: bool = False
    # A table row: its cells (``text`` is then ``tables.row_text(cells)``).  Consecutive rows
    # with the same ``table`` number form one table; number 0 is for rows that only their
    # cell count ties together (tab stops), which need at least two rows of the same width.
    # ``head``: the source marks the row as a header (<th>, <thead>, bold cells).
    cells: list[str] | None = None
    table: int = 0
    head: bool = False
    caption: str | None = None  # the table's caption, which the source also gives as the paragraph before it


_SUBPOINT = re.compile(r"^[a-zæøå][.)]\s+\S")
_COUNT = re.compile(r"^(\d+)\s+bilag(?:,\s*heraf\s+(\d+)\s+anbefales)?\.?$", re.I)
_POINT = re.compile(r"^(?P<at>at\s+)?(?P<num>\d{1,2}|[A-Za-z])[.)](?!\d)\s*(?P<text>\S.*)$", re.I)
_AT_POINT = re.compile(r"^at\s+\d{1,2}[.)]\s", re.I)
_ATT_BILAG = re.compile(r"^Bilag\s+(?P<num>\d+(?:\.\d+)*[a-z]?)\s*:\s*(?P<rest>.+)$", re.I)
_HISTORY_FIELD = re.compile(r"^(?P<key>Udvalg|Dato|Punktnummer|Punkt nr\.?)\s*:\s*(?P<value>\S.*)$", re.I)
# Sections whose sentences are about other meetings: their absences are not this item's.
_OTHER_MEETINGS = {"case_history", "previous_treatment"}
_ATT_NUM = re.compile(r"^(?P<num>\d+(?:\.\s?\d+)*\.?|[A-Z]\.)\s+(?P<rest>.+)$")
_ATT_REF = re.compile(r"^(?P<ref>(?:19|20)\d\d[-–]\d{3,8})\s+-\s+(?P<rest>.+)$")
_ATT_ACADRE = re.compile(r"^(?P<num>\d+)\s+(?P<access>Åben|Lukket)\s+(?P<rest>.+?)(?:\s+(?P<ref>\d{3,8}/\d\d))?$")
_ANBEFALES = re.compile(r"\bANBEFALES\b\.?\s*")
_PROPOSER = re.compile(r"^(?P<who>.+?)\s+indstiller\b", re.I)
_TREATMENT = re.compile(r"^(?P<body>.+?)\s+(?:den|d\.)\s+(?P<date>\d{1,2}\.\s*\w+\s+\d{4}|\d{1,2}[-.]\d{1,2}[-.]\d{4})"
                        r"(?:,?\s+[Pp]unkt\s+(?P<item>\d+))?\.?$")


def _section_text(paras: list[str]) -> str:
    return "\n\n".join(paras)


def build_item(number: str, position: int, title: str, paras: list[Para], *, public: bool = True,
               page: int | None = None, marked_headings: bool = False) -> AgendaItem:
    """Split ``paras`` into sections and derive the structured fields.

    With ``marked_headings`` (formats whose markup tells headings apart), only paragraphs
    flagged ``heading`` open a section: a known heading gets its role, an unknown one role
    "other", an empty one role "body"; prose such as "Beslutning:" inside a citizen's
    proposal then stays prose.  Otherwise any line matching the synonym table is a heading.
    """
    item = AgendaItem(number=number, position=position, title=" ".join(title.split()), public=public, page=page)
    sections: list[tuple[headings.HeadingMatch, list[str]]] = []
    preamble: list[str] = []
    owner: dict[int, list[Para | None]] = {}  # id(a section's text list) -> its row paras by index
    for para in paras:
        text = para.text.strip()
        if not text and not para.heading:
            continue
        if para.cells is not None:
            target = sections[-1][1] if sections else preamble
            slots = owner.setdefault(id(target), [])
            slots.extend([None] * (len(target) - len(slots)))
            target.append(text)
            slots.append(para)
            continue
        if marked_headings:
            heading = _marked_heading(text) if para.heading else None
        else:
            heading = None if para.plain else headings.match_heading(text)
        if heading:
            sections.append((heading, []))
            if heading.role == "absence" and "body" in heading.groups:
                sections[-1][1].append(heading.groups["body"])
            continue
        if sections and sections[-1][0].role == "attachments" and _SUBPOINT.match(text):
            # "c. Konference ..." after a "Bilag" list under sub-point b: the item's text goes on.
            sections.append((headings.HeadingMatch("body", "", {}), [text]))
            continue
        if not sections:
            case = parse_case_id(text)
            if case and not item.sections and not preamble:
                item.case_ids.append(case)
                continue
            if case and text.lower().startswith(("sagsnr", "j.nr", "journalnr")):
                item.case_ids.append(case)
                continue
            preamble.append(text)
        else:
            sections[-1][1].append(text)
    if preamble:
        item.sections.append(Section("body", "", _section_text(preamble), _tables(preamble, owner.get(id(preamble)))))
    for heading, body in sections:
        if not body and not heading.heading:
            continue
        item.sections.append(Section(heading.role, heading.heading, _section_text(body),
                                     _tables(body, owner.get(id(body)))))
        _derive(item, heading, body)
    for para_text in preamble:
        if not _count_line(item, para_text):
            _preamble_treatment(item, para_text)
    return item


def _tables(body: list[str], slots: list[Para | None] | None) -> list[Table]:
    """The runs of row paragraphs in a section's body as tables (at least two rows of at
    least two cells; rows held together only by their width must agree on it)."""
    if not slots:
        return []
    slots = slots + [None] * (len(body) - len(slots))
    out: list[Table] = []
    i = 0
    while i < len(body):
        first = slots[i]
        if first is None or first.cells is None:
            i += 1
            continue
        j = i + 1
        while j < len(body) and (nxt := slots[j]) is not None and nxt.cells is not None and nxt.table == first.table \
                and (first.table or len(nxt.cells) == len(first.cells)):
            j += 1
        run = [s for s in slots[i:j] if s is not None]
        if len(run) >= 2 and max(len(r.cells or []) for r in run) >= 2:
            marked = next((k for k, r in enumerate(run) if not r.head), len(run))
            start = len(tables.paragraphs(_section_text(body[:i])))
            caption = run[0].caption if i and run[0].caption and body[i - 1] == run[0].caption else None
            out.append(tables.make([r.cells or [] for r in run], start, marked if marked else None, caption))
        i = j
    return out


def _preamble_treatment(item: AgendaItem, text: str) -> None:
    """A bare "Kommunalbestyrelsen den 30. januar 2012 Punkt 5" line before the first
    heading (eDoc layout) names an earlier treatment of the case."""
    m = _TREATMENT.match(" ".join(text.split()))
    if m and m.group("item"):
        item.previous_treatments.append(parse_treatment(text))


def _marked_heading(text: str) -> headings.HeadingMatch:
    known = headings.match_heading(text) if text else None
    if known:
        return known
    return headings.HeadingMatch("other" if text else "body", text.rstrip(":").strip(), {})


def _derive(item: AgendaItem, heading: headings.HeadingMatch, body: list[str]) -> None:
    role = heading.role
    decision_lines: list[str] = []
    if role == "case_history":
        item.case_history.extend(parse_case_history(body))
    for text in body:
        people = absent_people(text) if role not in _OTHER_MEETINGS else None
        if people:
            _add_absent(item, people)
            continue
        if role == "absence":
            _add_absent(item, [parse_person(p)[0] for p in re.split(r",\s*", text) if p.strip()])
            continue
        if _count_line(item, text):
            continue
        if role == "attachments":
            if text.strip(" .").casefold() not in ("ingen", "ingen bilag"):
                item.attachments.append(parse_attachment(text))
        elif role == "decision":
            decision_lines.append(text)
        elif role == "previous_treatment":
            item.previous_treatments.append(parse_treatment(text))
    if role == "recommendation" and body:
        item.recommendation = parse_recommendation(body)
    elif role == "deciding_body":
        item.deciding_body = heading.groups.get("body") or (" ".join(body) if body else None)
    elif role == "decision" and decision_lines:
        text = "\n\n".join(decision_lines)
        date_text = heading.groups.get("date")
        item.decisions.append(Decision(text=text, outcome=headings.classify_outcome(text),
                                       body=heading.groups.get("body"),
                                       date=parse_date(date_text) if date_text else None))


def _add_absent(item: AgendaItem, people: list[Person]) -> None:
    known = {p.name for p in item.absences}
    item.absences.extend(p for p in people if p.name and p.name not in known)


def _count_line(item: AgendaItem, text: str) -> bool:
    m = _COUNT.match(text.strip())
    if not m:
        return False
    item.attachment_count = (item.attachment_count or 0) + int(m.group(1))
    if m.group(2) is not None:
        item.recommended_attachment_count = (item.recommended_attachment_count or 0) + int(m.group(2))
    return True


def parse_attachment(text: str) -> Attachment:
    text = " ".join(text.split()).lstrip("-• ").strip()
    m = _ATT_ACADRE.match(text)
    if m:
        return Attachment(title=m.group("rest"), number=m.group("num"), public=m.group("access") == "Åben",
                          reference=m.group("ref"))
    number = reference = None
    m = _ATT_BILAG.match(text)
    if m:
        return Attachment(title=m.group("rest"), number=m.group("num"))
    m = _ATT_REF.match(text)
    if m:
        reference, text = m.group("ref").replace("–", "-"), m.group("rest")
    m = _ATT_NUM.match(text)
    if m:
        number, text = m.group("num").replace(" ", "").rstrip("."), m.group("rest")
    recommended = bool(_ANBEFALES.search(text))
    title = _ANBEFALES.sub("", text, count=1).strip(" .-_") if recommended else text
    return Attachment(title=title or text, number=number, recommended=recommended, reference=reference)


def parse_recommendation(body: list[str]) -> Recommendation:
    first = body[0]
    m = _PROPOSER.match(first)
    proposer = m.group("who").strip() if m else None
    points: list[RecommendationPoint] = []
    # "At 1) ...": only the At-lines are points; lines between them (sub-points
    # "a) ...", sub-headings "1.1 ...") continue the point before them.
    at_style = any(_AT_POINT.match(text) for text in body)
    for text in body:
        pm = _POINT.match(text)
        if at_style:
            if pm and pm.group("at"):
                points.append(RecommendationPoint(pm.group("num"), pm.group("text").strip()))
            elif points:
                points[-1].text += "\n" + text.strip()
        elif pm and (pm.group("num").isdigit() or text[1:2] in ".)"):
            points.append(RecommendationPoint(pm.group("num"), pm.group("text").strip()))
    return Recommendation(proposer=proposer, text="\n\n".join(body), points=points)


def parse_treatment(text: str) -> Treatment:
    clean = " ".join(text.split())
    m = _TREATMENT.match(clean)
    if m:
        return Treatment(body=m.group("body"), date=parse_date(m.group("date")), item_number=m.group("item"),
                         text=clean)
    return Treatment(body=None, date=parse_date(clean), item_number=None, text=clean)


def parse_case_history(body: list[str]) -> list[Treatment]:
    """Labelled treatment blocks ("Udvalg: Magistraten", "Dato: 02-09-2025",
    "Punktnummer: 12", then what was decided) as ``Treatment``s; [] when unlabelled."""
    out: list[Treatment] = []
    fields: dict[str, str] = {}
    texts: list[str] = []

    def flush() -> None:
        if fields:
            date_text = fields.get("d")
            out.append(Treatment(body=fields.get("u"), date=parse_date(date_text) if date_text else None,
                                 item_number=fields.get("p"), text="\n\n".join(texts)))

    for line in body:
        text = " ".join(line.split())
        m = _HISTORY_FIELD.match(text)
        if not m:
            if fields:
                texts.append(text)
            continue
        key = m.group("key")[0].lower()
        if key in fields or texts or (key == "u" and fields):
            flush()
            fields, texts = {}, []
        fields[key] = m.group("value").strip()
    flush()
    return out
