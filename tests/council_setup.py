"""Shared set-up of the meeting-side tests: a ``Council`` on each backend, a clock the test moves,
and a small committee (chair, four members, two substitutes, a secretary) with a meeting of four items.

Imported by the tests/test_council_*.py modules (``from .council_setup import ...``), so every rule
runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from referat.council import SYSTEM, Council, User
from referat.council.agenda import MeetingInfo
from referat.council.committees import Committee, Membership

from .backends import BACKENDS, target

#: cheap Argon2 parameters: the tests check behaviour, not hashing cost
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
START = datetime(2023, 3, 20, 16, 30, tzinfo=UTC)


class Clock:
    """A clock the test sets and advances."""

    def __init__(self) -> None:
        self.now = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield t


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def council(where, clock):
    c = Council(where, clock=clock, hasher=FAST_HASHER)
    yield c
    c.close()


@dataclass
class Setup:
    council: Council
    secretary: User
    committee: Committee
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)
    meeting: MeetingInfo | None = None

    def item(self, number: str):
        assert self.meeting is not None
        return self.council.meeting(self.secretary, self.meeting.id).item(number)


#: name -> (committee role, party)
PEOPLE = {"Anna": ("chair", "A"), "Bo": ("vice_chair", "V"), "Cecilie": ("member", "A"), "Dan": ("member", "Ø"),
          "Eva": ("member", "C"), "Finn": ("substitute", "A"), "Gitte": ("substitute", "V")}


def build(council: Council, municipality: str = "Albertslund", committee: str = "Udvalget for Erhverv") -> Setup:
    sec = council.create_user(SYSTEM, "sek", "Sara Sekretær", "secretary", "sekretær-kode")
    com = council.create_committee(sec, municipality, committee)
    setup = Setup(council, sec, com)
    for name, (role, party) in PEOPLE.items():
        user = council.create_user(sec, name.lower(), name, "member")
        setup.users[name] = user
        setup.members[name] = council.add_member(sec, com.id, user.id, role, party, date(2022, 1, 1))
    meeting = council.create_meeting(sec, com.id, START, title="Ordinært møde", place="Rådhuset")
    council.add_item(sec, meeting.id, "Budgetopfølgning", case_ids=["01.11.20-A26-2-22"],
                     sections={"occasion": "Kvartalets opfølgning.", "presentation": "Forbruget følger budgettet.",
                               "recommendation": "At opfølgningen godkendes."})
    council.add_item(sec, meeting.id, "Salg af grunden Vestervej 7 til firma Hansen ApS", public=False,
                     closed_title="Lukket punkt: Ejendomssag",
                     sections={"presentation": "HEMMELIGT-INDHOLD købesum 4,2 mio. kr."})
    council.add_item(sec, meeting.id, "Erhvervspolitik", sections={"presentation": "Målsætninger drøftes."})
    council.add_item(sec, meeting.id, "Eventuelt")
    setup.meeting = council.meeting(sec, meeting.id)
    return setup


@pytest.fixture
def setup(council) -> Setup:
    return build(council)
