"""Publication: the agenda and the approved minutes go into the archive store and onto the portal;
a closed item leaves as its neutral title only and a not-for-publication attachment never leaves
(checked in every archive table, the search index and the portal, on both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from starlette.testclient import TestClient

from referat.council.decisions import Vote
from referat.errors import InvalidInput, PermissionDenied
from referat.search.query import parse
from referat.web import create_app

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)

SECRETS = ["HEMMELIGT-INDHOLD", "Vestervej", "Hansen ApS", "Fortroligt notat", "tredjepart-ophavsret"]


@pytest.fixture
def prepared(setup):
    c, sec, m = setup.council, setup.secretary, setup.members
    c.add_attachment(sec, setup.item("1").id, "Budgetnotat", "notat.pdf", b"budget", recommended=True)
    c.add_attachment(sec, setup.item("1").id, "Rapport fra tredjepart-ophavsret", "rapport.pdf", b"3p",
                     not_for_publication=True)
    c.add_attachment(sec, setup.item("3").id, "Fortroligt notat", "fortroligt.pdf", b"closed", public=False)
    c.add_attachment(sec, setup.item("2").id, "Skøde", "skoede.pdf", b"deed")
    for name in ("Anna", "Bo", "Cecilie"):
        c.record_attendance(sec, setup.meeting.id, m[name].id, "present")
    for number in ("1", "2", "3"):
        item = setup.item(number)
        c.record_decision(sec, item.id, item.version, "approved", f"Punkt {number} godkendt.",
                          [Vote("for", "A")] if number == "1" else [])
    return setup


def archive_dump(council) -> str:
    """Every value of every archive table (not the council_* tables) plus the SQLite index files."""
    out = []
    with council.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if not table.startswith("council_"):
                out += [repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{table}"'))]
    if council.engine.dialect.name == "sqlite":
        folder = Path(council.engine.url.database + ".index")
        out += [p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    return "\n".join(out)


def assert_nothing_secret_left(c):
    dump = archive_dump(c)
    for secret in SECRETS:
        assert secret not in dump, secret
    for word in ("hemmeligt", "vestervej", "købesum", "fortroligt", "tredjepart", "skøde"):
        assert c.store.search(parse(word)).hits == [], word


def test_publish_agenda_closed_item_as_neutral_title_only(prepared):
    c, sec = prepared.council, prepared.secretary
    result = c.publish_agenda(sec, prepared.meeting.id)
    record = c.store.get(result.meeting_id)
    assert record.meeting.kind == "dagsorden" and record.document.format == "council"
    closed = record.meeting.items[1]
    assert (closed.number, closed.title, closed.public) == ("2", "Lukket punkt: Ejendomssag", False)
    assert closed.sections == [] and closed.case_ids == [] and closed.attachments == [] and closed.decisions == []
    first = record.meeting.items[0]
    assert [a.title for a in first.attachments] == ["Budgetnotat"] and first.attachments[0].recommended
    assert first.decisions == []  # an agenda carries no decisions
    assert record.meeting.items[2].attachments == []  # the closed attachment of an open item stays in
    assert_nothing_secret_left(c)
    assert c.store.search(parse("erhvervspolitik")).hits[0].number == "3"
    hits = c.store.search(parse("ejendomssag")).hits
    assert [(h.number, h.public) for h in hits] == [("2", False)]


def test_publish_minutes_needs_approval_then_shows_on_the_portal(prepared, clock):
    c, sec, anna = prepared.council, prepared.secretary, prepared.users["Anna"]
    with pytest.raises(InvalidInput, match="not approved"):
        c.publish_minutes(sec, prepared.meeting.id)
    with pytest.raises(PermissionDenied):
        c.publish_agenda(anna, prepared.meeting.id)
    c.approve(anna, prepared.meeting.id, c.minutes(anna, prepared.meeting.id).content_hash)
    result = c.publish_minutes(sec, prepared.meeting.id)
    record = c.store.get(result.meeting_id)
    assert record.meeting.kind == "referat" and record.meeting.status == "Godkendt"
    assert [p.name for p in record.meeting.signatories] == ["Anna"]
    assert record.meeting.items[0].decisions[0].outcome == "approved"
    assert record.meeting.items[1].decisions == [] and record.meeting.items[1].absences == []
    assert_nothing_secret_left(c)
    with TestClient(create_app(c.store)) as client:
        page = client.get(f"/moede/{result.meeting_id}")
        assert page.status_code == 200
        assert "Erhvervspolitik" in page.text and "Lukket punkt: Ejendomssag" in page.text
        item = client.get(f"/moede/{result.meeting_id}/punkt/1")
        assert "Punkt 1 godkendt." in item.text and "Budgetnotat" in item.text
        for secret in SECRETS:
            assert secret not in page.text and secret not in item.text
        closed = client.get(f"/moede/{result.meeting_id}/punkt/2")
        assert "Punkt 2 godkendt." not in closed.text and "HEMMELIGT" not in closed.text
    # a correction and a second approval: re-publishing replaces the archive copy
    c.add_correction(sec, prepared.meeting.id, "1", "Tilføjet efter godkendelse.")
    c.approve(prepared.users["Bo"], prepared.meeting.id, c.minutes(anna, prepared.meeting.id).content_hash)
    again = c.publish_minutes(sec, prepared.meeting.id)
    assert (again.meeting_id, again.status) == (result.meeting_id, "replaced")
    record = c.store.get(again.meeting_id)
    assert [p.name for p in record.meeting.signatories] == ["Anna", "Bo"]
    assert "Tilføjet efter godkendelse." in record.meeting.items[0].sections[-1].text
    assert c.published_ids(prepared.meeting.id) == (None, again.meeting_id)


def test_broken_chain_is_not_published(prepared):
    from referat.council import schema as s

    c, sec, anna = prepared.council, prepared.secretary, prepared.users["Anna"]
    c.approve(anna, prepared.meeting.id, c.minutes(anna, prepared.meeting.id).content_hash)
    with c.engine.begin() as conn:
        conn.execute(s.chain.update().values(signer="Mallory"))
    with pytest.raises(InvalidInput, match="chain is broken"):
        c.publish_minutes(sec, prepared.meeting.id)
    assert c.store.meetings() == []


def test_publication_is_audited(prepared):
    c, sec = prepared.council, prepared.secretary
    result = c.publish_agenda(sec, prepared.meeting.id)
    entry = c.audit_log(sec, prepared.meeting.id)[-1]
    assert entry.action == "agenda.publish" and entry.actor == "sek"
    assert f"archive meeting {result.meeting_id}" in entry.summary
