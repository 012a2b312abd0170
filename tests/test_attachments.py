"""Attachment text extraction (referat.attach) on the real bilag of the drops: PDF by pdfium, DOCX by
python-docx, old Word by antiword, scans by Tesseract OCR in Danish; budgets of pages and time give the text
so far and a warning; a damaged file gives a warning, never an exception.

Tesseract and antiword are installed by scripts/setup-system (run by scripts/test): nothing here is skipped.
OCR runs on one page at a time only (the machines are shared)."""

from __future__ import annotations

import hashlib

import pytest

from referat.attach import extract_text, ocr, read_attachment, sniff
from referat.attach.files import Limits

from .conftest import SHARED

EDOC = SHARED / "drops" / "edoc" / "04-12-2012 13:00:00"
ACADRE = SHARED / "drops" / "acadre" / "Files_1863_3687982"
SCAN = EDOC / "1537646.PDF"  # 8 scanned pages, no text layer, stored turned on their side
REPORT = EDOC / "1543229.PDF"  # 108 pages with a text layer


def test_pdf_text_layer_by_page() -> None:
    ex = extract_text((EDOC / "1548227.PDF").read_bytes(), "1548227.PDF")
    assert ex.method == "pdf" and ex.complete and not ex.warnings
    assert ex.page_count == 1 and len(ex.pages) == 1
    assert "Redegørelse fra Træning og Aktivitet vedr. Seniorrådets høringssvar" in ex.pages[0]


def test_report_pages_are_numbered_as_printed() -> None:
    ex = extract_text(REPORT.read_bytes(), REPORT.name, use_ocr=False)
    assert ex.page_count == 108 and len(ex.pages) == 108
    # the word the minutes never print: on page 9 (and others) of the KL report
    assert "telemedicinske" in ex.pages[8].lower()
    assert not ex.complete  # (its chapter pages are images, and OCR was turned off)
    assert any("no text layer" in w and "OCR is turned off" in w for w in ex.warnings)


def test_scanned_page_is_read_by_ocr_in_danish() -> None:
    ex = extract_text(SCAN.read_bytes(), SCAN.name, max_pages=1)
    assert ex.page_count == 8 and len(ex.pages) == 1
    assert ex.ocr_pages == [1] and ex.method == "ocr"
    words = set(ex.pages[0].replace(".", " ").split())
    assert {"BALLERUP", "Ejendomsoversigt", "Grupperet", "udvalg", "Adresse"} <= words, ex.pages[0][:400]
    assert {"Ballerup", "Skovlunde", "Måløv"} <= words  # Danish letters read as such
    assert not ex.complete and any("only the first 1 of 8 pages" in w for w in ex.warnings)


def test_ocr_page_limit_keeps_the_text_layer_pages() -> None:
    ex = extract_text(SCAN.read_bytes(), SCAN.name, max_pages=2, max_ocr_pages=0)
    assert len(ex.pages) == 2 and ex.ocr_pages == [] and ex.pages == ["", ""]
    assert any("limit of OCR pages" in w for w in ex.warnings)


def test_time_budget_gives_partial_text_and_a_warning() -> None:
    ex = extract_text(SCAN.read_bytes(), SCAN.name, max_seconds=0.5)
    assert not ex.complete and len(ex.pages) <= 1
    assert any("OCR took longer" in w or "time limit" in w for w in ex.warnings)
    ex = extract_text(REPORT.read_bytes(), REPORT.name, max_seconds=0.005, use_ocr=False)
    assert len(ex.pages) < 108 and any("time limit of 0.005 s" in w for w in ex.warnings)


def test_docx_pages_follow_words_page_breaks() -> None:
    docx = extract_text((ACADRE / "3525829E1.DOCX").read_bytes(), "3525829E1.DOCX")
    pdf = extract_text((ACADRE / "Opsamlingsnotat. Temamøde 20.09.2012.pdf").read_bytes(), "x.pdf")
    assert docx.method == "docx" and docx.complete
    assert docx.page_count == pdf.page_count == 3  # Word's rendered page breaks match its PDF print
    assert docx.pages[0].startswith("Kulturkommune 2017\nSyddjurs Kommune har sat fokus på kulturområdet")
    assert set(docx.pages[2].split()[-30:]) & set(pdf.pages[2].split())


