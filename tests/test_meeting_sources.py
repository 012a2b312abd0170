"""One meeting across its documents (issue 18): identity without kind or format, sources, merging archives.

Run on both backends.  The Ballerup 2012 minutes as PDF and as eDoc XML are one meeting with two sources;
an agenda and then the minutes are one meeting keeping its id; a re-export replaces its earlier version;
an archive written with the old identity (kind and format in the key) merges when migrated.
"""

from __future__ import annotations

import hashlib
import sqlite3

import psycopg
import pytest

from referat import canonical
from referat.model import ImportedMeeting
from referat.parse import importer
from referat.search.query import parse
from referat.store import open_store, postgres, sqlite
from referat.store import sources as sources_step

from .backends import BACKENDS, target
from .conftest import SHARED

BALLERUP = sorted((SHARED / "corpus").glob("ballerup_2012-12-04_*"))  # the eDoc XML, the minutes PDF
SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield t


@pytest.fixture
def store(where):
    s = open_store(where)
    yield s
    s.close()


def variant(record: ImportedMeeting, *, kind: str | None = None, fmt: str | None = None, tag: str = "",
            decisions: bool = True) -> ImportedMeeting:
    """A copy of ``record`` as another document of the same meeting (another hash)."""
    out = canonical.loads(canonical.compact(record))
    if kind:
        out.meeting.kind = kind
    if fmt:
        out.document.format = fmt
    if not decisions:
        for item in out.meeting.items:
            item.decisions = []
    out.document.sha256 = hashlib.sha256((record.document.sha256 + tag + (kind or "") + (fmt or "")).encode()
                                         ).hexdigest()
    out.source = None
    return out


def listed(store, meeting_id: int) -> list[dict]:
    return store.meeting_documents([meeting_id])[meeting_id]


def test_ballerup_pdf_and_xml_are_one_meeting(store):
    xml, pdf = (importer.parse_file(p) for p in BALLERUP)
    first, second = store.save(xml), store.save(pdf)
    assert first.meeting_id == second.meeting_id
    assert second.status == "replaced"  # the PDF has the richer structure here (more sections)
    assert len(store.meetings()) == 1
    docs = listed(store, first.meeting_id)
    assert sorted(d["format"] for d in docs) == ["pdf", "xml"]
    assert [d["current"] for d in docs] == [True, False] and docs[0]["format"] == "pdf"
    assert {d["sha256"] for d in docs} == {xml.document.sha256, pdf.document.sha256}
    assert all(store.has_source(d["sha256"]) for d in docs)  # both files' bytes kept, once each
    assert len(store.get(first.meeting_id).meeting.items) == 8
    # importing either again changes nothing
    assert store.save(importer.parse_file(BALLERUP[0])).status == "unchanged"
    assert store.save(importer.parse_file(BALLERUP[1])).status == "unchanged"
    assert len(listed(store, first.meeting_id)) == 2
    # every item is found once
    hits = store.search(parse("sundhed"), limit=100).hits
    assert hits
    assert len({h.item_id for h in hits}) == len(hits)
    assert len({(h.meeting_id, h.number) for h in hits}) == len(hits)


def test_the_poorer_format_is_only_listed(store):
    pdf, xml = importer.parse_file(BALLERUP[1]), importer.parse_file(BALLERUP[0])
    first = store.save(pdf)
    assert store.save(xml).status == "attached"
    assert store.get(first.meeting_id) == pdf  # the items stay the PDF's
    assert [d["format"] for d in listed(store, first.meeting_id)] == ["pdf", "xml"]


