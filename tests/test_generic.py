"""The generic reader reads layouts nobody has shown it, and its benchmark score does not regress.

Each format gets a document generated here in a layout unlike any real one (keyword numbers such as
"Sag nr. 3" and "Pkt. 12", yearly running numbers, field labels of another wording, an unknown
heading); the reader must find its items, numbers, titles, header fields and sections, keep the
unknown heading's text (role ``other``) and place every paragraph (the lossless check).  Generic
readers are used only when no dedicated parser claims a file.  ``bench/bench_generic.py``'s scoring
runs over the real goldens and must stay at the figure reached.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from referat.model import ImportedMeeting
from referat.parse import importer, registry

from .conftest import GOLDEN, ROOT, all_documents, golden_name

GENERIC = [p for p in registry.parsers() if p.generic]
# the overall score bench_generic.py reached over the goldens (0.99), less a small margin
OVERALL_AT_LEAST = 0.97
DOCUMENT_AT_LEAST = 0.75


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generic", ROOT / "bench" / "bench_generic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _read(data: bytes, name: str) -> ImportedMeeting:
    record = importer.parse_bytes(data, name, parsers=GENERIC)
    assert [w for w in record.document.warnings if w.startswith("text not placed")] == []
    return record


_HTML = """<html><head><meta charset="utf-8"><style>
 body {{ font-family: sans-serif; font-size: 10pt; }} h1 {{ font-size: 26pt; }}
 .sag {{ font-size: 17pt; font-weight: bold; margin-top: 2em; }} .afsnit {{ font-weight: bold; margin-top: 1em; }}
