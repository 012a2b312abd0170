"""What a rendered meeting shows, decided once for every output format.

Text, HTML and PDF all print the same document: the header (kind, committee,
date, place, participants), one entry per item, and the signature page.  This
module turns a stored ``ImportedMeeting`` into that neutral structure and makes
the publication decisions in one place:

* the public variant shows a closed item as its number and title only;
* attachments marked not public are left out of the public variant;
* an agenda (dagsorden) shows no decisions;
* the sections hold all printed text (the importers keep it there), so they are
  printed as they are; a structured field that no section carries (a meeting
  built in code: decisions, recommendation, attachments, absences, earlier
  treatments) gets a section written for it in the layout the importers read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .. import tables
from ..model import (
    AgendaItem,
    Attachment,
    Decision,
    ImportedMeeting,
    Person,
    Recommendation,
    Section,
    Treatment,
)
from ..parse.items import parse_attachment
from ..vocab import headings
from ..vocab.names import absent_people, parse_person
from .signatures import Signature

WEEKDAYS = ("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag")
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
CLOSED_PREFIX = "Lukket punkt: "
CLOSED_NOTE = "Lukket punkt"
SIGNATURE_HEADING = "Underskriftsblad"
_POINT = re.compile(r"^(?P<num>\d{1,2}|[A-Za-z])[.)]\s+(?P<text>\S.*)$", re.S)


@dataclass
class Para:
    """One printed paragraph; ``number`` is set for a numbered recommendation point."""

    text: str
    number: str | None = None
    dash: bool = False
    table: dict | None = None  # a table in place of its row paragraphs (``tables.view`` plus "label")


@dataclass
class Block:
    """One section: its printed heading ("" for none), role and paragraphs."""

    role: str
    heading: str
    paras: list[Para]


@dataclass
class Item:
    number: str
    title: str
    public: bool
    shown: bool  # False: closed item in the public variant, title only
    case_ids: list[str]
    blocks: list[Block]

    @property
    def anchor(self) -> str:
        return f"punkt-{self.number}"

    @property
    def heading(self) -> str:
        return f"Punkt {self.number}: {'' if self.public else CLOSED_PREFIX}{self.title}"

    @property
    def toc_title(self) -> str:
        return f"{'' if self.public else CLOSED_PREFIX}{self.title}"


@dataclass
class Signer:
    line: str  # "Name (A) (role)" as the importers read it
    approved: str | None = None  # "Godkendt 20-03-2023 kl. 17:05"
    content_hash: str | None = None


@dataclass
class Layout:
    kind: str  # referat | dagsorden
    public: bool
    municipality: str
    committee: str
    start: datetime | None
    place: str | None
    participants: list[str]
    items: list[Item]
    signers: list[Signer] = field(default_factory=list)

    @property
    def kind_word(self) -> str:
        return "DAGSORDEN" if self.kind == "dagsorden" else "REFERAT"

    @property
    def title_line(self) -> str:
        when = f" d. {self.start:%d-%m-%Y}" if self.start else ""
        return f"{self.kind_word} {self.committee}{when}"

    @property
    def date_line(self) -> str | None:
        return long_datetime(self.start) if self.start else None

    @property
    def date_short(self) -> str:
        return long_date(self.start.date()) if self.start else ""


def long_date(d: date) -> str:
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def long_datetime(dt: datetime) -> str:
    """"Mandag d. 20. marts 2023 kl. 16:30", as the seeds print Mødedato."""
    text = f"{WEEKDAYS[dt.weekday()]} d. {long_date(dt.date())}"
    return text + (f" kl. {dt:%H:%M}" if (dt.hour, dt.minute) != (0, 0) else "")


def person_line(p: Person) -> str:
    return p.name + (f" ({p.party})" if p.party else "") + (f" ({p.role})" if p.role else "")


def build(record: ImportedMeeting, *, public: bool = True, signatures: tuple[Signature, ...] = ()) -> Layout:
    m = record.meeting
    participants = [person_line(p.person) + (f" ({p.note})" if p.present and p.note else "" if p.present else
                                             f" ({p.note or 'Afbud'})") for p in m.participants]
    items = [_item(it, public=public, agenda=m.kind == "dagsorden") for it in m.items]
    if signatures:
        signers = [Signer(person_line(Person(s.name, s.party, s.role)),
                          f"Godkendt {s.approved_at:%d-%m-%Y kl. %H:%M}" if s.approved_at else None,
                          s.content_hash) for s in signatures]
    else:
        signers = [Signer(person_line(p)) for p in m.signatories]
    return Layout(kind=m.kind, public=public, municipality=m.municipality, committee=m.committee, start=m.start,
                  place=m.place, participants=participants, items=items,
                  signers=signers if m.kind != "dagsorden" else [])


def _item(it: AgendaItem, *, public: bool, agenda: bool) -> Item:
    shown = it.public or not public
    item = Item(it.number, it.title, it.public, shown, [], [])
    if not shown:
        return item
    # labelled when the bare value would not read back as a case id ("other"), or would read as
    # a page number at the top of a PDF page ("12/27845", Acadre)
    item.case_ids = [c.value if c.scheme not in ("other", "acadre") else f"Sagsnr.: {c.value}" for c in it.case_ids]
    sections = list(it.sections)
    printed = _flat(" ".join(s.heading + " " + s.text for s in sections))

    def missing(text: str) -> bool:
        return _flat(text) not in printed

    treatments = [t for t in it.previous_treatments if missing(t.text)]
    if treatments:
        earlier = "\n\n".join(t.text for t in treatments)
        sections.insert(0, Section("previous_treatment", "Tidligere behandling", earlier))
    history = [t for t in it.case_history if missing(t.text)]
    if history:
        sections.append(Section("case_history", "Sagens forløb", _history_text(history)))
    if it.deciding_body and missing(it.deciding_body):
        sections.append(Section("deciding_body", "Beslutningen træffes af", it.deciding_body))
    if it.recommendation and missing(_recommendation_text(it.recommendation)):
        sections.append(Section("recommendation", "Indstilling", _recommendation_text(it.recommendation)))
    sections.extend(Section("decision", _decision_heading(d), d.text) for d in it.decisions if missing(d.text))
    attachments = [attachment_line(a) for a in it.attachments if missing(a.title)]
    if attachments:
        sections.append(Section("attachments", "Bilag", "\n\n".join(attachments)))
    if agenda:
        sections = [s for s in sections if s.role != "decision"]
    closed_attachments = [a for a in it.attachments if not a.public] if public else []
    for s in sections:
        if s.tables and s.role not in ("attachments", "absence"):
            item.blocks.append(Block(s.role, s.heading, [_para(v, s.role) if kind == "p" else Para("", table=v)
                                                         for kind, v in tables.display(s.text, s.tables, s.heading)]))
            continue
        paras = [p for p in re.split(r"\n\s*\n", s.text) if p.strip()]
        if s.role == "attachments" and closed_attachments:
            paras = [p for p in paras if parse_attachment(p).public]
        if s.role == "absence" and paras:
            hm = headings.match_heading(s.heading)
            if hm and hm.groups.get("body") == paras[0]:
                paras = paras[1:]  # the importer keeps "Afbud X (D)"'s name as the section text too
        if not paras and not s.heading:
            continue
        item.blocks.append(Block(s.role, s.heading, [_para(p, s.role) for p in paras]))
    _add_absences(item, it.absences)
    return item


def _para(text: str, role: str) -> Para:
    if role == "recommendation":
        m = _POINT.match(text)
        if m:
            return Para(m.group("text"), number=text[: m.start("text")].rstrip())
    return Para(text, dash=text.startswith(("- ", "• ")))


def _add_absences(item: Item, absences: list[Person]) -> None:
    """Absences no printed sentence names: a sentence in the decision, or a "Fraværende" section."""
    named: set[str] = set()
    for b in item.blocks:
        texts = [p.text for p in b.paras]
        if b.role == "absence":
            hm = headings.match_heading(b.heading)
            texts += [hm.groups["body"]] if hm and "body" in hm.groups else []
            named.update(parse_person(x)[0].name for t in texts for x in re.split(r",\s*", t))
        for text in texts:
            named.update(person.name for person in absent_people(text) or [])
    missing = [p for p in absences if p.name not in named]
    if not missing:
        return
    names = ", ".join(person_line(p) for p in missing)
    decisions = [b for b in item.blocks if b.role == "decision"]
    if decisions:
        verb = "deltog ikke i behandlingen af punktet."
        decisions[-1].paras.append(Para(f"{names} {verb}" if len(missing) == 1 else
                                        f"{', '.join(person_line(p) for p in missing[:-1])} og "
                                        f"{person_line(missing[-1])} {verb}"))
    else:
        item.blocks.append(Block("absence", "Fraværende", [Para(names)]))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _history_text(history: list[Treatment]) -> str:
    out: list[str] = []
    for t in history:
        if t.body:
            out.append(f"Udvalg: {t.body}")
        if t.date:
            out.append(f"Dato: {t.date:%d-%m-%Y}")
        if t.item_number:
            out.append(f"Punktnummer: {t.item_number}")
        if t.text:
            out.append(t.text)
    return "\n\n".join(out)


def _recommendation_text(r: Recommendation) -> str:
    if r.text.strip():
        return r.text
    head = f"{r.proposer} indstiller," if r.proposer else ""
    return "\n\n".join([head] * bool(head) + [f"{p.number}. {p.text}" for p in r.points])


def _decision_heading(d: Decision) -> str:
    if d.body and d.date:
        return f"Beslutning i {d.body} den {d.date:%d-%m-%Y}"
    return "Beslutning"


def attachment_line(a: Attachment) -> str:
    """One attachment as ``itemparse.parse_attachment`` reads it back."""
    if not a.public and a.number and a.number.isdigit():
        return f"{a.number} Lukket {a.title}" + (f" {a.reference}" if a.reference else "")
    text = ("ANBEFALES. " if a.recommended else "") + a.title
    if a.number:
        text = f"{a.number}. {text}"
    if a.reference:
        text = f"{a.reference} - {text}"
    return text