def test_agenda_then_minutes_is_one_meeting_keeping_its_id(store):
    minutes = importer.parse_file(SEED)
    agenda = variant(minutes, kind="dagsorden", decisions=False)
    first = store.save(agenda)
    assert store.meetings()[0].kind == "dagsorden"
    second = store.save(minutes)
    assert (second.meeting_id, second.status) == (first.meeting_id, "replaced")
    assert [(m.id, m.kind) for m in store.meetings()] == [(first.meeting_id, "referat")]
    assert store.get(first.meeting_id) == minutes
    assert [(d["kind"], d["current"]) for d in listed(store, first.meeting_id)] == [("referat", True),
                                                                                   ("dagsorden", False)]
    # an agenda arriving after the minutes is listed, never read
    late = variant(minutes, kind="dagsorden", tag="late", decisions=False)
    assert store.save(late).status == "attached"
    assert store.get(first.meeting_id) == minutes
    kinds = [d["kind"] for d in listed(store, first.meeting_id)]
    assert kinds == ["referat", "dagsorden"]  # the late agenda is the later version of the agenda
    assert listed(store, first.meeting_id)[1]["sha256"] == late.document.sha256


def test_a_re_export_replaces_its_earlier_version(store):
    record = importer.parse_file(SEED)
    first = store.save(record)
    newer = variant(record, tag="re-export")
    newer.meeting.items[0].title = "Ny titel"
    assert store.save(newer) == type(first)(first.meeting_id, "replaced")
    docs = listed(store, first.meeting_id)
    assert [d["sha256"] for d in docs] == [newer.document.sha256]
    assert not store.has_source(record.document.sha256) or record.source is None
    assert store.get(first.meeting_id).meeting.items[0].title == "Ny titel"


def _sql(where: str, statements: list[str], params: tuple) -> None:
    if where.startswith("postgres"):
        with psycopg.connect(where, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql.replace("?", "%s"), params[-sql.count("?"):] if "?" in sql else ())
    else:
        with sqlite3.connect(where) as db:
            for sql in statements:
                db.execute(sql, params[-sql.count("?"):] if "?" in sql else ())


def test_migrate_merges_an_old_archives_duplicates(where):
    xml, pdf = (importer.parse_file(p) for p in BALLERUP)
    minutes = importer.parse_file(SEED)
    agenda = variant(minutes, kind="dagsorden", decisions=False)
    # saved one by one, each under a key the new identity would not find (as the old code did)
    ids = []
    for record in (agenda, xml, minutes, pdf):
        ids += _old_archive_one(where, open_store(where), record)
    # an archive from before the merge step: neither its sources table nor any later step's (attachments)
    steps = postgres.STEPS if where.startswith("postgres") else sqlite.STEPS
    merge = next(s.version for s in steps if s.description == sources_step.STEP_DESCRIPTION)
    version = merge - 1
    _sql(where, ["DROP TABLE attachments", "DROP TABLE sources",
                 "UPDATE meta SET value=? WHERE key='schema_version'"], (str(version),))
    assert len(set(ids)) == 4
    with open_store(where) as store:
        assert store.migration is not None
        assert store.migration.applied == [s.version for s in steps if s.version > version]
        assert store.migration.applied[0] == merge
        meetings = store.meetings()
        assert len(meetings) == 2
        by_kind = {m.municipality: m for m in meetings}
        assert store.get(by_kind["Ballerup"].id) == pdf  # the richer of the two minutes
        assert store.get(by_kind[minutes.meeting.municipality].id) == minutes  # minutes over agenda
        docs = store.meeting_documents([m.id for m in meetings])
        assert sorted(d["format"] for d in docs[by_kind["Ballerup"].id]) == ["pdf", "xml"]
        assert [d["kind"] for d in docs[by_kind[minutes.meeting.municipality].id]] == ["referat", "dagsorden"]
        assert all(store.has_source(d["sha256"]) for d in docs[by_kind["Ballerup"].id])
        # search finds each item once, nothing of the merged-away meetings
        hits = store.search(parse("sundhed"), limit=200).hits
        assert hits
        assert {h.meeting_id for h in hits} <= {m.id for m in meetings}
        assert len({(h.meeting_id, h.number) for h in hits}) == len(hits)
        # a new document of the merged meeting finds it by the new identity
        assert store.save(importer.parse_file(BALLERUP[0])).status == "unchanged"
        again = variant(minutes, kind="dagsorden", tag="again", decisions=False)
        assert store.save(again) == type(store.save(minutes))(by_kind[minutes.meeting.municipality].id, "attached")


