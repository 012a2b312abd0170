"""Source files: kept on import (both backends), copied and verified, served at /dokument/<sha256> only
when they cannot show more than the portal does, linked from meeting and item pages and the OParl File;
and a meeting imported as XML and PDF counts once in a person's attendance."""

from __future__ import annotations

import copy
import hashlib

import pytest
from starlette.testclient import TestClient

from referat.errors import NotFound, StoreError
from referat.model import Section
from referat.parse import importer
from referat.store import open_store
from referat.store.copy import copy_archive, verify_copy
from referat.synth import national, vocabulary_from
from referat.web.app import create_app
from referat.web.sources import withheld

from .backends import BACKENDS, real_archive, target
from .conftest import SHARED

CORPUS = SHARED / "corpus"
BALLERUP_PDF = CORPUS / "ballerup_2012-12-04_sundheds-og-forebyggelsesudvalget_referat.pdf"
BALLERUP_XML = CORPUS / "ballerup_2012-12-04_sundheds-og-forebyggelsesudvalget_edoc-publishing.xml"
AARHUS_PDF = CORPUS / "aarhus_2025-08-27_byraadet_referat.pdf"
AARHUS_HTML = CORPUS / "aarhus_2025-10-01_teknisk-udvalg_referat.html"
SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


def _blobs(store) -> dict[str, int]:
    """sha256 -> byte length of every stored blob, straight from the table."""
    db = getattr(store, "db", None) or store.conn
    return {r[0]: int(r[1]) for r in db.execute("SELECT sha256, length(data) FROM blobs").fetchall()}


@pytest.fixture
def store(fresh_store):  # a new store of each backend (conftest)
    return fresh_store


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory):
    with real_archive(request.param, tmp_path_factory.mktemp("sources")) as s:
        yield s


@pytest.fixture(scope="module")
def client(archive):
    return TestClient(create_app(archive))


def _ids(store) -> dict[str, int]:
    return {m.source_name: m.id for m in store.meetings()}


# -- the store ---------------------------------------------------------------------------------
def test_import_keeps_the_original_bytes_once(archive):
    for name, meeting_id in _ids(archive).items():
        record = archive.get(meeting_id)
        path = next(p for p in (CORPUS / name, SHARED / "seeds" / name) if p.exists())
        stored = archive.source(record.document.sha256)
        assert stored.data == path.read_bytes() and stored.meeting_id == meeting_id
        assert archive.has_source(record.document.sha256)
        assert record.source is None  # the bytes are not part of the canonical record
    # one meeting across its documents (store.sources): the Ballerup and Syddjurs XML exports are listed on
    # their PDF's meeting, their bytes kept once each, but only the current document is given out as a file
    listed = archive.meeting_documents([m.id for m in archive.meetings()])
    sources = {d["sha256"]: d for docs in listed.values() for d in docs}
    attached = {sha for sha, d in sources.items() if not d["current"]}
    assert len(sources) == len(archive.meetings()) + 2 and len(attached) == 2
    assert set(_blobs(archive)) == set(sources)
    for sha in attached:
        assert sources[sha]["format"] == "xml" and _blobs(archive)[sha] == sources[sha]["size"]
        with pytest.raises(NotFound):
            archive.source(sha)
    again = archive.save(importer.parse_file(BALLERUP_PDF))
    assert again.status == "unchanged" and set(_blobs(archive)) == set(sources)
    assert archive.save(importer.parse_file(BALLERUP_XML)).status == "unchanged"
    assert set(_blobs(archive)) == set(sources)
    with pytest.raises(NotFound):
        archive.source("0" * 64)


