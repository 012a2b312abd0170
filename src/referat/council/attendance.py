"""Attendance as a timeline, who was in the room for each item, and the quorum per item.

The secretary records events in the order they happen:

* ``present``: at the meeting from the start; ``absent``: sent apologies (afbud);
* ``arrived`` before item N: present from item N on;
* ``left`` after item N: absent from the next item on (a later ``arrived`` brings them back);
* ``inhabil`` for item N: disqualified (kommunestyrelsesloven § 14), out of the room for that item only;
* ``substitute`` S for member X (from item N, or from the start): S takes X's seat.

Presence per item is derived, never stored.  The quorum (§ 11, stk. 2, which
§ 20 applies to committees) needs at least half of the committee's seats filled
by someone in the room: a member present and not inhabil, or a substitute
called in for that member.  The derivation is pure (``presence``), so the
rules are tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..errors import InvalidInput, NotFound
from . import schema as s
from .committees import Membership, memberships
from .db import new_id

KINDS = ("present", "absent", "arrived", "left", "inhabil", "substitute")
NEEDS_ITEM = ("arrived", "left", "inhabil")
QUORUM_RULE = "kommunestyrelsesloven § 11, stk. 2"


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    membership_id: int
    position: int | None  # position of the item the event names (None: from the start)
    for_membership_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class ItemPresence:
    """Who was in the room for one item, and whether the committee could decide."""

    position: int
    number: str
    present: frozenset[int]    # membership ids in the room and allowed to take part
    inhabil: frozenset[int]
    seats: int                 # the committee's members (chair, vice-chair, members)
    filled: int                # seats filled by their member or a substitute called in for them

    @property
    def quorum(self) -> bool:
        return self.seats > 0 and 2 * self.filled >= self.seats


@dataclass
class Attendance:
    """The whole picture of a meeting: the people involved, the timeline and presence per item."""

    people: dict[int, Membership]
    events: list[Event]
    items: list[ItemPresence] = field(default_factory=list)

    def at(self, number: str) -> ItemPresence:
        for p in self.items:
            if p.number == number:
                return p
        raise NotFound(f"no item {number}", code="not_found", what="item")

    def attended(self) -> set[int]:
        """Everybody present for at least one item (or at the start of a meeting without items)."""
        if not self.items:
            return {e.membership_id for e in self.events if e.kind in ("present", "substitute")}
        return set().union(*(p.present | p.inhabil for p in self.items))


def _effect(event: Event) -> float:
    """From which item position on the event takes effect."""
    if event.kind in ("present", "absent"):
        return float("-inf")
    if event.kind == "substitute":
        return float("-inf") if event.position is None else float(event.position)
    if event.kind == "arrived":
        return float(event.position or 0)
    return float(event.position or 0) + 0.5  # left after item N


def in_room(events: list[Event], person: int, position: int) -> bool:
    """Was ``person`` at the meeting when the item at ``position`` was treated (ignoring inhabilitet)?"""
    state = False
    changes = sorted((e for e in events if e.membership_id == person and e.kind != "inhabil"),
                     key=lambda e: (_effect(e), e.id))
    for e in changes:
        if _effect(e) > position:
            break
        state = e.kind in ("present", "arrived", "substitute")
    return state


def presence(people: dict[int, Membership], events: list[Event], items: list[tuple[int, str]]) -> list[ItemPresence]:
    """Presence and quorum for each ``(position, number)`` item."""
    seats = [m.id for m in people.values() if m.seat]
    stands_in: dict[int, list[int]] = {}
    for e in events:
        if e.kind == "substitute" and e.for_membership_id is not None:
            stands_in.setdefault(e.for_membership_id, []).append(e.membership_id)
    out = []
    for position, number in items:
        inhabil = frozenset(e.membership_id for e in events if e.kind == "inhabil" and e.position == position)
        room = {p for p in people if in_room(events, p, position)}
        present = frozenset(room - inhabil)
        filled = sum(1 for seat in seats
                     if seat in present or any(sub in present for sub in stands_in.get(seat, [])))
        out.append(ItemPresence(position, number, present, inhabil & frozenset(room), len(seats), filled))
    return out


def load(conn: Connection, meeting_id: int) -> Attendance:
    meeting = conn.execute(select(s.meetings.c.committee_id, s.meetings.c.start)
                           .where(s.meetings.c.id == meeting_id)).first()
    if meeting is None:
        raise NotFound(f"no meeting with id {meeting_id}", code="not_found", what="meeting")
    people = {m.id: m for m in memberships(conn, meeting.committee_id, meeting.start.date())}
    i = s.items.c
    positions = {r.id: (r.position, r.number) for r in
                 conn.execute(select(i.id, i.position, i.number).where(i.meeting_id == meeting_id))}
    a = s.attendance.c
    events = [Event(r.id, r.kind, r.membership_id, positions[r.item_id][0] if r.item_id else None,
                    r.for_membership_id, r.note)
              for r in conn.execute(select(s.attendance).where(a.meeting_id == meeting_id).order_by(a.id))]
    items = sorted(positions.values())
    return Attendance(people, events, presence(people, events, items))


def called_in(conn: Connection, meeting_id: int) -> set[int]:
    """Membership ids of the substitutes called in for the meeting."""
    a = s.attendance.c
    return {int(r[0]) for r in conn.execute(select(a.membership_id).where(a.meeting_id == meeting_id,
                                                                          a.kind == "substitute"))}


def record(conn: Connection, meeting_id: int, membership_id: int, kind: str, *, item_id: int | None,
           for_membership_id: int | None, note: str | None, now: datetime) -> int:
    """Add one event to the timeline after checking it makes sense."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown attendance event {kind!r} (one of: {', '.join(KINDS)})",
                           code="attendance.kind_unknown", kind=kind)
    current = load(conn, meeting_id)
    person = current.people.get(membership_id)
    if person is None:
        raise InvalidInput(f"membership {membership_id} is not on this committee on the day of the meeting",
                           code="membership.not_on_committee", membership_id=membership_id)
    if kind in NEEDS_ITEM and item_id is None:
        raise InvalidInput(f"a {kind!r} event names the item (before/after/for which item)",
                           code="attendance.item_missing", kind=kind)
    if item_id is not None:
        ok = conn.execute(select(s.items.c.id).where(s.items.c.id == item_id,
                                                     s.items.c.meeting_id == meeting_id)).first()
        if ok is None:
            raise InvalidInput(f"item {item_id} is not on meeting {meeting_id}", code="attendance.item_elsewhere")
    if kind == "substitute":
        seat = current.people.get(for_membership_id) if for_membership_id is not None else None
        if person.role != "substitute":
            raise InvalidInput(f"{person.name} is not a substitute of the committee", code="attendance.not_substitute",
                               name=person.name)
        if seat is None or not seat.seat:
            raise InvalidInput("a substitute is called in for one of the committee's members",
                               code="attendance.substitute_for_missing")
    elif for_membership_id is not None:
        raise InvalidInput("only a 'substitute' event names the member it stands in for",
                           code="attendance.for_member_unexpected")
    elif person.role == "substitute" and kind in ("present", "absent"):
        raise InvalidInput(f"{person.name} is a substitute: call them in for a member instead",
                           code="attendance.substitute_present", name=person.name)
    return new_id(conn.execute(s.attendance.insert().values(
        meeting_id=meeting_id, membership_id=membership_id, kind=kind, item_id=item_id,
        for_membership_id=for_membership_id, note=note, recorded_at=now)))
