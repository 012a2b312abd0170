"""Decisions per item: outcome, text, votes, and dissent (protokoltilførsel).

The rules enforced here are the law's, and the messages cite it:

* no decision without a quorum for the item (kommunestyrelsesloven § 11, stk. 2);
* votes only from people in the room for the item, by name or by party letter;
* a dissent only from a member who took part in the item (§ 13, stk. 2): present
  and not inhabil, in the member's own words, stored exactly as given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from ..errors import InvalidInput, NotFound, QuorumError, RuleViolation
from ..model import OUTCOMES
from . import schema as s
from .attendance import QUORUM_RULE, Attendance
from .committees import Membership
from .db import new_id

CHOICES = ("for", "against", "abstain")
CHOICE_LABELS = {"for": "For stemte", "against": "Imod stemte", "abstain": "Undlod at stemme"}
DISSENT_RULE = "kommunestyrelsesloven § 13, stk. 2"
#: only those who take part in an item vote on it (absent and inhabil members do not: § 14)
VOTE_RULE = "kommunestyrelsesloven § 14"


@dataclass(frozen=True)
class Vote:
    """One vote: ``voter`` is a member's name or a party letter (the party's members present)."""

    choice: str
    voter: str


@dataclass(frozen=True)
class DecisionInfo:
    item_id: int
    outcome: str
    text: str
    votes: tuple[Vote, ...]
    recorded_at: datetime


@dataclass(frozen=True)
class Dissent:
    id: int
    item_id: int
    membership_id: int
    name: str
    party: str | None
    text: str
    recorded_at: datetime

    @property
    def label(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name


def _item(conn: Connection, item_id: int) -> tuple[int, str]:
    row = conn.execute(select(s.items.c.position, s.items.c.number).where(s.items.c.id == item_id)).first()
    if row is None:
        raise NotFound(f"no item with id {item_id}", code="not_found", what="item")
    return int(row.position), str(row.number)


def check_quorum(att: Attendance, number: str) -> None:
    p = att.at(number)
    if not p.quorum:
        raise QuorumError(f"item {number} cannot be decided: {p.filled} of the committee's {p.seats} members are"
                          f" present (inhabil members not counted), at least half must be ({QUORUM_RULE})",
                          item=number, present=p.filled, seats=p.seats, required=(p.seats + 1) // 2,
                          rule=QUORUM_RULE)


def _check_votes(att: Attendance, number: str, votes: list[Vote]) -> list[dict[str, object]]:
    present = [att.people[m] for m in att.at(number).present]
    out = []
    for v in votes:
        if v.choice not in CHOICES:
            raise InvalidInput(f"unknown vote {v.choice!r} (one of: {', '.join(CHOICES)})", code="vote.choice_unknown",
                               choice=v.choice)
        voter = v.voter.strip()
        person = _by_name(att.people.values(), voter)
        if person is not None:
            if person not in present:
                raise RuleViolation(f"{person.name} did not take part in item {number} (absent or inhabil) and"
                                    f" cannot vote on it ({VOTE_RULE})", rule=VOTE_RULE, code="vote.not_present",
                                    name=person.name, item=number)
            out.append({"choice": v.choice, "voter": person.name, "membership_id": person.id})
        elif any(p.party == voter.upper() for p in present):
            out.append({"choice": v.choice, "voter": voter.upper(), "membership_id": None})
        elif any(p.party == voter.upper() for p in att.people.values()):
            raise RuleViolation(f"no member of party {voter.upper()} took part in item {number} ({VOTE_RULE})",
                                rule=VOTE_RULE, code="vote.party_not_present", party=voter.upper(), item=number)
        else:
            raise InvalidInput(f"{voter!r} is neither a member of the committee nor a party letter on it",
                               code="vote.voter_unknown", voter=voter)
    return out


def _by_name(people: object, name: str) -> Membership | None:
    matches = [p for p in people if p.name.casefold() == name.casefold()]  # type: ignore[attr-defined]
    return matches[0] if matches else None


def record_decision(conn: Connection, item_id: int, outcome: str, text: str, votes: list[Vote], att: Attendance,
                    now: datetime) -> DecisionInfo:
    """Record (or re-record, before the minutes are approved) the decision of an item."""
    if outcome not in OUTCOMES or outcome == "unknown":
        raise InvalidInput(f"unknown outcome {outcome!r} (one of: {', '.join(o for o in OUTCOMES if o != 'unknown')})",
                           code="decision.outcome_unknown", outcome=outcome)
    if not text.strip():
        raise InvalidInput("a decision needs its text (e.g. 'Indstillingen godkendt.')", code="decision.text_missing")
    _, number = _item(conn, item_id)
    check_quorum(att, number)
    checked = _check_votes(att, number, votes)
    conn.execute(delete(s.decisions).where(s.decisions.c.item_id == item_id))
    conn.execute(s.decisions.insert().values(item_id=item_id, outcome=outcome, text=text.strip(),
                                             votes=json.dumps(checked, ensure_ascii=False), recorded_at=now))
    return get_decision(conn, item_id)  # type: ignore[return-value]


def get_decision(conn: Connection, item_id: int) -> DecisionInfo | None:
    row = conn.execute(select(s.decisions).where(s.decisions.c.item_id == item_id)).mappings().first()
    if row is None:
        return None
    votes = tuple(Vote(v["choice"], v["voter"]) for v in json.loads(row["votes"]))
    return DecisionInfo(item_id, row["outcome"], row["text"], votes, row["recorded_at"])


def add_dissent(conn: Connection, item_id: int, membership_id: int, text: str, att: Attendance,
                now: datetime) -> Dissent:
    """A member's protokoltilførsel, in their own words (stored exactly as given)."""
    _, number = _item(conn, item_id)
    person = att.people.get(membership_id)
    if person is None:
        raise InvalidInput(f"membership {membership_id} is not on the committee on the day of the meeting",
                           code="membership.not_on_committee", membership_id=membership_id)
    if membership_id not in att.at(number).present:
        why = "was inhabil for" if membership_id in att.at(number).inhabil else "was not present for"
        raise RuleViolation(f"{person.name} {why} item {number}: only a member who took part in the item can have a"
                            f" dissent recorded ({DISSENT_RULE})", rule=DISSENT_RULE,
                            code="dissent.inhabil" if "inhabil" in why else "dissent.not_present",
                            name=person.name, item=number)
    if not text.strip():
        raise InvalidInput("a dissent needs the member's own text", code="dissent.text_missing")
    if get_decision(conn, item_id) is None:
        raise InvalidInput(f"item {number} has no decision yet: a dissent is recorded against a decision",
                           code="dissent.no_decision", item=number)
    did = new_id(conn.execute(s.dissents.insert().values(item_id=item_id, membership_id=membership_id, text=text,
                                                      recorded_at=now)))
    return next(d for d in dissents(conn, item_id) if d.id == did)


def dissents(conn: Connection, item_id: int) -> list[Dissent]:
    d, m, u = s.dissents.c, s.memberships.c, s.users.c
    rows = conn.execute(select(d.id, d.item_id, d.membership_id, u.name, m.party, d.text, d.recorded_at)
                        .join_from(s.dissents, s.memberships, d.membership_id == m.id)
                        .join(s.users, m.user_id == u.id).where(d.item_id == item_id).order_by(d.id)).mappings()
    return [Dissent(**dict(r)) for r in rows]


def minutes_text(decision: DecisionInfo, item_dissents: list[Dissent]) -> str:
    """The decision as printed in the minutes: text, the votes, then each dissent in the member's words."""
    parts = [decision.text]
    for choice in CHOICES:
        voters = [v.voter for v in decision.votes if v.choice == choice]
        if voters:
            parts.append(f"{CHOICE_LABELS[choice]}: {', '.join(voters)}.")
    for d in item_dissents:
        parts.append(f"Protokoltilførsel fra {d.label}:\n\n{d.text}")
    return "\n\n".join(parts)
