"""Committees and who sits on them: members, chair, vice-chair and substitutes, each for a term.

A membership ties an account to a committee with a role and a party letter
for a term (``term_from`` .. ``term_to``, open-ended when ``term_to`` is
None).  Seats (members, chair, vice-chair) count for the quorum; substitutes
(stedfortrædere) only count when called in for a member at a meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection, RowMapping

from ..errors import InvalidInput, NotFound
from . import schema as s
from .db import new_id
from .templates import get_template, template_for

MEMBERSHIP_ROLES = ("chair", "vice_chair", "member", "substitute")
SEAT_ROLES = ("chair", "vice_chair", "member")

#: how the role is printed on minutes
ROLE_LABELS = {"chair": "formand", "vice_chair": "næstformand", "member": None, "substitute": "stedfortræder"}


@dataclass(frozen=True)
class Committee:
    id: int
    municipality: str
    name: str
    template: str


@dataclass(frozen=True)
class Membership:
    id: int
    committee_id: int
    user_id: int
    name: str
    username: str
    role: str
    party: str | None
    term_from: date
    term_to: date | None
    version: int = 1  # for optimistic locking of term changes

    @property
    def seat(self) -> bool:
        return self.role in SEAT_ROLES

    def active_on(self, day: date) -> bool:
        return self.term_from <= day and (self.term_to is None or day <= self.term_to)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name


def _committee(row: RowMapping) -> Committee:
    return Committee(row["id"], row["municipality"], row["name"], row["template"])


def create_committee(conn: Connection, municipality: str, name: str, template: str | None,
                     now: datetime) -> Committee:
    if not municipality.strip() or not name.strip():
        raise InvalidInput("a committee needs a municipality and a name", code="committee.name_missing")
    template = get_template(template).name if template else template_for(municipality.strip()).name
    exists = conn.execute(select(s.committees.c.id).where(s.committees.c.municipality == municipality.strip(),
                                                          s.committees.c.name == name.strip())).first()
    if exists:
        raise InvalidInput(f"{municipality} already has a committee named {name!r}", code="committee.name_taken",
                           municipality=municipality, name=name)
    cid = new_id(conn.execute(s.committees.insert().values(municipality=municipality.strip(), name=name.strip(),
                                                           template=template, created_at=now)))
    return Committee(int(cid), municipality.strip(), name.strip(), template)


def get_committee(conn: Connection, committee_id: int) -> Committee:
    row = conn.execute(select(s.committees).where(s.committees.c.id == committee_id)).mappings().first()
    if row is None:
        raise NotFound(f"no committee with id {committee_id}", code="not_found", what="committee")
    return _committee(row)


def find_committee(conn: Connection, municipality: str, name: str) -> Committee:
    row = conn.execute(select(s.committees).where(s.committees.c.municipality == municipality,
                                                  s.committees.c.name == name)).mappings().first()
    if row is None:
        raise NotFound(f"no committee {name!r} in {municipality}", code="not_found", what="committee")
    return _committee(row)


def list_committees(conn: Connection) -> list[Committee]:
    return [_committee(r) for r in conn.execute(select(s.committees).order_by(s.committees.c.municipality,
                                                                              s.committees.c.name)).mappings()]


def add_membership(conn: Connection, committee_id: int, user_id: int, role: str, party: str | None,
                   term_from: date, term_to: date | None) -> int:
    if role not in MEMBERSHIP_ROLES:
        raise InvalidInput(f"unknown committee role {role!r} (one of: {', '.join(MEMBERSHIP_ROLES)})",
                           code="membership.role_unknown", role=role)
    if term_to is not None and term_to < term_from:
        raise InvalidInput(f"the term ends ({term_to}) before it starts ({term_from})", code="membership.term_order",
                           term_from=term_from, term_to=term_to)
    party = party.strip().upper() if party and party.strip() else None
    if party is not None and (len(party) > 3 or not party.isalpha()):
        raise InvalidInput(f"{party!r} is not a party letter", code="membership.party_invalid", party=party)
    get_committee(conn, committee_id)
    m = s.memberships.c
    overlap = conn.execute(select(m.id).where(
        m.committee_id == committee_id, m.user_id == user_id,
        or_(m.term_to.is_(None), m.term_to >= term_from),
        *([m.term_from <= term_to] if term_to is not None else []))).first()
    if overlap:
        raise InvalidInput("the user already has a membership of this committee in that term",
                           code="membership.overlap")
    return new_id(conn.execute(s.memberships.insert().values(
        committee_id=committee_id, user_id=user_id, role=role, party=party, term_from=term_from,
        term_to=term_to)))


def memberships(conn: Connection, committee_id: int, on: date | None = None) -> list[Membership]:
    """The committee's memberships, those whose term covers ``on`` if given; chair first, then by name."""
    m, u = s.memberships.c, s.users.c
    q = (select(m.id, m.committee_id, m.user_id, u.name, u.username, m.role, m.party, m.term_from, m.term_to,
                m.version)
         .join_from(s.memberships, s.users, m.user_id == u.id).where(m.committee_id == committee_id))
    if on is not None:
        q = q.where(m.term_from <= on, or_(m.term_to.is_(None), m.term_to >= on))
    rows = [Membership(**dict(r)) for r in conn.execute(q).mappings()]
    rows.sort(key=lambda x: (MEMBERSHIP_ROLES.index(x.role), x.name.casefold()))
    return rows