def test_a_replaced_version_takes_its_bytes_along(store):
    first = importer.parse_file(SEED)
    store.save(first)
    second = importer.parse_file(SEED)
    second.source = first.source + b"\nRettelse: punkt 1 er rettet.\n"
    second.document.sha256 = hashlib.sha256(second.source).hexdigest()
    second.meeting.items[0].title += " (rettet)"
    assert store.save(second).status == "replaced"
    assert _blobs(store) == {second.document.sha256: len(second.source)}
    assert store.source(second.document.sha256).data == second.source
    assert not store.has_source(first.document.sha256)
    # the old version again: it replaces the new one and brings its own bytes back
    assert store.save(importer.parse_file(SEED)).status == "replaced"
    assert _blobs(store) == {first.document.sha256: len(first.source)}


def test_records_without_bytes_still_work_and_a_reimport_fills_them_in(store):
    bare = importer.parse_file(SEED)
    bare.source = None
    meeting_id = store.save(bare).meeting_id
    assert not store.has_source(bare.document.sha256) and _blobs(store) == {}
    assert store.save(importer.parse_file(SEED)).status == "unchanged"  # same document, now with its bytes
    assert store.source(bare.document.sha256).meeting_id == meeting_id
    # bytes that are not the named document are not kept
    wrong = importer.parse_file(BALLERUP_PDF)
    wrong.source = b"not the pdf"
    store.save(wrong)
    assert not store.has_source(wrong.document.sha256)


def test_synthetic_bulk_import_has_no_bytes_and_no_link(store):
    vocab = vocabulary_from([SEED])
    records = list(national(vocab, 40, municipalities=2, years=1))
    results = store.save_many(records)
    assert {r.status for r in results} == {"new"} and _blobs(store) == {}
    client = TestClient(create_app(store))
    source = client.get(f"/moede/{results[0].meeting_id}.json").json()["meeting"]["source"]
    assert source["url"] is None and source["withheld"] is None


@pytest.mark.parametrize("direction", [("sqlite", "postgres"), ("postgres", "sqlite")])
def test_copy_moves_the_bytes_and_verifies_them(direction, tmp_path):
    with (target(direction[0], tmp_path) as a, target(direction[1], tmp_path) as b,
          open_store(a) as src, open_store(b) as dst):
        for path in (SEED, BALLERUP_PDF, BALLERUP_XML):
            src.save(importer.parse_file(path))
        bare = importer.parse_file(AARHUS_HTML)
        bare.source = None
        src.save(bare)
        report = copy_archive(src, dst)
        # the Ballerup PDF and XML are one meeting (the XML attached): 3 meetings, 2 current files with bytes
        assert report.meetings == 3 and report.verified == 3 and report.files == 2
        assert "2 source files (bytes identical)" in report.describe()
        current = {src.get(m.id).document.sha256 for m in src.meetings()}
        assert {sha: n for sha, n in _blobs(src).items() if sha in current} == _blobs(dst)
        sha = src.get(_ids(src)[BALLERUP_PDF.name]).document.sha256
        db = getattr(dst, "db", None) or dst.conn
        db.execute("DELETE FROM blobs WHERE sha256=" + ("?" if direction[1] == "sqlite" else "%s"), (sha,))
        with pytest.raises(StoreError, match="source files of 1 meetings"):
            verify_copy(src, dst, report.mapping)


def test_older_archives_get_the_blobs_table_in_place(tmp_path):
    import sqlite3

    from referat.store import sqlite
    from referat.store.migrations import migrate

    path = tmp_path / "old.db"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(sqlite._Target(db), sqlite.STEPS[:-1])
    db.close()
    with open_store(str(path)) as s:
        assert s.migration.applied == [sqlite.SCHEMA_VERSION]
        record = importer.parse_file(SEED)
        s.save(record)
        assert s.source(record.document.sha256).data == record.source


@pytest.mark.xfail(strict=True, reason="referat copy carries only each meeting's current document: an attached"
                   " source (its sources row and bytes) is not copied yet (store/copy.py)")
