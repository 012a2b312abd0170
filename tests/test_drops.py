"""Publication folders read as one meeting (referat.parse.folders) on every real drop: the eDoc meeting
folder, the SBSYS zip (and unpacked), the Acadre manifest with its files folder, the Fujitsu export tree;
attachments matched to their items with their text (the eDoc scan by OCR, one page), a damaged attachment a
warning and not a failed folder, the latest Fujitsu export the current one, limits kept.

Copies are made only in temporary folders."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from referat.errors import InputError, NotMinutes
from referat.parse.folders import Limits, Publication, delivery_kind, read_publication, read_publications
from referat.parse.folders import common as folders_common

from .conftest import SHARED

DROPS = SHARED / "drops"
EDOC = DROPS / "edoc" / "04-12-2012 13:00:00"
SBSYS = DROPS / "sbsys" / "Publication32.zip"
ACADRE = DROPS / "acadre"
FUJITSU = DROPS / "fujitsu"
NO_TEXT = Limits(text=False)


@pytest.fixture(scope="module")
def edoc() -> Publication:
    return read_publication(EDOC, Limits(max_ocr_pages=1))  # OCR: the scan's first page, the report's first image


def test_edoc_folder_is_one_meeting_with_xml_and_minutes_pdf(edoc: Publication) -> None:
    assert edoc.system == "edoc"
    assert sorted((d.document.source_name, d.document.format) for d in edoc.documents) == [
        ("1552814.PDF", "pdf"), ("eDocAgendaPublishing.xml", "xml")]
    assert all(d.meeting.kind == "referat" and len(d.meeting.items) == 8 for d in edoc.documents)
    assert edoc.primary().document.format == "xml"
    meeting = edoc.meeting
    assert meeting.committee == "Sundheds- og Forebyggelsesudvalget" and f"{meeting.start:%Y-%m-%d %H:%M}" == \
        "2012-12-04 13:00"
    assert {d.meeting.municipality for d in edoc.documents} == {"Ballerup"}
    assert not [w for w in edoc.warnings if "disagree" in w]


def test_edoc_item_documents_say_which_item(edoc: Publication) -> None:
    by_item = {d.item: d.name for d in edoc.item_documents}
    assert by_item == {"1": "1552824.PDF", "3": "1552822.PDF", "4": "1552826.PDF", "5": "1552821.PDF",
                       "6": "1552819.PDF", "7": "1552817.PDF", "8": "1552816.PDF"}
    assert "item 2: its PDF 1552823.PDF is not in the folder" in edoc.warnings  # (the XML names it; not delivered)
    eight = next(d for d in edoc.item_documents if d.item == "8")
    assert eight.title == "Evaluering af rygestopkurser" and "rygestop" in eight.full_text.lower()


def test_edoc_attachments_match_the_xml(edoc: Publication) -> None:
    xml = (EDOC / "eDocAgendaPublishing.xml").read_bytes()
    listed = re.findall(rb"<Attachment[\s>].*?<PDFDocument>(\d+)\.PDF</PDFDocument>", xml, re.S)
    assert len(edoc.attachments) == len(listed) == 10
    assert {a.name for a in edoc.attachments} == {n.decode() + ".PDF" for n in listed}
    assert [(a.item, a.order, a.name) for a in edoc.attachments] == [
        ("1", 1, "1548227.PDF"), ("1", 2, "1546399.PDF"), ("1", 3, "1546728.PDF"), ("2", 1, "1537646.PDF"),
        ("3", 1, "1546743.PDF"), ("4", 1, "1548285.PDF"), ("5", 1, "1548343.PDF"), ("5", 2, "1543229.PDF"),
        ("6", 1, "1548303.PDF"), ("7", 1, "1533095.PDF")]
    items = {i.number: i for i in edoc.meeting.items}
    for att in edoc.attachments:
        assert att.public and att.mime_type == "application/pdf" and att.attachment_index is not None
        assert items[att.item or ""].attachments[att.attachment_index].title == att.title  # the printed title
    report = next(a for a in edoc.attachments if a.name == "1543229.PDF")
    assert report.pages == 108 and report.title == "Det nære sundhedsvæsen - KL"
    # a word only the attachment holds: the minutes never print it
    minutes = " ".join(s.text for i in edoc.meeting.items for s in i.sections).lower()
    assert "telemedicinske" in report.text[8].lower() and "telemedicinske" not in minutes


def test_edoc_scanned_attachment_is_read_by_ocr(edoc: Publication) -> None:
    scan = next(a for a in edoc.attachments if a.name == "1537646.PDF")
    assert scan.item == "2" and scan.title == "Bygningsliste og prioriteringssystem"
    assert scan.pages == 8 and scan.ocr_pages == [1]
    words = set(scan.text[0].split())
    assert {"Ejendomsoversigt", "Grupperet", "udvalg", "Skovlunde", "Måløv"} <= words
    assert not scan.complete and any("limit of OCR pages" in w for w in scan.warnings)


def test_damaged_attachment_is_a_warning_not_a_failed_folder(tmp_path: Path) -> None:
    folder = tmp_path / "04-12-2012 13:00:00"
    shutil.copytree(EDOC, folder)
    (folder / "1548285.PDF").chmod(0o644)
    (folder / "1548285.PDF").write_bytes((EDOC / "1548285.PDF").read_bytes()[:3000])
    pub = read_publication(folder, Limits(use_ocr=False))
    assert len(pub.meeting.items) == 8 and len(pub.attachments) == 10
    bad = next(a for a in pub.attachments if a.name == "1548285.PDF")
    assert bad.item == "4" and bad.text == [] and not bad.complete
    assert bad.warnings[0].startswith("the PDF cannot be read")
    good = next(a for a in pub.attachments if a.name == "1548343.PDF")
    assert good.complete and good.text


def test_sbsys_zip_and_unpacked_folder(tmp_path: Path) -> None:
    pub = read_publication(SBSYS, Limits(use_ocr=False))
    assert pub.system == "sbsys" and [d.document.importer for d in pub.documents] == ["sbsys-zip"]
    assert len(pub.meeting.items) == 5
    [att] = pub.attachments
    assert (att.item, att.number, att.order, att.name) == ("3", "1", 1, "1.pdf")
    assert att.title == "Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud" and att.public
    assert att.pages == 3 and "monopol" in att.full_text.lower()
    with zipfile.ZipFile(SBSYS) as zf:
        zf.extractall(tmp_path)
    unpacked = read_publication(tmp_path / "Publication32", NO_TEXT)
    assert [d.document.importer for d in unpacked.documents] == ["sbsys-xml"]
    assert [(a.item, a.sha256) for a in unpacked.attachments] == [("3", att.sha256)]


def test_acadre_manifest_and_files_folder() -> None:
    pub = read_publication(ACADRE)
    assert pub.system == "acadre"
    # the minutes DOCX under its number and its title are one document; the PDF print another
    assert sorted(d.document.source_name for d in pub.documents) == ["3687981.XML", "3687982.DOCX",
                                                                     "Ekstraordinært PUK.pdf"]
    assert pub.primary().document.source_name == "3687981.XML"
    assert [(a.item, a.number, a.name, a.text_method) for a in pub.attachments] == [
        ("715", "1", "3525829E1.DOCX", "docx"), ("715", "2", "2531342E2.DOC", "antiword"),
        ("715", "3", "3629343E3.DOCX", "docx")]
    first, second, third = pub.attachments
    assert first.aliases == ["Opsamlingsnotat. Temamøde 20.09.2012.docx"]
    assert [(a.name, a.pages, a.mime_type) for a in first.alternates] == [
        ("Opsamlingsnotat. Temamøde 20.09.2012.pdf", 3, "application/pdf")]
    assert second.aliases == ["Politik for Kultur og Fritid - Lokalt engagement, Godkendt af byrådet 300409.doc"]
    assert "Kultur giver puls" in second.full_text and second.alternates[0].pages == 13
    assert third.alternates == [] and "Arbejdsoplæg" in third.text[0]
    assert not [w for w in pub.warnings if "named by no item" in w]  # every file accounted for
    same = read_publication(ACADRE / "XML_1863.xml", NO_TEXT)
    assert [a.sha256 for a in same.attachments] == [a.sha256 for a in pub.attachments]


def test_fujitsu_export_tree() -> None:
    pub = read_publication(FUJITSU)
    assert pub.system == "fujitsu" and pub.superseded == []
    assert sorted(d.document.format for d in pub.documents) == ["html", "xml"]
    assert pub.meeting.committee == "Hennys testudvalg" and len(pub.meeting.items) == 5
    assert pub.attachments == []
    # the XML names no municipality (its golden says "ukendt"); its HTML rendering names Middelfart
    assert {d.meeting.municipality for d in pub.documents} == {"Middelfart"}
    assert any(w.endswith(".xml: names no municipality; Middelfart, as the delivery's other documents say")
               for w in pub.warnings)


def test_fujitsu_latest_export_is_current(tmp_path: Path) -> None:
    shutil.copytree(FUJITSU, tmp_path / "fujitsu")
    old = next((tmp_path / "fujitsu").rglob("2017-04-21 12.00.48"))
    new = old.parent / "2017-04-28 09.15.00"
    shutil.copytree(old, new)
    xml = next(new.glob("*.xml"))
    xml.chmod(0o644)
    listed = (b"<edoc:Attachments><edoc:Attachment><edoc:Title>Notat om test</edoc:Title><edoc:SerialNo>1"
              b"</edoc:SerialNo><edoc:Link>Attachments\\notat.pdf</edoc:Link></edoc:Attachment></edoc:Attachments>")
    xml.write_bytes(xml.read_bytes().replace(b">test tabel<", b">test tabel (rettet)<")
                    .replace(b"<edoc:Attachments />", listed, 1))
    (new / "Attachments").mkdir()
    (new / "Attachments" / "notat.pdf").write_bytes((EDOC / "1548227.PDF").read_bytes())
    (new / "Attachments" / "andet.pdf").write_bytes((EDOC / "1548285.PDF").read_bytes())
    pub = read_publication(tmp_path / "fujitsu", NO_TEXT)
    assert [Path(s).name for s in pub.superseded] == ["2017-04-21 12.00.48"]
    assert {Path(d.document.source_name).name for d in pub.documents} == {xml.name, xml.with_suffix(".html").name}
    xml_doc = pub.primary()
    assert xml_doc.document.format == "xml" and "test tabel (rettet)" in [i.title for i in xml_doc.meeting.items]
    listed_att, loose = pub.attachments
    first = xml_doc.meeting.items[0].number
    assert (listed_att.name, listed_att.item, listed_att.number, listed_att.title) == ("notat.pdf", first, "1",
                                                                                       "Notat om test")
    assert listed_att.public and listed_att.attachment_index == 0
    assert loose.name == "andet.pdf" and loose.item is None and not loose.public
    assert any("andet.pdf: named by no item" in w for w in pub.warnings)


def test_edoc_unpublished_attachment_is_not_public(tmp_path: Path) -> None:
    folder = tmp_path / "moede"
    shutil.copytree(EDOC, folder)
    xml = folder / "eDocAgendaPublishing.xml"
    xml.chmod(0o644)
    data = xml.read_bytes()
    at = data.index(b"<PDFDocument>1548285.PDF</PDFDocument>")
    cut = data.index(b"<PublishingType>SKAL PUBLICERES</PublishingType>", at)
    xml.write_bytes(data[:cut] + "<PublishingType>MÅ IKKE PUBLICERES</PublishingType>".encode()
                    + data[cut + len(b"<PublishingType>SKAL PUBLICERES</PublishingType>"):])
    pub = read_publication(folder, NO_TEXT)
    hidden = [a.name for a in pub.attachments if not a.public]
    assert hidden == ["1548285.PDF"] and len(pub.attachments) == 10


def test_delivery_kind_from_its_own_files() -> None:
    assert delivery_kind(EDOC) == ("edoc", "eDocAgendaPublishing.xml")
    assert delivery_kind(SBSYS) == ("sbsys", "Publication32/Publication32.xml")
    assert delivery_kind(ACADRE) == delivery_kind(ACADRE / "XML_1863.xml") == ("acadre", "XML_1863.xml")
    export = next(FUJITSU.rglob("*.xml")).parent
    assert delivery_kind(export) == ("fujitsu", next(export.glob("*.xml")).name)
    assert delivery_kind(DROPS) is None and delivery_kind(FUJITSU) is None  # (only below them)
    assert delivery_kind(SHARED / "corpus" / "syddjurs_2013-06-20_puk_acadre-referat.xml") is None
    assert delivery_kind(EDOC / "1552814.PDF") is None


def test_every_drop_found_in_one_walk() -> None:
    found = read_publications(DROPS, NO_TEXT)
    assert sorted(p.system for p in found) == ["acadre", "edoc", "fujitsu", "sbsys"]
    assert sum(len(p.attachments) for p in found) == 10 + 1 + 3


def test_limits_and_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folders_common, "MAX_FILE", 1_000_000)  # (the report and the scan are 3 MB each)
    pub = read_publication(EDOC, NO_TEXT)
    assert len(pub.attachments) == 8
    assert any(w.startswith("1537646.PDF: 3 MB, over the limit") for w in pub.warnings)
    (tmp_path / "notes.txt").write_text("ikke en publikation")
    with pytest.raises(NotMinutes, match="no publication found"):
        read_publications(tmp_path)
    with pytest.raises(InputError, match="holds 4 publications"):
        read_publication(DROPS, NO_TEXT)
    monkeypatch.setattr(folders_common, "MAX_FILES", 10)
    with pytest.raises(InputError, match="the limit is 10"):
        read_publication(EDOC, NO_TEXT)


def test_edoc_damaged_xml_keeps_the_minutes_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "moede"
    shutil.copytree(EDOC, folder)
    xml = folder / "eDocAgendaPublishing.xml"
    xml.chmod(0o644)
    xml.write_bytes(b"<?xml version=\"1.0\"?>\n<Meeting><Committee>Sundheds")
    pub = read_publication(folder, NO_TEXT)
    assert [d.document.source_name for d in pub.documents] == ["1552814.PDF"]
    assert len(pub.meeting.items) == 8
    assert any(w.startswith("eDocAgendaPublishing.xml: not read as a document") for w in pub.warnings)
    assert len(pub.attachments) == 17 and not any(a.public or a.item for a in pub.attachments)


def test_delivery_time_budget_keeps_every_file() -> None:
    pub = read_publication(EDOC, Limits(max_total_seconds=1e-6))
    assert len(pub.attachments) == 10 and len(pub.item_documents) == 7 and len(pub.meeting.items) == 8
    for att in pub.attachments + pub.item_documents:
        assert att.text == [] and not att.complete and att.size > 0
        assert att.warnings == ["text not read: the time limit of 1e-06 s for the delivery's files ran out"]


def test_acadre_closed_minutes_and_flat_delivery(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    shutil.copytree(ACADRE, closed)
    manifest = closed / "XML_1863.xml"
    manifest.chmod(0o644)
    text = manifest.read_text(encoding="utf-8")
    first = text.index('access="Åben"')
    second = text.index('access="Åben"', first + 1)  # (the minutes' row; the first is the agenda's)
    manifest.write_text(text[:second] + 'access="Lukket"' + text[second + len('access="Åben"'):], encoding="utf-8")
    pub = read_publication(closed, NO_TEXT)
    by_name = {d.document.source_name: d.document.sha256 for d in pub.documents}
    assert sorted(pub.closed_documents) == sorted([by_name["3687981.XML"], by_name["3687982.DOCX"]])
    assert "3687981.xml: the manifest marks it 'Lukket'; not public" in pub.warnings
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(ACADRE / "XML_1863.xml", flat)
    for f in (ACADRE / "Files_1863_3687982").iterdir():
        shutil.copy(f, flat)
    pub = read_publication(flat, NO_TEXT)
    assert [a.name for a in pub.attachments] == ["3525829E1.DOCX", "2531342E2.DOC", "3629343E3.DOCX"]
    assert len(pub.documents) == 3 and pub.closed_documents == []


def test_edoc_closed_agenda_keeps_everything_from_the_public(tmp_path: Path) -> None:
    folder = tmp_path / "lukket"
    shutil.copytree(EDOC, folder)
    xml = folder / "eDocAgendaPublishing.xml"
    xml.chmod(0o644)
    xml.write_bytes(xml.read_bytes().replace("<AgendaType>Åben dagsorden".encode(), b"<AgendaType>Lukket dagsorden"))
    pub = read_publication(folder, NO_TEXT)
    minutes = next(d for d in pub.documents if d.document.source_name == "1552814.PDF")
    assert pub.closed_documents == [minutes.document.sha256]
    assert not any(i.public for i in pub.meeting.items)
    assert len(pub.attachments) == 10 and not any(a.public for a in pub.attachments + pub.item_documents)
    scan = next(a for a in pub.attachments if a.name == "1537646.PDF")
    assert scan.title == "Bygningsliste og prioriteringssystem"  # (its NeutralTitle)
