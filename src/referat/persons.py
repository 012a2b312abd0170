"""Who sat in which meeting: person identity, the rows a store keeps per meeting, and what they add up to.

Minutes name people, they do not identify them.  A person here is a *normalized
name within a municipality*: ``person_key("Ballerup", "Anja  Holtze")`` is
``ballerup/anja-holtze`` (case, spacing and æøå/accents folded), so the same name in
two municipalities is two people and a misspelled name is a different one.

At save time a store turns a meeting into ``PersonRow`` s (one per listed participant,
present or not) and ``MentionRow`` s (a person absent from one item, or dissenting in
its decision: "NN kunne ikke tiltræde indstillingen", "stemte imod", a
protokoltilførsel), for public items only.  The portal and the open API read these
rows back as ``Attendance`` and ``Mention`` and aggregate them here (``memberships``,
``members``), so person and committee pages stay fast at any archive size.

A meeting imported in two formats (Ballerup's eDoc XML export and its PDF, Syddjurs'
Acadre XML and PDF) is two stored meetings, since the format is part of the meeting
key, but one meeting for attendance: ``one_per_meeting`` and ``one_per_item`` keep one
row per municipality, committee (case folded), start and kind (the lowest meeting id;
absent if any format lists the person absent), so nobody's record counts it twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from .model import ImportedMeeting, Meeting
from .vocab.names import split_list


@lru_cache(maxsize=65_536)
def slug(text: str) -> str:
    """A readable, stable URL segment: ``Teknisk Udvalg`` → ``teknisk-udvalg``, æøå spelled out."""
    t = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:80]
    return s or "x" + hashlib.sha1(text.encode()).hexdigest()[:10]


def person_key(municipality: str, name: str) -> str:
    """The identity of a person: normalized name within a municipality (``aarhus/anja-holtze``)."""
    return f"{slug(municipality)}/{slug(' '.join(name.split()))}"


@dataclass(frozen=True)
class PersonRow:
    """One participant of one meeting, as a store keeps it."""

    person_key: str
    name: str
    party: str | None
    role: str | None
    present: bool
    note: str | None


@dataclass(frozen=True)
class MentionRow:
    """A person named in one public item: ``kind`` is "absent" (left the item), "inhabil" (did not take part in
    it, disqualified) or "dissent"."""

    person_key: str
    name: str
    party: str | None
    item_number: str
    item_title: str
    kind: str
    text: str


@dataclass(frozen=True)
class Attendance:
    """A stored ``PersonRow`` with its meeting."""

    meeting_id: int
    municipality: str
    committee: str
    start: datetime | None
    kind: str
    person_key: str
    name: str
    party: str | None
    role: str | None
    present: bool
    note: str | None


@dataclass(frozen=True)
class Mention:
    """A stored ``MentionRow`` with its meeting."""

    meeting_id: int
    municipality: str
    committee: str
    start: datetime | None
    person_key: str
    name: str
    party: str | None
    item_number: str
    item_title: str
    kind: str
    text: str


#: the kinds of document that say a meeting was held (an agenda only says it was called)
HELD_KINDS = frozenset({"referat", "tillægsreferat"})


def held(kind: str) -> bool:
    """Does a participant list of a document of this kind count as attendance?  Minutes do, agendas do not."""
    return kind in HELD_KINDS


def _same_meeting(municipality: str, committee: str, start: datetime | None, kind: str, meeting_id: int
                  ) -> tuple[object, ...]:
    """Which stored meetings are one meeting for attendance: same place, committee, start and kind (a meeting
    without a known start is only itself)."""
    if start is None:
        return ("id", meeting_id)
    return (municipality, committee.casefold(), start, kind)


def one_per_meeting(rows: list[Attendance]) -> list[Attendance]:
    """Attendance rows with a meeting imported in several formats counted once (per person), in order; the
    first row (lowest meeting id) stands for the meeting, absent if any format lists the person absent."""
    out: dict[tuple[object, ...], Attendance] = {}
    for r in rows:
        k = (r.person_key, *_same_meeting(r.municipality, r.committee, r.start, r.kind, r.meeting_id))
        seen = out.get(k)
        if seen is None:
            out[k] = r
        elif seen.present and not r.present:
            out[k] = dataclasses.replace(seen, present=False, note=seen.note or r.note)
    return list(out.values())


def one_per_item(rows: list[Mention]) -> list[Mention]:
    """Mentions with an item of a meeting imported in several formats counted once, in order."""
    out: dict[tuple[object, ...], Mention] = {}
    for r in rows:
        # a mention row does not carry the meeting's kind; its committee, start and item number do the work
        k = (r.person_key, r.item_number, r.kind, *_same_meeting(r.municipality, r.committee, r.start, "",
                                                                 r.meeting_id))
        out.setdefault(k, r)
    return list(out.values())


def person_rows(meeting: Meeting) -> list[PersonRow]:
    """The participants of a meeting, one row per person (a name listed twice counts once, absent wins)."""
    rows: dict[str, PersonRow] = {}
    for p in meeting.participants:
        name = " ".join(p.person.name.split())
        if not name:
            continue
        key = person_key(meeting.municipality, name)
        row = PersonRow(key, name, p.person.party, p.person.role, p.present, p.note)
        if key not in rows or not p.present:
            rows[key] = row
    return list(rows.values())


# "NN kunne ikke tiltræde ...", "NN stemte imod", "NN tog forbehold", "NN undlod at stemme",
# "NN ønskede (følgende) ført til protokol", and "Protokoltilførsel fra NN: ...".
_DISSENT = re.compile(
    r"^(?P<names>[A-ZÆØÅ].{2,300}?)\s+(?:kunne ikke tiltræde|kan ikke tiltræde|stemte imod|stemmer imod"
    r"|tog forbehold|tager forbehold|undlod at stemme|ønskede (?:følgende )?(?:ført |tilført )?(?:til )?protokol)")
_PROTOCOL = re.compile(r"^Protokoltilførsel fra (?P<names>[^:.]{3,200})")
_PERSON_NAME = re.compile(r"[A-ZÆØÅ][\w'-]+(?: (?:[A-ZÆØÅ][\w'-]+|[A-ZÆØÅ]\.)){1,4}(?: \([A-ZÆØÅ]{1,2}\))?")
#: words that make a capitalised phrase a party or group, not a person
_GROUP_WORDS = {
    "venstre", "socialdemokratiet", "enhedslisten", "alternativet", "folkeparti", "folkepartis", "liberal",
    "alliance", "danmarksdemokraterne", "moderaterne", "borgerlige", "kristendemokraterne", "konservative",
    "radikale", "socialistisk", "rød-grønne", "rød-grønnes", "udvalget", "byrådet", "kommunalbestyrelsen",
    "forvaltningen", "gruppe", "byrådsgruppe", "byrådsgrupper", "partier", "medlemmer", "liste",
}


def _names(text: str) -> list[str]:
    out = []
    for chunk in split_list(text):
        chunk = chunk.strip(" .;:")
        words = {w.strip("()").casefold() for w in chunk.split()}
        if not _PERSON_NAME.fullmatch(chunk) or words & _GROUP_WORDS or any(w.endswith("s") and w[:-1] in
                                                                                 _GROUP_WORDS for w in words):
            continue
        out.append(re.sub(r"\s*\([A-ZÆØÅ]{1,2}\)$", "", chunk))
    return out


def dissenters(sentence: str) -> list[str]:
    """The persons (not parties or groups) a decision sentence records as dissenting."""
    return list(_dissenters(sentence))


@lru_cache(maxsize=65_536)
def _dissenters(sentence: str) -> tuple[str, ...]:
    text = " ".join(sentence.split())
    m = _PROTOCOL.match(text) or _DISSENT.match(text)
    return tuple(_names(m.group("names"))) if m else ()


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])|\n+")


@lru_cache(maxsize=65_536)
def _sentences(text: str) -> tuple[str, ...]:
    """A decision's sentences; cached with ``slug`` and ``_dissenters``, because every save reads its
    meeting's people (bulk import: thousands a second) and decisions repeat word for word ("Godkendt.")."""
    return tuple(s for s in _SENTENCE.split(text) if s.strip())