def test_copy_keeps_the_attached_sources(tmp_path):
    with (target("sqlite", tmp_path) as a, target("sqlite", tmp_path) as b,
          open_store(a) as src, open_store(b) as dst):
        for path in (BALLERUP_PDF, BALLERUP_XML):
            src.save(importer.parse_file(path))
        copy_archive(src, dst)
        assert _blobs(dst) == _blobs(src)
        assert dst.meeting_documents([1]) == src.meeting_documents([1])


# -- the policy --------------------------------------------------------------------------------
def _closed(record, *, bare: bool = True):
    record = copy.deepcopy(record)
    item = record.meeting.items[-1]
    item.public = False
    if bare:
        item.sections, item.decisions, item.recommendation, item.attachments = [], [], None, []
        item.absences, item.previous_treatments, item.case_history, item.deciding_body = [], [], [], None
    else:
        item.sections = [Section("presentation", "Sagsfremstilling", "Fortroligt indhold")]
    return record


def test_which_sources_may_be_served():
    pdf, xml = importer.parse_file(BALLERUP_PDF), importer.parse_file(BALLERUP_XML)
    assert withheld(pdf) is None and withheld(xml) is None  # every item public
    council = copy.deepcopy(pdf)
    council.document.format = "council"
    assert withheld(council)  # the meeting side's own minutes: never raw
    assert withheld(_closed(pdf)) is None  # closed items printed as title only: the public publication
    assert withheld(_closed(pdf, bare=False))  # text under a closed item: withheld
    assert withheld(_closed(xml))  # a case-system export with a closed item: withheld
    hidden = copy.deepcopy(xml)
    next(i for i in hidden.meeting.items if i.attachments).attachments[0].public = False
    assert withheld(hidden) and withheld(copy.deepcopy(pdf)) is None
    unplaced = _closed(pdf)
    unplaced.document.warnings.append("text not placed in the model: Fortroligt")
    assert withheld(unplaced)
    assert withheld(_closed(pdf), pdf.source + b"/EmbeddedFile")
    aarhus = importer.parse_file(AARHUS_PDF)  # a decision line printed under its closed item 21
    assert any(not i.public for i in aarhus.meeting.items) and withheld(aarhus)


@pytest.mark.parametrize("backend", BACKENDS)
def test_withheld_and_bare_closed_documents_over_http(backend, tmp_path):
    # the closed XML export alone (its own meeting, current): withheld with 403
    with target(backend, tmp_path) as where, open_store(where) as s:
        hidden = s.save(_closed(importer.parse_file(BALLERUP_XML))).meeting_id
        client = TestClient(create_app(s))
        source = client.get(f"/moede/{hidden}.json").json()["meeting"]["source"]
        assert source["format"] == "xml" and source["url"] is None and source["withheld"]
        r = client.get(f"/dokument/{source['sha256']}")
        assert r.status_code == 403 and "vises ikke" in r.text and "Fortroligt" not in r.text
        assert "/dokument/" not in client.get(f"/moede/{hidden}").text
    with target(backend, tmp_path) as where, open_store(where) as s:
        shown = s.save(_closed(importer.parse_file(BALLERUP_PDF))).meeting_id
        # the same closed meeting's XML export: attached to the PDF's meeting (one meeting), its bytes kept,
        # but never served (only a meeting's current document is a file; the XML holds closed content)
        xml = _closed(importer.parse_file(BALLERUP_XML))
        attached = s.save(xml)
        assert attached.meeting_id == shown and attached.status == "attached"
        assert xml.document.sha256 in _blobs(s)
        assert [d["format"] for d in s.meeting_documents([shown])[shown]] == ["pdf", "xml"]
        council = importer.parse_file(SEED)
        council.document.format = "council"
        council_id = s.save(council).meeting_id
        client = TestClient(create_app(s))
        assert client.get(f"/dokument/{xml.document.sha256}").status_code == 404
        assert f"/dokument/{xml.document.sha256}" not in client.get(f"/moede/{shown}").text
        for meeting_id, status in ((shown, 200), (council_id, 403)):
            source = client.get(f"/moede/{meeting_id}.json").json()["meeting"]["source"]
            assert (source["url"] is not None) == (status == 200)
            assert (source["withheld"] is None) == (status == 200)
            r = client.get(f"/dokument/{source['sha256']}")
            assert r.status_code == status
            if status == 403:
                assert "vises ikke" in r.text and "Fortroligt" not in r.text
                assert "/dokument/" not in client.get(f"/moede/{meeting_id}").text


