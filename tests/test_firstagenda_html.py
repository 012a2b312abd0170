"""The FirstAgenda HTML importer on small hand-made pages: structure, tables,
headings from markup, broken markup, and pages that are not minutes."""

from __future__ import annotations

import pytest

from referat.errors import NotMinutes
from referat.parse import firstagenda_html, importer

PAGE = """<!DOCTYPE html><html lang="da"><head><title>Teknisk Udvalg</title>
<script>var x = {"Meeting_Closed_Item":"Lukket punkt"};</script></head><body>
<input id="apiurl" type="hidden" value="http://publication.firstagenda.com"/>
<div class="tilbage-wrapper"><span class="tilbage-text">Tilbage til forsiden</span></div>
<div class="title"><h1 class="green dato">Referat 1. oktober 2025 kl. 15.45</h1></div>
<table class="dagsordeninfo"><tbody>
<tr><td>Udvalg:</td><td><span class="udvalg">Teknisk Udvalg</span></td></tr>
<tr><td>Mødedato:</td><td><span class="dato">onsdag den 1. oktober 2025 kl. 15.45</span></td></tr>
<tr><td>Mødested:</td><td><span class="sted">Udvalgsværelse 398</span></td></tr>
<tr><td>Mødedeltagere:</td><td class="deltagere"><div>Jesper Kjeldsen (A)</div><div>Solveig Munk (Afbud)</div></td></tr>
</tbody></table>
<table class="table dagsorden" id="dagsordenDetaljer"><tbody>
<tr class="punktrow"><td><span class="label">7</span></td><td>
<button class="overskrift-btn"><h2 class="overskrift">Udviklingsplan Aarhus Ø</h2></button>
<div class="details"><span class="sagsnummer">EMN-2025-009242</span>
<div class="punkt"><h3></h3><div><div id="sagsfremstillingContainer"><div>
<h3>Beslutninger</h3><span class="resume">
<div>Et flertal i udvalget kunne tiltræde indstillingen.</div>
<div>Solveig Munk kunne ikke tiltræde indstillingen.</div>
<div>Liv Gro Jensen var forhindret i at deltage i udvalgets behandling af sagen.</div></span>
<h3></h3><span class="resume"><div>BESLUTNINGSFORSLAG FRA RV</div><div>Beslutning:</div>
<div>Byrådet beslutter at undersøge det, og at</div><div>rapportere tilbage.</div>
<div>1\xa0\xa0 \xa0Bedre mad\xa0\xa0 \xa0S</div></span>
<h3>Beslutningspunkter</h3><span class="resume"><div>Det indstilles:</div>
<div>At 1) Byrådet godkender planen.</div><div>1.1 Delpunkt</div><div>a) (…), at noget sker.</div>
<div>At 2) Byrådet godkender budgettet.</div></span>
<h3>Økonomi</h3><span class="resume"><table><tr><th>År</th><th>Mio. kr.</th></tr>
<tr><td>2026</td><td>1,5</td></tr></table></span>
<h3>Sagsforløb:</h3><span class="resume"><div>Udvalg: Magistraten</div><div>Dato: 02-09-2025</div>
<div> Punktnummer: 12</div><div>Fremsendes til Aarhus Byråd.</div>
<div>Thure Hastrup deltog ikke i sagens behandling.</div>
<div>Udvalg: Aarhus Byråd</div><div>Dato: 10-09-2025</div><div>Punktnummer: 11</div>
<div>Sendt videre.</div></span>
</div></div></div></div>
<h3>Bilag</h3><ul class="list-unstyled"><li><span class="pdf-label">PDF</span>
<a class="bilag-link" href="#">Indstilling</a></li><li><span class="pdf-label">PDF</span>
<a class="bilag-link" href="#">Bilag 1.2: Høringssvar</a></li></ul></div></td>
<td><span class="fil-ikon-nummer">2</span><a class="dropdown-item">Hent som PDF</a>
<a class="dropdown-item">Kopier link</a></td></tr>
</tbody></table></body></html>"""


def _parse(page: str = PAGE, name: str = "aarhus_test.html"):
    return importer.parse_bytes(page.encode("utf-8"), name)


def test_meeting_header():
    record = _parse()
    m = record.meeting
    assert record.document.importer == firstagenda_html.NAME
    assert (m.committee, m.kind, m.place, m.municipality) == ("Teknisk Udvalg", "referat", "Udvalgsværelse 398",
                                                               "Aarhus")
    assert m.start is not None
    assert (m.start.year, m.start.month, m.start.day, m.start.hour, m.start.minute) == (2025, 10, 1, 15, 45)
    assert [(p.person.name, p.person.party, p.present) for p in m.participants] == [
        ("Jesper Kjeldsen", "A", True), ("Solveig Munk", None, False)]


