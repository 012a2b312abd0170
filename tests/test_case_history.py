"""Case history on the item page: by case id and by the treatments a document prints, on both backends.

The real Aarhus documents print treatments that name meetings the archive holds
(Teknisk Udvalg 1 October 2025 item 3 names "Aarhus Byråd, 27 August 2025,
punkt 10"; the council's 8 October agenda names "Kulturudvalget" on 1 October,
which is *not* the Teknisk Udvalg meeting of that day).  The Ballerup seed's
items carry no case ids, so a meeting it names is added and must be found by
the printed line alone.
"""

from __future__ import annotations

import hashlib
import warnings
from datetime import date, datetime

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.model import AgendaItem, Document, ImportedMeeting, Meeting, Section
from referat.treatments import body_matches
from referat.web import create_app

from .backends import BACKENDS, real_archive


def _find(store, municipality, committee, day):
    found = [m for m in store.meetings_on(municipality, day) if m.committee == committee]
    assert found, (municipality, committee, day)
    return found[0].id


def _printed(client, meeting_id, number):
    j = client.get(f"/moede/{meeting_id}/punkt/{number}.json").json()
    return j, j["item"].get("previous_treatments", []) + j["item"].get("case_history", [])


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory):
    with real_archive(request.param, tmp_path_factory.mktemp(request.param)) as store:
        # the meeting Ballerup's seed item 7 names ("Erhvervs- og Beskæftigelsesudvalget d. 11. maj 2021 Punkt 3")
        meeting = Meeting("Ballerup", "Erhvervs- og Beskæftigelsesudvalget", "referat",
                          start=datetime(2021, 5, 11, 17, 0), items=[
                              AgendaItem("2", 1, "Et andet punkt", sections=[Section("case", "Sagsfremstilling", "x")]),
                              AgendaItem("3", 2, "Beskæftigelsesindsatsen 2021",
                                         sections=[Section("case", "Sagsfremstilling", "Orientering om indsatsen.")])])
        sha = hashlib.sha256(b"ballerup-2021-05-11").hexdigest()
        store.save(ImportedMeeting(Document(sha, "ballerup-2021-05-11.txt", "text", "test", "1"), meeting))
        yield store


def test_printed_treatment_links_to_the_archive_item(archive):
    client = TestClient(create_app(archive))
    tu = _find(archive, "Aarhus", "Teknisk Udvalg", date(2025, 10, 1))
    council = _find(archive, "Aarhus", "Aarhus Byråd", date(2025, 8, 27))
    _, printed = _printed(client, tu, "3")
    linked = [t for t in printed if t.get("archive_url")]
    assert [(t["body"], t["date"], t["archive_url"]) for t in linked] == \
        [("Aarhus Byråd", "2025-08-27", f"/moede/{council}/punkt/10")]
    html = client.get(f"/moede/{tu}/punkt/3").text
    assert f'<a href="/moede/{council}/punkt/10">Aarhus Byråd' in html


def test_same_day_other_committee_is_not_linked(archive):
    client = TestClient(create_app(archive))
    council = _find(archive, "Aarhus", "Aarhus Byråd", date(2025, 10, 8))
    tu = _find(archive, "Aarhus", "Teknisk Udvalg", date(2025, 10, 1))
    _, printed17 = _printed(client, council, "17")
    culture = [t for t in printed17 if t["body"] == "Kulturudvalget" and t["date"] == "2025-10-01"]
    assert culture and all("archive_url" not in t for t in culture)
    _, printed22 = _printed(client, council, "22")
    assert [t["archive_url"] for t in printed22 if t["body"] == "Teknisk Udvalg" and t["date"] == "2025-10-01"] == \
        [f"/moede/{tu}/punkt/2"]


def test_item_without_case_ids_finds_its_earlier_treatment(archive):
    client = TestClient(create_app(archive))
    seed = _find(archive, "Ballerup", "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", date(2022, 11, 15))
    earlier = _find(archive, "Ballerup", "Erhvervs- og Beskæftigelsesudvalget", date(2021, 5, 11))
    j, printed = _printed(client, seed, "7")
    assert not j["item"]["case_ids"]
    assert [t["archive_url"] for t in printed if t.get("archive_url")] == [f"/moede/{earlier}/punkt/3"]
    rows = j["treatments"]
    assert [(r["url"], r["title"]) for r in rows] == [(f"/moede/{earlier}/punkt/3", "Beskæftigelsesindsatsen 2021")]
    # the other printed lines of the seed name meetings the archive does not hold: no links, no rows
    assert all(t.get("archive_url") is None for t in printed if t["date"] != "2021-05-11")


def test_case_id_and_printed_line_give_one_row(archive):
    client = TestClient(create_app(archive))
    council = _find(archive, "Aarhus", "Aarhus Byråd", date(2025, 10, 8))
    tu = _find(archive, "Aarhus", "Teknisk Udvalg", date(2025, 10, 1))
    j, _ = _printed(client, council, "22")  # same case id EMN-2025-009242 and a printed line to TU item 2
    urls = [r["url"] for r in j["treatments"]]
    assert urls.count(f"/moede/{tu}/punkt/2") == 1


