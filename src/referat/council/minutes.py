"""Minutes (referat): drafted from what was recorded, approved by hash, then append-only.

``build`` turns a meeting (agenda, attendance timeline, decisions, dissents)
into the archive model (``model.ImportedMeeting``), so the store, portal and
renderer take it like any imported document.  The content hash is the
SHA-256 of its canonical JSON (``canonical.dumps``), signatures excluded.

Approval ("Godkendt"): each member who attended signs the hash of the exact
minutes they read.  The first approval freezes the draft (``council_minutes``
keeps the canonical text); from then on the minutes are append-only: the only
change is a dated correction, appended as a section of its item.  Approvals
and corrections form one hash chain per meeting (``council_chain``): each
link hashes its own fields and the previous link, and names the content hash
of the minutes as they stood at that point.  ``verify`` recomputes all of it
and says exactly where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection, RowMapping

from .. import canonical
from ..errors import ConflictError, InvalidInput, MinutesLocked
from ..model import (
    AgendaItem,
    Attachment,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Participant,
    Person,
    Recommendation,
    Section,
)
from ..render.signatures import Signature
from ..vocab.headings import match_heading
from . import schema as s
from .agenda import ItemInfo, MeetingInfo, get_meeting
from .attendance import Attendance
from .attendance import load as load_attendance
from .committees import ROLE_LABELS
from .decisions import dissents, get_decision, minutes_text
from .signing import Recorded, Signer, chain_message
from .templates import get_template

FORMAT = "council"  # the archive document format of what the meeting side publishes
IMPORTER = "referat.council"
GENESIS = "0" * 64
PUBLISHED_COPY = -1  # ``ChainReport.broken_at`` of a published copy that differs from what was published
LOCAL = ZoneInfo("Europe/Copenhagen")
KIND_TITLES = {"referat": "Referat", "dagsorden": "Dagsorden"}


def local(moment: datetime) -> datetime:
    """Danish wall-clock time, naive, as imported documents carry it."""
    return moment.astimezone(LOCAL).replace(tzinfo=None)


def _person(att: Attendance, membership_id: int) -> Person:
    m = att.people[membership_id]
    return Person(m.name, m.party, ROLE_LABELS.get(m.role))


def _participants(att: Attendance, meeting: MeetingInfo, kind: str) -> list[Participant]:
    by_pos = {it.position: it.number for it in meeting.items}
    subs = {e.membership_id: e.for_membership_id for e in att.events if e.kind == "substitute"}
    attended = att.attended()
    out = []
    for m in att.people.values():
        if not m.seat and m.id not in subs:
            continue
        person = _person(att, m.id)
        if m.id in subs and subs[m.id] in att.people:
            person = replace(person, role=f"stedfortræder for {att.people[subs[m.id]].name}")  # type: ignore[index]
        if kind == "dagsorden":
            absent = any(e.kind == "absent" and e.membership_id == m.id for e in att.events)
            out.append(Participant(person, not absent, "Afbud" if absent else None))
            continue
        notes = [f"ankom før punkt {by_pos.get(e.position or 0, '?')}" for e in att.events
                 if e.membership_id == m.id and e.kind == "arrived"]
        notes += [f"forlod mødet efter punkt {by_pos.get(e.position or 0, '?')}" for e in att.events
                  if e.membership_id == m.id and e.kind == "left"]
        notes += [f"inhabil under punkt {by_pos.get(e.position or 0, '?')}" for e in att.events
                  if e.membership_id == m.id and e.kind == "inhabil"]
        present = m.id in attended
        out.append(Participant(person, present, ", ".join(notes) if present and notes else
                               (None if present else "Afbud")))
    return out


def _item(conn: Connection, meeting: MeetingInfo, it: ItemInfo, att: Attendance, kind: str) -> AgendaItem:
    template = get_template(meeting.committee.template)
    typed = {sec.role: sec for sec in it.sections}
    decision = get_decision(conn, it.id) if kind == "referat" else None
    sections: list[Section] = []
    absences: list[Person] = []
    decisions: list[Decision] = []
    if kind == "referat":
        p = att.at(it.number)
        involved = {m.id for m in att.people.values() if m.seat} | {e.membership_id for e in att.events
                                                                      if e.kind == "substitute"}
        absences = [_person(att, mid) for mid in sorted(involved - p.present, key=lambda x: att.people[x].name)]
        if decision is not None:
            text = minutes_text(decision, dissents(conn, it.id))
            decisions = [Decision(text, decision.outcome, meeting.committee.name, local(meeting.start).date())]
    for tsec in template.sections:
        if not tsec.derived:
            sec = typed.pop(tsec.role, None)
            if sec is not None and sec.text:
                sections.append(sec)
        elif tsec.role == "decision" and decisions:
            sections.append(Section("decision", _decision_heading(tsec.heading, decisions[0]), decisions[0].text))
        elif tsec.role == "attachments" and it.attachments:
            sections.append(Section("attachments", tsec.heading, "\n\n".join(a.title for a in it.attachments)))
        elif tsec.role == "absence" and absences:
            sections.append(Section("absence", tsec.heading, "\n\n".join(
                f"{a.name} ({a.party})" if a.party else a.name for a in absences)))
    sections += [sec for sec in typed.values() if sec.text]  # sections of an older template
    deciding_body = it.deciding_body if any(sec.role == "deciding_body" for sec in sections) else None
    if deciding_body is None and it.deciding_body and it.deciding_body != meeting.committee.name:
        deciding_body = it.deciding_body  # another body decides: printed even where the template has no heading
        sections.append(Section("deciding_body", "Beslutningen træffes af", deciding_body))
    if kind == "referat" and absences and template.heading("absence") is None:
        sections.append(Section("absence", "Fraværende", ", ".join(
            f"{a.name} ({a.party})" if a.party else a.name for a in absences)))
    rec = it.section("recommendation")
    return AgendaItem(
        number=it.number, position=it.position, title=it.title, public=it.public, case_ids=list(it.case_ids),
        sections=sections, recommendation=Recommendation(None, rec) if rec else None, decisions=decisions,
        deciding_body=deciding_body, absences=absences,
        attachments=[Attachment(a.title, str(a.position), a.recommended, a.publishable, a.sha256)
                     for a in it.attachments],
        attachment_count=len(it.attachments) or None,
        recommended_attachment_count=sum(a.recommended for a in it.attachments) or None)


def _decision_heading(heading: str, decision: Decision) -> str:
    """The template's decision heading naming who decided and when ("Beslutning i Udvalget for
    Erhverv den 20-03-2023"), as the importers read a decision's body and date back; the
    minutes print every field the model holds, so they read back as the same model."""
    hm = match_heading(heading)
    if (hm and "body" in hm.groups) or not decision.body or decision.date is None:
        return heading
    return f"{heading} i {decision.body} den {decision.date:%d-%m-%Y}"


def build(conn: Connection, meeting_id: int, kind: str = "referat") -> ImportedMeeting:
    """The whole meeting (closed items included) as the archive model; no signatures."""
    meeting = get_meeting(conn, meeting_id)
    att = load_attendance(conn, meeting_id)
    day = local(meeting.start)
    m = Meeting(
        municipality=meeting.committee.municipality, committee=meeting.committee.name, kind=kind,
        start=day, end=local(meeting.end) if meeting.end else None,
        title=f"{KIND_TITLES[kind]} {meeting.committee.name} d. {day:%d-%m-%Y}", place=meeting.place,
        participants=_participants(att, meeting, kind),
        items=[_item(conn, meeting, it, att, kind) for it in meeting.items])
    doc = Document(sha256="", source_name=f"council-{meeting_id}-{kind}", format=FORMAT, importer=IMPORTER,
                   importer_version="1")
    return ImportedMeeting(doc, m)


def content_text(record: ImportedMeeting) -> str:
    return canonical.dumps(record)


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- the chain ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """One approval or correction in the chain (``ok``/``problem`` filled by ``verify``)."""

    seq: int
    kind: str
    user_id: int
    signer: str
    party: str | None
    role: str | None
    at: datetime
    item_number: str | None
    text: str | None
    content_hash: str
    prev_hash: str
    link_hash: str
    signature: str | None = None
    ok: bool = True
    problem: str | None = None


def link_hash(meeting_id: int, seq: int, kind: str, user_id: int, signer: str, party: str | None, role: str | None,
              at: datetime, item_number: str | None, text: str | None, content_hash: str, prev_hash: str) -> str:
    fields = [meeting_id, seq, kind, user_id, signer, party, role, at.isoformat(), item_number, text, content_hash,
              prev_hash]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def _link(row: RowMapping) -> Link:
    return Link(row["seq"], row["kind"], row["user_id"], row["signer"], row["party"], row["role"], row["at"],
                row["item_number"], row["text"], row["content_hash"], row["prev_hash"], row["link_hash"],
                row["signature"])


def links(conn: Connection, meeting_id: int) -> list[Link]:
    c = s.chain.c
    return [_link(r) for r in conn.execute(select(s.chain).where(c.meeting_id == meeting_id).order_by(c.seq))
            .mappings()]


def snapshot(conn: Connection, meeting_id: int) -> tuple[str, str] | None:
    """The frozen minutes (canonical text, hash recorded at freezing), None before the first approval."""
    row = conn.execute(select(s.minutes.c.canonical, s.minutes.c.content_hash)
                       .where(s.minutes.c.meeting_id == meeting_id)).first()
    return (row.canonical, row.content_hash) if row else None


def with_corrections(base_text: str, corrections: list[Link]) -> str:
    """The frozen minutes with the dated corrections appended to their items (canonical text)."""
    if not corrections:
        return base_text
    record = canonical.loads(base_text)
    for c in corrections:
        item = next((i for i in record.meeting.items if i.number == c.item_number), None)
        if item is None:  # verify reports it; keep the text stable
            continue
        when = local(c.at)
        item.sections.append(Section("addition", f"Tilføjelse {when:%d.%m.%Y}",
                                     f"{c.text}\n\n(Tilføjet {when:%d.%m.%Y kl. %H:%M} af {c.signer})"))
    return content_text(record)


def current_text(conn: Connection, meeting_id: int) -> str:
    """The minutes as they stand: the live draft before approval, else frozen text + corrections."""
    snap = snapshot(conn, meeting_id)
    if snap is None:
        return content_text(build(conn, meeting_id))
    return with_corrections(snap[0], [lk for lk in links(conn, meeting_id) if lk.kind == "correction"])


def _append(conn: Connection, key: Signer, meeting_id: int, kind: str, user_id: int, signer: str,
            party: str | None, role: str | None, now: datetime, content_hash: str, item_number: str | None = None,
            text: str | None = None) -> Link:
    chain = links(conn, meeting_id)
    seq = len(chain) + 1
    prev = chain[-1].link_hash if chain else GENESIS
    lh = link_hash(meeting_id, seq, kind, user_id, signer, party, role, now, item_number, text, content_hash, prev)
    conn.execute(s.chain.insert().values(meeting_id=meeting_id, seq=seq, kind=kind, user_id=user_id, signer=signer,
                                         party=party, role=role, at=now, item_number=item_number, text=text,
                                         content_hash=content_hash, prev_hash=prev, link_hash=lh,
                                         signature=key.sign(chain_message(lh))))
    return links(conn, meeting_id)[-1]  # the caller records it outside the database once it is committed


def _lock_meeting(conn: Connection, meeting_id: int) -> None:
    """Serialise chain appends of one meeting (PostgreSQL row lock; SQLite writers are serial already)."""
    conn.execute(select(s.meetings.c.id).where(s.meetings.c.id == meeting_id).with_for_update())


def approve(conn: Connection, key: Signer, meeting_id: int, user_id: int, signer: str, party: str | None,
            role: str | None, seen_hash: str, now: datetime) -> Link:
    """Sign the minutes whose content hash is ``seen_hash``; the first approval freezes them."""
    _lock_meeting(conn, meeting_id)
    text = current_text(conn, meeting_id)
    current = hash_text(text)
    if seen_hash != current:
        raise ConflictError(f"the minutes changed since you read them (you approved {seen_hash[:12]}…, they are now"
                            f" {current[:12]}…); read them again before approving", entity="minutes",
                            entity_id=meeting_id, expected_version=seen_hash, actual_version=current,
                            code="minutes.changed")
    chain = links(conn, meeting_id)
    if any(lk.kind == "approval" and lk.user_id == user_id and lk.content_hash == current for lk in chain):
        raise InvalidInput(f"{signer} has already approved these minutes", code="minutes.already_approved", name=signer)
    if not chain:
        conn.execute(s.minutes.insert().values(meeting_id=meeting_id, canonical=text, content_hash=current,
                                               frozen_at=now))
    return _append(conn, key, meeting_id, "approval", user_id, signer, party, role, now, current)


def add_correction(conn: Connection, key: Signer, meeting_id: int, user_id: int, signer: str, item_number: str,
                   text: str, now: datetime) -> Link:
    """A dated addition to approved minutes; it joins the chain (nothing already signed changes)."""
    _lock_meeting(conn, meeting_id)
    snap = snapshot(conn, meeting_id)
    if snap is None:
        raise MinutesLocked("the minutes are not approved yet: change the draft itself instead of adding a correction",
                            code="minutes.not_approved")
    if not text.strip():
        raise InvalidInput("a correction needs its text", code="correction.text_missing")
    record = canonical.loads(snap[0])
    if item_number not in [i.number for i in record.meeting.items]:
        raise InvalidInput(f"the minutes have no item {item_number}", code="correction.item_unknown", item=item_number)
    chain = links(conn, meeting_id)
    pending = Link(len(chain) + 1, "correction", user_id, signer, None, None, now, item_number, text.strip(), "", "",
                   "")
    content = hash_text(with_corrections(snap[0], [lk for lk in chain if lk.kind == "correction"] + [pending]))
    return _append(conn, key, meeting_id, "correction", user_id, signer, None, None, now, content, item_number,
                   text.strip())


@dataclass
class ChainReport:
    """The result of ``verify``: every link with its status and the first break, if any."""

    meeting_id: int
    approved: bool
    snapshot_hash: str | None
    links: list[Link] = field(default_factory=list)
    problem: str | None = None
    broken_at: int | None = None  # seq of the first bad link; 0 = the frozen minutes themselves
    recorded: int = 0  # entries the record outside the database holds (``signing.Signer.recorded``)
    published: str | None = None  # the published copy's document hash, when verified against the archive

    @property
    def ok(self) -> bool:
        return self.problem is None

    def fail(self, at: int, problem: str) -> None:
        """Note a break (only the first is kept): ``at`` an entry, 0 the frozen minutes, ``PUBLISHED_COPY``."""
        if self.problem is None:
            self.problem, self.broken_at = problem, at

    @property
    def head(self) -> str | None:
        return self.links[-1].link_hash if self.links else None


def verify(conn: Connection, meeting_id: int, key: Signer, *, unsigned_ok: bool = False) -> ChainReport:
    """Recompute the frozen minutes' hash, every link hash and every content hash, check every entry's
    signature and that the database holds every entry the record outside it names; report the first break."""
    snap = snapshot(conn, meeting_id)
    chain = links(conn, meeting_id)
    report = ChainReport(meeting_id, snap is not None, snap[1] if snap else None)
    recorded: dict[int, list[Recorded]] = {}
    for r in key.recorded(meeting_id):
        if r.kind in ("approval", "correction"):
            recorded.setdefault(r.seq, []).append(r)
    report.recorded = len(recorded)

    def fail(at: int, problem: str) -> None:
        if report.problem is None:
            report.problem, report.broken_at = problem, at

    if snap is None:
        if chain:
            fail(0, "approvals exist but the frozen minutes are missing")
        elif recorded:
            fail(0, f"the approved minutes are gone from the database: {len(recorded)} signed entries are recorded"
                    " outside it, but the frozen minutes and the approval chain are missing (un-approved by hand)")
        report.links = chain
        return report
    if hash_text(snap[0]) != snap[1]:
        fail(0, f"the frozen minutes were changed after approval: they hash to {hash_text(snap[0])[:12]}…, the"
                f" approved hash is {snap[1][:12]}…")
    if not chain:
        fail(0, "the minutes are frozen but no approval is recorded")
    prev, corrections = GENESIS, []
    for n, lk in enumerate(chain, start=1):
        problems = []
        if lk.seq != n:
            problems.append(f"sequence number {lk.seq} where {n} belongs (a link was removed or inserted)")
        if lk.prev_hash != prev:
            problems.append("does not link to the previous entry (prev hash differs)")
        if lk.kind == "correction":
            corrections.append(lk)
        elif lk.kind != "approval":
            problems.append(f"unknown kind {lk.kind!r}")
        expected_content = hash_text(with_corrections(snap[0], corrections))
        if lk.content_hash != expected_content:
            problems.append(f"names content {lk.content_hash[:12]}… but the minutes at that point hash to"
                            f" {expected_content[:12]}…")
        recomputed = link_hash(meeting_id, lk.seq, lk.kind, lk.user_id, lk.signer, lk.party, lk.role, lk.at,
                               lk.item_number, lk.text, lk.content_hash, lk.prev_hash)
        if recomputed != lk.link_hash:
            problems.append("its fields were changed after it was written (link hash differs)")
        if n == 1 and lk.kind != "approval":
            problems.append("the chain must start with an approval")
        if not (unsigned_ok and lk.signature is None) and not key.verify(lk.signature, chain_message(lk.link_hash)):
            problems.append("its signature does not hold (the entry was not signed so by this council's key)")
        signed = {r.link_hash for r in recorded.get(n, [])}
        if signed and lk.link_hash not in signed:
            problems.append("it differs from the entry signed and recorded outside the database")
        elif len(signed) > 1:
            problems.append(f"{len(signed)} different entries {n} were signed: an earlier one was removed from the"
                            " database and the number used again")
        if problems:
            lk = replace(lk, ok=False, problem="; ".join(problems))
            fail(lk.seq, f"entry {n} ({lk.kind} by {lk.signer} at {local(lk.at):%Y-%m-%d %H:%M}): {lk.problem}")
        report.links.append(lk)
        prev = lk.link_hash
    for seq in sorted(n for n in recorded if n > len(chain)):
        fail(seq, f"entry {seq} ({recorded[seq][0].kind}, signed and recorded outside the database) is missing from"
                  f" the database, which holds {len(chain)} entries of the {max(recorded)} recorded")
    return report


def sign_unsigned(conn: Connection, key: Signer, meeting_id: int) -> list[Link]:
    """Sign the entries of a chain written before entries were signed, once the rest of it verifies; returns
    them (the caller records them once committed).  For a database upgraded from schema 3: run it once."""
    _lock_meeting(conn, meeting_id)
    report = verify(conn, meeting_id, key, unsigned_ok=True)
    if not report.ok:
        raise InvalidInput(f"the chain is broken, nothing is signed: {report.problem}", code="minutes.chain_broken",
                           problem=report.problem)
    unsigned = [lk for lk in report.links if lk.signature is None]
    for lk in unsigned:
        conn.execute(s.chain.update().where(s.chain.c.meeting_id == meeting_id, s.chain.c.seq == lk.seq)
                     .values(signature=key.sign(chain_message(lk.link_hash))))
    return unsigned


def signatures(conn: Connection, meeting_id: int) -> list[Signature]:
    """The approvals, oldest first, as the renderer's signature page takes them."""
    return [Signature(lk.signer, lk.party, lk.role, lk.at, lk.content_hash)
            for lk in links(conn, meeting_id) if lk.kind == "approval"]
