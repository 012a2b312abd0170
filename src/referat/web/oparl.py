"""The archive as OParl 1.1 objects: the one place that maps our model onto OParl's vocabulary.

OParl (https://oparl.org/spezifikation/) is the open standard for council
information systems; researchers' tools already speak it.  Our model maps as:
municipality → Body, committee → Organization, participant → Person (with a
Membership per committee), meeting → Meeting, item → AgendaItem, case id →
Paper (every item carrying the same case id within a municipality), an item's
treatment of a case → Consultation, source document and attachments → File.

``build`` turns every meeting of a store into a ``Catalogue``: objects by path
(relative to the API root, e.g. ``meeting/4``) and lists by path (e.g.
``body/aarhus/meetings``), each with the time it last changed.  A closed item
(``public=False``) becomes an AgendaItem with only id, number, name and
``public: false``; it adds no Paper, Consultation or File.  The original bytes
of documents are not stored, so a File's ``accessUrl`` is the portal page that
shows its content.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..model import AgendaItem, ImportedMeeting
from . import views

SPEC = "https://schema.oparl.org/1.1/"
MIME = {"pdf": "application/pdf", "html": "text/html", "xml": "application/xml", "text": "text/plain"}
#: the lists of a Body, by path suffix, and the OParl Body field that links to each
BODY_LISTS = {"organizations": "organization", "persons": "person", "memberships": "membership",
              "meetings": "meeting", "papers": "paper", "agendaitems": "agendaItem",
              "consultations": "consultation", "files": "file"}


def slug(text: str) -> str:
    """A readable, stable URL segment: ``Teknisk Udvalg`` → ``teknisk-udvalg``, æøå spelled out."""
    t = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", t).strip("-")[:80]
    return s or "x" + hashlib.sha1(text.encode()).hexdigest()[:10]


@dataclass
class Catalogue:
    """Every OParl object of an archive, addressable by path, plus the lists that page over them."""

    base: str  # absolute URL of the API root, without a trailing slash
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    modified: dict[str, datetime] = field(default_factory=dict)
    lists: dict[str, dict[str, None]] = field(default_factory=dict)  # ordered sets of paths
    dated: bool = False  # the store told us when meetings changed

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def put(self, path: str, obj: dict[str, Any], when: datetime | None, *lists: str) -> None:
        if path in self.objects:  # seen again (e.g. a person in a second meeting): only the time moves on
            if when is not None and (path not in self.modified or when > self.modified[path]):
                self.modified[path] = when
                self.objects[path]["modified"] = when.isoformat()
        else:
            self.objects[path] = obj
            if when is not None:
                self.modified[path] = when
                obj["modified"] = when.isoformat()
        for name in lists:
            self.lists.setdefault(name, {})[path] = None

    def touch(self, path: str, when: datetime | None) -> None:
        self.put(path, self.objects[path], when)


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


def _web(site: str, path: str) -> str:
    return site + path


def _person_name_parts(name: str) -> dict[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return {}
    return {"givenName": " ".join(parts[:-1]), "familyName": parts[-1]}


class _Builder:
    def __init__(self, site: str, catalogue: Catalogue) -> None:
        self.site = site  # the portal's absolute root, for ``web`` links
        self.c = catalogue

    def body(self, municipality: str, when: datetime | None) -> str:
        b = slug(municipality)
        path = f"body/{b}"
        if path not in self.c.objects:
            obj: dict[str, Any] = {"id": self.c.url(path), "type": SPEC + "Body", "system": self.c.url("system"),
                                   "name": f"{municipality} Kommune", "shortName": municipality,
                                   "legislativeTerm": [], "classification": "Kommune"}
            for suffix, name in BODY_LISTS.items():
                obj[name] = self.c.url(f"{path}/{suffix}")
                self.c.lists.setdefault(f"{path}/{suffix}", {})
            self.c.put(path, obj, when, "bodies")
        else:
            self.c.touch(path, when)
        return b

    def organization(self, b: str, committee: str, municipality: str, when: datetime | None) -> str:
        path = f"organization/{b}/{slug(committee)}"
        if path not in self.c.objects:
            self.c.lists.setdefault(f"{path}/meetings", {})
            self.c.put(path, {"id": self.c.url(path), "type": SPEC + "Organization", "body": self.c.url(f"body/{b}"),
                              "name": committee, "organizationType": "Gremium",
                              "classification": "Byråd" if "byråd" in committee.casefold() else "Udvalg",
                              "membership": [], "meeting": self.c.url(f"{path}/meetings"),
                              "web": _web(self.site, views.committee_url(municipality, committee))},
                       when, f"body/{b}/organizations")
        else:
            self.c.touch(path, when)
        return path

    def person(self, b: str, name: str, when: datetime | None) -> str:
        path = f"person/{b}/{slug(name)}"
        self.c.put(path, {"id": self.c.url(path), "type": SPEC + "Person", "body": self.c.url(f"body/{b}"),
                          "name": name, **_person_name_parts(name), "membership": []},
                   when, f"body/{b}/persons")
        return path

    def membership(self, b: str, org: str, person: str, party: str | None, role: str | None, day: str | None,
                   present: bool, when: datetime | None) -> None:
        path = f"membership/{b}/{org.rsplit('/', 1)[1]}/{person.rsplit('/', 1)[1]}"
        new = path not in self.c.objects
        self.c.put(path, {"id": self.c.url(path), "type": SPEC + "Membership", "person": self.c.url(person),
                          "organization": self.c.url(org), "votingRight": True,
                          "referat:attendance": {"present": 0, "absent": 0}},
                   when, f"body/{b}/memberships")
        m = self.c.objects[path]
        m["referat:attendance"]["present" if present else "absent"] += 1
        if role:
            m["role"] = role
        if party:
            m["referat:party"] = party
        if day:
            m["startDate"] = min(m.get("startDate", day), day)
            m["endDate"] = max(m.get("endDate", day), day)
        if new:
            self.c.objects[person]["membership"].append(self.c.url(path))
            self.c.objects[org]["membership"].append(self.c.url(path))

    def meeting(self, meeting_id: int, record: ImportedMeeting, when: datetime | None) -> None:
        m, doc = record.meeting, record.document
        b = self.body(m.municipality, when)
        org = self.organization(b, m.committee, m.municipality, when)
        path = f"meeting/{meeting_id}"
        day = m.start.date().isoformat() if m.start else None
        source = self.file(f"file/{meeting_id}", b, {
            "name": doc.source_name, "fileName": doc.source_name, "mimeType": MIME.get(doc.format, "application/octet-stream"),
            "size": doc.size, "sha256Checksum": doc.sha256, "accessUrl": _web(self.site, f"/moede/{meeting_id}"),
            "meeting": [self.c.url(path)], "referat:pages": doc.pages, "referat:format": doc.format}, day, when)
        participants, absent = [], []
        for p in m.participants:
            person = self.person(b, p.person.name, when)
            (participants if p.present else absent).append(self.c.url(person))
            self.membership(b, org, person, p.person.party, p.person.role, day, p.present, when)
        items = [self.item(meeting_id, b, org, item, day, when) for item in m.items]
        obj: dict[str, Any] = {
            "id": self.c.url(path), "type": SPEC + "Meeting",
            "name": m.title or f"{views.KIND_LABELS.get(m.kind, m.kind)}: {m.committee}, {views.danish_date(m.start)}",
            "meetingState": m.status or ("gennemført" if m.kind == "referat" else "planlagt"), "cancelled": False,
            "start": _local(m.start), "end": _local(m.end),
            "organization": [self.c.url(org)], "participant": participants, "referat:absent": absent,
            "referat:place": m.place, "referat:kind": m.kind, "agendaItem": items,
            "web": _web(self.site, f"/moede/{meeting_id}")}
        obj["resultsProtocol" if m.kind == "referat" else "invitation"] = source
        obj = {k: v for k, v in obj.items() if v is not None}
        self.c.put(path, obj, when, f"body/{b}/meetings", f"{org}/meetings")

    def file(self, path: str, b: str, fields: dict[str, Any], day: str | None, when: datetime | None) -> dict[str, Any]:
        obj = {"id": self.c.url(path), "type": SPEC + "File", **fields}
        if day:
            obj["date"] = day
        self.c.put(path, obj, when, f"body/{b}/files")
        return obj

    def item(self, meeting_id: int, b: str, org: str, item: AgendaItem, day: str | None,
             when: datetime | None) -> dict[str, Any]:
        path = f"agendaitem/{meeting_id}/{item.position}"
        if not item.public:  # closed: only what may be public, never content
            obj: dict[str, Any] = {"id": self.c.url(path), "type": SPEC + "AgendaItem", "number": item.number,
                                   "name": item.title, "public": False}
            self.c.put(path, obj, None, f"body/{b}/agendaitems")
            return obj
        web = _web(self.site, f"/moede/{meeting_id}/punkt/{quote(item.number, safe='')}")
        obj = {"id": self.c.url(path), "type": SPEC + "AgendaItem", "meeting": self.c.url(f"meeting/{meeting_id}"),
               "number": item.number, "order": item.position, "name": item.title, "public": True, "web": web}
        if item.decisions:
            obj["result"] = views.outcome_label(item.outcome)
            obj["resolutionText"] = item.decisions[-1].text
            obj["referat:outcome"] = item.outcome
        files = []
        for k, att in enumerate(item.attachments, start=1):
            if att.public:
                files.append(self.file(f"file/{meeting_id}/{item.position}/{k}", b, {
                    "name": att.title, "accessUrl": web, "agendaItem": [self.c.url(path)],
                    "meeting": [self.c.url(f"meeting/{meeting_id}")]}, day, when))
        if files:
            obj["auxiliaryFile"] = files
        consultations = []
        for k, case in enumerate(item.case_ids, start=1):
            paper = self.paper(b, case.value, item, web, day, when)
            cpath = f"consultation/{meeting_id}/{item.position}/{k}"
            self.c.put(cpath, {"id": self.c.url(cpath), "type": SPEC + "Consultation", "paper": self.c.url(paper),
                               "agendaItem": self.c.url(path), "meeting": self.c.url(f"meeting/{meeting_id}"),
                               "organization": [self.c.url(org)], "authoritative": bool(item.decisions),
                               "role": "Beslutning" if item.decisions else "Behandling"},
                       when, f"body/{b}/consultations")
            self.c.objects[paper]["consultation"].append(self.c.url(cpath))
            consultations.append(self.c.url(cpath))
        if consultations:
            obj["consultation"] = consultations[0]
            obj["referat:consultations"] = consultations
        self.c.put(path, obj, when, f"body/{b}/agendaitems")
        return obj

    def paper(self, b: str, case: str, item: AgendaItem, web: str, day: str | None, when: datetime | None) -> str:
        path = f"paper/{b}/{case}"
        if path not in self.c.objects:
            self.c.put(path, {"id": self.c.url(f"paper/{b}/{quote(case, safe='')}"), "type": SPEC + "Paper",
                              "body": self.c.url(f"body/{b}"), "name": item.title, "reference": case,
                              "paperType": "Sag", "consultation": [], "web": web, **({"date": day} if day else {})},
                       when, f"body/{b}/papers")
        else:
            paper = self.c.objects[path]
            if day and (not paper.get("date") or day < paper["date"]):
                paper.update(date=day, name=item.title, web=web)
            self.c.touch(path, when)
        return path


def build(records: Iterable[tuple[int, ImportedMeeting]], times: dict[int, datetime], base: str,
          site: str) -> Catalogue:
    """The catalogue of ``records`` (meeting id, meeting), oldest meeting first."""
    c = Catalogue(base=base, dated=bool(times))
    c.lists["bodies"] = {}
    builder = _Builder(site, c)
    for meeting_id, record in records:
        builder.meeting(meeting_id, record, times.get(meeting_id))
    c.objects["system"] = {"id": c.url("system"), "type": SPEC + "System", "oparlVersion": SPEC,
                           "name": "Referat – åbent arkiv over kommunale møder", "body": c.url("bodies"),
                           "website": site + "/", "vendor": "https://github.com/", "product": "referat",
                           "referat:openapi": site + "/openapi.json"}
    return c
