"""Synthetic archives for benchmarks: realistic meetings built from real text.

The generator samples paragraphs, titles and decisions from real imported
minutes (the project's own documents), and spreads them over municipalities,
committees, ten years of dates, KLE case ids and outcomes, deterministically
for a given seed.  Nothing is downloaded; no text is invented.

``national`` lays such meetings out as a national archive: every municipality's
every committee meets regularly in each of ten years, so an archive of any size
(2 million items and more) covers all 98 × 10 × 10 municipality-committee-years
evenly, as a real national archive would.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from .model import (
    AgendaItem,
    CaseId,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Participant,
    Person,
    Section,
)
from .vocab.headings import classify_outcome
from .vocab.municipality import known

COMMITTEES = [
    "Økonomiudvalget", "Teknik- og Miljøudvalget", "Børne- og Skoleudvalget", "Social- og Sundhedsudvalget",
    "Kultur- og Fritidsudvalget", "Beskæftigelsesudvalget", "Plan- og Boligudvalget", "Ældreudvalget",
    "Klima- og Forsyningsudvalget", "Kommunalbestyrelsen",
]
KLE_FACETS = ["A00", "A26", "G01", "K03", "P35", "P19", "S00", "Ø00"]


@dataclass
class Vocabulary:
    """Text pieces harvested from real minutes."""

    titles: list[str] = field(default_factory=list)
    paragraphs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # role -> (heading, text)
    decisions: list[str] = field(default_factory=list)
    kle: list[str] = field(default_factory=list)
    people: list[tuple[str, str | None]] = field(default_factory=list)  # (name, party) of real participants

    @classmethod
    def from_records(cls, records: list[ImportedMeeting]) -> Vocabulary:
        vocab = cls()
        for record in records:
            for item in record.meeting.items:
                vocab.titles.append(item.title)
                for s in item.sections:
                    if s.text and s.role not in ("absence", "decision"):
                        vocab.paragraphs.setdefault(s.role, []).append((s.heading, s.text))
                vocab.decisions.extend(d.text for d in item.decisions)
                vocab.kle.extend(c.value[:8] for c in item.case_ids if c.scheme == "kle")
            vocab.people.extend((p.person.name, p.person.party) for p in record.meeting.participants)
        if not vocab.titles or not vocab.paragraphs:
            raise ValueError("no text to build a synthetic archive from")
        vocab.decisions = vocab.decisions or ["Taget til efterretning."]
        vocab.kle = sorted(set(vocab.kle)) or ["00.01.00"]
        vocab.people = sorted(set(vocab.people), key=lambda p: (p[0], p[1] or ""))
        return vocab


def _title(rng: random.Random, vocab: Vocabulary) -> str:
    a, b = rng.choice(vocab.titles), rng.choice(vocab.titles)
    words_a, words_b = a.split(), b.split()
    cut_a = rng.randint(1, max(1, len(words_a)))
    cut_b = rng.randint(0, len(words_b) - 1) if len(words_b) > 1 else 0
    return " ".join(words_a[:cut_a] + words_b[cut_b:])


def _item(rng: random.Random, vocab: Vocabulary, position: int, year: int) -> AgendaItem:
    roles = list(vocab.paragraphs)
    sections = []
    for role in rng.sample(roles, k=min(len(roles), rng.randint(2, 4))):
        heading, text = rng.choice(vocab.paragraphs[role])
        paras = text.split("\n\n")
        start = rng.randrange(len(paras))
        sections.append(Section(role, heading, "\n\n".join(paras[start:start + rng.randint(1, 3)])))
    decision = rng.choice(vocab.decisions)
    sections.append(Section("decision", "Beslutning", decision))
    case = f"{rng.choice(vocab.kle)}-{rng.choice(KLE_FACETS)}-{rng.randint(1, 60)}-{year % 100:02d}"
    return AgendaItem(number=str(position), position=position, title=_title(rng, vocab),
                      public=rng.random() > 0.03, case_ids=[CaseId(case, "kle")], sections=sections,
                      decisions=[Decision(decision, classify_outcome(decision))])


MEMBERS = 7


def members(vocab: Vocabulary, seed: int, municipality: str, committee: str) -> list[Participant]:
    """A committee's members: the same real names at every meeting of that committee (own random stream,
    so the items generated do not depend on it)."""
    rng = random.Random(f"{seed}|{municipality}|{committee}")
    chosen = rng.sample(vocab.people, k=min(MEMBERS, len(vocab.people)))
    return [Participant(Person(name, party)) for name, party in chosen]


def meetings(vocab: Vocabulary, n_items: int, *, seed: int = 1, municipalities: int = 98, years: int = 10,
             items_per_meeting: int = 10) -> Iterator[ImportedMeeting]:
    """Yield meetings until ``n_items`` agenda items have been produced."""
    rng = random.Random(seed)
    names = list(known())[:municipalities]
    start = datetime(2026 - years, 1, 1, 16, 0)
    made = serial = 0
    while made < n_items:
        serial += 1
        when = start + timedelta(days=rng.randrange(365 * years), hours=rng.choice([0, 1, 2]))
        count = min(n_items - made, rng.randint(max(1, items_per_meeting // 2), items_per_meeting * 3 // 2))
        meeting = Meeting(municipality=rng.choice(names), committee=rng.choice(COMMITTEES), kind="referat",
                          start=when, place="Rådhuset",
                          items=[_item(rng, vocab, i, when.year) for i in range(1, count + 1)])
        digest = hashlib.sha256(f"synthetic-{seed}-{serial}".encode()).hexdigest()
        document = Document(sha256=digest, source_name=f"synthetic-{serial}.json", format="synthetic",
                            importer="synth", importer_version="1", size=0)
        made += count
        yield ImportedMeeting(document=document, meeting=meeting)


def national(vocab: Vocabulary, n_items: int, *, seed: int = 1, municipalities: int = 98,
             committees: list[str] | None = None, years: int = 10,
             items_per_meeting: int = 10) -> Iterator[ImportedMeeting]:
    """A national archive of ``n_items`` items: every municipality × committee × year gets the same number
    of meetings (spread over the year, in date order), each with about ``items_per_meeting`` items."""
    rng = random.Random(seed)
    names = list(known())[:municipalities]
    bodies = committees or COMMITTEES
    cells = len(names) * len(bodies) * years
    per_cell = max(1, round(n_items / (cells * items_per_meeting)))
    spacing = 365 // per_cell
    first_year = 2026 - years
    made = serial = 0
    for year in range(first_year, first_year + years):
        for k in range(per_cell):
            for name in names:
                for committee in bodies:
                    if made >= n_items:
                        return
                    serial += 1
                    days = k * spacing + rng.randrange(max(1, spacing - 1))
                    when = datetime(year, 1, 2, 16, 0) + timedelta(days=days, hours=rng.choice([0, 1, 2]))
                    count = min(n_items - made, rng.randint(max(1, items_per_meeting // 2),
                                                            items_per_meeting * 3 // 2))
                    meeting = Meeting(municipality=name, committee=committee, kind="referat", start=when,
                                      place="Rådhuset", items=[_item(rng, vocab, i, year) for i in range(1, count + 1)],
                                      participants=members(vocab, seed, name, committee))
                    digest = hashlib.sha256(f"national-{seed}-{serial}".encode()).hexdigest()
                    document = Document(sha256=digest, source_name=f"national-{serial}.json", format="synthetic",
                                        importer="synth", importer_version="1", size=0)
                    made += count
                    yield ImportedMeeting(document=document, meeting=meeting)
    # fewer cells than items asked for (rounding): top up with more meetings in the last year
    if made < n_items:
        yield from meetings(vocab, n_items - made, seed=seed + 1, municipalities=municipalities, years=1)


def vocabulary_from(paths: list[Path]) -> Vocabulary:
    """The vocabulary of the real documents at ``paths`` (files that do not import are skipped), the same for
    the same files in any order, so a synthetic archive depends only on its documents and seed."""
    from .errors import ReferatError
    from .parse.importer import parse_file

    records = []
    for p in sorted(paths):
        try:
            records.append(parse_file(p))
        except ReferatError:
            continue
    return Vocabulary.from_records(records)
