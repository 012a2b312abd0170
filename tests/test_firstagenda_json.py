"""The FirstAgenda Publication API reader beyond its goldens: closed items, attendance, agenda against
minutes, item order, attachments, headings from markup, field names that vary, and answers that are
not one meeting (or not JSON at all) refused in one clear message."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from referat.errors import InputError, NotMinutes
from referat.parse import firstagenda_json, importer
from referat.render import render
from referat.search.indexing import item_text

from .conftest import SHARED

GREVE = SHARED / "firstagenda-api" / "greve"
BYRAAD = "940a8318-cc26-4e87-9d83-c5a1dc18bea3.json"  # Byråd 23-05-2022: four closed items
SMALL = "d0632b01-c56d-4384-bc66-3b5ef148bc7c.json"  # Plan- og Tryghedsudvalget, extraordinary, 3 items
OEU = "0023960e-eb32-477e-9a7f-711a3d5b06b4.json"  # Økonomiudvalget, three absent for every item


def _answer(name: str) -> dict[str, Any]:
    return json.loads((GREVE / name).read_text("utf-8"))


def _import(answer: dict[str, Any] | bytes, name: str = "answer.json"):
    data = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode("utf-8")
    return importer.parse_bytes(data, name)


def _lost(record) -> list[str]:
    return [w for w in record.document.warnings if w.startswith("text not placed")]


HTML = ("<div><div id='sagsfremstillingContainer'><div><h3>Beslutning</h3><span>Godkendt.<br><br>"
        "Afbud: Lone Mortensen</span></div><h3>Fremstilling</h3><span class='ukendt'><h4>Sagsprocedure</h4>"
        "<p>Kultur- og Fritidsudvalget.</p><h4>Resume</h4><p>Godkendelse af dagsorden.</p></span></div></div>")


def _item(n: int, title: str, html: str = HTML, **more: Any) -> dict[str, Any]:
    return {"Felter": [{"Navn": "", "Html": html, "Tekst": None, "Link": None}], "ItemDecision": None,
            "SagsNummer": f"24-00{n}", "Navn": title, "Punktnummer": str(n), "Bilag": [],
            "Id": f"item-{n}", "Number": str(n), "Sorting": n, "IsOpen": False, "CaseNumber": f"24-00{n}",
            "Caption": title, "ExternalAgendaItemAttendees": [], **more}


def _meeting(*items: dict[str, Any], **moede: Any) -> dict[str, Any]:
    return {"Dagsordenpunkter": list(items), "Udvalg": {"Navn": "Kultur- og Fritidsudvalget", "Id": "u"},
            "Moede": {"Dato": "2024-10-09T16:30:00+02:00", "MeetingBeginUtc": "2024-10-09T16:30:00+02:00",
                      "MeetingEndUtc": None, "Sted": "Mødelokale 1", "Afsluttet": True, "Navn": "Dagsorden",
                      "IsSupplementaryAgenda": False,
                      "Moededeltagere": [{"Name": "Lone Mortensen", "Absent": False, "ParticipationCancelled": True,
                                          "AttendanceType": 0},
                                         {"Name": "Jan Holst", "Absent": False, "ParticipationCancelled": False,
                                          "AttendanceType": 0}], **moede},
            "TillaegsDagsorden": False, "Id": "m"}


# -- a real answer --------------------------------------------------------------------------------


def test_the_meeting_of_a_real_answer() -> None:
    record = importer.parse_file(GREVE / SMALL)
    m = record.meeting
    assert record.document.importer == firstagenda_json.NAME == "firstagenda-json"
    assert (m.municipality, m.committee, m.kind, m.title, m.place) == (
        "Greve", "Plan- og Tryghedsudvalget", "referat", "Ekstraordinær dagsorden", "Mødelokale 1")
    assert m.start == datetime(2024, 11, 13, 16, 0) and m.start.tzinfo is None  # Danish wall-clock time
    assert [(i.position, i.number) for i in m.items] == [(1, "1"), (2, "2"), (3, "3")]
    assert m.items[0].title == "Godkendelse af dagsorden" and m.items[0].public  # IsOpen is False, yet public
    assert [s.role for s in m.items[0].sections] == ["decision", "presentation", "procedure", "summary",
                                                   "recommendation"]
    assert m.items[0].decisions[0].outcome == "approved"
    assert (m.items[0].decisions[0].body, str(m.items[0].decisions[0].date)) == ("Plan- og Tryghedsudvalget",
                                                                                 "2024-11-13")
    assert _lost(record) == []


def test_closed_items_keep_a_neutral_title_and_only_their_published_decision() -> None:
    record = importer.parse_file(GREVE / BYRAAD)
    closed = [i for i in record.meeting.items if not i.public]
    assert [(i.number, i.title) for i in closed] == [
        ("4", "Orientering"), ("5", "Orientering fra administrationen"),
        ("6", "Beslutning om fremadrettet drift af Langagergård Plejecenter"),
        ("7", "Driftskontrakt: Godkendelse af udbudsmaterialet")]  # "Lukket: " is not part of the title
    for item in closed:
        assert [s.role for s in item.sections] == ["decision"] and not item.attachments
        assert item.decisions and item.decisions[0].body == "Byråd 2022-2025"
        # published: the title only, in the index and in the rendered minutes
        assert item_text(item) == item.title
        assert item.decisions[0].text.split("\n\n")[0] not in str(render(record, "text"))
    assert closed[2].decisions[0].outcome == "approved"  # "Med stemmerne 19 for og 2 imod godkendte ..."


def test_attendance_from_the_meeting_and_from_each_item() -> None:
    m = importer.parse_file(GREVE / OEU).meeting
    assert len(m.participants) == 7
    absent = {p.person.name for p in m.participants if not p.present}
    # the portal lists them as absent for every item (its attendance list does not say so)
    assert absent == {"Mehmet Zeki Dogru", "Bjarke Abel", "Brigitte Klintskov Jerkel"}
    assert {p.name for p in m.items[0].absences} == absent
    cancelled = importer.parse_file(GREVE / "e9571b84-d191-4b1c-a65d-211e4773bc5d.json").meeting
    assert sorted((p.person.name, p.note) for p in cancelled.participants if not p.present) == [
        ("Liselott Blixt", "Afbud"), ("Lone Mortensen", "Afbud")]


def test_an_inhabil_member_is_told_apart_from_an_absent_one() -> None:
    attendees = [{"Name": "Jan Holst", "Reason": "Inhabil", "AttendanceType": 2, "AgendaItemUid": "item-2"},
                 {"Name": "Lone Mortensen", "Reason": "Fraværende", "AttendanceType": 2, "AgendaItemUid": "item-2"}]
    record = _import(_meeting(_item(1, "Godkendelse af dagsorden"),
                              _item(2, "Tilskud til foreninger", ExternalAgendaItemAttendees=attendees)))
    item = record.meeting.items[1]
    assert [(p.name, p.role) for p in item.absences] == [("Jan Holst", "inhabil"), ("Lone Mortensen", None)]
    jan = next(p for p in record.meeting.participants if p.person.name == "Jan Holst")
    assert jan.present and jan.note == "inhabil under punkt 2"  # at the meeting, out for the one item
    lone = next(p for p in record.meeting.participants if p.person.name == "Lone Mortensen")
    assert not lone.present and lone.note == "Afbud"
    assert [p.name for p in record.meeting.items[0].absences] == ["Lone Mortensen"]  # "Afbud: ..." in the decision


def test_agenda_or_minutes_from_the_decisions_not_the_meeting_name() -> None:
    minutes = _import(_meeting(_item(1, "Godkendelse af dagsorden")))
    assert (minutes.meeting.kind, minutes.meeting.title) == ("referat", "Dagsorden")
    agenda_html = HTML.split("<h3>Fremstilling</h3>")[1]
    agenda = _import(_meeting(_item(1, "Godkendelse af dagsorden", agenda_html), Afsluttet=False,
                              IsSupplementaryAgenda=True))
    m = agenda.meeting
    assert (m.kind, m.status) == ("dagsorden", "Tillægsdagsorden")
    assert not m.items[0].decisions and agenda.document.warnings == []


def test_items_follow_sorting_and_keep_their_printed_numbers() -> None:
    answer = _answer(SMALL)
    items = answer["Dagsordenpunkter"]
    for item, (sorting, number) in zip(items, [(30, "3"), (10, "1a"), (20, "2")], strict=True):
        item["Sorting"], item["Punktnummer"], item["Number"] = sorting, number, number
    record = _import(answer, SMALL)
    assert [(i.position, i.number, i.title) for i in record.meeting.items] == [
        (1, "1a", items[1]["Navn"]), (2, "2", items[2]["Navn"]), (3, "3", items[0]["Navn"])]


def test_attachments_with_their_number_and_where_to_fetch_them() -> None:
    item = importer.parse_file(GREVE / OEU).meeting.items[1]
    assert [(a.number, a.title) for a in item.attachments] == [
        ("1", "Bilag 1. Energipriser 2023"),
        ("2", "Bilag 2. Beslutning fra HovedMED vedr. Vintertemperatur på rådhuset"),
        ("3", "22-011409-30 Notat om finansiering af merforbrug i forbindelse med temperaturregulering "
              "2560085_2732877_0-lone")]
    assert item.attachment_count == 3 and all(a.public for a in item.attachments)
    assert item.attachments[0].reference == ("https://dagsordener.greve.dk/vis/pdf/bilag/"
                                             "a63d4ff7-c543-4361-966a-f12b4446638f?redirectDirectlyToPdf=true")
    assert [c.value for c in item.case_ids] == ["22-011409"]


def test_case_history_lists_the_earlier_treatments() -> None:
    item = importer.parse_file(GREVE / OEU).meeting.items[1]
    assert [(str(t.date), t.body) for t in item.case_history] == [
        ("2023-05-25", "Klima-, Teknik- og Miljøudvalget"), ("2023-06-12", "Økonomiudvalget"),
        ("2023-06-19", "Byråd 2022-2025"), ("2023-11-16", "Klima-, Teknik- og Miljøudvalget")]
    assert item.case_history[0].text == "1.-2. Anbefales"
    assert "Anne Marie Lyduch" not in {p.name for p in item.absences}  # absent from another meeting


def test_headings_come_from_markup_and_known_bold_lines_only() -> None:
    html = ("<h3>Beslutning</h3><span>Anbefales ikke.</span><h3>Fremstilling</h3><span>"
            "<p><strong>Resume</strong></p><p>Kort om sagen.</p>"
            "<p><strong>Beslutning</strong></p><p>Et borgerforslag med en beslutning i.</p>"
            "<h4>Der er ikke høringspligt i denne sag.</h4>"
            "<h3> <div><b>I</b><span>ndstilling</span></div> </h3><p>Administrationen indstiller,</p>"
            "<ol style=\"list-style-type: lower-alpha;\"><li>at planen godkendes</li>"
            "<li>at den offentliggøres</li></ol>"
            "<h3> </h3><table><tr><td><b>År</b></td><td><b>Mio. kr.</b></td></tr>"
            "<tr><td>2025</td><td>1,5</td></tr></table></span>")
    record = _import(_meeting(_item(1, "Plan", html)))
    item = record.meeting.items[0]
    assert [(s.role, s.heading) for s in item.sections] == [
        ("decision", "Beslutning"), ("presentation", "Fremstilling"), ("summary", "Resume"),
        ("recommendation", "Indstilling")]
    assert len(item.decisions) == 1 and item.decisions[0].outcome == "rejected"
    summary = item.sections[2].text.split("\n\n")
    assert summary == ["Kort om sagen.", "Beslutning", "Et borgerforslag med en beslutning i.",
                       "Der er ikke høringspligt i denne sag."]
    assert [p.number for p in item.recommendation.points] == ["a", "b"]
    (table,) = item.sections[3].tables
    assert table.rows == [["År", "Mio. kr."], ["2025", "1,5"]] and table.header_rows == 1
    assert _lost(record) == []


def test_field_names_in_english_or_any_case_and_null_fields() -> None:
    answer = {"dagsordenpunkter": [{"Caption": "Lukket punkt", "Number": "7", "sorting": 1, "CaseNumber": "24-1",
                                    "Felter": None, "Bilag": None, "ExternalAgendaItemAttendees": None},
                                   {"Caption": "Budget 2026", "Number": "8", "sorting": 2,
                                    "CaseNumber": "EMN-2025-003383", "Felter": [{"Html": None, "Tekst": "Godkendt."}],
                                    "ItemDecision": None}],
              "udvalg": {"navn": "Byrådet"}, "moede": {"meetingBeginUtc": "2025-03-10T15:15:00Z", "Sted": None}}
    record = _import(answer)
    m = record.meeting
    assert (m.committee, m.start, m.place) == ("Byrådet", datetime(2025, 3, 10, 16, 15), None)
    closed, budget = m.items
    assert (closed.number, closed.public, closed.sections) == ("7", False, [])
    assert [(c.value, c.scheme) for c in budget.case_ids] == [("EMN-2025-003383", "prefixed-year-serial")]
    assert [(c.value, c.scheme) for c in closed.case_ids] == [("24-1", "other")]
    assert m.kind == "dagsorden" and _lost(record) == []


def test_a_closed_item_is_closed_by_IsOpen_only_where_the_portal_sets_it() -> None:
    open_item = _item(1, "Godkendelse af dagsorden", IsOpen=True)
    record = _import(_meeting(open_item, _item(2, "Køb af ejendom", IsOpen=False)))
    assert [i.public for i in record.meeting.items] == [True, False]


# -- what is refused -------------------------------------------------------------------------------


def test_a_truncated_answer_is_one_clear_input_error() -> None:
    data = (GREVE / SMALL).read_bytes()
    with pytest.raises(InputError) as info:
        importer.parse_bytes(data[: len(data) // 2], SMALL)
    assert "not valid JSON" in str(info.value) and "truncated" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("data", [b'{"name": "not FirstAgenda", "items": [1, 2]}', b"[1, 2, 3]", b"{}",
                                  b'{"Udvalg": "x"}', b'{"Dagsordenpunkter": [], "Moede": null}',
                                  b'{"Dagsordenpunkter": "garbled", "Moede": {"Navn": 3}}',
                                  b'{"Moede": ' * 5000 + b"1" + b"}" * 5000, b'\xff\xfe{"Moede": 1}'])
def test_json_that_is_no_firstagenda_meeting_is_refused_cleanly(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        importer.parse_bytes(data, "x.json")
    assert str(info.value) and "Traceback" not in str(info.value)


def test_the_portals_other_answers_say_what_they_are() -> None:
    hvidovre = SHARED / "firstagenda-api" / "hvidovre"
    expected = {"udvalgsliste.json": "a FirstAgenda committee list (udvalgsliste",
                "udvalg_boerne.json": "a FirstAgenda committee's meeting list",
                "soeg_by_year.json": "a FirstAgenda search answer",
                "vispdf_bilag.html": "the FirstAgenda viewer page of an attachment"}
    for name, text in expected.items():
        with pytest.raises(NotMinutes) as info:
            importer.parse_file(hvidovre / name)
        assert text in str(info.value)
        if name.endswith(".json"):
            assert "harvest the portal instead" in str(info.value)


def test_only_firstagenda_json_is_claimed() -> None:
    assert firstagenda_json.looks_like((GREVE / SMALL).read_bytes()[:1000])
    assert not firstagenda_json.looks_like(b'{"type": "Feature", "properties": {}}')
    assert not firstagenda_json.looks_like(b"<html><body><table id='dagsordenDetaljer'></table></body></html>")
    assert firstagenda_json.looks_like((SHARED / "firstagenda-api/hvidovre/vispdf_bilag.html").read_bytes())


def test_every_greve_answer_reads_without_loss(tmp_path: Path) -> None:
    for path in sorted(GREVE.glob("*.json")):
        record = importer.parse_file(path)
        assert _lost(record) == [], path.name
        assert record.meeting.municipality == "Greve" and record.meeting.kind == "referat"
        assert [i.position for i in record.meeting.items] == list(range(1, len(record.meeting.items) + 1))
        copy.deepcopy(record)  # plain data all the way down
