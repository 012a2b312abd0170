"""A FirstAgenda Publication portal on loopback, replayed from the real answers in ../shared.

Why: the harvester must be tested against real HTTP (connections, cookies, redirects, resets,
time-outs), never a mock of our own client, and without the internet.  The portal serves:

* ``/``: the front page, setting the anonymous session cookie; the API without it answers 302
  to ``/Home/AnonymousAuthentication?callback=...`` as the real portals do;
* ``/api/agenda/udvalgsliste``: built from the meetings it serves (committees as in the Greve
  answers, current and historical groups, ``ReleasedDate`` and ``Afsluttet`` per meeting), with an ETag;
* ``/api/agenda/dagsorden/{id}``: the Greve answers byte for byte (or, cycled for a benchmark, copies
  with a new id and a shifted date), with an ETag;
* ``/vis/pdf/bilag/{id}``: Hvidovre's HTML viewer page, or with ``redirectDirectlyToPdf=true`` a
  302 to ``/files/{id}.pdf``: one of the eDoc drop's PDFs;
* ``/robots.txt``: 404 (everything allowed) unless ``robots`` is set.

Faults (``fault(kind, times, path)``) apply to the next ``times`` requests whose path starts with
``path``: ``503`` (with ``Retry-After: 0``), ``503-later`` (``Retry-After: 3600``), ``slow`` (answers
after ``slow_seconds``), ``reset`` (half the body, then a TCP reset), ``truncate`` (half the JSON with
a matching Content-Length).  A meeting can go from agenda to minutes (``as_agenda`` / ``as_minutes``)
and disappear (``remove``).
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
GREVE = SHARED / "firstagenda-api" / "greve"
VIEWER = SHARED / "firstagenda-api" / "hvidovre" / "vispdf_bilag.html"
PDFS = SHARED / "drops" / "edoc" / "04-12-2012 13:00:00"
COOKIE = "FirstAgendaAnon"


@dataclass
class Meeting:
    id: str
    committee_id: str
    committee: str
    historic: bool
    date: str
    released: str
    closed: bool
    name: str
    body: bytes


@dataclass
class Fault:
    kind: str
    times: int
    path: str


@dataclass
class Portal:
    meetings: dict[str, Meeting] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status) of every request
    slow_seconds: float = 2.0
    robots: str | None = None
    pdfs: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    agents: set[str] = field(default_factory=set)  # the User-Agent headers seen

    # -- content ------------------------------------------------------------------------------
    @classmethod
    def greve(cls, copies: int = 1) -> Portal:
        """The 20 Greve meetings (``copies`` > 1: each again with a new id, a day and a minute later per copy)."""
        portal = cls(pdfs=[p.read_bytes() for p in sorted(PDFS.glob("*.PDF"))[:6]])
        for path in sorted(GREVE.glob("*.json")):
            raw = path.read_bytes()
            data = json.loads(raw)
            for k in range(copies):
                body = raw if k == 0 else _copy(raw, data, k)
                m = json.loads(body) if k else data
                portal.add(m, body)
        return portal

    def add(self, data: dict[str, Any], body: bytes) -> None:
        moede, udvalg = data["Moede"], data["Udvalg"]
        date = moede["Dato"]
        released = (datetime.fromisoformat(date) + timedelta(days=2)).isoformat()
        self.meetings[data["Id"]] = Meeting(data["Id"], udvalg["Id"], udvalg["Navn"], bool(udvalg.get("Historisk")),
                                            date, released, bool(moede.get("Afsluttet")), moede.get("Navn") or "", body)

    def listing(self) -> bytes:
        groups: dict[str, dict[str, dict[str, Any]]] = {}
        with self.lock:
            meetings = list(self.meetings.values())
        for m in meetings:
            group = groups.setdefault("Udvalg 2018-2021" if m.historic else "Udvalg 2022-2025", {})
            committee = group.setdefault(m.committee_id, {"Id": m.committee_id, "Navn": m.committee, "Moeder": []})
            committee["Moeder"].append({
                "Id": m.id, "MeetingBeginUtc": m.date, "MeetingEndUtc": None, "ReleasedDate": m.released,
                "Dato": m.date, "Sted": None, "Afsluttet": m.closed, "Moededeltagere": None,
                "Navn": "Referat" if m.closed else "Dagsorden", "Description": None, "ElasticSearchResults": None,
                "SourceId": None, "IsSupplementaryAgenda": False})
        return json.dumps({"Udvalg": {g: list(c.values()) for g, c in groups.items()}}, ensure_ascii=False).encode()

    def as_agenda(self, meeting_id: str) -> None:
        """The meeting as its agenda: no decisions, not held, released earlier."""
        m = self.meetings[meeting_id]
        data = json.loads(m.body)
        for item in data["Dagsordenpunkter"]:
            for f in item.get("Felter") or []:
                f["Html"] = re.sub(r"<div><h3>Beslutning</h3>.*?</div>", "", f.get("Html") or "", flags=re.S)
        data["Moede"]["Afsluttet"] = False
        m.body, m.closed = json.dumps(data, ensure_ascii=False, indent=2).encode(), False
        m.released = (datetime.fromisoformat(m.date) - timedelta(days=7)).isoformat()

    def as_minutes(self, meeting_id: str) -> None:
        """The meeting as held: the real answer again, released after the meeting."""
        m = self.meetings[meeting_id]
        path = GREVE / f"{meeting_id}.json"
        m.body, m.closed = path.read_bytes(), True
        m.released = (datetime.fromisoformat(m.date) + timedelta(days=3)).isoformat()

    def publish_now(self, meeting_id: str) -> None:
        """The meeting released just now (the portal is not quiet)."""
        self.meetings[meeting_id].released = datetime.now().astimezone().isoformat()

    def remove(self, meeting_id: str) -> None:
        with self.lock:
            del self.meetings[meeting_id]

    def fault(self, kind: str, times: int = 1, path: str = "/api/agenda/dagsorden/") -> None:
        with self.lock:
            self.faults.append(Fault(kind, times, path))

    def requested(self, prefix: str) -> Counter[str]:
        """How often each path under ``prefix`` was asked for, by its last part (a meeting's or file's id)."""
        with self.lock:
            return Counter(p.rsplit("/", 1)[-1] for p, _ in self.log if p.startswith(prefix))

    def _take_fault(self, path: str) -> str | None:
        with self.lock:
            for f in self.faults:
                if f.times > 0 and path.startswith(f.path):
                    f.times -= 1
                    return f.kind
        return None


def _copy(raw: bytes, data: dict[str, Any], k: int) -> bytes:
    """A copy of a meeting answer with a new id and start ``k`` days and ``k`` minutes later (another meeting)."""
    new_id = str(uuid.UUID(bytes=hashlib.sha256(f"{data['Id']}/{k}".encode()).digest()[:16]))
    text = raw.decode("utf-8").replace(data["Id"], new_id)
    copy = json.loads(text)
    for key in ("Dato", "MeetingBeginUtc", "MeetingEndUtc"):
        value = copy["Moede"].get(key)
        if value:
            copy["Moede"][key] = (datetime.fromisoformat(value) + timedelta(days=k, minutes=k)).isoformat()
    return json.dumps(copy, ensure_ascii=False).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    portal: Portal

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "application/json; charset=utf-8",
              headers: dict[str, str] | None = None, fault: str | None = None) -> None:
        self.portal.log.append((urlsplit(self.path).path, status))
        if fault == "truncate":
            body = body[: len(body) // 2]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if fault == "reset":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        self.wfile.write(body)

    def _etagged(self, body: bytes, fault: str | None) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if self.headers.get("If-None-Match") == etag:
            self._send(304, headers={"ETag": etag})
        else:
            self._send(200, body, headers={"ETag": etag}, fault=fault)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        fault = self.portal._take_fault(path)
        self.portal.agents.add(self.headers.get("User-Agent") or "")
        if fault == "503":
            return self._send(503, b"busy", "text/plain", {"Retry-After": "0"})
        if fault == "503-later":  # come back in an hour
            return self._send(503, b"maintenance", "text/plain", {"Retry-After": "3600"})
        if fault == "slow":
            time.sleep(self.portal.slow_seconds)
        if path == "/robots.txt":
            if self.portal.robots is None:
                return self._send(404, b"not found", "text/plain")
            return self._send(200, self.portal.robots.encode(), "text/plain")
        if path == "/":
            return self._send(200, b"<!DOCTYPE html><html><body>Dagsordener og referater</body></html>",
                              "text/html; charset=utf-8", {"Set-Cookie": f"{COOKIE}={uuid.uuid4().hex}; Path=/"})
        if path.startswith("/api/") and COOKIE not in (self.headers.get("Cookie") or ""):
            return self._send(302, b"", "text/html", {"Location": "/Home/AnonymousAuthentication?callback="
                                                      + path})
        if path == "/api/agenda/udvalgsliste":
            return self._etagged(self.portal.listing(), fault)
        if path.startswith("/api/agenda/dagsorden/"):
            m = self.portal.meetings.get(path.rsplit("/", 1)[-1])
            if m is None:
                return self._send(404, b'{"Message":"not found"}')
            return self._etagged(m.body, fault)
        if path.lower().startswith("/vis/pdf/bilag/"):
            ident = path.rsplit("/", 1)[-1]
            if query.get("redirectDirectlyToPdf") == ["true"]:
                return self._send(302, b"", "text/html", {"Location": f"/files/{ident}.pdf"})
            return self._send(200, VIEWER.read_bytes(), "text/html; charset=utf-8")
        if path.startswith("/files/"):
            n = int(hashlib.sha256(path.encode()).hexdigest(), 16) % len(self.portal.pdfs)
            return self._send(200, self.portal.pdfs[n], "application/pdf", fault=fault)
        self._send(404, b"not found", "text/plain")


class _Quiet(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up on a slow answer (the point of the fault)


class Server:
    """The portal served on 127.0.0.1 in a background thread (``with Server(portal) as url: ...``)."""

    def __init__(self, portal: Portal) -> None:
        handler = type("Handler", (_Handler,), {"portal": portal})
        self.httpd = _Quiet(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
