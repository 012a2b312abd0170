"""The XML importers (eDoc publishing, Acadre) on damaged and hostile input.

Real exports are checked by the goldens; these tests cover what the goldens
cannot: truncated files, unknown vocabularies, wrong encoding declarations,
entity bombs, and that parsing stays fast.
"""

from __future__ import annotations

import time

import pytest

from referat.errors import NotMinutes
from referat.parse import acadre_xml, edoc_xml, importer, xmlutil

from .conftest import SHARED

EDOC = SHARED / "corpus" / "ballerup_2012-12-04_sundheds-og-forebyggelsesudvalget_edoc-publishing.xml"
ACADRE = SHARED / "corpus" / "syddjurs_2013-06-20_puk_acadre-referat.xml"

EDOC_MINI = """<?xml version="1.0" encoding="{enc}"?>
<Meeting>
  <Committee>Børne- og Skoleudvalget</Committee>
  <MeetingDate>04-12-2012 13:00:00</MeetingDate>
  <MeetingState>Referat endeligt godkendt</MeetingState>
  <MeetingAgendaTypes>
    <MeetingAgendaType>
      <AgendaType>Åben dagsorden</AgendaType>
      <MeetingAgendaItems>
        <MeetingAgendaItem>
          <AgendaItemNumber>1</AgendaItemNumber>
          <Document><Title>Skolestruktur på Nørrebro</Title><NeutralTitle>Skolestruktur på Nørrebro</NeutralTitle></Document>
          <FullText>1.&#9;Skolestruktur på Nørrebro&#xC;

Sagsnr.: 2012-1234

Sammendrag
Forslag til ny skolestruktur.

Udvalgets beslutning
Godkendt.</FullText>
        </MeetingAgendaItem>
      </MeetingAgendaItems>
    </MeetingAgendaType>
    <MeetingAgendaType>
      <AgendaType>Lukket dagsorden</AgendaType>
      <MeetingAgendaItems>
        <MeetingAgendaItem>
          <AgendaItemNumber>2</AgendaItemNumber>
          <Document><Title>Personsag: Jens Hansen</Title><NeutralTitle>Personalesag</NeutralTitle></Document>
        </MeetingAgendaItem>
      </MeetingAgendaItems>
    </MeetingAgendaType>
  </MeetingAgendaTypes>
</Meeting>
"""  # noqa: E501 (a document as published)


def _mini(enc: str = "UTF-8", *, data_enc: str = "utf-8") -> bytes:
    return EDOC_MINI.format(enc=enc).encode(data_enc)


def test_mini_edoc_open_and_closed_items():
    record = importer.parse_bytes(_mini(), "mini.xml")
    open_item, closed_item = record.meeting.items
    assert (open_item.number, open_item.public, open_item.title) == ("1", True, "Skolestruktur på Nørrebro")
    assert open_item.case_ids[0].value == "2012-1234"
    assert open_item.decisions[0].outcome == "approved"
    assert (closed_item.number, closed_item.public, closed_item.title) == ("2", False, "Personalesag")
    assert "Jens Hansen" not in str(record), "the internal title of a closed item must not be imported"
    assert any("invalid character reference" in w for w in record.document.warnings)
    assert not [w for w in record.document.warnings if w.startswith("text not placed")]


def test_truncated_edoc_imports_what_it_can_and_says_so():
    data = EDOC.read_bytes()
    cut = data[: len(data) // 3]
    record = importer.parse_bytes(cut, EDOC.name)
    assert record.meeting.items
    assert any("not well-formed" in w for w in record.document.warnings)


def test_truncated_before_any_item_is_not_minutes():
    data = _mini()
    cut = data[: data.index(b"<MeetingAgendaItems>")]
    with pytest.raises(NotMinutes, match="no agenda items"):
        importer.parse_bytes(cut, "cut.xml")


def test_truncated_acadre():
    data = ACADRE.read_bytes()
    record = importer.parse_bytes(data[: int(len(data) * 0.6)], ACADRE.name)
    assert record.meeting.items[0].number == "715"
    assert any("not well-formed" in w for w in record.document.warnings)


def test_unknown_vocabulary_is_not_minutes():
    data = b'<?xml version="1.0"?><catalog><book id="1"><title>XML</title></book></catalog>'
    assert not edoc_xml.looks_like(data) and not acadre_xml.looks_like(data)
    with pytest.raises(NotMinutes, match="not minutes or an agenda"):
        importer.parse_bytes(data, "books.xml")
    with pytest.raises(NotMinutes, match=r"root element is <catalog>"):
        edoc_xml.parse(data, "books.xml")
    with pytest.raises(NotMinutes, match="not an Acadre export"):
        acadre_xml.parse(data, "books.xml")


def test_wrong_encoding_declared_latin1_bytes_declared_utf8():
    record = importer.parse_bytes(_mini("UTF-8", data_enc="cp1252"), "mini.xml")
    assert record.meeting.committee == "Børne- og Skoleudvalget"
    assert any("declares encoding" in w for w in record.document.warnings)


def test_wrong_encoding_declared_utf8_bytes_declared_latin1():
    record = importer.parse_bytes(_mini("ISO-8859-1"), "mini.xml")
    assert record.meeting.committee == "Børne- og Skoleudvalget"
    assert any("bytes are UTF-8" in w for w in record.document.warnings)


def test_entity_bomb_is_not_expanded():
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE Meeting [<!ENTITY lol0 "lol">{lol}]>'
            "<Meeting><Committee>&lol9;</Committee><MeetingAgendaTypes><MeetingAgendaType>"
            "<MeetingAgendaItems><MeetingAgendaItem><AgendaItemNumber>1</AgendaItemNumber>"
            "<Document><Title>T</Title></Document><FullText>1.\tT\n\nTekst &lol9;</FullText>"
            "</MeetingAgendaItem></MeetingAgendaItems></MeetingAgendaType></MeetingAgendaTypes></Meeting>").encode()
    t = time.perf_counter()
    record = importer.parse_bytes(bomb, "bomb.xml")
    assert time.perf_counter() - t < 2
    assert "lol" not in str(record.meeting)
    assert any("DOCTYPE" in w for w in record.document.warnings)