# -- the portal --------------------------------------------------------------------------------
def test_served_files_have_type_name_etag_and_no_script(client, archive):
    ids = _ids(archive)
    expect = {BALLERUP_PDF.name: "application/pdf", AARHUS_HTML.name: "text/html; charset=utf-8",
              SEED.name: "text/plain; charset=utf-8"}
    for name, media in expect.items():
        sha = archive.get(ids[name]).document.sha256
        r = client.get(f"/dokument/{sha}")
        assert r.status_code == 200 and r.headers["content-type"] == media
        assert r.content == (CORPUS / name if (CORPUS / name).exists() else SEED).read_bytes()
        assert r.headers["etag"] == f'"{sha}"' and r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-disposition"].startswith(f'inline; filename="{name}"')
        if media != "application/pdf":
            assert "sandbox" in r.headers["content-security-policy"]
            assert "default-src 'none'" in r.headers["content-security-policy"]
        assert client.get(f"/dokument/{sha}", headers={"If-None-Match": f'"{sha}"'}).status_code == 304
    # the eDoc XML is attached to the PDF's meeting (not its current document): not given out as a file
    xml_sha = hashlib.sha256(BALLERUP_XML.read_bytes()).hexdigest()
    for bad in ("0" * 64, "xyz", "A" * 64, xml_sha):
        r = client.get(f"/dokument/{bad}")
        assert r.status_code == 404 and "kildedokument" in r.text


