"""Minutes: drafted from the meeting, approved by hash ("Godkendt"), append-only afterwards, corrections
join the hash chain, and tampering with any stored row is found by verify and `referat council verify`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from referat.cli import main
from referat.council import schema as s
from referat.council.decisions import Vote
from referat.errors import (
    ConflictError,
    InvalidInput,
    MinutesLocked,
    NotFound,
    PermissionDenied,
)
from referat.render.signatures import Signature

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)


@pytest.fixture
def held(setup):
    """The meeting held: four members present, Dan absent, decisions on the open items, one dissent."""
    c, sec, m = setup.council, setup.secretary, setup.members
    for name in ("Anna", "Bo", "Cecilie", "Eva"):
        c.record_attendance(sec, setup.meeting.id, m[name].id, "present")
    c.record_attendance(sec, setup.meeting.id, m["Dan"].id, "absent")
    one = setup.item("1")
    c.record_decision(sec, one.id, one.version, "approved", "Indstillingen godkendt.",
                      [Vote("for", "A"), Vote("for", "V"), Vote("against", "C")])
    c.add_dissent(sec, one.id, m["Eva"].id, "Eva Cs protokoltilførsel med egne ord.")
    two = setup.item("2")
    c.record_decision(sec, two.id, two.version, "approved", "Salget godkendt.")
    return setup


def test_draft_minutes_hold_attendance_decisions_votes_and_dissent(held):
    c, u = held.council, held.users
    view = c.minutes(u["Bo"], held.meeting.id)
    m = view.record.meeting
    assert m.kind == "referat" and m.committee == "Udvalget for Erhverv" and not view.approved
    assert {p.person.name: p.present for p in m.participants} == {
        "Anna": True, "Bo": True, "Cecilie": True, "Dan": False, "Eva": True}
    first = m.items[0]
    assert first.decisions[0].outcome == "approved"
    text = first.decisions[0].text
    assert "For stemte: A, V." in text and "Imod stemte: C." in text
    assert "Protokoltilførsel fra Eva (C):\n\nEva Cs protokoltilførsel med egne ord." in text
    assert [a.name for a in first.absences] == ["Dan"]
    assert len(view.content_hash) == 64


def test_outsiders_cannot_read_or_approve(held, council):
    c, sec = held.council, held.secretary
    stranger = c.create_user(sec, "olga", "Olga", "member")
    other = c.create_committee(sec, "Albertslund", "Økonomiudvalget")
    c.add_member(sec, other.id, stranger.id, "member", "A")
    with pytest.raises(NotFound):  # an unpublished meeting does not exist for outsiders
        c.minutes(stranger, held.meeting.id)
    c.publish_agenda(sec, held.meeting.id)
    with pytest.raises(PermissionDenied):  # published, but the minutes are public only once published
        c.minutes(stranger, held.meeting.id)
    draft = c.minutes(held.users["Anna"], held.meeting.id)
    with pytest.raises(PermissionDenied, match="not on Udvalget for Erhverv"):
        c.approve(stranger, held.meeting.id, draft.content_hash)
    with pytest.raises(PermissionDenied, match="did not attend"):
        c.approve(held.users["Dan"], held.meeting.id, draft.content_hash)
    with pytest.raises(PermissionDenied) as exc:
        c.approve(sec, held.meeting.id, draft.content_hash)
    assert (exc.value.action, exc.value.code) == ("approve minutes", "members_only")


def test_approval_signs_the_exact_minutes(held, clock):
    c, u, sec = held.council, held.users, held.secretary
    read = c.minutes(u["Anna"], held.meeting.id)
    item = held.item("3")
    c.update_item(sec, item.id, item.version, sections={"presentation": "Ændret efter Anna læste."})
    with pytest.raises(ConflictError, match="changed since you read them"):
        c.approve(u["Anna"], held.meeting.id, read.content_hash)
    fresh = c.minutes(u["Anna"], held.meeting.id)
    clock.advance(hours=1)
    link = c.approve(u["Anna"], held.meeting.id, fresh.content_hash)
    assert link.content_hash == fresh.content_hash and link.seq == 1 and link.prev_hash == "0" * 64
    with pytest.raises(InvalidInput, match="already approved"):
        c.approve(u["Anna"], held.meeting.id, fresh.content_hash)
    link2 = c.approve(u["Bo"], held.meeting.id, fresh.content_hash)
    assert link2.prev_hash == link.link_hash
    sigs = c.signatures(held.meeting.id)
    assert sigs == [Signature("Anna", "A", "formand", clock.now, fresh.content_hash),
                    Signature("Bo", "V", "næstformand", clock.now, fresh.content_hash)]
    assert c.verify(held.meeting.id).ok


def test_after_first_approval_edits_refused_corrections_appended(held, clock):
    c, u, sec = held.council, held.users, held.secretary
    approved = c.minutes(u["Anna"], held.meeting.id)
    c.approve(u["Anna"], held.meeting.id, approved.content_hash)
    item = held.item("1")
    with pytest.raises(MinutesLocked, match="append-only"):
        c.update_item(sec, item.id, item.version, sections={"presentation": "Omskrevet."})
    with pytest.raises(MinutesLocked):
        c.add_dissent(sec, item.id, held.members["Bo"].id, "For sent.")
    clock.advance(days=2)
    correction = c.add_correction(sec, held.meeting.id, "1", "Cecilie (A) stemte for, ikke imod.")
    assert correction.kind == "correction" and correction.seq == 2
    now = c.minutes(u["Bo"], held.meeting.id)
    assert now.approved and now.content_hash == correction.content_hash != approved.content_hash
    sections = now.record.meeting.items[0].sections
    assert sections[-1].heading == "Tilføjelse 03.03.2023" and "stemte for, ikke imod" in sections[-1].text
    # the signed text is untouched: everything before the addition is exactly what Anna approved
    assert sections[:-1] == approved.record.meeting.items[0].sections
    c.approve(u["Bo"], held.meeting.id, now.content_hash)
    report = c.verify(held.meeting.id)
    assert report.ok and [lk.kind for lk in report.links] == ["approval", "correction", "approval"]
    with pytest.raises(InvalidInput):
        c.add_correction(sec, held.meeting.id, "99", "Intet punkt 99.")
    with pytest.raises(PermissionDenied):
        c.add_correction(u["Anna"], held.meeting.id, "1", "Formanden retter selv.")


def test_correction_before_approval_is_refused(held):
    with pytest.raises(MinutesLocked, match="not approved yet"):
        held.council.add_correction(held.secretary, held.meeting.id, "1", "For tidligt.")


def approve_and_correct(held):
    c, u = held.council, held.users
    c.approve(u["Anna"], held.meeting.id, c.minutes(u["Anna"], held.meeting.id).content_hash)
    c.add_correction(held.secretary, held.meeting.id, "1", "Tilføjelse om afstemningen.")
    c.approve(u["Bo"], held.meeting.id, c.minutes(u["Bo"], held.meeting.id).content_hash)


def tamper(held, table, where_clause, **values):
    with held.council.engine.begin() as conn:
        assert conn.execute(update(table).where(*where_clause).values(**values)).rowcount == 1


def cli_verify(where, meeting_id):
    return CliRunner().invoke(main, ["--db", where, "council", "verify", str(meeting_id)])


def test_verify_cli_prints_intact_chain(held, where):
    approve_and_correct(held)
    result = cli_verify(where, held.meeting.id)
    assert result.exit_code == 0, result.output
    assert "OK: 3 entries, chain intact" in result.output
    assert result.output.count(" ok") == 3 and "correction to item 1" in result.output


@pytest.mark.parametrize("case", ["signer", "correction text", "frozen minutes", "content hash", "deleted row"])
def test_tampering_with_a_row_is_detected(held, where, case):
    approve_and_correct(held)
    mid = held.meeting.id
    c = s.chain.c
    if case == "signer":
        tamper(held, s.chain, [c.meeting_id == mid, c.seq == 1], signer="Mallory")
        expected = 1
    elif case == "correction text":
        tamper(held, s.chain, [c.meeting_id == mid, c.seq == 2], text="Noget helt andet.")
        expected = 2
    elif case == "frozen minutes":
        with held.council.engine.connect() as conn:
            text = conn.execute(s.minutes.select().where(s.minutes.c.meeting_id == mid)).mappings().one()["canonical"]
        tamper(held, s.minutes, [s.minutes.c.meeting_id == mid],
               canonical=text.replace("Indstillingen godkendt.", "Indstillingen forkastet."))
        expected = 0
    elif case == "content hash":
        tamper(held, s.chain, [c.meeting_id == mid, c.seq == 3], content_hash="f" * 64)
        expected = 3
    else:
        with held.council.engine.begin() as conn:
            conn.execute(s.chain.delete().where(c.meeting_id == mid, c.seq == 2))
        expected = 3
    report = held.council.verify(mid)
    assert not report.ok and report.broken_at == expected, report.problem
    result = cli_verify(where, mid)
    assert result.exit_code == 1
    assert f"BROKEN at entry {expected}" in result.output


def test_verify_of_unapproved_minutes(held, where):
    report = held.council.verify(held.meeting.id)
    assert report.ok and not report.approved and report.links == []
    result = cli_verify(where, held.meeting.id)
    assert result.exit_code == 0 and "not approved yet" in result.output
    assert cli_verify(where, 999).exit_code == 4
