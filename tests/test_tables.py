"""Tables in sections: found in the real documents, kept by canonical JSON and both stores, shown as tables."""

from __future__ import annotations

import json
import warnings

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat import canonical, tables
from referat.model import Section, Table
from referat.parse.importer import parse_bytes, parse_file
from referat.render import render
from referat.store import open_store
from referat.store.copy import copy_archive
from referat.web import create_app

from .backends import BACKENDS, target
from .conftest import real_documents

BALLERUP = "ballerup_2012-12-04_sundheds-og-forebyggelsesudvalget"
HEADER = ["Indsatsområde i Ballerup Kommune", "Afsatte midler i 2013"]


def _doc(name: str):
    return parse_file(next(p for p in real_documents() if p.name == name))


def _tables(record):
    return [(item.number, s, t) for item in record.meeting.items for s in item.sections for t in s.tables]


@pytest.mark.parametrize("name", [f"{BALLERUP}_referat.pdf", f"{BALLERUP}_edoc-publishing.xml"])
def test_ballerup_budget_table(name: str) -> None:
    """The PDF (from column positions) and the eDoc export (one cell per line) give the same table."""
    found = _tables(_doc(name))
    assert len(found) == 1
    number, section, table = found[0]
    assert number == "6" and section.heading == "Sagsfremstilling"
    assert table.header_rows == 1 and table.rows[0] == HEADER
    assert ["Sygeplejeklinik (udvidet åbningstid 4 timer pr. uge)", "200.000 kr."] in table.rows
    assert table.rows[-1] == ["I alt", "2.890.000 kr."] and len(table.rows) == 9
    # the words stay in the text, one paragraph per row, where the table says
    assert tables.matches(tables.paragraphs(section.text), table)
    assert "I alt | 2.890.000 kr." in section.text


def test_edoc_tab_separated_rows() -> None:
    """Lines with tab stops in an eDoc item's text, of equal width, are a table (the corpus file has none in
    item text: its tabs are in the table of contents and in attachment full texts, which are not imported)."""
    path = next(p for p in real_documents() if p.name == f"{BALLERUP}_edoc-publishing.xml")
    data = path.read_bytes().replace(b"\rBilag\r2012-200782", "\rOmråde\t2013\t2014\rSkoler\t1.200\t1.300\r"
                                     "Veje\t300\t310\r\rBilag\r2012-200782".encode(), 1)
    record = parse_bytes(data, path.name)
    [t] = [t for n, _, t in _tables(record) if n == "2"]
    assert t.rows == [["Område", "2013", "2014"], ["Skoler", "1.200", "1.300"], ["Veje", "300", "310"]]
    assert t.header_rows == 1
    assert not [w for w in record.document.warnings if w.startswith("text not placed")]


def test_firstagenda_tab_stop_tables() -> None:
    """Word tables pasted with tab stops (Aarhus budget proposals: number | title | party)."""
    found = _tables(_doc("aarhus_2025-10-08_byraadet_dagsorden.html"))
    assert [n for n, _, _ in found] == ["5", "6", "7", "8", "9", "10"]
    _, _, first = found[0]
    assert first.header_rows == 0 and first.start == 0 and len(first.rows) == 22
    assert first.rows[2] == ["3", "Velfærdsgenopretning MSO", "EL"]


@pytest.mark.parametrize("name", ["aarhus_2025-08-27_byraadet_referat.pdf", "syddjurs_2013-06-20_puk_referat.pdf",
                                  "syddjurs_2013-06-20_puk_acadre-referat.xml",
                                  "aarhus_2025-10-01_teknisk-udvalg_referat.html"])
def test_no_tables_where_there_are_none(name: str) -> None:
    assert _tables(_doc(name)) == []


_PAGE = """<html><body><table id="dagsordenDetaljer"><tr class="punktrow"><td><span class="label">1</span></td>
<td><h2 class="overskrift">Budget</h2><div class="details"><div class="punkt"><h3>Sagsfremstilling</h3>
<div>Fordelingen:</div>{table}<div>Som vist.</div><h3>Beslutning</h3><div>Godkendt.</div></div></div></td></tr></table>
</body></html>"""


