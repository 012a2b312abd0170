"""SBSYS eDagsorden publications (XML and the zip they are delivered as) and Fujitsu eDoc agenda
exports (XML and their XSLT-rendered HTML), read from the real drops; variants are made by editing
the real files in the test."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from referat import canonical
from referat.errors import InputError
from referat.model import ImportedMeeting
from referat.parse import firstagenda_html, fujitsu_html, fujitsu_xml, importer, sbsys_zip

from .conftest import SHARED

ZIP = SHARED / "drops/sbsys/Publication32.zip"
XML_IN_ZIP = "Publication32/Publication32.xml"
FUJITSU = (SHARED / "drops/fujitsu/Hennys testudvalg/2017-05-02 10.00/Dagsorden/Dagsorden/Os2Dagsorden TEST"
           / "2017-04-21 12.00.48/41a93779-8b2a-414b-9f87-691e24f8f40a")
FXML = FUJITSU.with_suffix(".xml")
FHTML = FUJITSU.with_suffix(".html")


def sbsys_xml_bytes() -> bytes:
    with zipfile.ZipFile(ZIP) as zf:
        return zf.read(XML_IN_ZIP)


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def item_block(xml: bytes, number: str) -> bytes:
    """The real ``<Item ...>...</Item>`` whose ``<Number>`` is ``number``."""
    for m in re.finditer(rb"<Item ID=\"\d+\">.*?</Item>", xml, re.DOTALL):
        if f"<Number><![CDATA[{number}]]></Number>".encode() in m.group(0):
            return m.group(0)
    raise AssertionError(f"no item {number}")


def no_unplaced(record: ImportedMeeting) -> None:
    assert [w for w in record.document.warnings if w.startswith("text not placed")] == []


# --- SBSYS -------------------------------------------------------------------------------------------

def test_the_delivered_zip_imports_with_enclosures_as_paths_in_the_zip() -> None:
    record = importer.parse_file(ZIP)
    m = record.meeting
    assert (record.document.format, record.document.importer) == ("zip", "sbsys-zip")
    assert (m.municipality, m.committee, m.kind, m.place) == (
        "Ballerup", "KMB IT-udvalget", "dagsorden", "Mødecenter A, Lokale 3 på Ballerup Rådhus")
    assert (str(m.start), str(m.end)) == ("2013-05-15 16:30:00", "2013-05-15 18:00:00")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5"]
    sapa = m.items[2]
    assert sapa.title == "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)"
    assert [(a.title, a.number, a.reference, a.public) for a in sapa.attachments] == [
        ("Brev fra KL til Kommunalbestyrelsen vedr Monopolbrud", "1", "Publication32/Enclosures/1.pdf", True)]
    assert [s.role for s in m.items[1].sections] == [
        "previous_treatment", "summary", "background", "presentation", "economy", "deciding_body", "recommendation"]
    assert m.items[1].deciding_body == "KMB IT-udvalget"
    assert [p.number for p in m.items[1].recommendation.points] == ["A", "B"]  # type: ignore[union-attr]
    assert m.items[1].previous_treatments[0].item_number == "3"
    no_unplaced(record)


def test_the_publication_xml_alone_imports_with_its_relative_enclosure_paths() -> None:
    record = importer.parse_bytes(sbsys_xml_bytes(), "Publication32.xml")
    assert record.document.importer == "sbsys-xml"
    assert record.meeting.items[2].attachments[0].reference == "Enclosures/1.pdf"
    no_unplaced(record)


def test_attendance_follows_the_participation_status() -> None:
    record = importer.parse_file(ZIP)
    people = {p.person.name: p for p in record.meeting.participants}
    assert len(people) == 11 and all(p.present for p in people.values())
    assert (people["Doris Børger"].person.party, people["Hanne Bahnsen"].person.party) == ("A", None)
    assert any("not decided" in w for w in record.document.warnings)
    xml = sbsys_xml_bytes()
    member = re.search(rb"<MeetingMember ID=\"63\">.*?</MeetingMember>", xml, re.DOTALL).group(0)  # type: ignore[union-attr]
    absent = member.replace(b"<![CDATA[0]]>", b"<![CDATA[2]]>", 1).replace(b"NotDecided", b"NotParticipating")
    people = {p.person.name: p for p in importer.parse_bytes(xml.replace(member, absent), "p.xml").meeting.participants}
    assert not people["Hanne Bahnsen"].present and people["Hanne Bahnsen"].note == "NotParticipating"
    assert people["Doris Børger"].present


def test_without_meeting_members_the_committee_members_are_listed() -> None:
    xml = sbsys_xml_bytes()
    members = re.search(rb"<Members>\s*<MeetingMember .*?</Members>", xml, re.DOTALL).group(0)  # type: ignore[union-attr]
    record = importer.parse_bytes(xml.replace(members, b"<Members />"), "p.xml")
    names = [p.person.name for p in record.meeting.participants]
    assert "Doris Børger" in names and len(names) == xml.count(b"<CommitteeMember ")
    assert any("committee's members" in w for w in record.document.warnings)


def test_hierarchical_numbers_are_ordered_as_numbers() -> None:
    xml = sbsys_xml_bytes()
    two, four, five = (item_block(xml, n) for n in ("2", "4", "5"))
    edited = xml.replace(four, four.replace(b"<Number><![CDATA[4]]>", b"<Number><![CDATA[3.2]]>"))
    edited = edited.replace(five, five.replace(b"<Number><![CDATA[5]]>", b"<Number><![CDATA[3.1]]>"))
    edited = edited.replace(two, b"")
    end = edited.rindex(b"</Items>")  # item 2 moved last in the publication
    edited = edited[:end] + two + edited[end:]
    assert edited.count(b"<Item ID=") == xml.count(b"<Item ID=")
    m = importer.parse_bytes(edited, "p.xml").meeting
    assert [i.number for i in m.items] == ["1", "2", "3", "3.1", "3.2"]
    assert [i.position for i in m.items] == [1, 2, 3, 4, 5]
    assert m.items[3].title == "Status på eDagsorden"


def test_sub_items_nested_in_an_item_are_numbered_within_it() -> None:
    xml = sbsys_xml_bytes()
    three, four, five = (item_block(xml, n) for n in ("3", "4", "5"))
    subs = (four.replace(b"<Number><![CDATA[4]]>", b"<Number><![CDATA[1]]>")
            + five.replace(b"<Number><![CDATA[5]]>", b"<Number><![CDATA[2]]>"))
    nested = three.replace(b"</Item>", b"<Items>" + subs + b"</Items></Item>")
    edited = xml.replace(four, b"").replace(five, b"").replace(three, nested)
    # and the variant without the <Agendas> wrapper
    edited = edited.replace(b"<Agendas>", b"", 1).replace(b"</Agendas>", b"", 1)
    m = importer.parse_bytes(edited, "p.xml").meeting
    assert [(i.number, i.title) for i in m.items][2:] == [
        ("3", "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)"),
        ("3.1", "Regler for indkøb af it-udstyr"), ("3.2", "Status på eDagsorden")]


def test_a_closed_item_keeps_its_caption_and_nothing_of_its_text() -> None:
    xml = sbsys_xml_bytes()
    three = item_block(xml, "3")
    closed = three.replace(b"<IsPublic><![CDATA[True]]></IsPublic>", b"<IsPublic><![CDATA[False]]></IsPublic>")
    assert closed != three
    record = importer.parse_bytes(xml.replace(three, closed), "p.xml")
    item = record.meeting.items[2]
    assert (item.public, item.title, item.sections, item.recommendation) == (
        False, "Indførelse af systemet SAPA (Sagsoverblik/Partskontakt)", [], None)
    assert [a.public for a in item.attachments] == [False]
    assert "KOMBIT har udpeget" not in canonical.dumps(record)
    assert any(w.startswith("closed item 3:") for w in record.document.warnings)
    no_unplaced(record)


def one_line_refusal(data: bytes, name: str) -> str:
    with pytest.raises(InputError) as info:
        importer.parse_bytes(data, name)
    message = str(info.value)
    assert message and "\n" not in message
    return message


def test_a_truncated_zip_is_refused() -> None:
    data = ZIP.read_bytes()
    assert "damaged or incomplete" in one_line_refusal(data[: len(data) // 2], "p.zip")


def test_a_zip_bomb_is_refused() -> None:
    xml = sbsys_xml_bytes()
    bomb = zipped({XML_IN_ZIP: xml + b" " * (sbsys_zip.MAX_XML + 1)})
    assert len(bomb) < 1024 * 1024
    assert "zip bomb" in one_line_refusal(bomb, "bomb.zip")
    many = zipped({XML_IN_ZIP: xml, **{f"Publication32/Enclosures/{n}.pdf": b"" for n in range(sbsys_zip.MAX_MEMBERS)}})
    assert "zip bomb" in one_line_refusal(many, "many.zip")


def test_garbled_xml_is_refused_alone_and_in_the_zip() -> None:
    xml = sbsys_xml_bytes()
    start = xml.index(b"<Agendas>")
    garbled = xml[:start] + b"<Agendas><Agenda><Items><It\x01em <<&&>>" + bytes(range(14, 32)) * 40
    assert "no agenda items" in one_line_refusal(garbled, "p.xml")
    assert "no agenda items" in one_line_refusal(zipped({XML_IN_ZIP: garbled}), "p.zip")


def test_a_zip_without_a_publication_is_not_claimed() -> None:
    assert "not minutes or an agenda" in one_line_refusal(zipped({"a/readme.xml": b"<Other/>"}), "x.zip")


# --- Fujitsu -----------------------------------------------------------------------------------------

def test_the_fujitsu_xml_imports_printed_numbers_and_participants() -> None:
    record = importer.parse_file(FXML)
    m = record.meeting
    assert record.document.importer == "fujitsu-xml"
    assert (m.committee, m.kind, m.place, str(m.start), str(m.end)) == (
        "Hennys testudvalg", "dagsorden", "Mødelokale 1, Midtpunkt", "2017-05-02 10:00:00", "2017-05-02 11:00:00")
    assert [(i.number, i.title) for i in m.items] == [
        ("2", "test"), ("3", "test tabel"), ("4", "Fejloprettet"), ("5", "Fejloprettet"), ("6", "Underskriftsblad")]
    assert [c.value for i in m.items for c in i.case_ids] == ["200906126", "2013-003869", "2013-000038"]
    assert [s.role for s in m.items[2].sections] == ["summary", "recommendation", "presentation", "economy", "hearing"]
    chair = next(p for p in m.participants if p.person.role == "Formand")
    assert (chair.person.name, chair.person.party, chair.present) == ("Allan Buch", "A", True)
    assert len(m.participants) == 7
    no_unplaced(record)


def test_fujitsu_xml_closed_items_absence_decision_and_attachments() -> None:
    xml = FXML.read_bytes()
    element = re.search(rb"<edoc:AgendaElement>(?:(?!</edoc:AgendaElement>).)*<edoc:SerialNo>4</edoc:SerialNo>.*?"
                        rb"</edoc:AgendaElement>", xml, re.DOTALL).group(0)  # type: ignore[union-attr]
    closed = element.replace(b"<edoc:AccessIsPublic>true", b"<edoc:AccessIsPublic>false", 1)
    edited = xml.replace(element, closed)
    five = re.search(rb"<edoc:SerialNo>5</edoc:SerialNo>.*?<edoc:Attachments />", edited, re.DOTALL).group(0)  # type: ignore[union-attr]
    attachment = (b"<edoc:Attachments><edoc:Attachment><edoc:Title>Regnskab</edoc:Title>"
                  b"<edoc:Link>Attachments\\regnskab.pdf</edoc:Link></edoc:Attachment></edoc:Attachments>")
    with_att = five.replace(b"<edoc:Attachments />", attachment)
    flag = b"<edoc:IsDecision>%s</edoc:IsDecision>"
    with_decision = with_att.replace(flag % b"false", flag % b"true", 2)
    edited = edited.replace(five, with_decision)
    edited = re.sub(rb"(<edoc:Name>Allan Buch</edoc:Name>.*?<edoc:Participate>)true", rb"\1false", edited, count=1,
                    flags=re.DOTALL)
    record = importer.parse_bytes(edited, str(FXML))
    m = record.meeting
    four = m.items[2]
    assert (four.number, four.public, four.title, four.sections) == ("4", False, "Udvalgets indsatser 2010-2013", [])
    assert "byrådsseminariet" not in canonical.dumps(record) and four.title != "Fejloprettet"
    five_item = m.items[3]
    assert [(a.title, a.reference) for a in five_item.attachments] == [("Regnskab", "Attachments/regnskab.pdf")]
    assert [s.role for s in five_item.sections] == ["decision", "decision"]  # flagged by IsDecision
    assert five_item.decisions and five_item.decisions[0].text.startswith("Anlægsprojekterne")
    assert not next(p for p in m.participants if p.person.name == "Allan Buch").present
    no_unplaced(record)


def test_the_committee_comes_from_the_folder_when_the_export_lacks_it() -> None:
    xml = FXML.read_bytes().replace(b"<edoc:Name>Hennys testudvalg</edoc:Name>", b"<edoc:Name></edoc:Name>", 1)
    record = importer.parse_bytes(xml, str(FXML))
    assert record.meeting.committee == "Hennys testudvalg"
    assert fujitsu_xml.folder_meeting(str(FXML)) == ("Hennys testudvalg", record.meeting.start)


def test_the_fujitsu_html_reads_as_its_xml_does() -> None:
    page, export = importer.parse_file(FHTML), importer.parse_file(FXML)
    assert page.document.importer == "fujitsu-html"
    assert page.meeting.municipality == "Middelfart"  # named by the page's logo, Middelfart.jpg
    assert (page.meeting.committee, page.meeting.start, page.meeting.place) == (
        export.meeting.committee, export.meeting.start, export.meeting.place)
    assert canonical.to_dict(page)["meeting"]["items"] == canonical.to_dict(export)["meeting"]["items"]
    no_unplaced(page)


def test_fujitsu_and_firstagenda_html_readers_claim_only_their_own_pages() -> None:
    pages = sorted(p for p in SHARED.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
    assert FHTML in pages and len(pages) >= 3
    for p in pages:
        data = p.read_bytes()
        assert fujitsu_html.looks_like(data) == (p == FHTML), p
        if p == FHTML:
            assert not firstagenda_html.looks_like(data)


def test_garbled_fujitsu_xml_is_refused() -> None:
    xml = FXML.read_bytes()
    cut = xml[: xml.index(b"<edoc:AgendaElements>")] + b"<edoc:AgendaElements><edoc:Agen\x01<<&&"
    message = one_line_refusal(cut, "f.xml")
    assert "no agenda items" in message


def test_a_closed_item_on_the_fujitsu_page_is_neutral() -> None:
    html = FHTML.read_bytes()
    closed = re.sub(rb'(class="xsltSubTitle">\s*)\xc3\x85ben', rb"\1Lukket", html, count=3)
    assert closed != html
    m = importer.parse_bytes(closed, "page.html").meeting
    assert [(i.public, i.title) for i in m.items][:4] == [
        (False, "Lukket punkt"), (False, "Lukket punkt"), (False, "Lukket punkt"), (True, "Fejloprettet")]
    assert all(not i.sections for i in m.items[:3])


def test_the_decision_history_of_an_item_becomes_its_previous_treatments() -> None:
    xml = sbsys_xml_bytes()
    two = item_block(xml, "2")
    history = ("<ItemHistory><ItemField ID=\"9\"><Caption><![CDATA[Beslutning]]></Caption>"
               "<Content><![CDATA[<p>Udvalget godkendte oplægget.</p>]]></Content><HasContent>True</HasContent>"
               "<MeetingDetails><CommitteeName>KMB IT-udvalget</CommitteeName>"
               "<MeetingDueDate>05-12-2012 16:30:00</MeetingDueDate></MeetingDetails></ItemField></ItemHistory>"
               ).encode()
    record = importer.parse_bytes(xml.replace(two, two.replace(b"</Item>", history + b"</Item>")), "p.xml")
    treatments = record.meeting.items[1].previous_treatments
    assert [(t.body, str(t.date), t.text) for t in treatments][1:] == [
        ("KMB IT-udvalget", "2012-12-05", "Beslutning\n\nUdvalget godkendte oplægget.")]
    no_unplaced(record)
