"""The meeting side's tables (SQLAlchemy 2 Core) and their versioned creation.

The council tables live in the same database as the archive (SQLite file or
PostgreSQL schema), all prefixed ``council_``, so one backup holds both.  The
schema version is recorded in ``council_meta`` (key ``schema_version``) and
``migrate`` applies the numbered steps not yet applied, in one transaction,
like the archive's own runner (``store.migrations``).  Step 1 creates the
version-1 tables; later changes are new steps with explicit DDL, never edits
of an applied step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection

from ..errors import StoreError
from ..store.migrations import MigrationReport


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC on every backend and read back timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("council timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

meta = Table("council_meta", metadata,
             Column("key", String(100), primary_key=True),
             Column("value", Text, nullable=False))

users = Table("council_users", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("username", String(100), nullable=False, unique=True),
              Column("name", Text, nullable=False),
              Column("role", String(20), nullable=False),
              Column("password_hash", Text),
              Column("active", Boolean, nullable=False),
              Column("created_at", UTCDateTime, nullable=False),
              Column("version", Integer, nullable=False, server_default=text("1")))

sessions = Table("council_sessions", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("token_hash", String(64), nullable=False, unique=True),
                 Column("user_id", Integer, ForeignKey("council_users.id", ondelete="CASCADE"), nullable=False),
                 Column("created_at", UTCDateTime, nullable=False),
                 Column("expires_at", UTCDateTime, nullable=False))

committees = Table("council_committees", metadata,
                   Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("municipality", Text, nullable=False),
                   Column("name", Text, nullable=False),
                   Column("template", String(100), nullable=False),
                   Column("created_at", UTCDateTime, nullable=False),
                   UniqueConstraint("municipality", "name"))

memberships = Table("council_memberships", metadata,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("committee_id", Integer, ForeignKey("council_committees.id"), nullable=False),
                    Column("user_id", Integer, ForeignKey("council_users.id"), nullable=False),
                    Column("role", String(20), nullable=False),
                    Column("party", String(10)),
                    Column("term_from", Date, nullable=False),
                    Column("term_to", Date),
                    Column("version", Integer, nullable=False, server_default=text("1")))

meetings = Table("council_meetings", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("committee_id", Integer, ForeignKey("council_committees.id"), nullable=False),
                 Column("title", Text),
                 Column("place", Text),
                 Column("start", UTCDateTime, nullable=False),
                 Column("end", UTCDateTime),
                 Column("version", Integer, nullable=False),
                 Column("agenda_archive_id", Integer),
                 Column("agenda_published_at", UTCDateTime),
                 Column("minutes_archive_id", Integer),
                 Column("minutes_published_at", UTCDateTime),
                 Column("created_at", UTCDateTime, nullable=False))

items = Table("council_items", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("meeting_id", Integer, ForeignKey("council_meetings.id"), nullable=False),
              Column("position", Integer, nullable=False),
              Column("number", String(20), nullable=False),
              Column("title", Text, nullable=False),
              Column("closed_title", Text, nullable=False),
              Column("public", Boolean, nullable=False),
              Column("case_ids", Text, nullable=False),   # JSON [{"value", "scheme"}]
              Column("sections", Text, nullable=False),   # JSON [{"role", "heading", "text"}]
              Column("deciding_body", Text),
              Column("version", Integer, nullable=False),
              UniqueConstraint("meeting_id", "number"))

blobs = Table("council_blobs", metadata,
              Column("sha256", String(64), primary_key=True),
              Column("size", Integer, nullable=False),
              Column("data", LargeBinary, nullable=False),
              Column("created_at", UTCDateTime, nullable=False))

attachments = Table("council_attachments", metadata,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False),
                    Column("position", Integer, nullable=False),
                    Column("title", Text, nullable=False),
                    Column("filename", Text, nullable=False),
                    Column("media_type", String(200), nullable=False),
                    Column("sha256", String(64), ForeignKey("council_blobs.sha256"), nullable=False),
                    Column("recommended", Boolean, nullable=False),
                    Column("not_for_publication", Boolean, nullable=False),
                    Column("public", Boolean, nullable=False),
                    Column("created_at", UTCDateTime, nullable=False))

attendance = Table("council_attendance", metadata,
                   Column("id", Integer, primary_key=True, autoincrement=True),
                   Column("meeting_id", Integer, ForeignKey("council_meetings.id"), nullable=False),
                   Column("membership_id", Integer, ForeignKey("council_memberships.id"), nullable=False),
                   Column("kind", String(20), nullable=False),
                   Column("item_id", Integer, ForeignKey("council_items.id")),
                   Column("for_membership_id", Integer, ForeignKey("council_memberships.id")),
                   Column("note", Text),
                   Column("recorded_at", UTCDateTime, nullable=False))

decisions = Table("council_decisions", metadata,
                  Column("id", Integer, primary_key=True, autoincrement=True),
                  Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False, unique=True),
                  Column("outcome", String(40), nullable=False),
                  Column("text", Text, nullable=False),
                  Column("votes", Text, nullable=False),  # JSON [{"choice", "voter", "membership_id"}]
                  Column("recorded_at", UTCDateTime, nullable=False))

dissents = Table("council_dissents", metadata,
                 Column("id", Integer, primary_key=True, autoincrement=True),
                 Column("item_id", Integer, ForeignKey("council_items.id"), nullable=False),
                 Column("membership_id", Integer, ForeignKey("council_memberships.id"), nullable=False),
                 Column("text", Text, nullable=False),
                 Column("recorded_at", UTCDateTime, nullable=False))

minutes = Table("council_minutes", metadata,
                Column("meeting_id", Integer, ForeignKey("council_meetings.id"), primary_key=True),
                Column("canonical", Text, nullable=False),
                Column("content_hash", String(64), nullable=False),
                Column("frozen_at", UTCDateTime, nullable=False))

chain = Table("council_chain", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("meeting_id", Integer, ForeignKey("council_meetings.id"), nullable=False),
              Column("seq", Integer, nullable=False),
              Column("kind", String(20), nullable=False),  # approval | correction
              Column("user_id", Integer, ForeignKey("council_users.id"), nullable=False),
              Column("signer", Text, nullable=False),
              Column("party", String(10)),
              Column("role", Text),
              Column("at", UTCDateTime, nullable=False),
              Column("item_number", String(20)),
              Column("text", Text),
              Column("content_hash", String(64), nullable=False),
              Column("prev_hash", String(64), nullable=False),
              Column("link_hash", String(64), nullable=False),
              Column("signature", Text),  # Ed25519 over the link hash, base64 (council/signing.py)
              UniqueConstraint("meeting_id", "seq"))

audit = Table("council_audit", metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("at", UTCDateTime, nullable=False),
              Column("actor_id", Integer),
              Column("actor", Text, nullable=False),
              Column("action", String(60), nullable=False),
              Column("object_type", String(40), nullable=False),
              Column("object_id", Integer),
              Column("meeting_id", Integer),
              Column("summary", Text, nullable=False))

login_throttle = Table("council_login_throttle", metadata,  # failed logins per key (council/throttle.py)
                       Column("key", String(200), primary_key=True),  # "user:<sha256>" | "addr:<address>"
                       Column("failures", Integer, nullable=False),
                       Column("last_failure", UTCDateTime, nullable=False),
                       Column("locked_until", UTCDateTime))


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    run: Callable[[Connection], None]


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t is not meta])


def _v2(conn: Connection) -> None:
    # Step 1 creates the tables as ``metadata`` describes them now, so a database created by this
    # version already has the columns; older ones get them here.
    for table in (users, memberships):
        if "version" not in {c["name"] for c in inspect(conn).get_columns(table.name)}:
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


def _v3(conn: Connection) -> None:
    login_throttle.create(conn, checkfirst=True)  # step 1 of a new database made it already


def _v4(conn: Connection) -> None:
    if "signature" not in {c["name"] for c in inspect(conn).get_columns(chain.name)}:
        conn.execute(text(f"ALTER TABLE {chain.name} ADD COLUMN signature TEXT"))


#: the council schema history; append steps, never edit an applied one
STEPS = [Step(1, "council: users, sessions, committees, meetings, items, attachments, attendance, decisions,"
                 " minutes, approval chain, audit", _v1),
         Step(2, "council: versions on users and memberships (optimistic locking of deactivation and term ends)",
              _v2),
         Step(3, "council: failed logins per account and client address (throttling)", _v3),
         Step(4, "council: a signature (Ed25519, key outside the database) on every approval chain entry", _v4)]
SCHEMA_VERSION = STEPS[-1].version


def migrate(engine: Engine) -> MigrationReport:
    """Bring the council tables to the latest version; a no-op when they are there already."""
    backend = "PostgreSQL" if engine.dialect.name == "postgresql" else "SQLite"
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('referat-council-migrate:'"
                              " || current_schema(), 0))"))
        meta.create(conn, checkfirst=True)
        raw = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        before = int(raw) if raw is not None else 0
        if before > SCHEMA_VERSION:
            raise StoreError(f"the council tables were written by a newer referat (schema {before}, this referat"
                             f" knows up to {SCHEMA_VERSION})")
        applied = []
        for step in STEPS[before:]:
            step.run(conn)
            applied.append(step.version)
        if applied:
            if before:
                conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
            else:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
    return MigrationReport(f"{backend} council", before, SCHEMA_VERSION if applied else before, applied)
