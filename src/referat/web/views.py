"""What the portal shows, as plain data: one place that decides what of a meeting or item is public.

Both the HTML templates and the JSON twins are rendered from these dicts, so a
closed item (``public=False``) is reduced to its number, title and "Lukket
punkt" here, once, and can never leak through either format.  Danish labels for
outcomes and section roles live here too.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from .. import canonical
from ..model import AgendaItem, ImportedMeeting, Person
from ..persons import person_key, slug
from ..search.snippets import CLOSE, OPEN
from ..store.base import CaseItem, Hit, MeetingSummary
from . import sources
from .params import url_piece

OUTCOME_LABELS = {
    "approved": "Godkendt",
    "approved_with_remarks": "Godkendt med bemærkninger",
    "noted": "Taget til efterretning",
    "rejected": "Ikke godkendt",
    "postponed": "Udsat",
    "discussed": "Drøftet",
    "referred": "Sendt videre",
    "unknown": "Beslutning uden kendt udfald",
    "none": "Ingen beslutning",
}
KIND_LABELS = {"referat": "Referat", "dagsorden": "Dagsorden"}
#: the source document's format as people name it ("Referat (PDF-fil)", never "Referat (TEXT)")
FORMAT_LABELS = {"pdf": "PDF-fil", "html": "webside", "xml": "XML-udtræk", "text": "tekstfil", "docx": "Word-fil",
                 "json": "JSON-udtræk"}


def format_label(fmt: str | None) -> str:
    return FORMAT_LABELS.get((fmt or "").lower(), (fmt or "ukendt format").upper())

#: a heading for sections printed without one, from the role (data/headings.toml)
ROLE_LABELS = {
    "occasion": "Anledning", "summary": "Resumé", "content": "Indhold", "background": "Baggrund",
    "presentation": "Sagsfremstilling", "recommendation": "Indstilling", "decision": "Beslutning",
    "attachments": "Bilag", "deciding_body": "Beslutningen træffes af", "previous_treatment": "Tidligere behandling",
    "case_history": "Sagens forløb", "economy": "Økonomi", "hearing": "Høring", "legal": "Lovgrundlag",
    "communication": "Kommunikation", "environment": "Miljøvurdering", "next_steps": "Videre proces",
    "absence": "Fraværende", "endorsement": "Påtegning", "proposal": "Forslag", "body": "Tekst",
}
CLOSED = "Lukket punkt"


def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS.get(outcome or "none", outcome or "")


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " ").capitalize())


def danish_date(value: date | datetime | None, *, time: bool = False) -> str:
    if value is None:
        return "ukendt dato"
    months = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
              "november", "december"]
    text = f"{value.day}. {months[value.month - 1]} {value.year}"
    if time and isinstance(value, datetime) and (value.hour or value.minute):
        text += f" kl. {value:%H.%M}"
    return text


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def person(p: Person) -> dict[str, Any]:
    return {"name": p.name, "party": p.party, "role": p.role}


def summary(m: MeetingSummary) -> dict[str, Any]:
    return {"id": m.id, "url": f"/moede/{m.id}", "municipality": m.municipality, "committee": m.committee,
            "kind": m.kind, "start": _iso(m.start), "items": m.items, "source_name": m.source_name,
            "format": m.format}


def item_ref(meeting_id: int, item: AgendaItem) -> dict[str, Any]:
    """An item as listed on its meeting's page."""
    ref: dict[str, Any] = {"number": item.number, "position": item.position, "title": item.title,
                           "public": item.public, "url": f"/moede/{meeting_id}/punkt/{item.number}"}
    if item.public:
        ref.update(outcome=item.outcome, page=item.page)
    else:
        ref["note"] = CLOSED
    return ref


def item_detail(meeting_id: int, item: AgendaItem) -> dict[str, Any]:
    """Everything public of one item; a closed item only as ``item_ref`` shows it."""
    if not item.public:
        return item_ref(meeting_id, item)
    data: dict[str, Any] = canonical._plain(item)
    data.update(url=f"/moede/{meeting_id}/punkt/{item.number}", outcome=item.outcome)
    return data


def meeting_detail(meeting_id: int, record: ImportedMeeting, *, stored: bool = False) -> dict[str, Any]:
    """The meeting page's data; ``stored``: the store has the source file's bytes (``sources`` decides
    whether they are served)."""
    m = record.meeting
    return {
        "id": meeting_id, "url": f"/moede/{meeting_id}", "municipality": m.municipality, "committee": m.committee,
        "committee_url": committee_url(m.municipality, m.committee), "kind": m.kind, "title": m.title,
        "start": _iso(m.start), "end": _iso(m.end), "place": m.place, "status": m.status,
        "participants": [dict(person(p.person), present=p.present, note=p.note,
                              url="/person/" + person_key(m.municipality, p.person.name))
                         for p in m.participants if p.person.name.strip()],
        "signatories": [person(p) for p in m.signatories],
        "items": [item_ref(meeting_id, i) for i in m.items],
        "source": sources.describe(record, stored),
    }


