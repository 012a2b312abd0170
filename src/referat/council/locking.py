"""Optimistic locking and the append-only lock of approved minutes.

Meetings and items carry a ``version``.  Every update names the version the
editor read; ``UPDATE ... WHERE version = :read`` changes nothing when someone
else got there first, and the editor gets a ``ConflictError`` naming who made
the other change and when (from the audit log), instead of silently
overwriting it.  Once the first member has approved the minutes, the
meeting's content is frozen (``ensure_open`` raises ``MinutesLocked``), for good:
the signed record outside the database (``signing``) keeps it frozen even if
the snapshot is deleted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from ..errors import ConflictError, MinutesLocked, NotFound
from . import audit
from . import schema as s

LABELS = {"meeting": "the meeting", "item": "the item", "user": "the account", "membership": "the membership"}


def versioned_update(conn: Connection, table: Table, object_type: str, row_id: int, read_version: int,
                     values: dict[str, Any]) -> int:
    """Apply ``values`` if the row is still at ``read_version``; returns the new version."""
    result = conn.execute(table.update().where(table.c.id == row_id, table.c.version == read_version)
                          .values(**values, version=table.c.version + 1))
    if result.rowcount == 1:
        return read_version + 1
    current = conn.execute(select(table.c.version).where(table.c.id == row_id)).scalar()
    if current is None:
        raise NotFound(f"no {object_type} with id {row_id}", code="not_found", what=object_type)
    last = audit.last_change(conn, object_type, row_id)
    name = _display_name(conn, last.actor_id, last.actor) if last else None
    who = (f" by {name} ({last.actor}) at {last.at.astimezone().strftime('%Y-%m-%d %H:%M:%S')} ({last.summary})"
           if last else "")
    raise ConflictError(f"{LABELS.get(object_type, object_type)} ({object_type} {row_id}) was changed{who} after you"
                        f" opened it (you edited version {read_version}, it is now version {current}); reload it and"
                        " make your change again", entity=object_type, entity_id=row_id,
                        who_name=name, who_username=last.actor if last else None, when=last.at if last else None,
                        change=last.action if last else None, expected_version=read_version,
                        actual_version=int(current))


def _display_name(conn: Connection, user_id: int | None, username: str) -> str:
    """The full name of the account behind an audit entry (the username if it is gone or the system)."""
    if user_id is None:
        return username
    name = conn.execute(select(s.users.c.name).where(s.users.c.id == user_id)).scalar()
    return str(name) if name else ("System" if username == "(system)" else username)


def touch(conn: Connection, table: Table, row_id: int) -> None:
    """Bump a row's version without other changes (a child row changed: readers of the old version must reload)."""
    conn.execute(table.update().where(table.c.id == row_id).values(version=table.c.version + 1))


def is_locked(conn: Connection, meeting_id: int) -> bool:
    return conn.execute(select(s.minutes.c.meeting_id).where(s.minutes.c.meeting_id == meeting_id)).first() is not None


#: ``Connection.info`` key of the council's ``signing.Signer`` (set by ``CouncilBase._write``/``_read``)
SIGNER = "referat.signer"


def ensure_open(conn: Connection, meeting_id: int) -> None:
    """Refuse changes to a meeting whose minutes have been approved (they are append-only): approved in the
    database, or signed as approved in the record outside it (the snapshot was deleted to edit them again)."""
    signer = conn.info.get(SIGNER)
    if is_locked(conn, meeting_id) or (signer is not None and signer.approved(meeting_id)):
        raise MinutesLocked(f"the minutes of meeting {meeting_id} have been approved and are append-only: add a dated"
                            " correction instead of changing them", code="minutes.locked", meeting_id=meeting_id)