@pytest.mark.parametrize("printed, committee, municipality, expected", [
    ("Byrådet", "Aarhus Byråd", "Aarhus", True),
    ("Aarhus Byråd", "Aarhus Byråd", "Aarhus", True),
    ("Udvalget for plan, udvikling og kultur", "Udvalget for plan, udvikling og kultur (PUK)", "Syddjurs", True),
    ("Udvalget", "Teknisk Udvalg", "Aarhus", False),
    ("Kulturudvalget", "Teknisk Udvalg", "Aarhus", False),
    ("Erhvervs- og Beskæftigelsesudvalget", "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", "Ballerup", False),
    ("Økonomiudvalget", "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", "Ballerup", False),
])
def test_body_matches(printed, committee, municipality, expected):
    assert body_matches(printed, committee, municipality) is expected


def test_a_later_item_printing_this_treatment_is_in_its_history(archive):
    """The reverse thread: the 2021 item has no case id and prints nothing, yet the 2022 seed item that prints
    "Erhvervs- og Beskæftigelsesudvalget d. 11. maj 2021 Punkt 3" is among its other treatments."""
    client = TestClient(create_app(archive))
    seed = _find(archive, "Ballerup", "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", date(2022, 11, 15))
    earlier = _find(archive, "Ballerup", "Erhvervs- og Beskæftigelsesudvalget", date(2021, 5, 11))
    rows = client.get(f"/moede/{earlier}/punkt/3.json").json()["treatments"]
    assert [(r["url"], r["names_this"]) for r in rows] == [(f"/moede/{seed}/punkt/7", True)]
    assert rows[0]["committee"] == "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget"
    assert client.get(f"/moede/{earlier}/punkt/2.json").json()["treatments"] == []  # the line names item 3
    html = client.get(f"/moede/{earlier}/punkt/3").text
    assert f'href="/moede/{seed}/punkt/7"' in html and "(henviser til dette punkt)" in html


def _naming(sha: str, *, public: bool, body: str | None = "Økonomiudvalget", number: str = "4",
            day: int = 2) -> ImportedMeeting:
    from referat.model import Treatment

    line = Treatment(body, date(2024, 3, 1), number, f"{body or 'Udvalget'} 1. marts 2024, punkt {number}.")
    item = AgendaItem("9", 1, "Salg af grund" if public else "Personalesag", public=public,
                      sections=[Section("case", "Sagsfremstilling", "Sagen behandles igen.")],
                      previous_treatments=[line])
    meeting = Meeting("Ballerup", "Kommunalbestyrelsen", "referat", start=datetime(2024, 4, day, 17), items=[item])
    return ImportedMeeting(Document(sha, f"{sha}.txt", "text", "test", "1"), meeting)


@pytest.mark.parametrize("kind", BACKENDS)
def test_printed_references_follow_saves_and_closed_items_print_nothing(kind, tmp_path):
    from referat.store import open_store

    from .backends import target

    with target(kind, tmp_path) as where:
        store = open_store(where)
        try:
            target_item = AgendaItem("4", 1, "Salg af grund", sections=[Section("case", "Sagsfremstilling", "x")])
            store.save(ImportedMeeting(Document("t1", "t1.txt", "text", "test", "1"), Meeting(
                "Ballerup", "Økonomiudvalget", "referat", start=datetime(2024, 3, 1, 16), items=[target_item])))
            later = store.save(_naming("n1", public=True)).meeting_id
            refs = store.printed_refs("Ballerup", date(2024, 3, 1))
            assert [(r.meeting_id, r.item_number, r.body, r.number) for r in refs] == \
                [(later, "9", "Økonomiudvalget", "4")]
            store.save(_naming("n2", public=False, day=9))  # a closed item's printed lines are closed too
            assert [r.meeting_id for r in store.printed_refs("Ballerup", date(2024, 3, 1))] == [later]
            # the later meeting replaced by a version that prints no treatment: its reference goes with it
            replacement = _naming("n1b", public=True)
            replacement.meeting.items[0].previous_treatments.clear()
            replacement.document = Document("n1b", "n1.txt", "text", "test", "1")
            store.save(replacement)
            assert [r.meeting_id for r in store.printed_refs("Ballerup", date(2024, 3, 1))] == []
        finally:
            store.close()


@pytest.mark.parametrize("kind", BACKENDS)
def test_migration_backfills_the_printed_references_of_stored_meetings(kind, tmp_path):
    from referat.store import open_store, postgres, sqlite, treatrefs

    from .backends import target

    with target(kind, tmp_path) as where:
        store = open_store(where)
        later = store.save(_naming("n1", public=True)).meeting_id
        conn = store.db if kind == "sqlite" else store.conn
        steps = sqlite.STEPS if kind == "sqlite" else postgres.STEPS
        step = next(s.version for s in steps if s.description == treatrefs.STEP_DESCRIPTION)
        conn.execute("DROP TABLE treatment_refs")
        for later_table in ("attachments", "sources", "harvest_files", "harvest_seen", "harvest_sources",
                            "index_aside"):
            conn.execute(f"DROP TABLE {later_table}")  # (the later steps' tables)
        if kind == "sqlite":  # and the later step
            conn.execute("ALTER TABLE index_pending DROP COLUMN seq")
        conn.execute(f"UPDATE meta SET value='{step - 1}' WHERE key='schema_version'")
        store.close()
        store = open_store(where)
        try:
            assert store.migration.applied == [s.version for s in steps if s.version >= step]
            assert [r.meeting_id for r in store.printed_refs("Ballerup", date(2024, 3, 1))] == [later]
        finally:
            store.close()
