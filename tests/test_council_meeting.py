"""During the meeting: attendance timeline, quorum per item (§ 11, stk. 2), decisions, votes and dissent
(§ 13, stk. 2) — on both backends, plus the pure presence rules without a database."""

from __future__ import annotations

import pytest

from referat.council import attendance, decisions
from referat.council.attendance import Event, presence
from referat.council.committees import Membership
from referat.council.decisions import Vote
from referat.errors import (
    InvalidInput,
    MinutesLocked,
    NotFound,
    PermissionDenied,
    QuorumError,
    RuleViolation,
)

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)


def seat(i: int, role: str = "member") -> Membership:
    from datetime import date

    return Membership(i, 1, i, f"M{i}", f"m{i}", role, "A", date(2022, 1, 1), None)


ITEMS = [(1, "1"), (2, "2"), (3, "3")]


def test_exactly_half_present_is_a_quorum():
    people = {i: seat(i) for i in range(1, 5)}  # four seats
    two = [Event(1, "present", 1, None), Event(2, "present", 2, None)]
    assert all(p.quorum and p.filled == 2 for p in presence(people, two, ITEMS))
    one = [Event(1, "present", 1, None)]
    assert not any(p.quorum for p in presence(people, one, ITEMS))


def test_odd_committee_needs_more_than_half_rounded_down():
    people = {i: seat(i) for i in range(1, 6)}  # five seats: 2 is less than half, 3 is enough
    events = [Event(i, "present", i, None) for i in (1, 2)]
    assert not presence(people, events, ITEMS)[0].quorum
    assert presence(people, events + [Event(3, "present", 3, None)], ITEMS)[0].quorum


def test_inhabil_member_does_not_count_for_that_item_only():
    people = {i: seat(i) for i in range(1, 5)}
    events = [Event(1, "present", 1, None), Event(2, "present", 2, None), Event(3, "inhabil", 2, 2)]
    p1, p2, p3 = presence(people, events, ITEMS)
    assert p1.quorum and p3.quorum
    assert not p2.quorum and 2 not in p2.present and p2.inhabil == {2}


def test_substitute_counts_in_place_of_the_member():
    people = {i: seat(i) for i in range(1, 5)} | {9: seat(9, "substitute")}
    events = [Event(1, "present", 1, None), Event(2, "absent", 2, None), Event(3, "substitute", 9, None, 2)]
    p = presence(people, events, ITEMS)[0]
    assert p.quorum and p.filled == 2 and 9 in p.present
    # a substitute does not fill a seat twice when the member is there too
    both = events + [Event(4, "arrived", 2, 1)]
    assert presence(people, both, ITEMS)[0].filled == 2


def test_late_arrival_counts_from_his_item_on_and_leaving_after_an_item():
    people = {i: seat(i) for i in range(1, 5)}
    events = [Event(1, "present", 1, None), Event(2, "arrived", 2, 2), Event(3, "left", 1, 2)]
    p1, p2, p3 = presence(people, events, ITEMS)
    assert p1.present == {1} and not p1.quorum
    assert p2.present == {1, 2} and p2.quorum
    assert p3.present == {2} and not p3.quorum


# -- through the facade, on both backends -----------------------------------------------------------

def attend(setup, *names):
    for name in names:
        setup.council.record_attendance(setup.secretary, setup.meeting.id, setup.members[name].id, "present")


def test_decision_refused_without_quorum(setup):
    c, sec = setup.council, setup.secretary
    attend(setup, "Anna", "Bo")  # 2 of 5
    item = setup.item("1")
    with pytest.raises(QuorumError, match=r"2 of the committee's 5 members.*§ 11, stk\. 2") as exc:
        c.record_decision(sec, item.id, item.version, "approved", "Indstillingen godkendt.")
    err = exc.value
    assert (err.item, err.present, err.seats, err.required) == ("1", 2, 5, 3)
    assert err.rule == "kommunestyrelsesloven § 11, stk. 2"
    assert c.decision(sec, item.id) is None
    attend(setup, "Cecilie")
    c.record_decision(sec, item.id, item.version, "approved", "Indstillingen godkendt.")
    assert c.decision(sec, item.id).outcome == "approved"


def test_inhabil_member_can_break_the_quorum_of_one_item(setup):
    c, sec = setup.council, setup.secretary
    attend(setup, "Anna", "Bo", "Cecilie")
    c.record_attendance(sec, setup.meeting.id, setup.members["Bo"].id, "inhabil", item_id=setup.item("2").id)
    att = c.attendance(sec, setup.meeting.id)
    assert att.at("1").quorum and not att.at("2").quorum and att.at("3").quorum
    item = setup.item("2")
    with pytest.raises(QuorumError):
        c.record_decision(sec, item.id, item.version, "approved", "Godkendt.")


def test_substitute_called_in_restores_quorum(setup):
    c, sec, m = setup.council, setup.secretary, setup.members
    attend(setup, "Anna", "Bo")
    c.record_attendance(sec, setup.meeting.id, m["Eva"].id, "absent")
    c.record_attendance(sec, setup.meeting.id, m["Finn"].id, "substitute", for_member_id=m["Eva"].id)
    item = setup.item("1")
    c.record_decision(sec, item.id, item.version, "approved", "Godkendt.", [Vote("for", "Finn")])
    with pytest.raises(InvalidInput):  # a substitute stands in for a seat, not for another substitute
        c.record_attendance(sec, setup.meeting.id, m["Gitte"].id, "substitute", for_member_id=m["Finn"].id)
    with pytest.raises(InvalidInput):  # only substitutes are called in
        c.record_attendance(sec, setup.meeting.id, m["Dan"].id, "substitute", for_member_id=m["Eva"].id)