def get_membership(conn: Connection, membership_id: int) -> Membership:
    m, u = s.memberships.c, s.users.c
    row = conn.execute(select(m.id, m.committee_id, m.user_id, u.name, u.username, m.role, m.party, m.term_from,
                              m.term_to, m.version).join_from(s.memberships, s.users, m.user_id == u.id)
                       .where(m.id == membership_id)).mappings().first()
    if row is None:
        raise NotFound(f"no membership with id {membership_id}", code="not_found", what="membership")
    return Membership(**dict(row))


def end_term(conn: Connection, membership_id: int, read_version: int, end: date) -> Membership:
    """End a term on ``end`` (the last day on the committee).  Refused when that would rewrite a meeting
    already held: a later meeting where the member (or a substitute for them) is on the attendance record."""
    from .locking import versioned_update

    current = get_membership(conn, membership_id)
    if end < current.term_from:
        raise InvalidInput(f"the term ends ({end}) before it starts ({current.term_from})",
                           code="membership.term_order", term_from=current.term_from, term_to=end)
    if current.term_to is not None and end > current.term_to:
        raise InvalidInput(f"the term already ends on {current.term_to}; a term is ended earlier, not extended",
                           code="membership.term_already_ends", term_to=current.term_to)
    a, mt = s.attendance.c, s.meetings.c
    starts = conn.execute(select(mt.start).join_from(s.attendance, s.meetings, a.meeting_id == mt.id)
                          .where(or_(a.membership_id == membership_id, a.for_membership_id == membership_id))
                          .order_by(mt.start.desc())).scalars().all()
    later = [st.date() for st in starts if st.date() > end]
    if later:
        raise InvalidInput(f"{current.name} is on the attendance record of the meeting on {later[0]}; the term cannot"
                           " end before that day", code="membership.term_has_meetings", name=current.name,
                           meeting_day=later[0])
    versioned_update(conn, s.memberships, "membership", membership_id, read_version, {"term_to": end})
    return get_membership(conn, membership_id)


def committees_of(conn: Connection, user_id: int, on: date | None = None) -> set[int]:
    """Ids of the committees ``user_id`` sits on (any role; on ``on`` if given)."""
    m = s.memberships.c
    cond = [m.user_id == user_id]
    if on is not None:
        cond += [m.term_from <= on, or_(m.term_to.is_(None), m.term_to >= on)]
    return {int(r[0]) for r in conn.execute(select(m.committee_id).where(and_(*cond)))}