def _old_archive_one(where: str, store, record: ImportedMeeting) -> list[int]:
    meeting_id = store.save(record).meeting_id
    m = record.meeting
    old_key = "|".join([m.municipality, m.committee.casefold(), m.kind,
                        m.start.isoformat() if m.start else "?", record.document.format])
    store.close()
    _sql(where, ["UPDATE meetings SET key=? WHERE id=?"], (old_key, meeting_id))
    return [meeting_id]


def _council(sha: str, kind: str, *, day: int = 1, present: bool = True) -> ImportedMeeting:
    """A committee meeting's agenda or minutes: one item with a case id, two members."""
    from datetime import datetime

    from referat.model import AgendaItem, CaseId, Decision, Document, Meeting, Participant, Person

    decisions = [Decision("Godkendt.", "approved")] if kind == "referat" else []
    item = AgendaItem("1", 1, "Budget 2025", case_ids=[CaseId("00.01.00-A00-1-24", "kle")], decisions=decisions)
    meeting = Meeting("Ballerup", "Økonomiudvalget", kind, start=datetime(2024, 3, day, 17), items=[item],
                      participants=[Participant(Person("Anja Holtze", "A"), present),
                                    Participant(Person("Mette Bo", "V"), True)])
    return ImportedMeeting(Document(hashlib.sha256(sha.encode()).hexdigest(), f"{sha}.txt", "text", "test", "1"),
                           meeting)


def test_attendance_counts_held_meetings_once_and_case_history_never_lists_itself(store):
    from referat.web.history import case_history
    from referat.web.people import person_page

    agenda = store.save(_council("agenda", "dagsorden"))
    minutes = store.save(_council("minutes", "referat", present=False))
    assert minutes.meeting_id == agenda.meeting_id
    store.save(_council("next agenda", "dagsorden", day=8))  # called, not (yet) held
    rows = store.person_attendance("ballerup/anja-holtze")
    assert [(r.meeting_id, r.kind) for r in rows] == [(agenda.meeting_id, "referat"), (rows[1].meeting_id,
                                                                                       "dagsorden")]
    page = person_page(store, "ballerup", "anja-holtze")
    assert (page["attendance"]["present"], page["attendance"]["absent"]) == (0, 1)
    assert [m["present"] + m["absent"] for m in page["memberships"]] == [1]
    # the item's case is on both meetings' items, but never on its own meeting twice
    cases = store.case_items(["00.01.00-A00-1-24"])
    assert sorted(c.meeting_id for c in cases) == sorted({agenda.meeting_id, rows[1].meeting_id})
    meeting = store.get(agenda.meeting_id).meeting
    history = case_history(store, agenda.meeting_id, meeting, meeting.items[0], {})
    assert [row["meeting_id"] for row in history] == [rows[1].meeting_id]  # the other meeting only


def test_list_json_shows_a_meetings_documents(where):
    import json

    from click.testing import CliRunner

    from referat.cli import main

    runner = CliRunner()
    out = runner.invoke(main, ["--db", where, "import", *map(str, BALLERUP)])
    assert out.exit_code == 0, out.output
    listing = runner.invoke(main, ["--db", where, "list", "--json"])
    assert listing.exit_code == 0, listing.output
    [line] = listing.output.splitlines()
    meeting = json.loads(line)
    assert (meeting["municipality"], meeting["kind"], meeting["items"]) == ("Ballerup", "referat", 8)
    assert [(d["format"], d["current"]) for d in meeting["documents"]] == [("pdf", True), ("xml", False)]
    assert {d["source_name"] for d in meeting["documents"]} == {p.name for p in BALLERUP}
