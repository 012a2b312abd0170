"""``referat render`` and the portal's "Referat som PDF / tekst / HTML" routes, on both backends."""

from __future__ import annotations

import warnings

import pypdfium2
import pytest
from click.testing import CliRunner

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.cli import main
from referat.parse.importer import parse_bytes
from referat.web import create_app


@pytest.fixture(scope="module")
def store(real_store):  # the shared real archive of each backend (conftest)
    return real_store


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        yield c


def _closed_meeting(store):
    for m in store.meetings():
        record = store.get(m.id)
        closed = [i for i in record.meeting.items if not i.public]
        if closed:
            return m.id, record, closed[0]
    pytest.fail("the corpus has a closed item (Aarhus byråd, punkt 21)")


def test_meeting_page_links_the_documents(client, store):
    m = next(m for m in store.meetings() if m.kind == "referat")
    page = client.get(f"/moede/{m.id}").text
    for ext, label in (("pdf", "PDF"), ("txt", "tekst"), ("html", "HTML")):
        assert f'href="/moede/{m.id}/referat.{ext}">{label}</a>' in page
    agenda = next(m for m in store.meetings() if m.kind == "dagsorden")
    assert f'href="/moede/{agenda.id}/dagsorden.pdf"' in client.get(f"/moede/{agenda.id}").text


def test_served_files_are_public_and_read_back(client, store):
    meeting_id, record, closed = _closed_meeting(store)
    # its text is boilerplate that public items print too; its case id is its own
    secret = closed.case_ids[0].value
    text = client.get(f"/moede/{meeting_id}/referat.txt")
    assert text.status_code == 200 and text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.headers["content-disposition"].startswith('inline; filename="aarhus_2025-08-27_aarhus-byraad_referat')
    html = client.get(f"/moede/{meeting_id}/referat.html")
    assert html.headers["content-type"] == "text/html; charset=utf-8" and '<html lang="da">' in html.text
    pdf = client.get(f"/moede/{meeting_id}/referat.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"].endswith('_referat.pdf"')
    doc = pypdfium2.PdfDocument(pdf.content)
    pdf_text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    for body in (text.text, html.text, pdf_text):
        flat = " ".join(body.split())
        assert closed.title in flat and secret not in flat
    back = parse_bytes(text.content, "aarhus.txt").meeting
    assert [(i.number, i.public) for i in back.items] == [(i.number, i.public) for i in record.meeting.items]
    assert next(i for i in back.items if not i.public).sections == []


@pytest.mark.parametrize("path", ["/moede/999999/referat.pdf", "/moede/1/referat.doc", "/moede/x/referat.txt"])
def test_missing_documents_are_danish_404(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "finde" in r.text


def test_wrong_kind_is_404(client, store):
    m = next(m for m in store.meetings() if m.kind == "referat")
    assert client.get(f"/moede/{m.id}/dagsorden.pdf").status_code == 404


def test_cli_render(store, tmp_path):
    meeting_id, _, closed = _closed_meeting(store)
    db = getattr(store, "path", None) or store.url  # SQLite file or PostgreSQL URL (with its schema)
    runner = CliRunner()
    out = runner.invoke(main, ["--db", db, "render", str(meeting_id), "--format", "text"])
    assert out.exit_code == 0 and out.stdout.lstrip().startswith("REFERAT Aarhus Byråd d. 27-08-2025")
    secret = closed.case_ids[0].value
    assert secret not in out.stdout
    internal = runner.invoke(main, ["--db", db, "render", str(meeting_id), "--internal"])
    assert secret in internal.stdout and "Punkt 21: Lukket punkt: Køb af landbrugsejendom" in internal.stdout
    target = tmp_path / "m.pdf"
    done = runner.invoke(main, ["--db", db, "render", str(meeting_id), "--format", "pdf", "-o", str(target)])
    assert done.exit_code == 0 and target.read_bytes().startswith(b"%PDF-")
    missing = runner.invoke(main, ["--db", db, "render", "999999"])
    assert missing.exit_code != 0 and missing.stderr.startswith("referat: error:")
