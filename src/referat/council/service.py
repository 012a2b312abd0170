"""``Council``: the one entry point of the meeting side for the web layer and the CLI.

Every operation takes the acting user (``actor``, a ``User`` from a session,
``None`` for an anonymous visitor, ``SYSTEM`` for the command line) and
checks what that user may do before touching anything:

* secretaries author: committees, meetings, items, attachments, attendance,
  decisions, corrections, publication;
* members (any role on the committee, on the meeting's date) see their own
  committees' closed items and approve their minutes, if they attended; a
  substitute sees a meeting's closed items only when called in for it;
* everybody else sees published meetings with public content only: a closed
  item as its number and neutral title, no attachment that is closed or not
  for publication.

Each operation is one transaction that also writes its audit entry, so a
change and its record stand or fall together.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import InvalidInput, LoginThrottled, NotFound, PermissionDenied
from . import accounts, agenda, audit, committees, throttle
from . import schema as s
from .accounts import User
from .agenda import AttachmentInfo, ItemInfo, MeetingInfo
from .base import SYSTEM, Session, _changed, is_secretary, public_view
from .committees import Committee, Membership
from .conduct import Conduct
from .locking import ensure_open, is_locked, versioned_update

__all__ = ["SYSTEM", "Council", "Session", "public_view"]


class Council(Conduct):
    """The meeting side over one database (the archive's: same SQLite file or PostgreSQL URL)."""

    # -- accounts ----------------------------------------------------------------------------------
    def create_user(self, actor: User | None, username: str, name: str, role: str,
                    password: str | None = None) -> User:
        with self._write() as conn:
            who = self._secretary(conn, actor, "create accounts")
            user = accounts.create_user(conn, self.hasher, username, name, role, password, self.now())
            self._audit(conn, who, "user.create", "user", user.id, f"created {role} {username!r} ({name})")
            return user

    def set_password(self, actor: User | None, user_id: int, password: str) -> None:
        with self._write() as conn:
            who = self._fresh(conn, actor)
            if who is None or (who.id != user_id and not is_secretary(who)):
                raise PermissionDenied("only the secretariat may set another user's password",
                                       action="set another user's password", code="secretariat_only")
            accounts.get_user(conn, user_id)
            accounts.set_password(conn, self.hasher, user_id, password)
            self._audit(conn, who, "user.password", "user", user_id, "password changed")

    def deactivate_user(self, actor: User | None, user_id: int, version: int) -> User:
        """Close an account (secretariat only): it can no longer log in, its sessions end at once, and every
        operation by it is refused.  ``version`` is the one the secretary read (``ConflictError`` if stale).
        Nothing it did is removed: its approvals, dissents and log entries stay."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "deactivate accounts")
            user = accounts.get_user(conn, user_id)
            if user.id == who.id:
                raise InvalidInput("you cannot deactivate your own account", code="user.deactivate_self")
            if not user.active:
                raise InvalidInput(f"the account {user.username!r} is already deactivated",
                                   code="user.already_deactivated", username=user.username)
            versioned_update(conn, s.users, "user", user_id, version, {"active": False})
            accounts.end_sessions_of(conn, user_id)
            self._audit(conn, who, "user.deactivate", "user", user_id, f"deactivated {user.username!r} ({user.name})")
            return accounts.get_user(conn, user_id)

    def users(self, actor: User | None) -> list[User]:
        with self._read() as conn:
            self._secretary(conn, actor, "list accounts")
            return accounts.list_users(conn)

    def user(self, username: str) -> User:
        with self._read() as conn:
            return accounts.find_user(conn, username)

    def login(self, username: str, password: str, address: str | None = None) -> Session:
        """Check the password and open a session; ``PermissionDenied`` (one message for all failures) if wrong,
        ``LoginThrottled`` while the account or the client ``address`` has failed too often (``throttle``:
        refused before the password is hashed; each lock imposed is written to the audit log)."""
        attempt = throttle.keys(username, address)
        now = self.now()
        with self._write() as conn:
            lock = throttle.locked(conn, attempt, now)
            if lock is None:
                user = accounts.check_password(conn, self.hasher, username, password)
                if user is not None:
                    throttle.succeeded(conn, username)
                    token = accounts.create_session(conn, user, now, self.session_lifetime)
                    self._audit(conn, user, "session.login", "user", user.id, "logged in")
                    return Session(user, token, accounts.csrf_token(token), now + self.session_lifetime)
                imposed = throttle.failed(conn, attempt, now)
                for new in imposed:
                    self._audit(conn, None, "session.throttled", "login", None,
                                self._throttle_summary(conn, new, username, address, now))
                lock = max(imposed, key=lambda x: x.until, default=None)
        if lock is not None:
            raise LoginThrottled(f"too many failed logins: try again in {lock.seconds(now)} s",
                                 retry_after=lock.seconds(now), kind=lock.kind)
        raise PermissionDenied("wrong username or password", action="log in", code="login_failed")

    @staticmethod
    def _throttle_summary(conn: Connection, lock: throttle.Lock, username: str, address: str | None,
                          now: datetime) -> str:
        """The audit line of a lock; a username is named only if it is an account's (not a typed password)."""
        known = conn.execute(select(s.users.c.id).where(s.users.c.username == username)).first() is not None
        who = (f"account {username!r}" if known else "an unknown username") if lock.kind == "account" \
            else f"client address {address}"
        return f"logins of {who} locked for {lock.seconds(now)} s after {lock.failures} failed attempts"

    def session_user(self, token: str | None) -> User | None:
        """The user of a live session token, None if unknown or expired."""
        if not token:
            return None
        with self._write() as conn:
            return accounts.session_user(conn, token, self.now())

    def logout(self, token: str) -> None:
        with self._write() as conn:
            accounts.end_session(conn, token)

    csrf_token = staticmethod(accounts.csrf_token)
    check_csrf = staticmethod(accounts.check_csrf)

    # -- committees --------------------------------------------------------------------------------
    def create_committee(self, actor: User | None, municipality: str, name: str,
                         template: str | None = None) -> Committee:
        with self._write() as conn:
            who = self._secretary(conn, actor, "create committees")
            c = committees.create_committee(conn, municipality, name, template, self.now())
            self._audit(conn, who, "committee.create", "committee", c.id,
                        f"created {c.name} ({c.municipality}, template {c.template})")
            return c

    def add_member(self, actor: User | None, committee_id: int, user_id: int, role: str = "member",
                   party: str | None = None, term_from: date | None = None, term_to: date | None = None) -> Membership:
        with self._write() as conn:
            who = self._secretary(conn, actor, "change committee memberships")
            user = accounts.get_user(conn, user_id)
            if user.role != "member":
                raise InvalidInput(f"{user.username!r} is a {user.role} account; committee seats are for member"
                                   " accounts", code="membership.not_member_account", username=user.username)
            mid = committees.add_membership(conn, committee_id, user_id, role, party,
                                            term_from or self.now().date(), term_to)
            self._audit(conn, who, "membership.create", "membership", mid,
                        f"{user.name} joined committee {committee_id} as {role} ({party or 'no party'})")
            return next(m for m in committees.memberships(conn, committee_id) if m.id == mid)

    def end_term(self, actor: User | None, membership_id: int, version: int, end: date) -> Membership:
        """End a membership on ``end`` (its last day; secretariat only).  From the next day the member no longer
        sees the committee's closed items; meetings up to ``end`` stay theirs.  ``version`` is the one the
        secretary read (``ConflictError`` if stale)."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "end membership terms")
            m = committees.end_term(conn, membership_id, version, end)
            self._audit(conn, who, "membership.end", "membership", membership_id,
                        f"{m.name}'s term on committee {m.committee_id} ends {end.isoformat()}")
            return m

    def committees(self, actor: User | None = None) -> list[Committee]:
        with self._read() as conn:
            return committees.list_committees(conn)

    def members(self, actor: User | None, committee_id: int, on: date | None = None) -> list[Membership]:
        with self._read() as conn:
            committees.get_committee(conn, committee_id)
            return committees.memberships(conn, committee_id, on)

    def meeting(self, actor: User | None, meeting_id: int) -> MeetingInfo:
        """A meeting with what ``actor`` may see: everything, or public content only (closed items as
        number + neutral title, attachments only when public and for publication)."""
        with self._read() as conn:
            meeting, insider = self._visible(conn, self._fresh(conn, actor), meeting_id)
            return meeting if insider else public_view(meeting)

    def meetings(self, actor: User | None) -> list[MeetingInfo]:
        """Meetings ``actor`` may see, newest first (the same redaction as ``meeting``)."""
        with self._read() as conn:
            actor = self._fresh(conn, actor)
            out = []
            for mid in agenda.meeting_ids(conn):
                try:
                    meeting, insider = self._visible(conn, actor, mid)
                except NotFound:
                    continue
                out.append(meeting if insider else public_view(meeting))
            return out

    def my_meetings(self, actor: User | None) -> list[MeetingInfo]:
        """The meetings of ``actor``'s own committees, newest first, closed items included: those whose date
        a term of theirs on the committee covers (a seat), or, for a substitute, those they were called in
        for.  Empty for anybody but a member account."""
        with self._read() as conn:
            who = self._fresh(conn, actor)
            if who is None or who.role != "member":
                return []
            mine = committees.committees_of(conn, who.id)
            out = []
            for mid in agenda.meeting_ids(conn, mine) if mine else []:
                meeting = agenda.get_meeting(conn, mid)
                if self._on_committee(conn, who, meeting):
                    out.append(meeting)
            return out

    def can_see_closed(self, actor: User | None, meeting_id: int) -> bool:
        """May ``actor`` see the meeting's closed items, attendance and draft minutes: the secretariat, or a
        member of its committee on its date (a substitute only when called in).  ``NotFound`` for a meeting
        that does not exist."""
        with self._read() as conn:
            meeting = agenda.get_meeting(conn, meeting_id)
            return self._insider(conn, self._fresh(conn, actor), meeting)

    def minutes_locked(self, meeting_id: int) -> bool:
        """Have the meeting's minutes been approved (append-only from then on)?  Also ``MeetingInfo.minutes_locked``."""
        with self._read() as conn:
            agenda.get_meeting(conn, meeting_id)
            return is_locked(conn, meeting_id)

    def item(self, actor: User | None, item_id: int) -> ItemInfo:
        with self._read() as conn:
            meeting, insider = self._visible(conn, self._fresh(conn, actor), agenda.meeting_of_item(conn, item_id))
            view = meeting if insider else public_view(meeting)
            return next(i for i in view.items if i.id == item_id)

    def attachment(self, actor: User | None, attachment_id: int) -> tuple[AttachmentInfo, bytes]:
        """An attachment's bytes, if ``actor`` may see it."""
        with self._read() as conn:
            info, data = agenda.attachment(conn, attachment_id)
            meeting, insider = self._visible(conn, self._fresh(conn, actor), agenda.meeting_of_item(conn, info.item_id))
            if not insider:
                item = next(i for i in meeting.items if i.id == info.item_id)
                if not (item.public and info.publishable):
                    raise NotFound(f"no attachment with id {attachment_id}", code="not_found", what="attachment")
            return info, data

    def audit_log(self, actor: User | None, meeting_id: int | None = None) -> list[audit.AuditEntry]:
        with self._read() as conn:
            self._secretary(conn, actor, "read the audit log")
            return audit.entries(conn, meeting_id=meeting_id)

    # -- authoring ---------------------------------------------------------------------------------
    def create_meeting(self, actor: User | None, committee_id: int, start: datetime, *, title: str | None = None,
                       place: str | None = None, end: datetime | None = None) -> MeetingInfo:
        with self._write() as conn:
            who = self._secretary(conn, actor, "create meetings")
            mid = agenda.create_meeting(conn, committee_id, start, title=title, place=place, end=end, now=self.now())
            self._audit(conn, who, "meeting.create", "meeting", mid, f"meeting {start:%Y-%m-%d %H:%M}", mid)
            return agenda.get_meeting(conn, mid)

    def update_meeting(self, actor: User | None, meeting_id: int, version: int, **changes: Any) -> MeetingInfo:
        """Change title/place/start/end; ``version`` is the one the editor read (``ConflictError`` if stale)."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "edit meetings")
            ensure_open(conn, meeting_id)
            agenda.update_meeting(conn, meeting_id, version, changes)
            self._audit(conn, who, "meeting.update", "meeting", meeting_id, _changed(changes), meeting_id)
            return agenda.get_meeting(conn, meeting_id)

    def add_item(self, actor: User | None, meeting_id: int, title: str, **fields: Any) -> ItemInfo:
        """A new item from the committee's section template (``fields``: number, public, closed_title,
        case_ids, sections={role: text}, deciding_body)."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "author agendas")
            ensure_open(conn, meeting_id)
            item_id = agenda.add_item(conn, meeting_id, title, **fields)
            item = agenda.get_item(conn, item_id)
            self._audit(conn, who, "item.create", "item", item_id,
                        f"item {item.number} ({'open' if item.public else 'closed'})", meeting_id)
            return item

    def update_item(self, actor: User | None, item_id: int, version: int, **changes: Any) -> ItemInfo:
        """Change an item (title, number, public, closed_title, case_ids, sections={role: text}, deciding_body);
        ``version`` is the one the editor read: a stale one raises ``ConflictError`` naming who changed it."""
        with self._write() as conn:
            who = self._secretary(conn, actor, "author agendas")
            meeting_id = agenda.meeting_of_item(conn, item_id)
            ensure_open(conn, meeting_id)
            agenda.update_item(conn, item_id, version, changes)
            self._audit(conn, who, "item.update", "item", item_id, _changed(changes), meeting_id)
            return agenda.get_item(conn, item_id)

    def add_attachment(self, actor: User | None, item_id: int, title: str, filename: str, data: bytes, *,
                       media_type: str = "application/pdf", recommended: bool = False, public: bool = True,
                       not_for_publication: bool = False) -> AttachmentInfo:
        with self._write() as conn:
            who = self._secretary(conn, actor, "add attachments")
            meeting_id = agenda.meeting_of_item(conn, item_id)
            ensure_open(conn, meeting_id)
            info = agenda.add_attachment(conn, item_id, title, filename, data, media_type=media_type,
                                         recommended=recommended, public=public,
                                         not_for_publication=not_for_publication, now=self.now())
            flags = ", ".join(f for f, on in (("recommended", recommended), ("closed", not public),
                                              ("not for publication", not_for_publication)) if on)
            self._audit(conn, who, "attachment.create", "attachment", info.id,
                        f"{title!r} sha256 {info.sha256[:12]}{' (' + flags + ')' if flags else ''}", meeting_id)
            return info


