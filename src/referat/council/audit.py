"""The audit log: every change of the meeting side, who made it and when.

Written in the same transaction as the change it describes, so there is no
change without its entry and no entry without its change.  The log is
append-only: this module has no update or delete.  The optimistic-locking
conflict message reads the last entry of the row to say who changed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from . import schema as s
from .accounts import User


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: int | None
    meeting_id: int | None
    summary: str


def record(conn: Connection, actor: User | None, now: datetime, action: str, object_type: str,
           object_id: int | None, summary: str, meeting_id: int | None = None) -> None:
    conn.execute(s.audit.insert().values(
        at=now, actor_id=actor.id if actor else None, actor=actor.username if actor else "(system)",
        action=action, object_type=object_type, object_id=object_id, meeting_id=meeting_id, summary=summary))


def entries(conn: Connection, *, meeting_id: int | None = None, object_type: str | None = None,
            object_id: int | None = None, limit: int = 1000) -> list[AuditEntry]:
    """Entries oldest first, optionally of one meeting or one object."""
    q = select(s.audit).order_by(s.audit.c.id)
    if meeting_id is not None:
        q = q.where(s.audit.c.meeting_id == meeting_id)
    if object_type is not None:
        q = q.where(s.audit.c.object_type == object_type)
    if object_id is not None:
        q = q.where(s.audit.c.object_id == object_id)
    return [AuditEntry(**dict(r)) for r in conn.execute(q.limit(limit)).mappings()]


def last_change(conn: Connection, object_type: str, object_id: int) -> AuditEntry | None:
    row = conn.execute(select(s.audit).where(s.audit.c.object_type == object_type, s.audit.c.object_id == object_id)
                       .order_by(s.audit.c.id.desc()).limit(1)).mappings().first()
    return AuditEntry(**dict(row)) if row else None