class Moved(Exception):
    """The page lives at ``url`` now (an old committee address): answered 301."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def municipality_url(municipality: str) -> str:
    return "/kommune/" + slug(municipality)


@lru_cache(maxsize=4096)
def committee_url(municipality: str, committee: str) -> str:
    """A committee's page, in slug form as persons have (``/kommune/ballerup/udvalg/teknisk-udvalg``); the
    address by name (``committee_feed_url``) answers 301 to it."""
    return f"/kommune/{slug(municipality)}/udvalg/{slug(committee)}"


def committee_feed_url(municipality: str, committee: str) -> str:
    """The committee's address by name, which its Atom feed and calendar (``feeds``) hang under."""
    from urllib.parse import quote

    return f"/kommune/{quote(municipality, safe='')}/udvalg/{quote(committee, safe='')}"


def hit(h: Hit) -> dict[str, Any]:
    return {"item_id": h.item_id, "meeting_id": h.meeting_id, "url": f"/moede/{h.meeting_id}/punkt/{h.number}",
            "meeting_url": f"/moede/{h.meeting_id}", "municipality": h.municipality, "committee": h.committee,
            "start": _iso(h.start), "number": h.number, "title": h.title, "outcome": h.outcome,
            "public": h.public, "score": round(h.score, 4), "snippet": h.snippet if h.public else CLOSED}


def marks(text: str) -> Markup:
    """Escape a snippet, then turn its ‹ › highlight markers into <mark>."""
    return Markup(str(escape(text)).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def _badge(outcome: str | None) -> str:
    """The outcome badge, as the ``badge`` macro of ``_outcome.html`` writes it."""
    return f'<span class="outcome outcome-{escape(outcome)}">{escape(outcome_label(outcome))}</span>' if outcome else ""


def hit_list(hits: list[dict[str, Any]]) -> Markup:
    """The ``<li>`` of each hit (``hit``) on a results page.  Written here rather than in the template, whose
    loop took ~0.45 ms of a page's ~0.55 ms of rendering (attribute look-ups, filters and a macro call per
    field of twenty hits); a test holds it to the loop it replaces."""
    out = []
    for h in hits:
        text = f'<p class="snippet">{marks(h["snippet"])}</p>' if h["public"] else f'<p class="closed">{CLOSED}</p>'
        out.append(f'      <li>\n        <h3><a href="{escape(h["url"])}">{escape(h["title"])}</a></h3>\n'
                   f'        <p class="meta">{_committee_link(h["municipality"], h["committee"])} · <a href="'
                   f'{escape(h["meeting_url"])}">møde {_date_text(h["start"])}</a> · punkt {escape(h["number"])} '
                   f'{_badge(h["outcome"])}</p>\n        {text}\n      </li>\n')
    return Markup("".join(out))


@lru_cache(maxsize=4096)  # the same committees and meeting dates recur on every results page
def _committee_link(municipality: str, committee: str) -> str:
    href = escape(committee_url(municipality, committee))
    return (f'<a href="{escape(municipality_url(municipality))}">{escape(municipality)}</a> · '
            f'<a href="{href}">{escape(committee)}</a>')


@lru_cache(maxsize=4096)
def _date_text(start: str | None) -> str:
    return danish_date(fromiso(start))


def fromiso(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def case_item(c: CaseItem) -> dict[str, Any]:
    return {"meeting_id": c.meeting_id, "url": f"/moede/{c.meeting_id}/punkt/{c.number}",
            "municipality": c.municipality, "committee": c.committee, "start": _iso(c.start), "number": c.number,
            "title": c.title, "outcome": c.outcome if c.public else None, "public": c.public, "case_id": c.case_id}


#: the facets of a results page: (heading, the ``SearchParams`` attribute, also the key in ``Facets.as_dict``)
FACETS = (("Kommune", "municipality"), ("Udvalg", "committee"), ("År", "year"), ("Udfald", "outcome"),
          ("KLE-emne", "kle"), ("Person", "person"))


@lru_cache(maxsize=4096)  # facet values recur on every results page
def _escaped_piece(attr: str, value: object) -> Markup:
    return escape(url_piece(attr, value))


def facet_blocks(params: Any, facets: dict[str, list[dict[str, Any]]] | None) -> list[tuple[str, Markup]]:
    """(heading, the ``<li>`` links of its values) for each facet with values.  A results page lists up to
    180 values, each a link to the search narrowed by it; written here rather than in the template, where
    those links took ~1 ms of the page's ~1.5 ms of rendering."""
    out = []
    for label, key in FACETS:
        values = (facets or {}).get(key) or []
        if not values:
            continue
        lines = []
        head, tail = (escape(part) for part in params.url_around(key))  # what every link of the block shares
        for v in values:
            value = v["value"]
            href = f"{head}{_escaped_piece(key, int(value) if key == 'year' else value)}{tail}"
            text = outcome_label(value) if key == "outcome" else (v.get("label") or value)
            lines.append(f'      <li><a href="{href}">{escape(text)}</a> <span class="count">{v["count"]}</span></li>')
        out.append((label, Markup("\n".join(lines))))
    return out
