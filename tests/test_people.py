"""People: identity by normalized name within a municipality, the participants read model on both backends
(written with each save, replaced with the meeting, backfilled by the migration), and what it adds up to."""

from __future__ import annotations

from datetime import datetime

import pytest

from referat.model import (
    AgendaItem,
    Decision,
    Document,
    ImportedMeeting,
    Meeting,
    Participant,
    Person,
    Section,
)
from referat.persons import Attendance, dissenters, memberships, person_key
from referat.store import open_store

from .backends import BACKENDS, target


def test_person_key_folds_case_spacing_and_danish_letters():
    assert person_key("Ballerup", "Anja  Holtze") == person_key("ballerup", "ANJA HOLTZE") == "ballerup/anja-holtze"
    assert person_key("Aarhus", "Søren Ærø Åby") == "aarhus/soeren-aeroe-aaby"
    assert person_key("Aarhus", "Anja Holtze") != person_key("Ballerup", "Anja Holtze")


@pytest.mark.parametrize("sentence, names", [
    ("Solveig Munk kunne ikke tiltræde indstillingen.", ["Solveig Munk"]),
    ("Socialistisk Folkepartis og Enhedslisten de Rød-Grønnes byrådsgrupper og Viggo Jonasen kunne ikke tiltræde"
     " indstillingens beslutningspunkter 1 og 2.", ["Viggo Jonasen"]),
    ("Anders Hansen (V) og Mette Bo stemte imod.", ["Anders Hansen", "Mette Bo"]),
    ("Protokoltilførsel fra Anja Holtze (A): Jeg kan ikke støtte forslaget.", ["Anja Holtze"]),
    ("Radikale Venstres og Alternativets byrådsgrupper kunne ikke tiltræde indstillingen.", []),
    ("Dansk Folkeparti stemte imod.", []),
    ("Udvalget kunne ikke tiltræde indstillingen.", []),
    ("Indstillingen blev godkendt.", []),
])
def test_dissenters_are_persons_not_parties(sentence, names):
    assert dissenters(sentence) == names


def _row(committee: str, day: int, name: str, present: bool = True, party: str | None = "A",
         role: str | None = None) -> Attendance:
    return Attendance(day, "Ballerup", committee, datetime(2024, 1, day), "referat", person_key("Ballerup", name),
                      name, party, role, present, None)


def test_memberships_add_up_attendance_and_take_party_from_the_latest_meeting():
    rows = [_row("Økonomiudvalget", 1, "Anja Holtze", party="F"), _row("Økonomiudvalget", 5, "Anja Holtze",
                                                                        present=False, role="formand"),
            _row("Økonomiudvalget", 9, "Anja Holtze"), _row("Kulturudvalget", 3, "Anja Holtze")]
    latest = {("Ballerup", "Økonomiudvalget"): datetime(2024, 1, 9), ("Ballerup", "Kulturudvalget"):
              datetime(2024, 1, 20)}
    seats = memberships(rows, latest)
    assert [m.committee for m in seats] == ["Økonomiudvalget", "Kulturudvalget"]  # current first
    econ, culture = seats
    assert (econ.present, econ.absent, econ.party, econ.role, econ.current) == (2, 1, "A", "formand", True)
    assert (econ.first, econ.last) == (datetime(2024, 1, 1), datetime(2024, 1, 9))
    assert not culture.current and culture.present == 1


def _record(sha: str, *, people: list[tuple[str, str | None, bool]], day: int = 1, committee: str = "Økonomiudvalget",
            closed_dissent: bool = False) -> ImportedMeeting:
    items = [AgendaItem("1", 1, "Budget 2025", sections=[Section("decision", "Beslutning", "x")],
                        absences=[Person("Mette Bo")],
                        decisions=[Decision("Godkendt. Anja Holtze (A) stemte imod.", "approved")]),
             AgendaItem("2", 2, "Personalesag", public=not closed_dissent,
                        decisions=[Decision("Ole Hemmelig kunne ikke tiltræde indstillingen.", "approved")])]
    meeting = Meeting("Ballerup", committee, "referat", start=datetime(2024, 3, day, 17),
                      participants=[Participant(Person(n, p), present) for n, p, present in people], items=items)
    return ImportedMeeting(Document(sha, f"{sha}.txt", "text", "test", "1"), meeting)


