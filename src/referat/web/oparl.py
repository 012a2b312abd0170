"""The archive as OParl 1.1 objects: the one place that maps our model onto OParl's vocabulary.

OParl (https://oparl.org/spezifikation/) is the open standard for council
information systems; researchers' tools already speak it.  Our model maps as:
municipality → Body, committee → Organization, participant → Person (with a
Membership per committee), meeting → Meeting, item → AgendaItem, case id →
Paper (every item carrying the same case id within a municipality), an item's
treatment of a case → Consultation, source document and attachments → File.

Objects are built on demand from the few meetings or rows a request needs
(``api.py`` pages lists in the store), never from the whole archive.  Paths
(relative to the API root) come from ``store.apiindex``.  A closed item
(``public=False``) becomes an AgendaItem with only id, number, name and
``public: false``; it adds no Paper, Consultation or File.  The source
document's File has ``accessUrl``/``downloadUrl`` = the original bytes
(``/dokument/<sha256>``) when the store keeps them and ``web/sources`` serves
them; otherwise (no bytes, or withheld because of closed items) ``accessUrl``
is the portal page that shows its content.  Attachments' bytes are not stored:
their ``accessUrl`` is their item's page.  Every object carries ``modified``
and ``created`` (when its meetings were last changed and first imported).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..model import AgendaItem, ImportedMeeting
from ..persons import Attendance, memberships, slug
from ..store.apiindex import (
    attachment_path,
    consultation_path,
    item_path,
    meeting_path,
    paper_path,
    source_path,
)
from . import sources, views

SPEC = "https://schema.oparl.org/1.1/"
MIME = sources.MEDIA_TYPES
#: the lists of a Body, by path suffix, and the OParl Body field that links to each
BODY_LISTS = {"organizations": "organization", "persons": "person", "memberships": "membership",
              "meetings": "meeting", "papers": "paper", "agendaitems": "agendaItem",
              "consultations": "consultation", "files": "file"}

__all__ = ["BODY_LISTS", "SPEC", "Urls", "slug"]


@dataclass(frozen=True)
class Urls:
    """Absolute URLs: ``base`` is the API root, ``site`` the portal's root (both without trailing slash)."""

    base: str
    site: str

    def api(self, path: str) -> str:
        return f"{self.base}/{path}"

    def web(self, path: str) -> str:
        return self.site + path


def _stamp(obj: dict[str, Any], modified: datetime | None, created: datetime | None) -> dict[str, Any]:
    if created is not None:
        obj["created"] = created.isoformat()
    if modified is not None:
        obj["modified"] = modified.isoformat()
    return obj


def _local(value: datetime | None) -> str | None:
    """A meeting time with its zone: printed times are Danish local time."""
    if value is None:
        return None
    if value.tzinfo is None:
        try:
            value = value.replace(tzinfo=ZoneInfo("Europe/Copenhagen"))
        except ZoneInfoNotFoundError:
            pass
    return value.isoformat()


def system(u: Urls) -> dict[str, Any]:
    return {"id": u.api("system"), "type": SPEC + "System", "oparlVersion": SPEC,
            "name": "Referat – åbent arkiv over kommunale møder", "body": u.api("bodies"),
            "website": u.site + "/", "vendor": "https://github.com/", "product": "referat",
            "referat:openapi": u.site + "/openapi.json"}


def body(u: Urls, municipality: str, modified: datetime | None, created: datetime | None) -> dict[str, Any]:
    b = slug(municipality)
    obj: dict[str, Any] = {"id": u.api(f"body/{b}"), "type": SPEC + "Body", "system": u.api("system"),
                           "name": f"{municipality} Kommune", "shortName": municipality, "legislativeTerm": [],
                           "classification": "Kommune"}
    for suffix, name in BODY_LISTS.items():
        obj[name] = u.api(f"body/{b}/{suffix}")
    return _stamp(obj, modified, created)


def organization(u: Urls, municipality: str, committee: str, member_keys: Iterable[str],
                 modified: datetime | None, created: datetime | None) -> dict[str, Any]:
    b, o = slug(municipality), slug(committee)
    path = f"organization/{b}/{o}"
    return _stamp({"id": u.api(path), "type": SPEC + "Organization", "body": u.api(f"body/{b}"), "name": committee,
                   "organizationType": "Gremium",
                   "classification": "Byråd" if "byråd" in committee.casefold() else "Udvalg",
                   "membership": [u.api(f"membership/{b}/{o}/{k.split('/', 1)[1]}") for k in member_keys],
                   "meeting": u.api(f"{path}/meetings"), "web": u.web(views.committee_url(municipality, committee))},
                  modified, created)