def test_late_arrival_counts_only_from_his_item(setup):
    c, sec, m = setup.council, setup.secretary, setup.members
    attend(setup, "Anna", "Bo")
    c.record_attendance(sec, setup.meeting.id, m["Cecilie"].id, "arrived", item_id=setup.item("3").id)
    att = c.attendance(sec, setup.meeting.id)
    assert [att.at(n).quorum for n in "1234"] == [False, False, True, True]
    with pytest.raises(InvalidInput):  # arrival needs the item
        c.record_attendance(sec, setup.meeting.id, m["Dan"].id, "arrived")


def test_votes_only_from_people_present(setup):
    c, sec = setup.council, setup.secretary
    attend(setup, "Anna", "Bo", "Cecilie")
    item = setup.item("1")
    with pytest.raises(RuleViolation, match="Dan did not take part") as exc:
        c.record_decision(sec, item.id, item.version, "rejected", "Forkastet.", [Vote("against", "Dan")])
    assert exc.value.rule.startswith("kommunestyrelsesloven §") and exc.value.code == "vote.not_present"
    with pytest.raises(RuleViolation, match="party Ø"):
        c.record_decision(sec, item.id, item.version, "rejected", "Forkastet.", [Vote("against", "Ø")])
    with pytest.raises(InvalidInput):
        c.record_decision(sec, item.id, item.version, "rejected", "Forkastet.", [Vote("against", "Zorro")])
    with pytest.raises(InvalidInput):
        c.record_decision(sec, item.id, item.version, "smashed", "Forkastet.")
    d = c.record_decision(sec, item.id, item.version, "approved", "Godkendt.",
                          [Vote("for", "A"), Vote("against", "bo")])
    assert [(v.choice, v.voter) for v in d.votes] == [("for", "A"), ("against", "Bo")]


def test_dissent_only_from_members_present_in_their_own_words(setup):
    c, sec, m, u = setup.council, setup.secretary, setup.members, setup.users
    attend(setup, "Anna", "Bo", "Cecilie", "Eva")
    c.record_attendance(sec, setup.meeting.id, m["Cecilie"].id, "inhabil", item_id=setup.item("1").id)
    item = setup.item("1")
    c.record_decision(sec, item.id, item.version, "approved", "Godkendt.")
    own_words = "Jeg kan ikke støtte forslaget,\nfordi økonomien er usikker.  "
    dissent = c.add_dissent(u["Bo"], item.id, m["Bo"].id, own_words)
    assert c.dissents(sec, item.id)[0].text == own_words == dissent.text
    with pytest.raises(RuleViolation, match=r"Dan was not present.*§ 13, stk\. 2") as exc:
        c.add_dissent(sec, item.id, m["Dan"].id, "Imod.")
    assert exc.value.rule == "kommunestyrelsesloven § 13, stk. 2" and exc.value.facts == {"name": "Dan", "item": "1"}
    with pytest.raises(RuleViolation, match="Cecilie was inhabil"):
        c.add_dissent(sec, item.id, m["Cecilie"].id, "Imod.")
    with pytest.raises(PermissionDenied):  # a member writes only their own dissent
        c.add_dissent(u["Bo"], item.id, m["Anna"].id, "Anna er imod.")
    assert [d.name for d in c.dissents(sec, item.id)] == ["Bo"]


def test_only_secretariat_records_the_meeting(setup):
    c, m, u = setup.council, setup.members, setup.users
    with pytest.raises(PermissionDenied):
        c.record_attendance(u["Anna"], setup.meeting.id, m["Anna"].id, "present")
    with pytest.raises(PermissionDenied):
        c.record_attendance(None, setup.meeting.id, m["Anna"].id, "present")
    item = setup.item("1")
    with pytest.raises(PermissionDenied):
        c.record_decision(u["Anna"], item.id, item.version, "approved", "Godkendt.")


def test_meeting_is_frozen_after_first_approval(setup):
    c, sec, u = setup.council, setup.secretary, setup.users
    attend(setup, "Anna", "Bo", "Cecilie")
    c.approve(u["Anna"], setup.meeting.id, c.minutes(u["Anna"], setup.meeting.id).content_hash)
    item = setup.item("1")
    with pytest.raises(MinutesLocked):
        c.record_decision(sec, item.id, item.version, "approved", "Godkendt.")
    with pytest.raises(MinutesLocked):
        c.record_attendance(sec, setup.meeting.id, setup.members["Dan"].id, "arrived", item_id=item.id)
    with pytest.raises(MinutesLocked):
        c.update_item(sec, item.id, item.version, title="Ny titel")
    with pytest.raises(MinutesLocked):
        c.add_item(sec, setup.meeting.id, "Nyt punkt")


def test_a_decision_for_an_item_that_does_not_exist_is_not_found(setup):
    """The module's own check (the facade finds the item's meeting first): a clear NotFound, not a NameError."""
    with setup.council.engine.begin() as conn:
        att = attendance.load(conn, setup.meeting.id)
        with pytest.raises(NotFound, match="no item with id 1000000000"):
            decisions.record_decision(conn, 10**9, "approved", "Godkendt.", [], att, setup.council.now())
        with pytest.raises(NotFound, match="no item with id 1000000000"):
            decisions.add_dissent(conn, 10**9, 1, "Jeg er imod.", att, setup.council.now())