@pytest.mark.parametrize("table, header", [
    ("<table><thead><tr><td>Område</td><td>2025</td></tr></thead><tbody><tr><td>Skoler</td><td>1.200</td></tr>"
     "<tr><td>Veje</td><td>300</td></tr></tbody></table>", 1),
    ("<table><tr><th>Område</th><th>Beløb</th></tr><tr><td>Skoler</td><td>1.200</td></tr>"
     "<tr><td>Veje</td><td>300</td></tr></table>", 1),
    ("<table><tr><td><b>Område</b></td><td><strong>Beløb</strong></td></tr><tr><td>Skoler</td><td>1.200</td></tr>"
     "<tr><td>Veje</td><td>300</td></tr></table>", 1),
    ("<table><tr><td>Skoler</td><td>Ja</td></tr><tr><td>Veje</td><td>Nej</td></tr></table>", 0),
])
def test_html_table_in_item_body(table: str, header: int) -> None:
    record = parse_bytes(_PAGE.format(table=table).encode(), "x.html")
    [(_, section, t)] = _tables(record)
    assert t.header_rows == header and t.start == 1 and len(t.rows) == 3 - (header == 0)
    assert tables.paragraphs(section.text)[0] == "Fordelingen:" and section.text.endswith("Som vist.")


def test_html_caption_is_the_tables_caption_and_stays_in_the_text() -> None:
    table = ("<table><caption>Anlæg 2025 (mio. kr.)</caption><tr><th>Område</th><th>Beløb</th></tr>"
             "<tr><td>Skoler</td><td>1.200</td></tr><tr><td>Veje</td><td>300</td></tr></table>")
    record = parse_bytes(_PAGE.format(table=table).encode(), "x.html")
    [(_, section, t)] = _tables(record)
    assert t.caption == "Anlæg 2025 (mio. kr.)" and t.start == 2 and t.header_rows == 1
    assert "Anlæg 2025 (mio. kr.)" in section.text  # searchable
    assert [k for k, _ in tables.parts(section.text, section.tables)] == ["p", "table", "p"]
    html = render(record, "html")
    assert '<table class="data">\n<caption>Anlæg 2025 (mio. kr.)</caption>' in html
    assert "<p>Anlæg 2025" not in html


def test_acadre_table_in_bullet_html() -> None:
    from .test_xml_importers import ACADRE_MINI

    table = ("&lt;table&gt;&lt;thead&gt;&lt;tr&gt;&lt;th&gt;År&lt;/th&gt;"
             "&lt;th&gt;Beløb&lt;/th&gt;&lt;/tr&gt;&lt;/thead&gt;"
             "&lt;tr&gt;&lt;td&gt;2014&lt;/td&gt;&lt;td&gt;2,5 mio. kr.&lt;/td&gt;&lt;/tr&gt;"
             "&lt;tr&gt;&lt;td&gt;2015&lt;/td&gt;&lt;td&gt;1,0 mio. kr.&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;")
    data = ACADRE_MINI.replace("&lt;p&gt;Salg i 2014.&lt;/p&gt;", "&lt;p&gt;Salg i 2014.&lt;/p&gt;" + table)
    record = parse_bytes(data.encode(), "syddjurs_mini.xml")
    [(_, section, t)] = _tables(record)
    assert t.rows == [["År", "Beløb"], ["2014", "2,5 mio. kr."], ["2015", "1,0 mio. kr."]]
    assert t.header_rows == 1 and t.start == 2 and section.text.endswith("2015 | 1,0 mio. kr.")
    assert not [w for w in record.document.warnings if w.startswith("text not placed")]


@pytest.mark.parametrize("fmt", ["text", "pdf"])
def test_a_table_with_three_number_columns_comes_back(fmt: str) -> None:
    """Printed (aligned text columns, a PDF table) and read back: header, signed decimals, a trailing paragraph
    that stays a paragraph."""
    record = _doc(f"{BALLERUP}_referat.pdf")
    section = next(s for s in record.meeting.items[2].sections if s.role == "presentation")
    rows = [["Mio. kr., 2025-priser", "2025", "2026", "2027"], ["Skoler og dagtilbud", "12,5", "-3,0", "1.250,0"],
            ["Veje", "300", "310", "0"], ["Ældre", "1,2", "1,3", "1,4"], ["I alt", "314,0", "308,3", "1.251,4"]]
    start = len(tables.paragraphs(section.text)) + 1
    section.text += "\n\nFordelingen ses her:\n\n" + "\n\n".join(map(tables.row_text, rows)) + "\n\nDet var tabellen."
    section.tables = [tables.make(rows, start)]
    assert section.tables[0].header_rows == 1
    data = render(record, fmt)
    back = parse_bytes(data.encode() if isinstance(data, str) else data, "x.txt" if fmt == "text" else "x.pdf")
    again = next(s for s in back.meeting.items[2].sections if s.role == "presentation")
    assert again.tables == section.tables
    assert again.text.endswith("I alt | 314,0 | 308,3 | 1.251,4\n\nDet var tabellen.")