@pytest.fixture
def store(fresh_store):  # a new store of each backend (conftest)
    return fresh_store


def test_participants_are_written_with_the_meeting_and_replaced_with_it(store):
    first = store.save(_record("a1", people=[("Anja Holtze", "A", True), ("Mette Bo", "V", False)],
                               closed_dissent=True))
    store.save(_record("b1", people=[("Anja Holtze", "A", True)], day=8, closed_dissent=True))
    rows = store.person_attendance("ballerup/anja-holtze")
    assert (rows[0].meeting_id, rows[0].present, rows[0].party) == (first.meeting_id, True, "A")
    assert len(rows) == 2 and rows[0].start < rows[1].start
    absent = store.person_attendance("ballerup/mette-bo")
    assert [(r.present, r.party) for r in absent] == [(False, "V")]

    mentions = {(m.person_key, m.item_number, m.kind) for m in store.person_mentions("ballerup/anja-holtze")}
    assert ("ballerup/anja-holtze", "1", "dissent") in mentions
    assert [m.kind for m in store.person_mentions("ballerup/mette-bo")] == ["absent", "absent"]
    assert store.person_mentions("ballerup/ole-hemmelig") == []  # a closed item's content never surfaces

    created = store.meeting_created()[first.meeting_id]
    replaced = store.save(_record("a2", people=[("Anja Holtze", "A", False)]))
    assert replaced.status == "replaced" and replaced.meeting_id == first.meeting_id
    rows = store.person_attendance("ballerup/anja-holtze")
    assert (rows[0].meeting_id, rows[0].present) == (first.meeting_id, False) and len(rows) == 2
    assert store.person_attendance("ballerup/mette-bo") == []
    assert store.meeting_created()[first.meeting_id] == created  # first import time survives the replacement
    assert len(store.committee_attendance("Ballerup", "Økonomiudvalget")) == 2
    latest = store.latest_listed({("Ballerup", "Økonomiudvalget"), ("Ballerup", "Ingen")})
    assert latest == {("Ballerup", "Økonomiudvalget"): datetime(2024, 3, 8, 17), ("Ballerup", "Ingen"): None}


UNDO_STEP_3 = ["DROP TABLE api_objects", "DROP INDEX documents_imported", "DROP TABLE participants",
               "DROP TABLE person_mentions", "DROP INDEX meetings_created",
               "ALTER TABLE meetings DROP COLUMN created_at", "UPDATE meta SET value='2' WHERE key='schema_version'"]


@pytest.mark.parametrize("kind", BACKENDS)
def test_migration_backfills_people_of_stored_meetings(kind, tmp_path):
    with target(kind, tmp_path) as where:
        s = open_store(where)
        meeting_id = s.save(_record("m1", people=[("Anja Holtze", "A", True)])).meeting_id
        conn = s.db if kind == "sqlite" else s.conn
        undo_5 = ["ALTER TABLE index_pending DROP COLUMN seq", "DROP INDEX meetings_committee",
                  "DROP INDEX meetings_id_times", "DROP INDEX documents_meeting"]
        undo_6 = ["DROP TABLE attachments", "DROP TABLE sources", "DROP TABLE harvest_files", "DROP TABLE harvest_seen",
                  "DROP TABLE harvest_sources", "DROP TABLE index_aside", "DROP TABLE treatment_refs",
                  "DROP TABLE blobs"]
        for sql in undo_6 + (undo_5 if kind == "sqlite" else []) + UNDO_STEP_3:
            conn.execute(sql)
        s.close()
        s = open_store(where)
        try:
            assert s.migration.applied[:2] == [3, 4]  # (and 5 on SQLite)
            assert [r.meeting_id for r in s.person_attendance("ballerup/anja-holtze")] == [meeting_id]
            assert meeting_id in s.meeting_created()
        finally:
            s.close()
