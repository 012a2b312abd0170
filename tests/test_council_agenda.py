"""Authoring: templates per municipality, case ids, attachments stored by hash, who sees closed items,
optimistic locking between two secretaries, and the audit log (both backends)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import func, select

from referat.council import SYSTEM
from referat.council import schema as s
from referat.council.templates import get_template, template_for, template_names
from referat.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from referat.vocab.headings import match_heading

from .council_setup import START, build, clock, council, setup, where  # noqa: F401 (fixtures)


def test_every_template_heading_reads_back_as_its_role():
    for name in template_names():
        for sec in get_template(name).sections:
            assert match_heading(sec.heading).role == sec.role, (name, sec.heading)


def test_templates_follow_the_municipalitys_vocabulary():
    albertslund = [x.heading for x in template_for("Albertslund").sections]
    ballerup = [x.heading for x in template_for("ballerup").sections]
    assert albertslund == ["Anledning", "Sagsfremstilling", "Indstilling", "Beslutning", "Bilag"]
    assert ballerup[:4] == ["Tidligere behandling", "Indhold", "Sammendrag", "Baggrund"]
    assert "Beslutningen træffes af" in ballerup and "Anledning" not in ballerup
    assert template_for("Nowhere").name == "default"


def test_items_are_created_from_the_committees_template(council):
    setup_a = build(council)
    ballerup = council.create_committee(setup_a.secretary, "Ballerup", "Erhvervs-, Beskæftigelses- og"
                                        " Uddannelsesudvalget")
    assert ballerup.template == "ballerup" and setup_a.committee.template == "albertslund"
    meeting = council.create_meeting(setup_a.secretary, ballerup.id, START)
    item = council.add_item(setup_a.secretary, meeting.id, "Meddelelser", sections={"content": "Orientering."})
    assert [x.heading for x in item.sections][:3] == ["Tidligere behandling", "Indhold", "Sammendrag"]
    assert item.section("content") == "Orientering."
    assert item.section("deciding_body") == ballerup.name  # Ballerup prints who decides
    albertslund_item = setup_a.item("1")
    assert [x.heading for x in albertslund_item.sections] == ["Anledning", "Sagsfremstilling", "Indstilling"]
    with pytest.raises(InvalidInput, match="no 'content' section"):
        council.add_item(setup_a.secretary, setup_a.meeting.id, "X", sections={"content": "Forkert ordforråd"})
    with pytest.raises(InvalidInput, match="filled from what is recorded"):
        council.add_item(setup_a.secretary, setup_a.meeting.id, "X", sections={"decision": "Godkendt"})


def test_case_ids_are_validated(setup):
    c, sec = setup.council, setup.secretary
    item = c.add_item(sec, setup.meeting.id, "Sag", case_ids=["EMN-2025-003383", "Sagsnr.: 12/27845"])
    assert [(x.value, x.scheme) for x in item.case_ids] == [("EMN-2025-003383", "prefixed-year-serial"),
                                                            ("12/27845", "acadre")]
    with pytest.raises(InvalidInput, match="not a case id"):
        c.add_item(sec, setup.meeting.id, "Sag", case_ids=["hvad som helst"])


def test_attachments_are_stored_once_by_hash(setup):
    c, sec = setup.council, setup.secretary
    data = b"%PDF-1.7 budget " * 100
    one = c.add_attachment(sec, setup.item("1").id, "Budget", "budget.pdf", data, recommended=True)
    two = c.add_attachment(sec, setup.item("3").id, "Budget (igen)", "kopi.pdf", data, not_for_publication=True)
    assert one.sha256 == two.sha256 == hashlib.sha256(data).hexdigest() and one.size == len(data)
    assert one.recommended and not one.not_for_publication and two.not_for_publication and not two.publishable
    with c.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.blobs)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(s.attachments)).scalar() == 2
    info, got = c.attachment(sec, two.id)
    assert got == data and info.title == "Budget (igen)"


def test_damaged_attachment_is_reported(setup):
    c, sec = setup.council, setup.secretary
    a = c.add_attachment(sec, setup.item("1").id, "Bilag", "b.pdf", b"original")
    with c.engine.begin() as conn:
        conn.execute(s.blobs.update().values(data=b"changed!"))
    with pytest.raises(Exception, match="damaged"):
        c.attachment(sec, a.id)


def test_members_see_closed_items_of_their_own_committee_only(setup):
    c, sec = setup.council, setup.secretary
    closed = "HEMMELIGT-INDHOLD"
    anna = setup.users["Anna"]
    stranger = c.create_user(sec, "olga", "Olga", "member")
    other = c.create_committee(sec, "Albertslund", "Økonomiudvalget")
    c.add_member(sec, other.id, stranger.id, "chair", "V")
    citizen = c.create_user(sec, "borger", "Borger", "public")
    assert closed in setup.item("2").section("presentation")
    assert closed in c.meeting(anna, setup.meeting.id).item("2").section("presentation")
    for outsider in (stranger, citizen, None):
        with pytest.raises(NotFound):  # not published yet: the meeting does not exist for them
            c.meeting(outsider, setup.meeting.id)
    c.publish_agenda(sec, setup.meeting.id)
    for outsider in (stranger, citizen, None):
        item = c.meeting(outsider, setup.meeting.id).item("2")
        assert (item.title, item.public, item.sections, item.case_ids) == ("Lukket punkt: Ejendomssag", False, [], [])
        assert "Vestervej" not in repr(c.meetings(outsider))
    # a substitute sees closed items only when called in for that meeting
    finn = setup.users["Finn"]
    assert c.meeting(finn, setup.meeting.id).item("2").sections == []
    c.record_attendance(sec, setup.meeting.id, setup.members["Finn"].id, "substitute",
                        for_member_id=setup.members["Dan"].id)
    assert closed in c.meeting(finn, setup.meeting.id).item("2").section("presentation")


def test_member_whose_term_ended_loses_access(setup):
    c, sec = setup.council, setup.secretary
    old = c.create_user(sec, "gammel", "Gammel", "member")
    c.add_member(sec, setup.committee.id, old.id, "member", "A", date(2018, 1, 1), date(2021, 12, 31))
    with pytest.raises(NotFound):
        c.meeting(old, setup.meeting.id)


def test_only_secretariat_authors(setup):
    c, anna = setup.council, setup.users["Anna"]
    item = setup.item("1")
    with pytest.raises(PermissionDenied) as exc:
        c.update_item(anna, item.id, item.version, title="Annas titel")
    assert (exc.value.action, exc.value.code) == ("author agendas", "secretariat_only")
    with pytest.raises(PermissionDenied):
        c.add_item(anna, setup.meeting.id, "Annas punkt")
    with pytest.raises(PermissionDenied):
        c.create_meeting(anna, setup.committee.id, START)
    with pytest.raises(PermissionDenied):
        c.add_attachment(None, item.id, "x", "x.pdf", b"x")
    with pytest.raises(PermissionDenied):
        c.audit_log(anna)


def test_deactivated_secretary_loses_rights_at_once(setup):
    c, sec = setup.council, setup.secretary
    with c.engine.begin() as conn:
        conn.execute(s.users.update().where(s.users.c.id == sec.id).values(active=False))
    with pytest.raises(PermissionDenied, match="deactivated"):
        c.add_item(sec, setup.meeting.id, "Punkt")


def test_two_secretaries_editing_the_same_item(setup, clock):
    c = setup.council
    other = c.create_user(SYSTEM, "sek2", "Søren Sekretær", "secretary")
    first = setup.secretary
    # both open the item at version 1
    seen_by_first = setup.item("1")
    seen_by_other = setup.item("1")
    clock.advance(minutes=5)
    saved = c.update_item(other, seen_by_other.id, seen_by_other.version, title="Budgetopfølgning 1. kvartal")
    assert saved.version == seen_by_first.version + 1
    with pytest.raises(ConflictError) as exc:
        c.update_item(first, seen_by_first.id, seen_by_first.version, sections={"presentation": "Ny tekst"})
    message = str(exc.value)
    assert "Søren Sekretær (sek2)" in message and "2023-03-01" in message and "reload" in message
    err = exc.value  # the facts as fields, for screens that word it in their own language
    assert (err.entity, err.entity_id, err.who_name, err.who_username) == ("item", seen_by_first.id, "Søren Sekretær",
                                                                           "sek2")
    assert err.when == clock.now and err.change == "item.update"
    assert (err.expected_version, err.actual_version) == (seen_by_first.version, seen_by_first.version + 1)
    current = setup.item("1")
    assert current.title == "Budgetopfølgning 1. kvartal" and current.section("presentation") == \
        "Forbruget følger budgettet."  # nothing of the stale edit got in
    c.update_item(first, current.id, current.version, sections={"presentation": "Ny tekst"})
    assert setup.item("1").title == "Budgetopfølgning 1. kvartal"  # and nothing was lost
    meeting = c.meeting(first, setup.meeting.id)
    c.update_meeting(other, meeting.id, meeting.version, place="Byrådssalen")
    with pytest.raises(ConflictError, match="sek2"):
        c.update_meeting(first, meeting.id, meeting.version, title="Ekstraordinært møde")


def test_every_change_is_in_the_audit_log_with_who_and_when(setup, clock):
    c, sec = setup.council, setup.secretary
    clock.advance(hours=2)
    item = setup.item("1")
    c.update_item(sec, item.id, item.version, title="Ny titel")
    c.record_attendance(sec, setup.meeting.id, setup.members["Anna"].id, "present")
    log = c.audit_log(sec, setup.meeting.id)
    actions = [e.action for e in log]
    assert actions.count("item.create") == 4 and actions[0] == "meeting.create"
    last = log[-1]
    assert (last.action, last.actor, last.at) == ("attendance.present", "sek", clock.now)
    update = next(e for e in log if e.action == "item.update")
    assert update.object_id == item.id and "title" in update.summary and update.actor_id == sec.id
    everything = [e.action for e in c.audit_log(sec)]
    assert {"user.create", "committee.create", "membership.create"} <= set(everything)