def mention_rows(meeting: Meeting) -> list[MentionRow]:
    """Persons named in public items: absent from the item, or dissenting in its decision."""
    parties = {person_key(meeting.municipality, p.person.name): p.person.party for p in meeting.participants}
    rows: dict[tuple[str, str, str], MentionRow] = {}
    for item in meeting.items:
        if not item.public:
            continue
        for person in item.absences:
            key = person_key(meeting.municipality, person.name)
            kind = "inhabil" if (person.role or "").casefold() == "inhabil" else "absent"
            rows.setdefault((key, item.number, kind), MentionRow(
                key, person.name, person.party or parties.get(key), item.number, item.title, kind, ""))
        for decision in item.decisions:
            for sentence in _sentences(decision.text):
                for name in _dissenters(sentence):
                    key = person_key(meeting.municipality, name)
                    rows.setdefault((key, item.number, "dissent"), MentionRow(
                        key, name, parties.get(key), item.number, item.title, "dissent", sentence.strip()[:500]))
    return list(rows.values())


def meeting_people(record: ImportedMeeting) -> tuple[list[PersonRow], list[MentionRow]]:
    """What a store writes for a meeting, in the same transaction as the meeting itself."""
    return person_rows(record.meeting), mention_rows(record.meeting)


@dataclass
class Membership:
    """A person's seat in one committee, as far as the archive's meetings show it."""

    person_key: str
    name: str
    municipality: str
    committee: str
    party: str | None
    role: str | None
    first: datetime | None
    last: datetime | None
    present: int = 0
    absent: int = 0
    current: bool = False


def _later(a: datetime | None, b: datetime | None) -> bool:
    return (a or datetime.min) >= (b or datetime.min)


def memberships(rows: list[Attendance], latest: dict[tuple[str, str], datetime | None] | None = None
                ) -> list[Membership]:
    """Attendance rows grouped by (person, committee): party and role from the latest meeting, first and
    last meeting, meetings present/absent.  ``latest`` (the newest meeting with a participant list per
    municipality and committee) marks a membership current when the person was listed at that meeting."""
    out: dict[tuple[str, str, str], Membership] = {}
    for r in rows:
        k = (r.person_key, r.municipality, r.committee)
        m = out.get(k)
        if m is None:
            m = out[k] = Membership(r.person_key, r.name, r.municipality, r.committee, r.party, r.role, r.start,
                                    r.start)
        if _later(r.start, m.last):
            m.last, m.name = r.start, r.name
            m.party, m.role = r.party or m.party, r.role or m.role
        if not _later(r.start, m.first):
            m.first = r.start
        if not held(r.kind):
            continue  # (an agenda's list makes a member, not an attendance)
        if r.present:
            m.present += 1
        else:
            m.absent += 1
    for m in out.values():
        newest = (latest or {}).get((m.municipality, m.committee))
        m.current = latest is not None and newest == m.last
    return sorted(out.values(), key=lambda m: (not m.current, -m.last.timestamp() if m.last else float("inf"),
                                               m.committee.casefold(), m.name.casefold()))
