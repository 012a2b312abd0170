"""Meetings, agenda items and their attachments, as the secretariat authors them.

An item is created from its committee's section template (``templates``),
carries case ids validated by ``caseids``, an open/closed flag and, for a
closed item, the neutral title the public sees instead of the real one.
Attachments are stored content-addressed: the bytes once per SHA-256 in
``council_blobs`` (the same file on two items is stored once), the
attachment row with its flags: recommended (anbefalet), public (open/closed)
and not_for_publication (never leaves the system, e.g. third-party copyright).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, RowMapping

from ..errors import InvalidInput, NotFound, StoreError
from ..model import CaseId, Section
from ..vocab.caseids import parse_case_id
from . import schema as s
from .committees import Committee, get_committee
from .db import new_id
from .locking import is_locked, versioned_update
from .templates import get_template

NEUTRAL_TITLE = "Lukket punkt"
DERIVED_ROLES = ("decision", "attachments", "absence")
MAX_ATTACHMENT = 200 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    item_id: int
    position: int
    title: str
    filename: str
    media_type: str
    sha256: str
    size: int
    recommended: bool
    not_for_publication: bool
    public: bool

    @property
    def publishable(self) -> bool:
        """May go out on the portal (with a public item): public and not marked not-for-publication."""
        return self.public and not self.not_for_publication


@dataclass
class ItemInfo:
    id: int
    meeting_id: int
    position: int
    number: str
    title: str
    closed_title: str
    public: bool
    case_ids: list[CaseId]
    sections: list[Section]
    deciding_body: str | None
    version: int
    attachments: list[AttachmentInfo] = field(default_factory=list)

    def section(self, role: str) -> str:
        return "\n\n".join(s.text for s in self.sections if s.role == role and s.text)


@dataclass
class MeetingInfo:
    id: int
    committee: Committee
    title: str | None
    place: str | None
    start: datetime
    end: datetime | None
    version: int
    agenda_archive_id: int | None
    agenda_published_at: datetime | None
    minutes_archive_id: int | None
    minutes_published_at: datetime | None
    items: list[ItemInfo] = field(default_factory=list)
    #: the minutes have been approved: the meeting is append-only (dated corrections only)
    minutes_locked: bool = False

    def item(self, number: str) -> ItemInfo:
        for it in self.items:
            if it.number == number:
                return it
        raise NotFound(f"meeting {self.id} has no item {number}", code="not_found", what="item")


def create_meeting(conn: Connection, committee_id: int, start: datetime, *, title: str | None = None,
                   place: str | None = None, end: datetime | None = None, now: datetime) -> int:
    get_committee(conn, committee_id)
    if end is not None and end < start:
        raise InvalidInput("the meeting ends before it starts", code="meeting.ends_before_start")
    return new_id(conn.execute(s.meetings.insert().values(
        committee_id=committee_id, title=title, place=place, start=start, end=end, version=1,
        created_at=now)))


MEETING_FIELDS = ("title", "place", "start", "end")


def update_meeting(conn: Connection, meeting_id: int, read_version: int, changes: dict[str, object]) -> int:
    unknown = set(changes) - set(MEETING_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))} of a meeting", code="meeting.field_unknown",
                           fields=sorted(unknown))
    return versioned_update(conn, s.meetings, "meeting", meeting_id, read_version, changes)


def _case_ids(values: list[str] | tuple[str, ...]) -> str:
    out = []
    for v in values:
        case = parse_case_id(v)
        if case is None:
            raise InvalidInput(f"{v!r} is not a case id"
                               " (e.g. 01.11.20-A26-2-22, EMN-2025-003383, 2012-28504, 12/27845)",
                               code="item.case_id_invalid", value=v)
        out.append({"value": case.value, "scheme": case.scheme})
    return json.dumps(out, ensure_ascii=False)


def _apply_sections(current: list[Section], texts: dict[str, str]) -> str:
    by_role = {s.role for s in current}
    for role in texts:
        if role in DERIVED_ROLES:
            raise InvalidInput(f"the {role!r} section is filled from what is recorded, not typed",
                               code="item.section_derived", role=role)
        if role not in by_role:
            raise InvalidInput(f"the item has no {role!r} section (it has: {', '.join(s.role for s in current)})",
                               code="item.section_unknown", role=role)
    merged = [Section(s.role, s.heading, texts[s.role].strip() if s.role in texts else s.text) for s in current]
    return json.dumps([{"role": s.role, "heading": s.heading, "text": s.text} for s in merged], ensure_ascii=False)


def add_item(conn: Connection, meeting_id: int, title: str, *, number: str | None = None, public: bool = True,
             closed_title: str | None = None, case_ids: list[str] | tuple[str, ...] = (),
             sections: dict[str, str] | None = None, deciding_body: str | None = None) -> int:
    meeting = conn.execute(select(s.meetings.c.committee_id).where(s.meetings.c.id == meeting_id)).first()
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id}", code="not_found", what="meeting")
    if not title.strip():
        raise InvalidInput("an item needs a title", code="item.title_missing")
    committee = get_committee(conn, meeting.committee_id)
    template = get_template(committee.template)
    position = int(conn.execute(select(func.coalesce(func.max(s.items.c.position), 0))
                                .where(s.items.c.meeting_id == meeting_id)).scalar() or 0) + 1
    number = (number or str(position)).strip()
    if conn.execute(select(s.items.c.id).where(s.items.c.meeting_id == meeting_id, s.items.c.number == number)).first():
        raise InvalidInput(f"meeting {meeting_id} already has an item {number}", code="item.number_taken",
                           number=number)
    blank = template.blank_sections()
    texts = dict(sections or {})
    if any(x.role == "deciding_body" for x in blank) and "deciding_body" not in texts:
        texts["deciding_body"] = deciding_body or committee.name
    return new_id(conn.execute(s.items.insert().values(
        meeting_id=meeting_id, position=position, number=number, title=title.strip(),
        closed_title=(closed_title or NEUTRAL_TITLE).strip(), public=public, case_ids=_case_ids(case_ids),
        sections=_apply_sections(blank, texts), deciding_body=deciding_body or committee.name,
        version=1)))


ITEM_FIELDS = ("title", "number", "public", "closed_title", "case_ids", "sections", "deciding_body")


def update_item(conn: Connection, item_id: int, read_version: int, changes: dict[str, object]) -> int:
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))} of an item", code="item.field_unknown",
                           fields=sorted(unknown))
    values = dict(changes)
    if "case_ids" in values:
        values["case_ids"] = _case_ids(list(cast(Iterable[str], values["case_ids"])))
    if "sections" in values:
        sections = cast(Mapping[str, str], values["sections"])
        values["sections"] = _apply_sections(get_item(conn, item_id).sections, dict(sections))
    if "title" in values and not str(values["title"]).strip():
        raise InvalidInput("an item needs a title", code="item.title_missing")
    if "number" in values:
        row = get_item(conn, item_id)
        taken = conn.execute(select(s.items.c.id).where(s.items.c.meeting_id == row.meeting_id,
                                                        s.items.c.number == values["number"],
                                                        s.items.c.id != item_id)).first()
        if taken:
            raise InvalidInput(f"meeting {row.meeting_id} already has an item {values['number']}",
                               code="item.number_taken", number=values["number"])
    return versioned_update(conn, s.items, "item", item_id, read_version, values)


def _item(row: RowMapping) -> ItemInfo:
    return ItemInfo(row["id"], row["meeting_id"], row["position"], row["number"], row["title"], row["closed_title"],
                    bool(row["public"]), [CaseId(c["value"], c["scheme"]) for c in json.loads(row["case_ids"])],
                    [Section(x["role"], x["heading"], x["text"]) for x in json.loads(row["sections"])],
                    row["deciding_body"], row["version"])


def get_item(conn: Connection, item_id: int) -> ItemInfo:
    row = conn.execute(select(s.items).where(s.items.c.id == item_id)).mappings().first()
    if row is None:
        raise NotFound(f"no item with id {item_id}", code="not_found", what="item")
    item = _item(row)
    item.attachments = _attachments(conn, [item_id]).get(item_id, [])
    return item


def _attachments(conn: Connection, item_ids: list[int]) -> dict[int, list[AttachmentInfo]]:
    a, b = s.attachments.c, s.blobs.c
    rows = conn.execute(select(a.id, a.item_id, a.position, a.title, a.filename, a.media_type, a.sha256, b.size,
                               a.recommended, a.not_for_publication, a.public)
                        .join_from(s.attachments, s.blobs, a.sha256 == b.sha256)
                        .where(a.item_id.in_(item_ids)).order_by(a.item_id, a.position)).mappings()
    out: dict[int, list[AttachmentInfo]] = {}
    for r in rows:
        fields: dict[str, Any] = {k: (bool(v) if isinstance(v, int) and k in (
            "recommended", "not_for_publication", "public") else v) for k, v in r.items()}
        out.setdefault(r["item_id"], []).append(AttachmentInfo(**fields))
    return out


def get_meeting(conn: Connection, meeting_id: int) -> MeetingInfo:
    row = conn.execute(select(s.meetings).where(s.meetings.c.id == meeting_id)).mappings().first()
    if row is None:
        raise NotFound(f"no meeting with id {meeting_id}", code="not_found", what="meeting")
    items = [_item(r) for r in conn.execute(select(s.items).where(s.items.c.meeting_id == meeting_id)
                                            .order_by(s.items.c.position)).mappings()]
    files = _attachments(conn, [i.id for i in items]) if items else {}
    for it in items:
        it.attachments = files.get(it.id, [])
    return MeetingInfo(row["id"], get_committee(conn, row["committee_id"]), row["title"], row["place"], row["start"],
                       row["end"], row["version"], row["agenda_archive_id"], row["agenda_published_at"],
                       row["minutes_archive_id"], row["minutes_published_at"], items, is_locked(conn, meeting_id))


def meeting_ids(conn: Connection, committee_ids: set[int] | None = None) -> list[int]:
    q = select(s.meetings.c.id).order_by(s.meetings.c.start.desc(), s.meetings.c.id.desc())
    if committee_ids is not None:
        q = q.where(s.meetings.c.committee_id.in_(committee_ids))
    return [int(r[0]) for r in conn.execute(q)]


def meeting_of_item(conn: Connection, item_id: int) -> int:
    mid = conn.execute(select(s.items.c.meeting_id).where(s.items.c.id == item_id)).scalar()
    if mid is None:
        raise NotFound(f"no item with id {item_id}", code="not_found", what="item")
    return int(mid)


def store_blob(conn: Connection, data: bytes, now: datetime) -> str:
    """Store ``data`` once under its SHA-256 (a second copy is not stored again); returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(s.blobs).values(sha256=digest, size=len(data), data=data, created_at=now)
                 .on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def add_attachment(conn: Connection, item_id: int, title: str, filename: str, data: bytes, *, media_type: str,
                   recommended: bool = False, public: bool = True, not_for_publication: bool = False,
                   now: datetime) -> AttachmentInfo:
    if not title.strip():
        raise InvalidInput("an attachment needs a title", code="attachment.title_missing")
    if len(data) > MAX_ATTACHMENT:
        raise InvalidInput(f"the file is larger than {MAX_ATTACHMENT // (1024 * 1024)} MB", code="attachment.too_large",
                           megabytes=MAX_ATTACHMENT // (1024 * 1024))
    get_item(conn, item_id)
    digest = store_blob(conn, data, now)
    position = int(conn.execute(select(func.coalesce(func.max(s.attachments.c.position), 0))
                                .where(s.attachments.c.item_id == item_id)).scalar() or 0) + 1
    aid = new_id(conn.execute(s.attachments.insert().values(
        item_id=item_id, position=position, title=title.strip(), filename=filename, media_type=media_type,
        sha256=digest, recommended=recommended, not_for_publication=not_for_publication, public=public,
        created_at=now)))
    return next(a for a in _attachments(conn, [item_id])[item_id] if a.id == aid)


def attachment(conn: Connection, attachment_id: int) -> tuple[AttachmentInfo, bytes]:
    """An attachment and its bytes, checked against the stored hash."""
    item_id = conn.execute(select(s.attachments.c.item_id).where(s.attachments.c.id == attachment_id)).scalar()
    if item_id is None:
        raise NotFound(f"no attachment with id {attachment_id}", code="not_found", what="attachment")
    info = next(a for a in _attachments(conn, [item_id])[item_id] if a.id == attachment_id)
    data = bytes(conn.execute(select(s.blobs.c.data).where(s.blobs.c.sha256 == info.sha256)).scalar_one())
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise StoreError(f"attachment {attachment_id} is damaged: its bytes no longer match SHA-256 {info.sha256}")
    return info, data