def test_external_entity_is_not_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    data = (f'<?xml version="1.0"?><!DOCTYPE root [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<root><table name="agenda"><fields><field name="name">Referat &x;</field></fields>'
            '<table name="agendaitemparents"><fields><field name="sort">1</field></fields>'
            '<table name="agendaitem"><fields><field name="name">Punkt &x;</field></fields></table>'
            "</table></table></root>").encode()
    record = importer.parse_bytes(data, "xxe.xml")
    assert "TOPSECRET" not in str(record)


def test_html_paragraphs():
    html = ("<p>Et<br>to</p><ul><li>a</li><li>b <b>fed</b></li></ul><p>&nbsp;</p>"
            "<table><tr><td>x</td><td>y</td></tr></table>")
    # a table row: cells as in tables.row_text
    assert xmlutil.html_paragraphs(html) == ["Et", "to", "a", "b fed", "x | y"]


@pytest.mark.parametrize("path", [EDOC, ACADRE], ids=["edoc", "acadre"])
def test_parsing_is_fast(path):
    data = path.read_bytes()
    importer.parse_bytes(data, path.name)
    t = time.perf_counter()
    for _ in range(3):
        importer.parse_bytes(data, path.name)
    assert (time.perf_counter() - t) / 3 < 1.0


ACADRE_MINI = """<?xml version="1.0"?>
<root><table name="agenda"><fields><field name="name">Dagsorden</field></fields>
<table name="committee"><fields><field name="name">Økonomiudvalget</field></fields></table>
<table name="meeting"><fields><field name="date">2013-06-20 10:30</field><field name="finish">2013-06-20 12:00</field>
<field name="location">Rådhuset</field><field name="address">Lundbergsvej 2&lt;br&gt;8400 Ebeltoft</field></fields>
<table name="meetmember"><table name="member"><fields><field name="name">Anna  Hansen (V)</field>
<field name="absent">1</field><field name="role">Formand</field><field name="sort">1</field></fields></table></table></table>
<table name="agendaitemparents"><fields><field name="sort">12</field></fields>
<table name="agendaitem"><fields><field name="name">Salg af grund</field><field name="accessname">Lukket</field>
<field name="caseno">13/100</field></fields>
<table name="bullet"><fields><field name="bulletname">Resumé</field>
<field name="bulletcontent">&lt;p&gt;Tidsplan:&lt;/p&gt;&lt;p&gt;Salg i 2014.&lt;/p&gt;</field>
<field name="bulletsortorder">1</field></fields></table>
<table name="bullet"><fields><field name="bulletname">Lovgrundlag</field><field name="bulletcontent"></field>
<field name="bulletsortorder">2</field></fields></table>
<table name="enclosure"><fields><field name="name">Købsaftale</field><field name="accessname">Lukket</field>
<field name="sort">1</field><field name="fileno">1234/13</field></fields></table>
</table></table></table></root>
"""  # noqa: E501 (a document as published)


def test_mini_acadre_structure():
    record = importer.parse_bytes(ACADRE_MINI.encode(), "syddjurs_mini.xml")
    m = record.meeting
    assert (m.kind, m.committee, m.place) == ("dagsorden", "Økonomiudvalget", "Rådhuset, Lundbergsvej 2, 8400 Ebeltoft")
    assert m.end is not None and m.end.hour == 12
    p = m.participants[0]
    assert (p.person.name, p.person.party, p.person.role, p.present) == ("Anna Hansen", "V", "Formand", False)
    item = m.items[0]
    assert (item.number, item.public, item.case_ids[0].scheme) == ("12", False, "acadre")
    assert [s.role for s in item.sections] == ["summary"], "a 'Tidsplan:' line inside a bullet stays text"
    assert item.attachments[0].public is False and item.attachments[0].reference == "1234/13"
    assert not [w for w in record.document.warnings if w.startswith("text not placed")]
