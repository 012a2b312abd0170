"""What the portal's pages say, over the real documents: Danish format names, no outcome column on an agenda,
inhabil said as such, typed line breaks kept, attachments listed once."""

from __future__ import annotations

import dataclasses
import re
import warnings
from typing import Any

import pytest
from markupsafe import escape

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.model import Person
from referat.parse import importer
from referat.persons import person_key
from referat.web import create_app

from .conftest import SHARED

SEED = SHARED / "seeds" / "002_89fe332627ef705c.txt"  # Ballerup, participants, items with decisions


@pytest.fixture(scope="module")
def client(real_store: Any) -> Any:
    with TestClient(create_app(real_store), raise_server_exceptions=False) as c:
        yield c


def test_format_names_are_danish(client: Any, real_store: Any) -> None:
    labels = {"pdf": "PDF-fil", "html": "webside", "xml": "XML-udtræk", "text": "tekstfil"}
    for municipality in {m.municipality for m in real_store.meetings()}:
        html = client.get("/soeg", params={"kommune": municipality}).text
        assert not re.search(r"\((PDF|HTML|TEXT|XML)\)", html)
        for fmt in {m.format for m in real_store.meetings() if m.municipality == municipality}:
            assert f'<span class="fmt">({labels[fmt]})</span>' in html, (municipality, fmt)


def test_an_agenda_has_no_outcome_column(client: Any, real_store: Any) -> None:
    agenda = next(m for m in real_store.meetings() if m.kind == "dagsorden"
                  and not any(i.outcome for i in real_store.get(m.id).meeting.items))
    html = client.get(f"/moede/{agenda.id}").text
    assert "Punkter (" in html and '<th scope="col">Udfald</th>' not in html
    minutes = next(m for m in real_store.meetings() if m.kind == "referat")
    assert '<th scope="col">Udfald</th>' in client.get(f"/moede/{minutes.id}").text


def test_attachments_are_listed_once(client: Any, real_store: Any) -> None:
    checked = 0
    for m in real_store.meetings():
        for item in real_store.get(m.id).meeting.items:
            if not (item.public and item.attachments and any(s.role == "attachments" for s in item.sections)):
                continue
            html = client.get(f"/moede/{m.id}/punkt/{item.number}").text
            main = html[html.index("<main"):html.index("</main>")]
            headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", main)
            assert [h for h in headings if h.startswith("Bilag")] == [f"Bilag ({len(item.attachments)})"], headings
            section = next(s for s in item.sections if s.role == "attachments")
            assert not section.heading or section.heading not in headings or section.heading.startswith("Bilag (")
            for a in item.attachments:
                entry = f"{'Bilag ' + a.number + ': ' if a.number else ''}{escape(a.title)}"
                listed = re.findall(f"<li>{re.escape(entry)}( \\(ikke offentligt\\))?</li>", main)
                same = [b for b in item.attachments if (b.number, b.title) == (a.number, a.title)]
                assert len(listed) == len(same), (m.id, item.number, a.title)
            checked += 1
    assert checked > 10  # the corpus has 88 such items (Aarhus budget, Ballerup eDoc)


def test_typed_line_breaks_stay(fresh_store: Any) -> None:
    """A real meeting whose secretary typed a line break inside a paragraph (an address block, a list of
    names): the page keeps it (the text as typed, shown with white-space: pre-line)."""
    record = importer.parse_file(SEED)
    item = next(i for i in record.meeting.items if i.public and any(s.role not in ("attachments", "decision",
                                                                                      "absence") for s in i.sections))
    section = next(s for s in item.sections if s.role not in ("attachments", "decision", "absence"))
    paragraph = "Borgerservice\nHold-an Vej 7\n2750 Ballerup"
    section.text = section.text + "\n\n" + paragraph
    meeting_id = fresh_store.save(record).meeting_id
    with TestClient(create_app(fresh_store), raise_server_exceptions=False) as c:
        html = c.get(f"/moede/{meeting_id}/punkt/{item.number}").text
        assert f"<p>{escape(paragraph)}</p>" in html
        before = html[:html.index(str(escape(paragraph)))].rsplit("<section", 1)[1]
        assert before.startswith(' class="typed"')
        assert re.search(r"\.typed p \{[^}]*white-space: pre-line", c.get("/static/style.css").text)


def test_inhabil_is_said_as_such(fresh_store: Any) -> None:
    """A real meeting where one member was inhabil at an item (stays present at the meeting, with a note)."""
    record = importer.parse_file(SEED)
    meeting = record.meeting
    member = next(p for p in meeting.participants if p.present and p.person.party)
    item = next(i for i in meeting.items if i.public)
    item.absences.append(Person(member.person.name, member.person.party, "inhabil"))
    meeting.participants[meeting.participants.index(member)] = dataclasses.replace(
        member, note=f"inhabil under punkt {item.number}")
    meeting_id = fresh_store.save(record).meeting_id
    with TestClient(create_app(fresh_store), raise_server_exceptions=False) as c:
        html = c.get(f"/moede/{meeting_id}/punkt/{item.number}").text
        absence = html[html.index('id="fravaer"'):]
        absence = absence[:absence.index("</section>")]
        assert member.person.name in absence and "deltog ikke i behandlingen (inhabil)" in absence
        page = c.get(f"/moede/{meeting_id}").text
        present = page[page.index("Til stede ("):page.index("</table>", page.index("Til stede ("))]
        assert member.person.name in present and f"(inhabil under punkt {item.number})" in present
        person = c.get("/person/" + person_key(meeting.municipality, member.person.name)).text
        mention = person[person.index('id="punkter"'):]
        assert "Deltog ikke i behandlingen (inhabil)" in mention[:mention.index("</section>")]
