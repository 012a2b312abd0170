"""The plumbing every part of the ``Council`` facade shares: transactions, the clock, who the actor
is now, audit entries, and who may see what of a meeting.

Every operation of the facade takes the acting user (``actor``, a ``User``
from a session, ``None`` for an anonymous visitor, ``SYSTEM`` for the command
line), re-reads it from the database (a deactivated or demoted account loses
its rights at once) and runs in one transaction that also writes its audit
entry, so a change and its record stand or fall together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from ..errors import NotFound, PermissionDenied
from ..settings import Settings
from ..store.base import Store
from . import accounts, agenda, audit, committees
from . import schema as s
from .accounts import User
from .agenda import ItemInfo, MeetingInfo
from .db import engine_for, read_only
from .locking import SIGNER
from .signing import Signer

#: the actor of the command line (bootstrap and administration): secretary rights, audited as "(system)"
SYSTEM = User(0, "(system)", "System", "system")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Session:
    """A login: the user, the token for the cookie, the CSRF token for forms, and when it expires."""

    user: User
    token: str
    csrf: str
    expires_at: datetime


def is_secretary(actor: User | None) -> bool:
    return actor is not None and actor.active and actor.role in ("secretary", "system")


class CouncilBase:
    """Plumbing of the facade (see ``service.Council`` for the operations)."""

    def __init__(self, target: str, *, store: Store | None = None, clock: Callable[[], datetime] = utcnow,
                 hasher: PasswordHasher | None = None, session_lifetime: timedelta = accounts.SESSION_LIFETIME,
                 engine: Engine | None = None, settings: Settings | None = None) -> None:
        self.target = target
        self.settings = settings  # for the store opened on first use (default: from the environment)
        self.engine = engine or engine_for(target)
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self.session_lifetime = session_lifetime
        self._store = store
        self._own_store = False
        self.migration = s.migrate(self.engine)
        #: the key signing approved minutes and its record, outside the database (``signing``)
        self.signer = Signer((settings or Settings.from_env()).data_folder(), target)

    # -- plumbing --------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock()

    @property
    def store(self) -> Store:
        """The archive store on the same database (opened on first use)."""
        if self._store is None:
            from ..store import open_store

            self._store = open_store(self.target, self.settings)
            self._own_store = True
        return self._store

    def close(self) -> None:
        if self._own_store and self._store is not None:
            self._store.close()
            self._store = None
        self.engine.dispose()

    def __enter__(self) -> CouncilBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            conn.info[SIGNER] = self.signer  # ``locking.ensure_open`` asks it whether a meeting was approved
            yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with read_only(self.engine) as conn:
            conn.info[SIGNER] = self.signer
            yield conn

    def _fresh(self, conn: Connection, actor: User | None) -> User | None:
        """The actor as the database knows it now (a deactivated or demoted user loses rights at once)."""
        if actor is None or actor == SYSTEM:
            return actor
        try:
            user = accounts.get_user(conn, actor.id)
        except NotFound:
            raise PermissionDenied("unknown user", code="unknown_user") from None
        if not user.active:
            raise PermissionDenied(f"the account {user.username!r} is deactivated", code="deactivated",
                                   username=user.username)
        return user

    def _secretary(self, conn: Connection, actor: User | None, what: str) -> User:
        user = self._fresh(conn, actor)
        if user is None or not is_secretary(user):
            raise PermissionDenied(f"only the secretariat may {what}", action=what, code="secretariat_only")
        return user

    def _audit(self, conn: Connection, actor: User | None, action: str, object_type: str, object_id: int | None,
               summary: str, meeting_id: int | None = None) -> None:
        audit.record(conn, actor, self.now(), action, object_type, object_id, summary, meeting_id)

    # -- who sees what -----------------------------------------------------------------------------
    def _insider(self, conn: Connection, actor: User | None, meeting: MeetingInfo) -> bool:
        """May ``actor`` see the meeting's closed content: secretariat, or on the committee that day."""
        if actor is None:
            return False
        if is_secretary(actor):
            return True
        return self._on_committee(conn, actor, meeting)

    def _on_committee(self, conn: Connection, actor: User, meeting: MeetingInfo) -> bool:
        """Is ``actor`` a member of the meeting's committee on its date (a term covering the day), with a
        seat, or as a substitute called in for this meeting?"""
        if actor.role != "member":
            return False
        from .attendance import called_in

        for m in committees.memberships(conn, meeting.committee.id, meeting.start.date()):
            if m.user_id == actor.id and (m.seat or m.id in called_in(conn, meeting.id)):
                return True
        return False

    def _visible(self, conn: Connection, actor: User | None, meeting_id: int) -> tuple[MeetingInfo, bool]:
        meeting = agenda.get_meeting(conn, meeting_id)
        insider = self._insider(conn, actor, meeting)
        if not insider and meeting.agenda_published_at is None and meeting.minutes_published_at is None:
            # unpublished meetings do not exist for outsiders
            raise NotFound(f"no meeting with id {meeting_id}", code="not_found", what="meeting")
        return meeting, insider



def _changed(changes: dict[str, Any]) -> str:
    return "changed " + ", ".join(sorted(changes)) if changes else "no change"


def public_view(meeting: MeetingInfo) -> MeetingInfo:
    """What the public may see of a meeting: closed items as number + neutral title only (no real title,
    no case ids, sections or attachments); of open items only attachments that are public and for publication."""
    items = []
    for it in meeting.items:
        if not it.public:
            items.append(ItemInfo(it.id, it.meeting_id, it.position, it.number, it.closed_title, it.closed_title,
                                  False, [], [], None, it.version, []))
        else:
            items.append(replace(it, attachments=[a for a in it.attachments if a.publishable]))
    return replace(meeting, items=items)
