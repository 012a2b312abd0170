"""Closing an account and ending a membership term: secretariat only, audited, optimistic locking, and what
each takes away (sessions and every right at once; closed items of meetings after the term's end only).
Both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from referat.errors import ConflictError, InvalidInput, NotFound, PermissionDenied

from .council_setup import START, clock, council, setup, where  # noqa: F401 (fixtures)


def test_deactivated_account_loses_sessions_and_rights_at_once(setup, clock):
    c, sec, u = setup.council, setup.secretary, setup.users
    c.set_password(sec, u["Anna"].id, "annas-kode-1")
    session = c.login("anna", "annas-kode-1")
    assert c.session_user(session.token) is not None
    read = c.users(sec)
    anna = next(x for x in read if x.username == "anna")
    clock.advance(minutes=3)
    closed = c.deactivate_user(sec, anna.id, anna.version)
    assert not closed.active and closed.version == anna.version + 1
    assert c.session_user(session.token) is None  # the session is gone
    with pytest.raises(PermissionDenied) as exc:  # the User object held by a screen is refused too
        c.meeting(session.user, setup.meeting.id)
    assert exc.value.code == "deactivated"
    with pytest.raises(PermissionDenied):
        c.login("anna", "annas-kode-1")
    entry = [e for e in c.audit_log(sec) if e.action == "user.deactivate"]
    assert [(e.actor, e.object_id, e.at) for e in entry] == [("sek", anna.id, clock.now)]
    # nothing she did disappears: she is still on the committee's record
    assert any(m.user_id == anna.id for m in c.members(sec, setup.committee.id))


def test_deactivation_is_for_the_secretariat_with_a_fresh_version(setup):
    c, sec, u = setup.council, setup.secretary, setup.users
    other = c.create_user(sec, "sek2", "Sune Sekretær", "secretary")
    bo = next(x for x in c.users(sec) if x.username == "bo")
    with pytest.raises(PermissionDenied) as exc:
        c.deactivate_user(u["Anna"], bo.id, bo.version)
    assert exc.value.action == "deactivate accounts"
    with pytest.raises(InvalidInput) as own:
        c.deactivate_user(sec, sec.id, sec.version)
    assert own.value.code == "user.deactivate_self"
    c.deactivate_user(other, bo.id, bo.version)
    with pytest.raises(InvalidInput):  # already closed
        c.deactivate_user(sec, bo.id, bo.version + 1)
    eva = next(x for x in c.users(sec) if x.username == "eva")
    with c.engine.begin() as conn:  # someone else changed the row meanwhile
        from referat.council import schema as s
        conn.execute(s.users.update().where(s.users.c.id == eva.id).values(version=s.users.c.version + 1))
    with pytest.raises(ConflictError) as conflict:
        c.deactivate_user(sec, eva.id, eva.version)
    assert (conflict.value.entity, conflict.value.expected_version) == ("user", eva.version)
    assert next(x for x in c.users(sec) if x.username == "eva").active


def test_ended_term_removes_closed_items_after_the_end_only(setup, clock):
    c, sec, u, m = setup.council, setup.secretary, setup.users, setup.members
    earlier = c.create_meeting(sec, setup.committee.id, datetime(2023, 3, 1, 15, tzinfo=UTC)).id
    c.add_item(sec, earlier, "Fortroligt", public=False, sections={"presentation": "TIDLIGERE-HEMMELIGHED"})
    later = setup.meeting.id  # 2023-03-20
    eva = m["Eva"]
    assert c.can_see_closed(u["Eva"], earlier) and c.can_see_closed(u["Eva"], later)
    ended = c.end_term(sec, eva.id, eva.version, date(2023, 3, 10))
    assert ended.term_to == date(2023, 3, 10) and ended.version == eva.version + 1
    assert c.can_see_closed(u["Eva"], earlier) and not c.can_see_closed(u["Eva"], later)
    assert "TIDLIGERE-HEMMELIGHED" in c.meeting(u["Eva"], earlier).item("1").section("presentation")
    with pytest.raises(NotFound):  # the later meeting is unpublished: it does not exist for her any more
        c.meeting(u["Eva"], later)
    assert [x.id for x in c.my_meetings(u["Eva"])] == [earlier]
    assert [e.action for e in c.audit_log(sec) if e.object_type == "membership"][-1] == "membership.end"
    with pytest.raises(ConflictError):  # a second form still showing the old version
        c.end_term(sec, eva.id, eva.version, date(2023, 3, 5))
    with pytest.raises(PermissionDenied):
        c.end_term(u["Anna"], m["Bo"].id, m["Bo"].version, date(2023, 3, 5))


def test_a_term_cannot_end_before_a_meeting_already_on_record(setup):
    c, sec, m = setup.council, setup.secretary, setup.members
    c.record_attendance(sec, setup.meeting.id, m["Anna"].id, "present")
    with pytest.raises(InvalidInput) as exc:
        c.end_term(sec, m["Anna"].id, m["Anna"].version, date(2023, 3, 1))
    assert exc.value.code == "membership.term_has_meetings" and exc.value.facts["meeting_day"] == START.date()
    with pytest.raises(InvalidInput):  # before the term began
        c.end_term(sec, m["Bo"].id, m["Bo"].version, date(2021, 1, 1))
    assert c.end_term(sec, m["Anna"].id, m["Anna"].version, START.date()).term_to == START.date()  # that day is fine


def test_schema_step_2_adds_the_version_columns_to_an_older_database(where):
    """A database made by the first council schema (no version on users and memberships) is upgraded in place."""
    from sqlalchemy import inspect, text

    from referat.council import schema as s
    from referat.council.db import engine_for

    engine = engine_for(where)
    s.migrate(engine)
    with engine.begin() as conn:  # make it look like schema 1
        conn.execute(s.users.insert().values(username="x", name="X", role="member", active=True,
                                             created_at=datetime(2023, 1, 1, tzinfo=UTC)))
        for table in ("council_users", "council_memberships"):
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN version"))
        conn.execute(s.meta.update().values(value="1"))
    report = s.migrate(engine)
    assert (report.before, report.after) == (1, s.SCHEMA_VERSION) and 2 in report.applied
    with engine.connect() as conn:
        for table in ("council_users", "council_memberships"):
            assert "version" in {c["name"] for c in inspect(conn).get_columns(table)}
        assert conn.execute(text("SELECT version FROM council_users WHERE username = 'x'")).scalar() == 1
    engine.dispose()
