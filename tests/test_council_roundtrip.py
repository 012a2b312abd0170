"""Minutes drafted by the meeting side come back from their own text and PDF renderings.

A meeting held with the council library (a late arrival, an inhabil member, decisions
with votes and a protokoltilførsel, a closed item) and approved by two members is
rendered public and internal, as text and PDF, with the signatures, and imported
again with our own importers: the model is the same (``roundtrip.py``'s fields).
"""

from __future__ import annotations

import pytest

from referat.council.decisions import Vote
from referat.parse.importer import parse_bytes
from referat.render import filename, render

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)
from .roundtrip import diff, expected, view


@pytest.fixture
def approved(setup, clock):
    """Cecilie arrives before item 2, Dan sends apologies, Bo is inhabil for item 3; decisions
    on items 1-3 (votes and Eva's protokoltilførsel on item 1; the city council decides item 3),
    then Anna and Bo approve."""
    c, sec, m, u = setup.council, setup.secretary, setup.members, setup.users
    mid = setup.meeting.id
    for name in ("Anna", "Bo", "Eva"):
        c.record_attendance(sec, mid, m[name].id, "present")
    c.record_attendance(sec, mid, m["Dan"].id, "absent")
    c.record_attendance(sec, mid, m["Cecilie"].id, "arrived", item_id=setup.item("2").id)
    c.record_attendance(sec, mid, m["Bo"].id, "inhabil", item_id=setup.item("3").id)
    one = setup.item("1")
    c.record_decision(sec, one.id, one.version, "approved", "Indstillingen godkendt.",
                      [Vote("for", "A"), Vote("for", "V"), Vote("against", "C")])
    c.add_dissent(sec, one.id, m["Eva"].id, "Det Konservative Folkeparti kan ikke støtte opfølgningen, "
                  "da forbruget på det specialiserede område stiger uden en plan for at bringe det ned igen.")
    two = setup.item("2")
    c.record_decision(sec, two.id, two.version, "approved", "Salget godkendt.")
    three = setup.item("3")
    three = c.update_item(sec, three.id, three.version, deciding_body="Kommunalbestyrelsen")
    c.record_decision(sec, three.id, three.version, "postponed", "Udsat til næste møde.")
    clock.advance(hours=2)
    for name in ("Anna", "Bo"):
        c.approve(u[name], mid, c.minutes(u[name], mid).content_hash)
        clock.advance(minutes=30)
    return setup


@pytest.mark.parametrize("public", [True, False], ids=["public", "internal"])
@pytest.mark.parametrize("fmt", ["text", "pdf"])
def test_council_minutes_round_trip(approved, fmt: str, public: bool) -> None:
    c, mid = approved.council, approved.meeting.id
    record = c.minutes(approved.users["Anna"], mid).record
    sigs = c.signatures(mid)
    out = render(record, fmt, public=public, signatures=sigs)
    back = parse_bytes(out if isinstance(out, bytes) else out.encode("utf-8"), filename(record, fmt))
    want = expected(record.meeting, public=public)
    want["signatories"] = [(s.name, s.party, s.role) for s in sigs]  # the signature page names the signers
    problems = diff(want, view(back.meeting))
    assert problems == [], "\n".join(problems)
    assert back.document.warnings == []
    m = back.meeting
    notes = {p.person.name: (p.present, p.note) for p in m.participants}
    assert notes["Cecilie"] == (True, "ankom før punkt 2") and notes["Dan"] == (False, "Afbud")
    assert notes["Bo"] == (True, "inhabil under punkt 3")
    one, two, three = m.items[:3]
    assert [p.name for p in one.absences] == ["Cecilie", "Dan"]
    assert [p.name for p in three.absences] == ["Bo", "Dan"]
    assert one.decisions[0].outcome == "approved" and "Imod stemte: C." in one.decisions[0].text
    assert "forbruget på det specialiserede område" in one.decisions[0].text
    assert three.decisions[0].outcome == "postponed" and three.deciding_body == "Kommunalbestyrelsen"
    assert [(d.body, str(d.date)) for d in one.decisions] == [("Udvalget for Erhverv", "2023-03-20")]
    assert two.public is False and (two.decisions == []) == public
    assert [(p.name, p.party, p.role) for p in m.signatories] == [(s.name, s.party, s.role) for s in sigs]


def test_attendance_notes_of_present_members_are_notes_not_roles() -> None:
    from referat.vocab.names import parse_participants

    got = [(p.person.name, p.person.role, p.present, p.note) for p in parse_participants(
        "Bo (V) (næstformand) (inhabil under punkt 3), Cecilie (A) (ankom før punkt 2), Dan (Ø) (Afbud), "
        "Eva (C) (forlod mødet efter punkt 5), Finn (A) (stedfortræder for Dan)")]
    assert got == [("Bo", "næstformand", True, "inhabil under punkt 3"), ("Cecilie", None, True, "ankom før punkt 2"),
                   ("Dan", None, False, "Afbud"), ("Eva", None, True, "forlod mødet efter punkt 5"),
                   ("Finn", "stedfortræder for Dan", True, None)]