def test_item_structure():
    record = _parse()
    assert [w for w in record.document.warnings if w.startswith("text not placed")] == []
    (item,) = record.meeting.items
    assert (item.number, item.position, item.title) == ("7", 1, "Udviklingsplan Aarhus Ø")
    assert [c.value for c in item.case_ids] == ["EMN-2025-009242"]
    assert [s.role for s in item.sections] == [
        "decision", "body", "recommendation", "economy", "case_history", "attachments"]
    decision = item.decisions[0]
    assert decision.outcome == "approved"  # the majority decision, not the dissent after it
    assert decision.body == "Teknisk Udvalg" and str(decision.date) == "2025-10-01"
    assert [p.name for p in item.absences] == ["Liv Gro Jensen"]  # not Thure Hastrup (case history)


def test_markup_headings_keep_prose_and_tables():
    item = _parse().meeting.items[0]
    body = next(s for s in item.sections if s.role == "body")
    assert "Beslutning:" in body.text  # prose inside a proposal, not a decision heading
    assert "Byrådet beslutter at undersøge det, og at rapportere tilbage." in body.text  # wrapped lines joined
    assert "1 | Bedre mad | S" in body.text  # tab stops become cells
    economy = next(s for s in item.sections if s.role == "economy")
    assert economy.text == "År | Mio. kr.\n\n2026 | 1,5"
    assert len(item.decisions) == 1


def test_recommendation_case_history_attachments():
    item = _parse().meeting.items[0]
    rec = item.recommendation
    assert rec is not None
    assert [p.number for p in rec.points] == ["1", "2"]
    assert "a) (…), at noget sker." in rec.points[0].text and "1.1 Delpunkt" in rec.points[0].text
    assert [(t.body, str(t.date), t.item_number) for t in item.case_history] == [
        ("Magistraten", "2025-09-02", "12"), ("Aarhus Byråd", "2025-09-10", "11")]
    assert item.case_history[0].text.startswith("Fremsendes til Aarhus Byråd.")
    assert [(a.number, a.title) for a in item.attachments] == [(None, "Indstilling"), ("1.2", "Høringssvar")]
    assert item.attachment_count == 2


def test_boilerplate_is_not_content():
    result = firstagenda_html.parse(PAGE.encode(), "aarhus_test.html")
    joined = "\n".join(result.content)
    for junk in ("Tilbage til forsiden", "Hent som PDF", "Kopier link", "PDF\n", "Lukket punkt"):
        assert junk not in joined


def test_agenda_kind():
    page = PAGE.replace("Referat 1. oktober", "Dagsorden 1. oktober")
    record = _parse(page)
    assert record.meeting.kind == "dagsorden"
    assert record.meeting.items[0].decisions[0].body is None  # an agenda's text is not this meeting's decision


def test_broken_markup_still_parses():
    # Truncated in the middle of the item, unclosed tags, stray closers.
    cut = PAGE[: PAGE.index("<h3>Sagsforløb:")] + "<div><span class='resume'><div>Sidste linje</p></td>"
    record = _parse(cut)
    (item,) = record.meeting.items
    assert item.recommendation is not None and len(item.recommendation.points) == 2
    assert "Sidste linje" in item.sections[-1].text
    assert [w for w in record.document.warnings if w.startswith("text not placed")] == []


def test_not_firstagenda_html_is_not_minutes():
    page = b"<!doctype html><html><body><h1>Velkommen</h1><p>Nyheder fra kommunen</p></body></html>"
    with pytest.raises(NotMinutes, match="not minutes or an agenda"):
        importer.parse_bytes(page, "nyheder.html")


def test_firstagenda_page_without_items_is_not_minutes():
    page = b"<html><body><input id='apiurl' value='http://publication.firstagenda.com'/><h1>Forside</h1></body></html>"
    assert firstagenda_html.looks_like(page)
    with pytest.raises(NotMinutes, match="no FirstAgenda agenda table"):
        firstagenda_html.parse(page, "forside.html")


def test_windows_1252_page():
    page = PAGE.replace("<head>", '<head><meta charset="windows-1252">').encode("cp1252", errors="replace")
    record = importer.parse_bytes(page, "aarhus_test.html")
    assert record.meeting.items[0].title == "Udviklingsplan Aarhus Ø"


def test_closed_item_without_details():
    row = ('<tr class="punktrow"><td><span class="label">8</span></td><td><h2 class="overskrift">Salg af grund</h2>'
           '<span class="label">Lukket punkt</span></td></tr>')
    page = PAGE.replace("</tbody></table></body>", row + "</tbody></table></body>")
    record = _parse(page)
    closed = record.meeting.items[1]
    assert (closed.number, closed.position, closed.public, closed.sections) == ("8", 2, False, [])
    assert record.meeting.items[0].public
    assert any("item 8 has no details" in w for w in record.document.warnings)


def test_tab_indented_source_is_not_a_table():
    page = PAGE.replace("<div>Et flertal i udvalget kunne tiltræde indstillingen.</div>",
                        "<div>\n\t\tEt flertal i udvalget\n\t\t<b>kunne tiltræde</b> indstillingen.\n\t</div>")
    decision = _parse(page).meeting.items[0].decisions[0]
    assert decision.text.startswith("Et flertal i udvalget kunne tiltræde indstillingen.")
    assert firstagenda_html.clean("A\tB\xa0\xa0 \xa0C") == "A | B | C"
