"""``referat import FOLDER`` of a publication (issue 18): one meeting with its documents, item files and bilag.

The Ballerup 2012 minutes PDF, its eDoc XML and its eDoc folder (the same two files again, the per-item PDFs
and the attachments) give one meeting with 8 items, two sources stored once each, each item's own PDF and
its 10 attachments, their text kept per page.  Run on both backends.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from referat.cli import main
from referat.store import open_store

from .backends import BACKENDS, target
from .conftest import SHARED

BALLERUP = sorted((SHARED / "corpus").glob("ballerup_2012-12-04_*"))
EDOC = SHARED / "drops" / "edoc" / "04-12-2012 13:00:00"


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield t


def test_pdf_xml_and_edoc_folder_are_one_meeting_with_its_files(where):
    runner = CliRunner()
    out = runner.invoke(main, ["--db", where, "import", *map(str, BALLERUP), str(EDOC)])
    assert out.exit_code == 0, out.output
    assert "10 attachments, 7 item files" in out.output
    again = runner.invoke(main, ["--db", where, "import", str(EDOC)])
    assert again.exit_code == 0 and again.output.startswith("unchanged"), again.output
    with open_store(where) as store:
        [meeting] = store.meetings()
        assert meeting.items == 8 and meeting.municipality == "Ballerup"
        docs = store.meeting_documents([meeting.id])[meeting.id]
        assert sorted(d["source_name"] for d in docs) == sorted(p.name for p in BALLERUP)  # stored once each
        assert all(store.has_source(d["sha256"]) for d in docs)
        files = store.attachments(meeting.id)
        items = {f.item: f.name for f in files if f.role == "item"}
        assert items == {"1": "1552824.PDF", "3": "1552822.PDF", "4": "1552826.PDF", "5": "1552821.PDF",
                         "6": "1552819.PDF", "7": "1552817.PDF", "8": "1552816.PDF"}
        bilag = [f for f in files if f.role == "attachment"]
        assert [(f.item, f.order, f.name) for f in bilag] == [
            ("1", 1, "1548227.PDF"), ("1", 2, "1546399.PDF"), ("1", 3, "1546728.PDF"), ("2", 1, "1537646.PDF"),
            ("3", 1, "1546743.PDF"), ("4", 1, "1548285.PDF"), ("5", 1, "1548343.PDF"), ("5", 2, "1543229.PDF"),
            ("6", 1, "1548303.PDF"), ("7", 1, "1533095.PDF")]
        report = next(f for f in bilag if f.name == "1543229.PDF")
        assert report.title == "Det nære sundhedsvæsen - KL" and report.pages == 108 and report.public
        assert report.mime_type == "application/pdf" and "telemedicinske" in report.text[8].lower()
        assert all(store.has_source(f.sha256) for f in files)  # the bytes, once by SHA-256
        assert len({f.id for f in store.attachments(meeting.id)}) == len(files) == 17


def test_a_closed_items_files_are_never_public(where):
    from referat.attach import Limits
    from referat.parse.folders import read_publication
    from referat.store.attachments import save_publication

    pub = read_publication(EDOC, Limits(text=False))
    for document in pub.documents:
        document.meeting.items[1].public = False  # item 2 (its scan) closed
    with open_store(where) as store:
        result = save_publication(store, pub)
        assert result.status == "new" and result.files == 17
        files = store.attachments(result.meeting_id)
        assert [f.name for f in files if not f.public] == ["1537646.PDF"]
        assert save_publication(store, pub).status == "unchanged"
        # the item opened again in a later delivery: its file is public, the same row
        for document in pub.documents:
            document.meeting.items[1].public = True
        before = {f.name: f.id for f in files}
        save_publication(store, pub)
        after = store.attachments(result.meeting_id)
        assert all(f.public for f in after) and {f.name: f.id for f in after} == before
