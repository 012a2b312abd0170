"""The meeting and after: attendance, decisions, dissent, minutes, approval, corrections, publication.

Part of the ``Council`` facade (``service.Council`` inherits it): the same
rules about actors apply, see ``base``.  The rules of law live in
``attendance`` and ``decisions``, the hash chain in ``minutes``, what may
leave the system in ``publish``; this module decides who may do what and
keeps the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import canonical
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..model import ImportedMeeting
from ..render.signatures import Signature
from ..store.base import SaveResult
from . import agenda, attendance, decisions, minutes, publish
from . import schema as s
from .accounts import User
from .attendance import Attendance
from .base import CouncilBase, is_secretary
from .committees import ROLE_LABELS, Membership
from .decisions import DecisionInfo, Dissent, Vote
from .locking import ensure_open, is_locked, versioned_update
from .minutes import ChainReport, Link  # by name: the method ``minutes`` hides the module in the class
from .public import PublicChain
from .signing import Recorded


@dataclass
class MinutesView:
    """The minutes as an insider reads them: the record, the hash to approve, and the chain so far."""

    record: ImportedMeeting
    content_hash: str
    approved: bool
    links: list[Link] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


class Conduct(CouncilBase):
    # -- attendance -------------------------------------------------------------------------------
    def record_attendance(self, actor: User | None, meeting_id: int, member_id: int, kind: str, *,
                          item_id: int | None = None, for_member_id: int | None = None,
                          note: str | None = None) -> Attendance:
        """Add a timeline event (``attendance.KINDS``); ``member_id``/``for_member_id`` are membership ids,
        ``item_id`` the item the event names (arrived before / left after / inhabil for)."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "record attendance")
            ensure_open(conn, meeting_id)
            eid = attendance.record(conn, meeting_id, member_id, kind, item_id=item_id,
                                    for_membership_id=for_member_id, note=note, now=self.now())
            att = attendance.load(conn, meeting_id)
            where = f" (item id {item_id})" if item_id else ""
            self._audit(conn, who, f"attendance.{kind}", "attendance", eid,
                        f"{att.people[member_id].name}: {kind}{where}", meeting_id)
            return att

    def attendance(self, actor: User | None, meeting_id: int) -> Attendance:
        """The timeline with presence and quorum per item (secretariat and the committee's members)."""
        with self._read() as conn:
            _meeting, insider = self._visible(conn, self._fresh(conn, actor), meeting_id)
            if not insider:
                raise PermissionDenied("only the secretariat and the committee see the attendance record",
                                       action="see the attendance record", code="insiders_only")
            return attendance.load(conn, meeting_id)

    # -- decisions --------------------------------------------------------------------------------
    def record_decision(self, actor: User | None, item_id: int, version: int, outcome: str, text: str,
                        votes: list[Vote] | tuple[Vote, ...] = ()) -> DecisionInfo:
        """Record the item's decision; refused without quorum (§ 11, stk. 2) and for votes of people not
        present.  ``version`` is the item version the secretary read (``ConflictError`` if stale)."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "record decisions")
            meeting_id = agenda.meeting_of_item(conn, item_id)
            ensure_open(conn, meeting_id)
            att = attendance.load(conn, meeting_id)
            decision = decisions.record_decision(conn, item_id, outcome, text, list(votes), att, self.now())
            versioned_update(conn, s.items, "item", item_id, version, {})
            self._audit(conn, who, "decision.record", "item", item_id,
                        f"decision {outcome}: {text.strip()[:80]}", meeting_id)
            return decision

    def decision(self, actor: User | None, item_id: int) -> DecisionInfo | None:
        with self._read() as conn:
            meeting_id = agenda.meeting_of_item(conn, item_id)
            _m, insider = self._visible(conn, self._fresh(conn, actor), meeting_id)
            if not insider:
                raise PermissionDenied("decisions are public through the published minutes", action="see decisions",
                                       code="insiders_only")
            return decisions.get_decision(conn, item_id)

    def add_dissent(self, actor: User | None, item_id: int, member_id: int, text: str) -> Dissent:
        """A protokoltilførsel (§ 13, stk. 2) in the member's own words: the secretariat records it for a
        member, or a member records their own; only from a member who took part in the item."""
        with self._write() as conn:
            who = self._fresh(conn, actor)
            meeting_id = agenda.meeting_of_item(conn, item_id)
            att = attendance.load(conn, meeting_id)
            person = att.people.get(member_id)
            own = who is not None and person is not None and person.user_id == who.id
            if who is None or not (own or is_secretary(who)):
                raise PermissionDenied("a dissent is recorded by the secretariat or by the member themselves",
                                       action="record a dissent", code="own_dissent_only")
            ensure_open(conn, meeting_id)
            dissent = decisions.add_dissent(conn, item_id, member_id, text, att, self.now())
            self._audit(conn, who, "dissent.record", "dissent", dissent.id, f"protokoltilførsel by {dissent.label}",
                        meeting_id)
            return dissent

    def dissents(self, actor: User | None, item_id: int) -> list[Dissent]:
        with self._read() as conn:
            _m, insider = self._visible(conn, self._fresh(conn, actor), agenda.meeting_of_item(conn, item_id))
            if not insider:
                raise PermissionDenied("dissents are public through the published minutes", action="see dissents",
                                       code="insiders_only")
            return decisions.dissents(conn, item_id)

    # -- minutes ----------------------------------------------------------------------------------
    def minutes(self, actor: User | None, meeting_id: int) -> MinutesView:
        """The minutes for the secretariat and the committee: the draft, or once approved the frozen text
        with its corrections; ``content_hash`` is what ``approve`` must be given."""
        with self._read() as conn:
            _m, insider = self._visible(conn, self._fresh(conn, actor), meeting_id)
            if not insider:
                raise PermissionDenied("the minutes are public once published", action="read draft minutes",
                                       code="insiders_only")
            text = minutes.current_text(conn, meeting_id)
            return MinutesView(canonical.loads(text), minutes.hash_text(text), is_locked(conn, meeting_id),
                               minutes.links(conn, meeting_id), minutes.signatures(conn, meeting_id))

    def _signer(self, conn: Connection, actor: User | None, meeting_id: int) -> tuple[User, Membership]:
        who = self._fresh(conn, actor)
        meeting = agenda.get_meeting(conn, meeting_id)
        if who is None or who.role != "member":
            raise PermissionDenied("minutes are approved by the committee's members", action="approve minutes",
                                   code="members_only")
        att = attendance.load(conn, meeting_id)
        mine = [m for m in att.people.values() if m.user_id == who.id]
        if not mine:
            raise PermissionDenied(f"{who.name} is not on {meeting.committee.name} and cannot approve its minutes",
                                   action="approve minutes", code="not_on_committee", name=who.name,
                                   committee=meeting.committee.name)
        if mine[0].id not in att.attended():
            raise PermissionDenied(f"{who.name} did not attend the meeting; the minutes are signed by the members who"
                                   " took part (kommunestyrelsesloven § 13, stk. 1)", action="approve minutes",
                                   code="did_not_attend", name=who.name)
        return who, mine[0]

    def approve(self, actor: User | None, meeting_id: int, content_hash: str) -> Link:
        """"Godkendt": the acting member signs the minutes whose hash they read (``MinutesView.content_hash``).
        The first approval freezes the minutes; a changed text since reading raises ``ConflictError``."""
        with self._write() as conn:
            who, member = self._signer(conn, actor, meeting_id)
            link = minutes.approve(conn, self.signer, meeting_id, who.id, who.name, member.party,
                                   ROLE_LABELS.get(member.role),
                                   content_hash, self.now())
            self._audit(conn, who, "minutes.approve", "meeting", meeting_id,
                        f"Godkendt by {member.label}: content {link.content_hash[:12]}…, link {link.link_hash[:12]}…",
                        meeting_id)
        self._record(meeting_id, [link])
        return link

    def _record(self, meeting_id: int, signed: list[Link]) -> None:
        """Entries just committed, into the signed record outside the database (after the commit: a
        transaction that failed leaves no line that ``verify`` would report as a lost entry)."""
        for lk in signed:
            self.signer.record(Recorded(meeting_id, lk.seq, lk.kind, lk.link_hash))

    def add_correction(self, actor: User | None, meeting_id: int, item_number: str, text: str) -> Link:
        """A dated addition to approved minutes (the only change they take); it joins the hash chain."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "add corrections to the minutes")
            link = minutes.add_correction(conn, self.signer, meeting_id, who.id, who.name, item_number, text,
                                          self.now())
            self._audit(conn, who, "minutes.correct", "meeting", meeting_id,
                        f"Tilføjelse to item {item_number}: {text.strip()[:80]}", meeting_id)
        self._record(meeting_id, [link])
        return link

    def verify(self, meeting_id: int) -> ChainReport:
        """Recompute the approval chain of a meeting, its signatures and its entries recorded outside the
        database, and the published copy in the archive (anyone may: it reveals hashes and signers only)."""
        with self._read() as conn:
            try:
                agenda.get_meeting(conn, meeting_id)
            except NotFound:
                signed = self.signer.recorded(meeting_id)
                if not signed:
                    raise
                report = ChainReport(meeting_id, False, None, recorded=len({r.seq for r in signed}))
                report.fail(0, f"meeting {meeting_id} is gone from the database, but {len(signed)} signed lines"
                               " about its approved minutes are recorded outside it")
                return report
            report = minutes.verify(conn, meeting_id, self.signer)
            archive_id = conn.execute(select(s.meetings.c.minutes_archive_id)
                                      .where(s.meetings.c.id == meeting_id)).scalar()
        published = [r for r in self.signer.recorded(meeting_id) if r.kind == "published"]
        if published:
            self._check_published(report, archive_id, published[-1].document_sha256 or "")
        return report

    def _check_published(self, report: ChainReport, archive_id: int | None, signed: str) -> None:
        """The archive's copy of the minutes must be the document last published (its hash signed and recorded
        outside the database), recomputed from what the archive holds now, not from the hash it names."""
        if archive_id is None:
            report.fail(minutes.PUBLISHED_COPY, "the minutes were published (signed and recorded), but the meeting"
                                                " no longer names its copy in the archive")
            return
        try:
            stored = self.store.get(archive_id)
        except NotFound:
            report.fail(minutes.PUBLISHED_COPY, f"the published copy (archive meeting {archive_id}) is missing")
            return
        found = publish.finish(stored).document.sha256
        if found != signed:
            report.fail(minutes.PUBLISHED_COPY, f"the published copy (archive meeting {archive_id}) was changed:"
                                                f" it hashes to {found[:12]}…, the published document was"
                                                f" {signed[:12]}…")
        else:
            report.published = found

    def sign_unsigned(self, meeting_id: int) -> int:
        """Sign the chain entries written before referat signed them (an upgraded database); the command line's
        ``council sign``, for the operator who holds the key file, not a screen."""
        with self._write() as conn:
            agenda.get_meeting(conn, meeting_id)
            signed = minutes.sign_unsigned(conn, self.signer, meeting_id)
            if signed:
                self._audit(conn, None, "minutes.sign", "meeting", meeting_id,
                            f"{len(signed)} chain entries written before signing were signed", meeting_id)
        self._record(meeting_id, signed)
        return len(signed)

    def public_chain(self, archive_id: int) -> PublicChain:
        """The chain of the meeting whose minutes are archive meeting ``archive_id``, for the public
        verification page (``NotFound`` for a meeting the meeting side did not publish)."""
        with self._read() as conn:
            meeting_id = conn.execute(select(s.meetings.c.id).where(s.meetings.c.minutes_archive_id == archive_id)
                                      ).scalar()
        if meeting_id is None:
            raise NotFound(f"archive meeting {archive_id} was not published by the meeting side", code="not_found",
                           what="meeting")
        report = self.verify(int(meeting_id))
        published = [r for r in self.signer.recorded(int(meeting_id)) if r.kind == "published"]
        return PublicChain(archive_id, self.signer.public_key, report, published[-1] if published else None)

    def signatures(self, meeting_id: int) -> list[Signature]:
        """The approvals as the renderer's ``Signature`` objects (name, party, role, time, content hash)."""
        with self._read() as conn:
            return minutes.signatures(conn, meeting_id)

    # -- publication ------------------------------------------------------------------------------
    def publish_agenda(self, actor: User | None, meeting_id: int) -> SaveResult:
        """Put the agenda on the portal (archive kind ``dagsorden``): closed items as neutral title only."""
        with self._read() as conn:
            self._secretary(conn, actor, "publish agendas")
            meeting = agenda.get_meeting(conn, meeting_id)
            record = publish.finish(publish.public_record(minutes.build(conn, meeting_id, "dagsorden"), meeting))
        return self._published(actor, meeting_id, "agenda", record)

    def publish_minutes(self, actor: User | None, meeting_id: int) -> SaveResult:
        """Put the approved minutes on the portal (archive kind ``referat``) with the signatures so far."""
        with self._read() as conn:
            self._secretary(conn, actor, "publish minutes")
            meeting = agenda.get_meeting(conn, meeting_id)
            if not is_locked(conn, meeting_id):
                raise InvalidInput("the minutes are not approved yet; they are published after the first approval",
                                  code="minutes.unapproved_publish")
            report = minutes.verify(conn, meeting_id, self.signer)
            if not report.ok:
                raise InvalidInput(f"the approval chain is broken, the minutes are not published: {report.problem}",
                                  code="minutes.chain_broken", problem=report.problem)
            record = canonical.loads(minutes.current_text(conn, meeting_id))
            record = publish.finish(publish.public_record(record, meeting), minutes.signatures(conn, meeting_id))
            head = report.links[-1]
        result = self._published(actor, meeting_id, "minutes", record)
        # what the archive now shows is signed and recorded outside the database, with the chain head it shows
        self.signer.record(Recorded(meeting_id, head.seq, "published", head.link_hash, record.document.sha256))
        return result

    def _published(self, actor: User | None, meeting_id: int, what: str, record: ImportedMeeting) -> SaveResult:
        # The archive store writes on its own connection: never while we hold a write transaction.
        result = self.store.save(record)
        with self._write() as conn:
            who = self._secretary(conn, actor, f"publish {what}")
            now = self.now()
            conn.execute(s.meetings.update().where(s.meetings.c.id == meeting_id).values(
                **{f"{what}_archive_id": result.meeting_id, f"{what}_published_at": now}))
            self._audit(conn, who, f"{what}.publish", "meeting", meeting_id,
                        f"published {what} as archive meeting {result.meeting_id} ({result.status},"
                        f" document {record.document.sha256[:12]}…)", meeting_id)
        return result

    def published_ids(self, meeting_id: int) -> tuple[int | None, int | None]:
        """Archive meeting ids of the published agenda and minutes (None when not published)."""
        with self._read() as conn:
            row = conn.execute(select(s.meetings.c.agenda_archive_id, s.meetings.c.minutes_archive_id)
                               .where(s.meetings.c.id == meeting_id)).first()
            return (row[0], row[1]) if row else (None, None)
