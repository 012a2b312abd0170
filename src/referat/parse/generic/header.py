"""The meeting header of the generic reader: the blocks before the first item, read through the
field labels of ``data/generic.toml`` ("Mødedato", "Sted", "Deltagere", "Afbud" ...), the kind word
of the title line ("Referat", "Dagsorden"), the committee (the first line set apart), the date and
time, the place (lines after the date), and the people each participant label lists.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from ...model import Meeting, Participant
from ...vocab.dates import parse_date, parse_time, with_time
from ...vocab.names import parse_participants
from ..pdftext import PART
from . import vocab
from .vocab import norm

if TYPE_CHECKING:
    from .blocks import TextBlock, Typography

_NAME = re.compile(r"(?:[A-ZÆØÅ][\w.'-]*\s?){1,6}")
_TIME_ONLY = re.compile(r"^(?:kl\.?\s*)?\d{1,2}[:.]\d\d(?:\s*[-–]\s*\d{1,2}[:.]\d\d)?$", re.I)
_DATE_TAIL = re.compile(r"[,\s]+(?:d\.|den)?\s*(?P<d>\d\d?[-.]\d\d?[-.]\d{4}|\d\d?\.\s*\w+\s+\d{4})(?:.*)$")


def people(text: str) -> list[Participant] | None:
    """The people a header line lists, or None when it is not a list of names."""
    found = parse_participants(text)
    if not found or any(not _NAME.fullmatch(p.person.name) or " " not in p.person.name for p in found):
        return None
    return found



class HeaderReader:
    """Reads the blocks before the first item into the meeting's fields."""

    def __init__(self, meeting: Meeting, typo: Typography, content: list[str], warnings: list[str]):
        self.meeting, self.typo, self.content, self.warnings = meeting, typo, content, warnings
        self.group: vocab.Field | None = None  # the participant list being read
        self.pending: vocab.Field | None = None  # a label whose value is the next block
        self.seen_kind = self.seen_date = False
        self.place: list[str] = []
        self.loose: list[str] = []  # lines in body type before the committee is known

    def read(self, blocks: list[TextBlock]) -> None:
        for b in blocks:
            if b.link or b.head:  # page furniture: navigation links, an agenda table's column headings
                self.group = None
                continue
            if b.cells is not None:
                first = b.cells[0].strip().rstrip(":") if b.cells else ""
                text = f"{first}: {' '.join(b.cells[1:])}" if vocab.header_field(first) else " ".join(b.cells)
            else:
                text = b.text
            text = norm(text)
            if text:
                self.line(text, b)
        if self.place and not self.meeting.place:
            self.meeting.place = ", ".join(self.place)
        if self.loose and not self.meeting.committee:
            self.meeting.committee = self.loose.pop(0)
        for text in self.loose:
            self.unknown(text)

    def add_people(self, fld: vocab.Field, text: str) -> bool:
        found = people(text)
        if found is None:
            return False
        role = vocab.staff_role(fld.label)
        for p in found:
            if fld.field == "absent":
                p.present, p.note = False, p.note or fld.label
            if role:
                p.person.role = ", ".join(x for x in (p.person.role, role) if x)
            self.meeting.participants.append(p)
        return True

    def value(self, fld: vocab.Field, value: str) -> None:
        m = self.meeting
        if fld.field == "start":
            m.start = with_time(m.start, value)
            self.seen_date = True
        elif fld.field == "end":
            t = parse_time(value)
            if t and m.start:
                m.end = datetime.combine(m.start.date(), t)
        elif fld.field == "place":
            m.place = value
        elif fld.field == "committee":
            m.committee = value

    def line(self, text: str, b: TextBlock) -> None:
        m = self.meeting
        if PART.match(text):
            m.status = m.status or text
            return
        fld = vocab.header_field(text)
        if fld:
            self.pending = self.group = None
            if fld.field in ("participants", "absent", "staff"):
                self.group = fld
                if fld.value and not self.add_people(fld, fld.value):
                    self.unknown(text)
            elif fld.value:
                self.value(fld, fld.value)
            else:
                self.pending = fld
            return
        if self.pending:
            self.value(self.pending, text)
            self.pending = None
            return
        if self.group:
            if self.add_people(self.group, text):
                return
            self.group = None
        k = vocab.kind(text)
        if k and not self.seen_kind:
            self.seen_kind = True
            m.kind, rest = k
            if rest and parse_date(rest) and not _DATE_TAIL.search(rest):  # "Referat 1. oktober 2025 kl. 15.45"
                m.start = with_time(m.start, rest)
                self.seen_date = True
            elif rest:
                m.title = text
                tail = _DATE_TAIL.search(rest)
                m.committee = rest[: tail.start()].strip() if tail else rest
                if tail:
                    m.start = with_time(m.start, tail.group("d"))
                    self.seen_date = True
            return
        if parse_date(text) and len(text) < 80:
            m.start = with_time(m.start, text)
            self.seen_date = True
            return
        if _TIME_ONLY.match(text) and m.start:
            m.start = with_time(m.start, text)
            return
        if not m.committee:
            if self.typo.styled(b):  # the committee's name is set apart; a stray line in body type is not it
                m.committee = text
            else:
                self.loose.append(text)
        elif not self.seen_date and not m.title:
            m.title = text
        elif self.seen_date and not m.place:
            self.place.append(re.sub(r"^i\s+", "", text))
        else:
            self.unknown(text)

    def unknown(self, text: str) -> None:
        self.warnings.append(f"header line not understood: {text[:80]}")
        self.content.append(text)