def test_old_word_by_antiword() -> None:
    ex = extract_text((ACADRE / "2531342E2.DOC").read_bytes(), "2531342E2.DOC")
    assert ex.method == "antiword" and ex.complete and not ex.warnings
    assert "Godkendt af byrådet, Syddjurs Kommune den 30. april 2009" in ex.text
    assert "Kultur giver puls" in ex.text and "[pic]" not in ex.text


def test_damaged_files_give_warnings_not_errors() -> None:
    cut = REPORT.read_bytes()[:40_000]
    ex = extract_text(cut, "1543229.PDF")
    assert ex.pages == [] and not ex.complete and ex.warnings[0].startswith("the PDF cannot be read")
    docx = (ACADRE / "3629343E3.DOCX").read_bytes()
    ex = extract_text(docx[:5000], "3629343E3.DOCX")
    assert ex.pages == [] and not ex.complete and ex.warnings
    doc = (ACADRE / "2531342E2.DOC").read_bytes()
    ex = extract_text(doc[:1024], "2531342E2.DOC")  # the OLE header and nothing else
    assert not ex.complete and ex.warnings and ex.text == ""
    ex = extract_text(b"\x00\x01\x02garbage" * 50, "bilag.bin")
    assert ex.method == "none" and ex.warnings


def test_kinds_and_mime_types_from_bytes_first() -> None:
    assert sniff(SCAN.read_bytes()[:4096], "1537646.PDF") == ("pdf", "application/pdf")
    assert sniff((ACADRE / "2531342E2.DOC").read_bytes(), "bilag") == ("doc", "application/msword")
    kind, mime = sniff((ACADRE / "3629343E3.DOCX").read_bytes(), "3629343E3.DOCX")
    assert kind == "docx" and mime.endswith("wordprocessingml.document")
    assert sniff(b"<html><body><p>Bilag</p></body></html>", "x") == ("html", "text/html")
    ex = extract_text(b"<html><body><script>x()</script><p>Bilag 1: Lokalplan</p></body></html>", "b.html")
    assert ex.pages == ["Bilag 1: Lokalplan"]


def test_read_attachment_gives_the_file_facts() -> None:
    data = (EDOC / "1546399.PDF").read_bytes()
    att = read_attachment(data, str(EDOC / "1546399.PDF"), title="Hvordan udvikler vi det nære sundhedsvæsen sammen?",
                          item="1", order=2)
    assert att.name == "1546399.PDF" and att.size == len(data)
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.mime_type == "application/pdf"
    assert att.pages == 2 and len(att.text) == 2 and att.text_method == "pdf" and att.complete
    assert att.item == "1" and att.order == 2 and att.public and att.data == data
    assert "sundhedsvæsen" in att.full_text.lower()
    bare = read_attachment(data, "1546399.PDF", limits=Limits(text=False))
    assert bare.text == [] and bare.pages is None and bare.title == "1546399"


def test_without_the_system_packages_files_get_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without scripts/setup-system (the demo's): scans and old Word give warnings, not errors."""
    monkeypatch.setenv("PATH", "/nonexistent")
    ocr.tesseract.cache_clear()
    ocr.languages.cache_clear()
    try:
        ex = extract_text(SCAN.read_bytes(), SCAN.name, max_pages=1)
        assert ex.pages == [""] and ex.ocr_pages == [] and not ex.complete
        assert "tesseract is not installed" in ex.warnings[-1]
        ex = extract_text((ACADRE / "2531342E2.DOC").read_bytes(), "2531342E2.DOC")
        assert ex.pages == [] and ex.warnings == [".DOC files are read by LibreOffice, which is not installed; "
                                                  "no text read"]
    finally:
        ocr.tesseract.cache_clear()
        ocr.languages.cache_clear()


def test_image_attachment_is_read_by_ocr() -> None:
    """A bilag delivered as a picture (here the scan's second page saved as PNG, as a phone or copier would)."""
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument(SCAN.read_bytes())
    try:
        image = pdf[1].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    png = io.BytesIO()
    image.save(png, format="PNG")
    ex = extract_text(png.getvalue(), "bygningsliste.png")
    assert sniff(png.getvalue(), "bygningsliste.png") == ("image", "image/png")
    assert ex.method == "image-ocr" and ex.ocr_pages == [1] and ex.complete
    assert {"Ejendomsoversigt", "Skovlunde", "Ballerup"} <= set(ex.pages[0].split())
