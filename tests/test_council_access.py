"""What the library tells the screens about access, so they never guess: a member's own meetings, whether a
user may see a meeting's closed items, and whether its minutes are locked. Both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from referat.errors import NotFound

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)


def test_my_meetings_are_those_of_my_committees_on_days_my_term_covers(setup):
    c, sec, u, m = setup.council, setup.secretary, setup.users, setup.members
    current = setup.meeting.id
    earlier = c.create_meeting(sec, setup.committee.id, datetime(2021, 6, 1, 15, tzinfo=UTC)).id
    old = c.create_user(sec, "gammel", "Gammel", "member")
    c.add_member(sec, setup.committee.id, old.id, "member", "A", date(2018, 1, 1), date(2021, 12, 31))
    other = c.create_committee(sec, "Albertslund", "Økonomiudvalget")
    c.add_member(sec, other.id, u["Anna"].id, "member", "A", date(2022, 1, 1))
    elsewhere = c.create_meeting(sec, other.id, datetime(2023, 4, 1, 15, tzinfo=UTC)).id
    stranger_meeting = c.create_meeting(sec, c.create_committee(sec, "Ballerup", "Teknik").id,
                                        datetime(2023, 5, 1, 15, tzinfo=UTC)).id

    def mine(user):
        return [x.id for x in c.my_meetings(user)]

    assert mine(u["Anna"]) == [elsewhere, current]  # newest first; not 2021 (before her term), not Ballerup
    assert mine(old) == [earlier]  # the ended term still covers the meeting in 2021, not the later one
    assert stranger_meeting not in mine(u["Anna"]) + mine(old)
    # closed items are included: these are insiders' views
    assert "HEMMELIGT-INDHOLD" in c.my_meetings(u["Bo"])[0].item("2").section("presentation")
    # a substitute only where called in
    assert mine(u["Finn"]) == []
    c.record_attendance(sec, current, m["Finn"].id, "substitute", for_member_id=m["Dan"].id)
    assert mine(u["Finn"]) == [current] and mine(u["Gitte"]) == []
    # not for the secretariat, citizens or anonymous visitors: they have no committees
    citizen = c.create_user(sec, "borger", "Borger", "public")
    assert mine(sec) == mine(citizen) == mine(None) == []


def test_can_see_closed_answers_what_meeting_shows(setup):
    c, sec, u, m = setup.council, setup.secretary, setup.users, setup.members
    mid = setup.meeting.id
    stranger = c.create_user(sec, "olga", "Olga", "member")
    c.add_member(sec, c.create_committee(sec, "Albertslund", "Økonomiudvalget").id, stranger.id, "chair", "V")
    citizen = c.create_user(sec, "borger", "Borger", "public")
    assert c.can_see_closed(sec, mid) and c.can_see_closed(u["Anna"], mid) and c.can_see_closed(u["Eva"], mid)
    for outsider in (stranger, citizen, None, u["Finn"]):
        assert not c.can_see_closed(outsider, mid)
    c.record_attendance(sec, mid, m["Finn"].id, "substitute", for_member_id=m["Dan"].id)
    assert c.can_see_closed(u["Finn"], mid) and not c.can_see_closed(u["Gitte"], mid)
    c.publish_agenda(sec, mid)
    for user in (sec, u["Anna"], u["Finn"], stranger, citizen, None):  # the answer matches what meeting() shows
        shown = c.meeting(user, mid).item("2").section("presentation")
        assert ("HEMMELIGT-INDHOLD" in shown) == c.can_see_closed(user, mid)
    with pytest.raises(NotFound):
        c.can_see_closed(u["Anna"], 999_999)


def test_minutes_locked_after_the_first_approval(setup):
    c, sec, u, m = setup.council, setup.secretary, setup.users, setup.members
    mid = setup.meeting.id
    for name in ("Anna", "Bo", "Cecilie"):
        c.record_attendance(sec, mid, m[name].id, "present")
    assert not c.minutes_locked(mid) and not c.meeting(sec, mid).minutes_locked
    c.approve(u["Anna"], mid, c.minutes(u["Anna"], mid).content_hash)
    assert c.minutes_locked(mid) and c.meeting(sec, mid).minutes_locked and c.meeting(u["Bo"], mid).minutes_locked
    assert c.minutes_locked(mid) == c.verify(mid).approved
    with pytest.raises(NotFound):
        c.minutes_locked(999_999)