def test_header_guess() -> None:
    assert tables.guess_header_rows([["Område", "Beløb"], ["Skoler", "1.200 kr."], ["Veje", "300 kr."]]) == 1
    assert tables.guess_header_rows([["Område", "2025"], ["Skoler", "1.200"], ["Veje", "300"]]) == 1
    assert tables.guess_header_rows([["1", "Bedre mad", "S"], ["2", "Beredskab", "V"], ["3", "Tryghed", "M"]]) == 0
    assert tables.guess_header_rows([["Skoler", "Ja"], ["Veje", "Nej"], ["Havne", "Ja"]]) == 0


def test_parts_fall_back_to_paragraphs_when_the_text_no_longer_matches() -> None:
    table = Table(rows=[["a", "1"], ["b", "2"]], start=1)
    assert tables.parts("før\n\na | 1\n\nb | 2\n\nefter", [table]) == [("p", "før"), ("table", table), ("p", "efter")]
    assert [k for k, _ in tables.parts("før\n\na | 1\n\nb | 3", [table])] == ["p", "p", "p"]
    beyond = Table(rows=[["a", "1"], ["b", "2"]], start=9, caption="Tabel")
    assert [k for k, _ in tables.parts("før\n\na | 1", [beyond])] == ["p", "p"]
    as_json = {"rows": [["a", "1"], ["b", "2"]], "start": 1}  # a table as a page template gets it, no caption key
    assert [k for k, v in tables.display("før\n\na | 1\n\nb | 2", [as_json])] == ["p", "table"]


def test_canonical_json_and_records_without_tables() -> None:
    record = _doc(f"{BALLERUP}_referat.pdf")
    assert canonical.loads(canonical.dumps(record)) == record
    data = canonical.to_dict(record)
    for item in data["meeting"]["items"]:
        for section in item["sections"]:
            del section["tables"]  # stored before tables existed
    old = canonical.from_dict(json.loads(json.dumps(data)))
    assert all(s.tables == [] for item in old.meeting.items for s in item.sections)
    assert old.meeting.items[5].sections[1].text == record.meeting.items[5].sections[1].text
    assert Section("body", "", "x").tables == []


@pytest.mark.parametrize("kind", BACKENDS)
def test_store_round_trip_and_copy(kind: str, tmp_path) -> None:
    record = _doc(f"{BALLERUP}_edoc-publishing.xml")
    with target(kind, tmp_path) as where, target("sqlite", tmp_path) as other:
        store = open_store(where)
        try:
            meeting_id = store.save(record).meeting_id
            store.flush()
            back = store.get(meeting_id)
            assert _tables(back) == _tables(record) and len(_tables(back)) == 1
            dst = open_store(other)
            try:
                copy_archive(store, dst, verify=True)
                [m] = dst.meetings()
                assert _tables(dst.get(m.id)) == _tables(record)
            finally:
                dst.close()
        finally:
            store.close()


def test_renderings_show_the_table() -> None:
    record = _doc(f"{BALLERUP}_referat.pdf")
    html = render(record, "html")
    assert '<th scope="col">Indsatsområde i Ballerup Kommune</th>' in html
    assert '<th scope="col" class="num">Afsatte midler i 2013</th>' in html
    assert '<th scope="row">I alt</th><td class="num">2.890.000 kr.</td>' in html
    text = render(record, "text")
    rows = [line for line in text.splitlines() if line.startswith(("Indsatsområde i Ballerup", "I alt ", "Sygepleje"))]
    assert len(rows) == 3 and len({line.index(" | ") for line in rows}) == 1  # aligned columns
    assert rows[-1].endswith("|         2.890.000 kr.")  # amounts right-aligned
    assert len({len(line) for line in rows}) == 1


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables-web")
    store = open_store(str(folder / "store.db"))
    store.save(_doc(f"{BALLERUP}_referat.pdf"))
    store.flush()
    try:
        with TestClient(create_app(store), raise_server_exceptions=False) as c:
            yield c, store.meetings()[0].id
    finally:
        store.close()


def test_item_page_table(client) -> None:
    c, meeting_id = client
    r = c.get(f"/moede/{meeting_id}/punkt/6")
    assert r.status_code == 200
    assert '<table class="list data" aria-label="Tabel: Sagsfremstilling">' in r.text
    assert '<th scope="col">Indsatsområde i Ballerup Kommune</th>' in r.text
    assert ('<th scope="row">Sygeplejeklinik (udvidet åbningstid 4 timer pr. uge)</th>'
            '<td class="num">200.000 kr.</td>') in r.text
    assert "<p>I alt | 2.890.000 kr.</p>" not in r.text
    j = c.get(f"/moede/{meeting_id}/punkt/6.json").json()
    [table] = [t for s in j["item"]["sections"] for t in s["tables"]]
    assert table["rows"][0] == HEADER and table["header_rows"] == 1 and table["start"] == 4