def test_a_served_xml_export_is_sandboxed(store):
    record = importer.parse_file(BALLERUP_XML)  # alone, it is its meeting's current document
    store.save(record)
    sha = record.document.sha256
    r = TestClient(create_app(store)).get(f"/dokument/{sha}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/xml"
    assert r.content == BALLERUP_XML.read_bytes() and r.headers["etag"] == f'"{sha}"'
    assert r.headers["content-disposition"].startswith(f'inline; filename="{BALLERUP_XML.name}"')
    csp = r.headers["content-security-policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and r.headers["x-content-type-options"] == "nosniff"


def test_stored_html_cannot_run_script(store):
    data = AARHUS_HTML.read_bytes().replace(b"</body>", b"<script>alert(document.cookie)</script></body>", 1)
    record = importer.parse_bytes(data, "ondsindet.html")
    store.save(record)
    r = TestClient(create_app(store)).get(f"/dokument/{record.document.sha256}")
    assert r.status_code == 200 and b"<script>" in r.content
    csp = r.headers["content-security-policy"]
    assert "sandbox" in csp.split(";")[0] and "script-src" not in csp and "default-src 'none'" in csp


def test_meeting_and_item_pages_link_the_source(client, archive):
    ids = _ids(archive)
    pdf = archive.get(ids[BALLERUP_PDF.name])
    sha = pdf.document.sha256
    page = client.get(f"/moede/{ids[BALLERUP_PDF.name]}").text
    assert f'<a href="/dokument/{sha}" type="application/pdf">{BALLERUP_PDF.name}</a> (PDF, 15 sider, 106 kB)' in page
    source = client.get(f"/moede/{ids[BALLERUP_PDF.name]}.json").json()["meeting"]["source"]
    assert source["url"] == f"/dokument/{sha}" and source["size"] == BALLERUP_PDF.stat().st_size
    item = next(i for i in pdf.meeting.items if i.page)
    html = client.get(f"/moede/{ids[BALLERUP_PDF.name]}/punkt/{item.number}").text
    assert f'<a href="/dokument/{sha}#page={item.page}">Se side {item.page} i kildedokumentet</a>' in html
    j = client.get(f"/moede/{ids[BALLERUP_PDF.name]}/punkt/{item.number}.json").json()["item"]
    assert j["source_url"] == f"/dokument/{sha}#page={item.page}"
    # the Aarhus city council PDF has a closed item with text under it: named, not linked
    aarhus = client.get(f"/moede/{ids[AARHUS_PDF.name]}").text
    assert "/dokument/" not in aarhus and "Kildedokumentet vises ikke" in aarhus
    assert client.get(f"/moede/{ids[AARHUS_PDF.name]}/punkt/1.json").json()["item"]["source_url"] is None


def test_oparl_file_has_download_url(client, archive):
    ids = _ids(archive)
    for name, served in ((BALLERUP_PDF.name, True), (AARHUS_PDF.name, False)):
        record = archive.get(ids[name])
        f = client.get(f"/oparl/v1/file/{ids[name]}").json()
        assert f["mimeType"] == "application/pdf" and f["size"] == record.document.size
        assert f["sha256Checksum"] == record.document.sha256
        if served:
            assert f["accessUrl"].endswith(f"/dokument/{record.document.sha256}") == f["downloadUrl"].endswith(
                f"/dokument/{record.document.sha256}") is True
        else:
            assert "downloadUrl" not in f and f["accessUrl"].endswith(f"/moede/{ids[name]}")


# -- attendance --------------------------------------------------------------------------------
@pytest.mark.parametrize("person, municipality, committee", [
    ("ballerup/birte-kramhoeft", "Ballerup", "Sundheds- og Forebyggelsesudvalget"),
    ("syddjurs/steen-fris", "Syddjurs", "Udvalget for plan, udvikling og kultur (PUK)")])
def test_a_meeting_imported_as_xml_and_pdf_counts_once(client, archive, person, municipality, committee):
    meetings = [m for m in archive.meetings() if m.municipality == municipality and m.committee == committee]
    assert [m.format for m in meetings] == ["pdf"]  # one meeting, the PDF current, the XML export attached
    docs = archive.meeting_documents([meetings[0].id])[meetings[0].id]
    assert [(d["format"], d["current"]) for d in docs] == [("pdf", True), ("xml", False)]
    j = client.get(f"/person/{person}.json").json()
    assert j["attendance"]["present"] == 1 and len(j["attendance"]["meetings"]) == 1
    assert [(m["committee"], m["present"]) for m in j["memberships"]] == [(committee, 1)]
    members = client.get(f"/kommune/{municipality}/udvalg/{committee}.json").json()["members"]["current"]
    assert members and {m["present"] for m in members} == {1}
    assert len(archive.person_attendance(person)) == 1


def test_postgres_bulk_import_without_bytes_sends_no_blob_statement(tmp_path, monkeypatch):
    """pgwrite stays as fast for records without bytes: the only statement naming blobs is the replaced
    documents' DELETE, which was one statement before too."""
    import psycopg

    sent: list[str] = []
    real = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):
        sent.append(str(query))
        return real(self, query, *args, **kwargs)

    vocab = vocabulary_from([SEED])
    records = list(national(vocab, 60, municipalities=2, years=1))
    with target("postgres", tmp_path) as where, open_store(where) as s:
        monkeypatch.setattr(psycopg.Cursor, "execute", execute)
        s.save_many(records)
        for record in records[:5]:
            record.meeting.items[0].title += " (rettet)"
            record.document.sha256 = hashlib.sha256(record.document.sha256.encode()).hexdigest()
        assert {r.status for r in s.save_many(records)} == {"replaced", "unchanged"}
    blob_statements = [q for q in sent if "blobs" in q]
    assert blob_statements and all(q.startswith("WITH gone AS (DELETE FROM documents") for q in blob_statements)