</style></head><body>
<h1>Beslutningsprotokol</h1>
<p class="afsnit">Natur- og Fritidsudvalget</p>
<p>Dato: 3. maj 2026 kl. 17.00</p>
<p>Sted: Byrådssalen, Rådhuset</p>
<p>Deltagere: Anna Hansen (A), Bo Jensen (V)</p>
<p>Afbud: Carl Nielsen (C)</p>
{items}
</body></html>"""

_ITEM = """<p class="sag">{head}</p>
<p>Sagsnr.: 26/1234</p>
<p class="afsnit">Resumé</p>
<p>Kort om sagen {n}: udvalget skal tage stilling til forslaget om {what}.</p>
<p class="afsnit">Borgernes bemærkninger</p>
<p>Der er kommet tre henvendelser om {what}.</p>
<p class="afsnit">Beslutning</p>
<p>Godkendt.</p>"""


def _items_html(heads: list[str]) -> str:
    whats = ["stier", "bådebroen", "skøjtebanen"]
    return "\n".join(_ITEM.format(head=h, n=i, what=whats[i % 3]) for i, h in enumerate(heads))


def _check_meeting(record: ImportedMeeting, numbers: list[str], titles: list[str]) -> None:
    m = record.meeting
    assert [i.number for i in m.items] == numbers
    assert [i.title for i in m.items] == titles
    assert m.committee == "Natur- og Fritidsudvalget" and m.kind == "referat"
    assert m.start is not None and (m.start.date().isoformat(), m.start.hour) == ("2026-05-03", 17)
    assert m.place == "Byrådssalen, Rådhuset"
    assert [(p.person.name, p.present) for p in m.participants] == [
        ("Anna Hansen", True), ("Bo Jensen", True), ("Carl Nielsen", False)]
    for item in m.items:
        assert [c.value for c in item.case_ids] == ["26/1234"]
        assert [(s.role, s.heading) for s in item.sections] == [
            ("summary", "Resumé"), ("other", "Borgernes bemærkninger"), ("decision", "Beslutning")]
        assert "tre henvendelser" in item.sections[1].text
        assert [(d.text, d.outcome) for d in item.decisions] == [("Godkendt.", "approved")]


def test_a_pdf_in_an_unknown_layout_is_read_from_its_typography() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    heads = ["Sag nr. 3 Budget for naturstier", "Sag nr. 4 Ny bådebro i havnen", "Sag nr. 5 Skøjtebane på torvet"]
    pdf = weasyprint.HTML(string=_HTML.format(items=_items_html(heads))).write_pdf()
    record = _read(pdf, "protokol.pdf")
    assert record.document.importer == "generic-pdf"
    _check_meeting(record, ["3", "4", "5"], [h.split(" ", 3)[3] for h in heads])


def test_bare_running_numbers_count_only_where_the_layout_sets_them_apart() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    heads = ["715. Budget for naturstier", "716. Ny bådebro i havnen"]
    body = _items_html(heads).replace("Godkendt.</p>", "Godkendt.</p><p>2. Udvalget bad om en status.</p>", 1)
    pdf = weasyprint.HTML(string=_HTML.format(items=body)).write_pdf()
    record = _read(pdf, "protokol.pdf")
    # "2. Udvalget bad ..." in body type is text, not an item
    assert [(i.number, i.title) for i in record.meeting.items] == [
        ("715", "Budget for naturstier"), ("716", "Ny bådebro i havnen")]
    assert record.meeting.items[0].decisions[0].text == "Godkendt.\n\n2. Udvalget bad om en status."


def test_an_html_page_in_an_unknown_layout() -> None:
    page = _HTML.format(items=_items_html(["Pkt. 12 Budget for naturstier", "Pkt. 13 Ny bådebro i havnen"]))
    page = page.replace('<p class="sag">', "<h2>").replace("</p>\n<p>Sagsnr", "</h2>\n<p>Sagsnr")
    page = page.replace('<p class="afsnit">', "<p><strong>").replace("Resumé</p>", "Resumé</strong></p>")
    page = page.replace("bemærkninger</p>", "bemærkninger</strong></p>").replace("Beslutning</p>",
                                                                             "Beslutning</strong></p>")
    page = page.replace("<strong>Natur- og Fritidsudvalget</p>", "<strong>Natur- og Fritidsudvalget</strong></p>")
    # page furniture and a table of contents before the items are neither header fields nor lost text
    page = page.replace("<h1>", '<p><a href="/">Tilbage til forsiden</a></p><h1>')
    page = page.replace("<h2>", "<table><tr><th>Punkt</th><th>Titel</th></tr><tr><td>12.</td><td>Budget for "
                        "naturstier</td></tr><tr><td>13.</td><td>Ny bådebro i havnen</td></tr></table><h2>", 1)
    record = _read(page.encode("utf-8"), "side.html")
    assert record.document.importer == "generic-html"
    _check_meeting(record, ["12", "13"], ["Budget for naturstier", "Ny bådebro i havnen"])


def test_html_items_numbered_by_an_ordered_list() -> None:
    page = ('<html><body><h1>Dagsorden</h1><p><b>Teknisk Udvalg</b></p><p>Dato: 3. maj 2026</p><ol start="4">'
            "<li><h2>Budget for stier</h2><h3>Resumé</h3><p>Tekst om stierne i skoven.</p></li>"
            "<li><h2>Ny bro</h2><h3>Beslutning</h3><p>Godkendt.</p></li></ol></body></html>")
    m = _read(page.encode("utf-8"), "dagsorden.html").meeting
    assert (m.kind, m.committee) == ("dagsorden", "Teknisk Udvalg")
    assert [(i.number, i.title, [s.role for s in i.sections]) for i in m.items] == [
        ("4", "Budget for stier", ["summary"]), ("5", "Ny bro", ["decision"])]


def test_a_word_document_in_an_unknown_layout() -> None:
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("Beslutningsprotokol", level=0)
    doc.add_paragraph().add_run("Natur- og Fritidsudvalget").bold = True
    for line in ("Dato: 3. maj 2026 kl. 17.00", "Sted: Byrådssalen, Rådhuset",
                 "Deltagere: Anna Hansen (A), Bo Jensen (V)", "Afbud: Carl Nielsen (C)"):
        doc.add_paragraph(line)
    for n, title in ((1, "Budget for naturstier"), (2, "Ny bådebro i havnen")):
        doc.add_heading(f"Punkt {n}: {title}", level=1)
        doc.add_paragraph("Sagsnr.: 26/1234")
        for head, text in (("Resumé", f"Kort om sag {n}."),
                           ("Borgernes bemærkninger", "Der er kommet tre henvendelser."),
                           ("Beslutning", "Godkendt.")):
            doc.add_paragraph().add_run(head).bold = True
            doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    record = _read(out.getvalue(), "protokol.docx")
    assert record.document.importer == "generic-docx"
    _check_meeting(record, ["1", "2"], ["Budget for naturstier", "Ny bådebro i havnen"])


def test_word_list_numbers_count_as_printed() -> None:
    """Item numbers that Word numbers itself (a numbered list style) are not in the text; they are
    counted as Word prints them."""
    docx = pytest.importorskip("docx")
    from docx.shared import Pt

    doc = docx.Document()
    doc.add_paragraph("Referat")
    doc.add_paragraph("Mødedato: 3. maj 2026")
    for title in ("Budget for naturstier", "Ny bådebro i havnen", "Skøjtebane på torvet"):
        run = doc.add_paragraph(style="List Number").add_run(title)
        run.bold, run.font.size = True, Pt(14)
        doc.add_paragraph(f"Forvaltningen har undersøgt sagen om {title.lower()} og lægger op til en beslutning.")
        doc.add_paragraph().add_run("Beslutning").bold = True
        doc.add_paragraph("Godkendt.")
    out = io.BytesIO()
    doc.save(out)
    record = _read(out.getvalue(), "referat.docx")
    assert [(i.number, i.title) for i in record.meeting.items] == [
        ("1", "Budget for naturstier"), ("2", "Ny bådebro i havnen"), ("3", "Skøjtebane på torvet")]
    assert [d.outcome for i in record.meeting.items for d in i.decisions] == ["approved"] * 3


_XML = """<?xml version="1.0" encoding="utf-8"?>
<Protokol><Type>Referat</Type><Udvalg>Natur- og Fritidsudvalget</Udvalg>
<Moede><Dato>03-05-2026 17:00</Dato><Sted>Byrådssalen, Rådhuset</Sted>
<Deltagere><Deltager><Navn>Anna Hansen (A)</Navn><Fravaer>0</Fravaer></Deltager>
<Deltager><Navn>Bo Jensen (V)</Navn><Fravaer>0</Fravaer></Deltager>
<Deltager><Navn>Carl Nielsen (C)</Navn><Fravaer>1</Fravaer></Deltager></Deltagere></Moede>
<Punkter>{items}</Punkter></Protokol>"""
_XML_ITEM = """<Sag><Nummer>{n}</Nummer><Overskrift>{title}</Overskrift><Sagsnr>26/1234</Sagsnr>
<Afsnit><Titel>Resumé</Titel><Tekst>&lt;p&gt;Kort om sag {n}.&lt;/p&gt;</Tekst></Afsnit>
<Afsnit><Titel>Borgernes bemærkninger</Titel><Tekst>Der er kommet tre henvendelser.</Tekst></Afsnit>
<Afsnit><Titel>Lovgrundlag</Titel><Tekst></Tekst></Afsnit>
<Afsnit><Titel>Beslutning</Titel><Tekst>Godkendt.</Tekst></Afsnit>
<Bilag><Navn>Kort over stierne</Navn></Bilag></Sag>"""


def test_an_xml_export_of_an_unknown_schema() -> None:
    items = "".join(_XML_ITEM.format(n=n, title=t) for n, t in ((7, "Budget for naturstier"), (8, "Ny bådebro")))
    record = _read(_XML.format(items=items).encode("utf-8"), "eksport.xml")
    assert record.document.importer == "generic-xml"
    _check_meeting(record, ["7", "8"], ["Budget for naturstier", "Ny bådebro"])
    assert [a.title for a in record.meeting.items[0].attachments] == ["Kort over stierne"]


def test_plain_text_with_keyword_numbers() -> None:
    lines = ["REFERAT Natur- og Fritidsudvalget", "Mødedato: 3. maj 2026 kl. 17.00", "Mødested: Byrådssalen, Rådhuset",
             "Deltagere: Anna Hansen (A), Bo Jensen (V)", "Afbud: Carl Nielsen (C)"]
    decided = {3: "Beslutning", 4: "Regionsrådets beslutning den 4. maj 2026"}  # any body's decision, any date
    for n, title in ((3, "Budget for naturstier"), (4, "Ny bådebro i havnen")):
        lines += [f"Sag nr. {n} {title}", "Sagsnr.: 26/1234", "Resumé", f"Kort om sag {n}.", decided[n],
                  "1. Godkendt."]
    record = _read("\n\n".join(lines).encode("utf-8"), "referat.txt")
    assert record.document.importer == "generic-text"
    m = record.meeting
    assert [(i.number, i.title) for i in m.items] == [("3", "Budget for naturstier"), ("4", "Ny bådebro i havnen")]
    assert m.committee == "Natur- og Fritidsudvalget" and m.place == "Byrådssalen, Rådhuset"
    assert [d.outcome for i in m.items for d in i.decisions] == ["approved", "approved"]
    last = m.items[1].decisions[0]
    assert (last.body, last.date and last.date.isoformat()) == ("Regionsrådet", "2026-05-04")


def test_generic_readers_are_used_only_when_no_dedicated_parser_claims_the_file(shared: Path) -> None:
    names = [p.name for p in registry.parsers()]
    assert {p.name for p in GENERIC} >= {"generic-pdf", "generic-html", "generic-xml", "generic-docx", "generic-text"}
    assert names[-len(GENERIC):] == [p.name for p in GENERIC]
    # a real FirstAgenda PDF is claimed by the dedicated reader although the generic one reads it too
    real = shared / "corpus" / "aarhus_2025-08-27_byraadet_referat.pdf"
    assert importer.parse_file(real).document.importer == "pdf"
    assert importer.parse_file(real, parsers=GENERIC).document.importer == "generic-pdf"
    # an XML schema no dedicated parser knows falls to the generic reader
    items = _XML_ITEM.format(n=1, title="Budget")
    assert importer.parse_bytes(_XML.format(items=items).encode(), "x.xml").document.importer == "generic-xml"


def test_a_document_without_items_is_refused_by_the_generic_readers() -> None:
    from referat.errors import NotMinutes

    with pytest.raises(NotMinutes):
        importer.parse_bytes(b"<html><body><h1>Velkommen</h1><p>Kommunen holder lukket i dag.</p></body></html>",
                             "side.html", parsers=GENERIC)


def test_the_scorer_notices_a_wrong_reading() -> None:
    bench = _bench()
    path = GOLDEN / "aarhus_2025-08-27_byraadet_referat.pdf.json"
    gold = json.loads(path.read_text("utf-8"))
    assert bench.compare(gold, gold, "same").score == 1.0
    wrong = json.loads(path.read_text("utf-8"))
    del wrong["meeting"]["items"][3]
    wrong["meeting"]["items"][0]["number"] = "99"
    wrong["meeting"]["items"][1]["decisions"][0]["outcome"] = "rejected"
    score = bench.compare(gold, wrong, "wrong")
    assert score.fields["items"].fn == 1 and score.fields["numbers"].f1 < 1.0
    assert score.fields["decisions"].f1 < 1.0 and score.score < 1.0


def test_the_benchmark_over_the_real_goldens_does_not_regress() -> None:
    bench = _bench()
    docs = bench.run()
    scored = [d for d in docs if not d.skipped]
    assert len(scored) >= 9 and len(docs) == sum(1 for d in all_documents() if (GOLDEN / golden_name(d)).exists())
    assert bench.overall(docs) >= OVERALL_AT_LEAST, bench.table(docs)
    assert [d.name for d in scored if d.score < DOCUMENT_AT_LEAST] == [], bench.table(docs)
