"""Word (.docx) minutes: structure from Word's markup, checked on the Acadre drop's real documents and on
small documents built here with python-docx for the variants the real ones lack (Danish style names,
automatic numbering, bold headings, tables, header fields, running headers, other numbering schemes)."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from referat.errors import NotMinutes
from referat.parse import importer
from referat.parse.lossless import model_text

from .conftest import GOLDEN, SHARED

FILES = SHARED / "drops" / "acadre" / "Files_1863_3687982"
XML_GOLDEN = GOLDEN / "syddjurs_2013-06-20_puk_acadre-referat.xml.json"
PDF_GOLDEN = GOLDEN / "syddjurs_2013-06-20_puk_referat.pdf.json"


def _bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _import(doc, name: str = "referat.docx"):
    return importer.parse_bytes(_bytes(doc), name)


def _numbering(doc, num_id: int, levels: list[tuple[str, str]]) -> None:
    """Add a list definition ``num_id`` (above the template's own ids) whose level i is numbered
    ``levels[i]`` = (numFmt, lvlText)."""
    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">{lvls}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'))


def _numbered(paragraph, num_id: int, level: int = 0):
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def _bold(doc, text: str):
    p = doc.add_paragraph()
    p.add_run(text).bold = True
    return p


def _header(doc) -> None:
    doc.add_paragraph("Referat")
    doc.add_paragraph("Økonomiudvalget")
    doc.add_paragraph("Mødedato: 12.03.2024 kl. 16:00")
    doc.add_paragraph("Mødested: Rådhuset, mødelokale 1")
    doc.add_paragraph("Deltagere: Anna Hansen (V), Bo Jensen (A)")
    doc.add_paragraph("Afbud: Carl Nielsen (F)")


# --- the real minutes and attachments of the Acadre drop -------------------------------------------------


def test_docx_minutes_agree_with_the_acadre_xml_of_the_same_meeting() -> None:
    got = importer.parse_file(FILES / "3687982.DOCX")
    assert got.document.importer == "docx" and got.document.format == "docx" and got.document.warnings == []
    xml = json.loads(XML_GOLDEN.read_text("utf-8"))["meeting"]
    m = got.meeting
    assert (m.municipality, m.committee, m.title, m.kind, m.place) == (
        xml["municipality"], xml["committee"], xml["title"], xml["kind"], xml["place"])
    assert m.start == datetime.fromisoformat(xml["start"])
    assert [p.person.name for p in m.participants] == [p["person"]["name"] for p in xml["participants"]]
    assert [(i.number, i.title) for i in m.items] == [(i["number"], i["title"]) for i in xml["items"]]
    item, want = m.items[0], xml["items"][0]
    assert [c.value for c in item.case_ids] == [c["value"] for c in want["case_ids"]]
    assert item.deciding_body == want["deciding_body"]
    assert [(d.text, d.outcome, d.body, d.date.isoformat() if d.date else None) for d in item.decisions] == [
        (d["text"], d["outcome"], d["body"], d["date"]) for d in want["decisions"]]
    # the XML's typed sections, in order and with the same text ("Tidsplan:" in bold stays in the Resumé,
    # bullets carry no glyph); the DOCX also prints the "Sagen afgøres i" line and the Bilag list
    xml_sections = [(s["role"], s["heading"], s["text"]) for s in want["sections"]]
    assert [(s.role, s.heading, s.text) for s in item.sections if s.role not in ("deciding_body", "attachments")] \
        == xml_sections
    assert [(a.number, a.title, a.reference, a.public) for a in item.attachments] == [
        (a["number"], a["title"], a["reference"], a["public"]) for a in want["attachments"]]
    assert item.recommendation is not None and item.recommendation.proposer == "Direktøren"


def test_docx_signature_page_and_running_headers() -> None:
    got = importer.parse_file(FILES / "Ekstraordinært PUK.docx")
    pdf = json.loads(PDF_GOLDEN.read_text("utf-8"))["meeting"]
    assert [p.name for p in got.meeting.signatories] == [p["name"] for p in pdf["signatories"]]
    # the page header ("Referat For Udvalget ... Side 1") and the table of contents are not item text
    text = " ".join(s.text for i in got.meeting.items for s in i.sections)
    assert "Side" not in text.split() and "Indholdsfortegnelse" not in model_text(got.meeting)


@pytest.mark.parametrize("name", ["3525829E1.DOCX", "3629343E3.DOCX"])
def test_a_word_attachment_alone_is_refused_as_an_attachment(name: str) -> None:
    with pytest.raises(NotMinutes, match="an attachment or other document with no agenda items"):
        importer.parse_file(FILES / name)


# --- variants built here ----------------------------------------------------------------------------------


def test_word_numbering_that_is_not_in_the_text_numbers_the_items() -> None:
    doc = Document()
    _numbering(doc, 70, [("decimal", "%1."), ("decimal", "%1.%2")])
    _numbering(doc, 80, [("bullet", "•")])
    _numbering(doc, 90, [("decimal", "%1)")])
    _header(doc)
    _numbered(doc.add_heading("Godkendelse af dagsorden", 1), 70)
    doc.add_heading("Beslutning", 2)
    doc.add_paragraph("Godkendt.")
    _numbered(doc.add_heading("Budget 2025", 1), 70)
    doc.add_heading("Sagsfremstilling", 2)
    _numbered(doc.add_paragraph("Anlæg"), 80)
    _numbered(doc.add_paragraph("Drift"), 80)
    doc.add_heading("Indstilling", 2)
    doc.add_paragraph("Direktionen indstiller, at")
    _numbered(doc.add_paragraph("budgettet godkendes"), 90)
    _numbered(doc.add_paragraph("rammerne fastholdes"), 90)
    _numbered(doc.add_heading("Takster for svømmehallen", 2), 70, 1)
    doc.add_heading("Beslutning", 3)
    doc.add_paragraph("Godkendt.")
    m = _import(doc).meeting
    assert [(i.number, i.title) for i in m.items] == [
        ("1", "Godkendelse af dagsorden"), ("2", "Budget 2025"), ("2.1", "Takster for svømmehallen")]
    budget = m.items[1]
    assert budget.sections[0].text == "Anlæg\n\nDrift"  # bullets: no glyph
    assert budget.recommendation is not None
    assert [(p.number, p.text) for p in budget.recommendation.points] == [
        ("1", "budgettet godkendes"), ("2", "rammerne fastholdes")]
    assert [d.outcome for d in m.items[2].decisions] == ["approved"]


def test_danish_style_names_and_the_header_fields() -> None:
    doc = Document()
    for level in (1, 2):
        style = doc.styles.add_style(f"Overskrift {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.font.size = doc.styles[f"Heading {level}"].font.size
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Økonomiudvalget - Referat - 12.03.2024 - side 1"
    section.footer.paragraphs[0].text = "Aarhus Kommune, Rådhuspladsen 2"
    _header(doc)
    doc.add_paragraph("Pkt. 3 Godkendelse af referat", style="Overskrift 1")
    doc.add_paragraph("Sagsnr.: 24/1234")
    doc.add_paragraph("Resumé", style="Overskrift 2")
    doc.add_paragraph("Referatet fra sidste møde forelægges.")
    p = doc.add_paragraph("Tidsplan:")
    p.runs[0].bold = True
    doc.add_paragraph("Beslutning", style="Overskrift 2")
    doc.add_paragraph("Godkendt.")
    doc.add_paragraph("Pkt. 4 Lukket punkt: Personalesag", style="Overskrift 1")
    doc.add_paragraph("Beslutning", style="Overskrift 2")
    doc.add_paragraph("Godkendt.")
    got = _import(doc, "aarhus-referat.docx")
    m = got.meeting
    assert (m.kind, m.committee, m.start, m.place) == (
        "referat", "Økonomiudvalget", datetime(2024, 3, 12, 16, 0), "Rådhuset, mødelokale 1")
    assert [(p.person.name, p.person.party, p.present) for p in m.participants] == [
        ("Anna Hansen", "V", True), ("Bo Jensen", "A", True), ("Carl Nielsen", "F", False)]
    assert [(i.number, i.title, i.public) for i in m.items] == [
        ("3", "Godkendelse af referat", True), ("4", "Personalesag", False)]
    first = m.items[0]
    assert [c.value for c in first.case_ids] == ["24/1234"]
    # a styled document: its bold "Tidsplan:" line is text, not a section
    assert [(s.role, s.text) for s in first.sections] == [
        ("summary", "Referatet fra sidste møde forelægges.\n\nTidsplan:"), ("decision", "Godkendt.")]
    # the running header and footer are not in the meeting
    assert "side 1" not in model_text(m) and "Rådhuspladsen" not in model_text(m)
    assert got.document.warnings == []


def test_bold_headings_tables_and_sag_nr_numbering() -> None:
    doc = Document()
    doc.add_paragraph("Dagsorden")
    doc.add_paragraph("Teknik- og Miljøudvalget")
    doc.add_paragraph("Dato: 5. februar 2025 kl. 15.00")
    _bold(doc, "Sag nr. 12 Vejbelysning")
    _bold(doc, "Sagsfremstilling")
    doc.add_paragraph("Belysningen skiftes i tre etaper.")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([("Etape", "År", "Beløb"), ("1", "2025", "1.200.000 kr."), ("2", "2026", "900.000 kr.")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    _bold(doc, "Indstilling")
    doc.add_paragraph("Forvaltningen indstiller, at planen godkendes.")
    _bold(doc, "Sag nr. 13 Affaldsplan")
    _bold(doc, "Sagsfremstilling")
    doc.add_paragraph("Planen sendes i høring.")
    m = _import(doc).meeting
    assert m.kind == "dagsorden" and m.start == datetime(2025, 2, 5, 15, 0)
    assert [(i.number, i.title) for i in m.items] == [("12", "Vejbelysning"), ("13", "Affaldsplan")]
    sections = m.items[0].sections
    assert [s.role for s in sections] == ["presentation", "recommendation"]
    (tab,) = sections[0].tables
    assert tab.rows == [["Etape", "År", "Beløb"], ["1", "2025", "1.200.000 kr."], ["2", "2026", "900.000 kr."]]
    assert tab.header_rows == 1 and sections[0].text.split("\n\n")[tab.start] == "Etape | År | Beløb"


def test_dotted_sub_items_and_punkt_numbering_in_text() -> None:
    doc = Document()
    _header(doc)
    doc.add_heading("Punkt 1: Meddelelser", 1)
    doc.add_heading("1.1 Status på byggeriet", 2)
    doc.add_paragraph("Byggeriet følger tidsplanen.")
    doc.add_heading("1.2 Konference i maj", 2)
    doc.add_paragraph("Udvalget inviteres.")
    doc.add_heading("Punkt 2: Budgetopfølgning", 1)
    doc.add_heading("Beslutning", 2)
    doc.add_paragraph("Taget til efterretning.")
    m = _import(doc).meeting
    assert [(i.number, i.title) for i in m.items] == [
        ("1", "Meddelelser"), ("1.1", "Status på byggeriet"), ("1.2", "Konference i maj"), ("2", "Budgetopfølgning")]
    assert m.items[3].decisions[0].outcome == "noted"


def test_a_report_with_numbered_chapters_is_refused_and_so_is_a_document_without_items() -> None:
    doc = Document()
    _bold(doc, "Kulturstrategi 2030")
    doc.add_paragraph("Et oplæg til drøftelse.")
    for n in (1, 2, 1, 2):
        _bold(doc, f"{n}. Kapitel {n}")
        doc.add_paragraph("Tekst om emnet.")
    with pytest.raises(NotMinutes, match="attachment or other document"):
        _import(doc, "bilag.docx")
    empty = Document()
    empty.add_paragraph("Et notat uden punkter.")
    with pytest.raises(NotMinutes, match="no numbered item headings"):
        _import(empty, "notat.docx")


def test_heading_styles_linked_to_a_list_tracked_changes_and_text_boxes() -> None:
    """Heading 1 carries the numbering in its style (the list level names the style); an insertion counts,
    a deletion and a text box over the page do not."""
    doc = Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="71"><w:lvl w:ilvl="0"><w:start w:val="5"/>'
        '<w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="71"><w:abstractNumId w:val="71"/></w:num>'))
    doc.styles["Heading 1"].element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="71"/></w:numPr>'))
    _header(doc)
    doc.add_heading("Skolestruktur", 1)
    doc.add_heading("Beslutning", 2)
    p = doc.add_paragraph("Udvalget ")
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>godkendte</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>afviste</w:delText></w:r>'
                          '</w:del>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> forslaget.</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
                          '<v:textbox><w:txbxContent><w:p><w:r><w:t>UDKAST</w:t></w:r></w:p></w:txbxContent>'
                          '</v:textbox></v:shape></w:pict></w:r>'))
    doc.add_heading("Budget", 1)
    m = _import(doc).meeting
    assert [(i.number, i.title) for i in m.items] == [("5", "Skolestruktur"), ("6", "Budget")]
    (decision,) = m.items[0].decisions
    assert decision.text == "Udvalget godkendte forslaget." and decision.outcome == "approved"


def test_header_as_a_label_table_and_a_number_alone_on_its_heading() -> None:
    doc = Document()
    doc.add_paragraph("Referat", style="Title")
    doc.add_paragraph("Børne- og Skoleudvalget")
    table = doc.add_table(rows=4, cols=2)
    rows = [("Dato:", "7. maj 2024"), ("Tid:", "Kl. 17.00"), ("Til stede:", "Eva Lund (Ø), Frank Berg (V)"),
            ("Fraværende:", "Gitte Holm (A)")]
    for r, (label, value) in enumerate(rows):
        table.cell(r, 0).text, table.cell(r, 1).text = label, value
    doc.add_heading("Punkt 7", 1)
    doc.add_paragraph("Ny skoledistriktsgrænse")
    doc.add_heading("Beslutning", 2)
    doc.add_paragraph("Godkendt.")
    m = _import(doc).meeting
    assert (m.committee, m.start) == ("Børne- og Skoleudvalget", datetime(2024, 5, 7, 17, 0))
    assert [(p.person.name, p.present) for p in m.participants] == [
        ("Eva Lund", True), ("Frank Berg", True), ("Gitte Holm", False)]
    assert [(i.number, i.title, [s.role for s in i.sections]) for i in m.items] == [
        ("7", "Ny skoledistriktsgrænse", ["decision"])]
