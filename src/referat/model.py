"""The domain model: one typed shape for every municipality's minutes and agendas.

Every importer produces these objects and everything downstream (store, search,
render, web) consumes them.  The shape follows OParl 1.1 (Body, Organization,
Person, Meeting, AgendaItem, File) adapted to what Danish minutes really hold:
printed item numbers that differ from positions, case ids in several schemes,
typed sections, numbered recommendations, dated decisions with an outcome,
item-level absences and the case history printed with an item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Outcomes a decision can have; the classifier in ``outcomes.py`` maps text to these.
OUTCOMES = (
    "approved",
    "approved_with_remarks",
    "noted",
    "rejected",
    "postponed",
    "discussed",
    "referred",  # sent on to another body for treatment ("Fremsendes til Teknisk Udvalg til behandling")
    "unknown",
)


@dataclass
class CaseId:
    """A case/journal number with the scheme it was recognised as (see ``caseids``)."""

    value: str
    scheme: str


@dataclass
class Person:
    name: str
    party: str | None = None
    role: str | None = None


@dataclass
class Participant:
    """A person listed for the meeting; ``present`` is False for Afbud/Fraværende."""

    person: Person
    present: bool = True
    note: str | None = None


@dataclass
class Table:
    """A table printed in a section (a budget, a list of proposals): ``rows`` of cell texts,
    the first ``header_rows`` of them column headings.  The table's words stay in the section's
    ``text`` (search and the lossless check read only that): it is the paragraphs ``start`` ..
    ``start + len(rows) - 1`` of the text, one per row, its cells joined by " | ".  ``caption``, when
    the source gives one (HTML <caption>), is also the paragraph just before the rows.  ``tables.parts``
    puts the table in their place for renderers."""

    rows: list[list[str]]
    start: int
    header_rows: int = 0
    caption: str | None = None


@dataclass
class Section:
    """One typed section of an item: ``role`` from the heading synonym table,
    ``heading`` exactly as printed, ``text`` with paragraphs separated by blank lines;
    ``tables`` says which of those paragraphs are the rows of a table."""

    role: str
    heading: str
    text: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class RecommendationPoint:
    number: str
    text: str


@dataclass
class Recommendation:
    proposer: str | None
    text: str
    points: list[RecommendationPoint] = field(default_factory=list)


@dataclass
class Decision:
    text: str
    outcome: str = "unknown"
    body: str | None = None
    date: date | None = None


@dataclass
class Treatment:
    """An earlier or later treatment of the same case ("Tidligere behandling",
    "Sagens forløb"), as far as the document states it."""

    body: str | None
    date: date | None
    item_number: str | None
    text: str


@dataclass
class Attachment:
    title: str
    number: str | None = None
    recommended: bool = False
    public: bool = True
    reference: str | None = None


@dataclass
class AgendaItem:
    number: str
    position: int
    title: str
    public: bool = True
    case_ids: list[CaseId] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    recommendation: Recommendation | None = None
    decisions: list[Decision] = field(default_factory=list)
    deciding_body: str | None = None
    absences: list[Person] = field(default_factory=list)
    previous_treatments: list[Treatment] = field(default_factory=list)
    case_history: list[Treatment] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    attachment_count: int | None = None
    recommended_attachment_count: int | None = None
    page: int | None = None

    @property
    def outcome(self) -> str | None:
        """The outcome of the latest decision, if any."""
        return self.decisions[-1].outcome if self.decisions else None


@dataclass
class Meeting:
    municipality: str
    committee: str
    kind: str  # "referat" (minutes) or "dagsorden" (agenda)
    start: datetime | None = None
    end: datetime | None = None
    title: str | None = None
    place: str | None = None
    status: str | None = None
    participants: list[Participant] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    signatories: list[Person] = field(default_factory=list)


@dataclass
class Document:
    """The source document a meeting was imported from."""

    sha256: str
    source_name: str
    format: str  # pdf | html | xml | text
    importer: str
    importer_version: str
    pages: int | None = None
    size: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportedMeeting:
    """What an importer returns: the meeting and the document it came from.

    ``source`` is the document's original bytes when the importer read a file (the store keeps them,
    content-addressed by ``document.sha256``); it is not part of the canonical JSON, and records read
    back from a store, synthetic records and council minutes have none."""

    document: Document
    meeting: Meeting
    source: bytes | None = field(default=None, repr=False, compare=False, metadata={"canonical": False})