def _name_parts(name: str) -> dict[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return {}
    return {"givenName": " ".join(parts[:-1]), "familyName": parts[-1]}


def person(u: Urls, key: str, rows: list[Attendance], times: dict[int, tuple[datetime | None, datetime | None]]
           ) -> dict[str, Any]:
    """A Person from their attendance rows (oldest first), with a Membership link per committee."""
    b, p = key.split("/", 1)
    latest = rows[-1]
    seats = sorted({slug(r.committee) for r in rows})
    return _stamp({"id": u.api(f"person/{key}"), "type": SPEC + "Person", "body": u.api(f"body/{b}"),
                   "name": latest.name, **_name_parts(latest.name),
                   "membership": [u.api(f"membership/{b}/{o}/{p}") for o in seats],
                   "web": u.web(f"/person/{key}")}, *_span(rows, times))


def _span(rows: list[Attendance], times: dict[int, tuple[datetime | None, datetime | None]]
          ) -> tuple[datetime | None, datetime | None]:
    """(modified, created) of the meetings behind some rows: latest change, first import."""
    modified = [m for r in rows if (m := times.get(r.meeting_id, (None, None))[0]) is not None]
    created = [c for r in rows if (c := times.get(r.meeting_id, (None, None))[1]) is not None]
    return max(modified, default=None), min(created, default=None)


def membership(u: Urls, key: str, rows: list[Attendance], times: dict[int, tuple[datetime | None, datetime | None]]
               ) -> dict[str, Any]:
    """A Membership from one person's attendance rows in one committee."""
    b, p = key.split("/", 1)
    [seat] = memberships(rows)
    o = slug(seat.committee)
    obj: dict[str, Any] = {"id": u.api(f"membership/{b}/{o}/{p}"), "type": SPEC + "Membership",
                           "person": u.api(f"person/{key}"), "organization": u.api(f"organization/{b}/{o}"),
                           "votingRight": True, "referat:attendance": {"present": seat.present, "absent": seat.absent}}
    if seat.role:
        obj["role"] = seat.role
    if seat.party:
        obj["referat:party"] = seat.party
    if seat.first:
        obj["startDate"] = seat.first.date().isoformat()
    if seat.last:
        obj["endDate"] = seat.last.date().isoformat()
    return _stamp(obj, *_span(rows, times))


def meeting_objects(u: Urls, meeting_id: int, record: ImportedMeeting, modified: datetime | None,
                    created: datetime | None, *, stored: bool = False) -> dict[str, dict[str, Any]]:
    """Every object one meeting yields (Meeting, AgendaItems, Consultations, Files), by path; ``stored``:
    the store has the source document's bytes."""
    m, doc = record.meeting, record.document
    b, o = slug(m.municipality), slug(m.committee)
    day = m.start.date().isoformat() if m.start else None
    out: dict[str, dict[str, Any]] = {}
    mpath = meeting_path(meeting_id)

    def put(path: str, obj: dict[str, Any]) -> dict[str, Any]:
        out[path] = obj if obj.get("public") is False else _stamp(obj, modified, created)  # closed: bare
        return obj

    source = put(source_path(meeting_id), _file(u, source_path(meeting_id), day, {
        "name": doc.source_name, "fileName": doc.source_name,
        "mimeType": MIME.get(doc.format, "application/octet-stream"), "size": doc.size, "sha256Checksum": doc.sha256,
        "accessUrl": u.web(f"/moede/{meeting_id}"), "meeting": [u.api(mpath)], "referat:pages": doc.pages,
        "referat:format": doc.format}))
    if stored and sources.withheld(record) is None:
        source.update(accessUrl=u.web(sources.url(doc.sha256)), downloadUrl=u.web(sources.url(doc.sha256)))
    participants: list[str] = []
    absent: list[str] = []
    for p in m.participants:
        if p.person.name.strip():
            (participants if p.present else absent).append(u.api(f"person/{b}/{slug(' '.join(p.person.name.split()))}"))
    items = [put(item_path(meeting_id, item.position), _item(u, meeting_id, b, o, item, day, put))
             for item in m.items]
    obj: dict[str, Any] = {
        "id": u.api(mpath), "type": SPEC + "Meeting",
        "name": m.title or f"{views.KIND_LABELS.get(m.kind, m.kind)}: {m.committee}, {views.danish_date(m.start)}",
        "meetingState": m.status or ("gennemført" if m.kind == "referat" else "planlagt"), "cancelled": False,
        "start": _local(m.start), "end": _local(m.end), "organization": [u.api(f"organization/{b}/{o}")],
        "participant": list(dict.fromkeys(participants)), "referat:absent": list(dict.fromkeys(absent)),
        "referat:place": m.place, "referat:kind": m.kind, "agendaItem": items, "web": u.web(f"/moede/{meeting_id}")}
    obj["resultsProtocol" if m.kind == "referat" else "invitation"] = source
    put(mpath, {k: v for k, v in obj.items() if v is not None})
    return out


def _file(u: Urls, path: str, day: str | None, fields: dict[str, Any]) -> dict[str, Any]:
    obj = {"id": u.api(path), "type": SPEC + "File", **fields}
    if day:
        obj["date"] = day
    return obj


def _item(u: Urls, meeting_id: int, b: str, o: str, item: AgendaItem, day: str | None, put: Any) -> dict[str, Any]:
    path = item_path(meeting_id, item.position)
    if not item.public:  # closed: only what may be public, never content
        return {"id": u.api(path), "type": SPEC + "AgendaItem", "number": item.number, "name": item.title,
                "public": False}
    web = u.web(f"/moede/{meeting_id}/punkt/{quote(item.number, safe='')}")
    meeting = u.api(meeting_path(meeting_id))
    obj: dict[str, Any] = {"id": u.api(path), "type": SPEC + "AgendaItem", "meeting": meeting,
                           "number": item.number, "order": item.position, "name": item.title, "public": True,
                           "web": web}
    if item.decisions:
        obj["result"] = views.outcome_label(item.outcome)
        obj["resolutionText"] = item.decisions[-1].text
        obj["referat:outcome"] = item.outcome
    files = [put(attachment_path(meeting_id, item.position, n), _file(
        u, attachment_path(meeting_id, item.position, n), day,
        {"name": att.title, "accessUrl": web, "agendaItem": [u.api(path)], "meeting": [meeting]}))
        for n, att in enumerate(item.attachments, start=1) if att.public]
    if files:
        obj["auxiliaryFile"] = files
    consultations = []
    for n, case in enumerate(item.case_ids, start=1):
        cpath = consultation_path(meeting_id, item.position, n)
        put(cpath, {"id": u.api(cpath), "type": SPEC + "Consultation", "paper": u.api(paper_path(b, case.value)),
                    "agendaItem": u.api(path), "meeting": meeting, "organization": [u.api(f"organization/{b}/{o}")],
                    "authoritative": bool(item.decisions), "role": "Beslutning" if item.decisions else "Behandling"})
        consultations.append(u.api(cpath))
    if consultations:
        obj["consultation"] = consultations[0]
        obj["referat:consultations"] = consultations
    return obj


def paper(u: Urls, b: str, case: str, treatments: list[tuple[str, int, ImportedMeeting]],
          times: dict[int, tuple[datetime | None, datetime | None]]) -> dict[str, Any]:
    """A Paper: every consultation of a case in a body, ``treatments`` (consultation path, meeting id, meeting)
    oldest meeting first; named after the first treatment's item."""
    first_path, first_id, first = treatments[0]
    position = int(first_path.split("/")[2])
    item = next(i for i in first.meeting.items if i.position == position)
    obj: dict[str, Any] = {"id": u.api(paper_path(b, case)), "type": SPEC + "Paper", "body": u.api(f"body/{b}"),
                           "name": item.title, "reference": case, "paperType": "Sag",
                           "consultation": [u.api(p) for p, _, _ in treatments],
                           "web": u.web(f"/moede/{first_id}/punkt/{quote(item.number, safe='')}")}
    if first.meeting.start:
        obj["date"] = first.meeting.start.date().isoformat()
    modified = [t[0] for _, mid, _ in treatments if (t := times.get(mid)) and t[0]]
    created = [t[1] for _, mid, _ in treatments if (t := times.get(mid)) and t[1]]
    return _stamp(obj, max(modified, default=None), min(created, default=None))
