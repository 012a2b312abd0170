"""Harvest a FirstAgenda Publication portal (about 88 of the 98 municipalities) through its JSON API.

The portal's pages are fed by ``/api/agenda/udvalgsliste`` (every committee with its meetings,
current and historical groups: ``Id``, ``Dato``, ``ReleasedDate``, ``Afsluttet``, ...) and
``/api/agenda/dagsorden/{id}`` (one meeting, read by ``parse.firstagenda_json``); attachments are
PDFs at ``/vis/pdf/bilag/{id}?redirectDirectlyToPdf=true`` (without the flag an HTML viewer).  The
API answers only inside a session: ``GET /`` first sets an anonymous cookie; without it the API
redirects to ``/Home/AnonymousAuthentication``.

A listed meeting is fetched when its id is unknown, its ``ReleasedDate`` or ``Afsluttet`` moved,
or its last harvest did not end well; the fetched answer is imported only when its SHA-256 moved
(and asked for conditionally when the portal gave validators).  Each meeting is saved with its
harvest state and its attachments' record in one transaction (``Store.transact``), so a harvest
killed anywhere resumes where it stopped.  A meeting whose agenda becomes minutes stays the same
meeting (``harvestdb.rekey``).  A meeting no longer listed is marked gone; the archive keeps it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from ..errors import HarvestError, ReferatError
from ..model import ImportedMeeting
from ..parse.importer import parse_bytes
from ..store.base import SaveResult, Store
from ..store.harvestdb import Tx, rekey
from . import state
from .http import Answer, Client, whole_json
from .outcome import Progress, Report
from .state import Seen, Source

LIST_PATH = "/api/agenda/udvalgsliste"
MEETING_PATH = "/api/agenda/dagsorden/{id}"
ATTACHMENT_PATH = "/vis/pdf/bilag/{id}?redirectDirectlyToPdf=true"
#: meetings saved between two updates of the search index (one index commit per meeting costs ~40 ms)
FLUSH_EVERY = 50
#: statuses after which a listed meeting whose stamps did not move is left alone
SETTLED = ("ok", "closed")


@dataclass(frozen=True)
class Listed:
    """One meeting as the committee list shows it."""

    id: str
    committee: str
    date: str | None
    released: str | None
    closed: bool  # Afsluttet: the meeting was held (minutes may follow or be there)
    name: str

    @property
    def restricted(self) -> bool:
        """The list marks the whole meeting closed to the public ("Lukket referat"): never fetched."""
        return self.name.strip().lower().startswith("lukket")


def committee_list(data: Any) -> list[Listed]:
    """Every meeting of an ``udvalgsliste`` answer (each once, though a committee may be in two groups)."""
    groups = data.get("Udvalg") if isinstance(data, dict) else None
    if not isinstance(groups, dict):
        raise HarvestError("the committee list (udvalgsliste) has no 'Udvalg' groups: not a FirstAgenda portal?")
    out: dict[str, Listed] = {}
    for committees in groups.values():
        for committee in committees or []:
            for m in committee.get("Moeder") or []:
                if isinstance(m, dict) and m.get("Id") and m["Id"] not in out:
                    out[m["Id"]] = Listed(str(m["Id"]), str(committee.get("Navn") or ""), m.get("Dato"),
                                          m.get("ReleasedDate"), bool(m.get("Afsluttet")), str(m.get("Navn") or ""))
    return sorted(out.values(), key=lambda m: (m.date or "", m.id))


class Portal:
    """The API of one portal over ``Client``, with the cookie dance."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.entered = False

    def enter(self) -> None:
        answer = self.client.get("/", accept="text/html")
        if answer.status >= 400:
            raise HarvestError(f"{self.client.base_url}: the portal's front page answers HTTP {answer.status}")
        self.entered = True

    def api(self, path: str, *, etag: str | None = None, modified: str | None = None) -> Answer:
        """A JSON answer of the API (entering the portal first, and again if the session ran out)."""
        for _attempt in range(2):
            if not self.entered:
                self.enter()
            answer = self.client.get(path, accept="application/json", check=whole_json, etag=etag,
                                     modified=modified)
            if answer.status in (301, 302, 303, 307) and "anonymousauthentication" in \
                    answer.headers.get("location", "").lower():
                self.entered = False  # the session cookie is gone: enter again
                continue
            if answer.status in (200, 304):
                return answer
            raise HarvestError(f"{self.client.url(path)}: HTTP {answer.status}")
        raise HarvestError(f"{self.client.base_url}: the portal does not let referat in (it keeps redirecting to"
                           " its anonymous log-in)")

    def pdf(self, attachment_id: str) -> bytes:
        """An attachment's PDF (the portal redirects to its file store)."""
        path = ATTACHMENT_PATH.format(id=attachment_id)
        for _hop in range(5):
            answer = self.client.get(path, accept="application/pdf")
            if answer.status in (301, 302, 303, 307, 308) and answer.headers.get("location"):
                path = self.client.url(answer.headers["location"]) if answer.headers["location"].startswith("/") \
                    else answer.headers["location"]
                continue
            if answer.status != 200:
                raise HarvestError(f"attachment {attachment_id}: HTTP {answer.status}")
            if not answer.content.lstrip()[:5] == b"%PDF-":
                raise HarvestError(f"attachment {attachment_id}: the answer is not a PDF")
            return answer.content
        raise HarvestError(f"attachment {attachment_id}: too many redirects")


def public_attachments(record: ImportedMeeting) -> list[tuple[str, str]]:
    """(id, title) of the attachments of public items that the portal publishes (closed ones never)."""
    out: list[tuple[str, str]] = []
    for item in record.meeting.items:
        if not item.public:
            continue
        for a in item.attachments:
            if a.public and a.reference:
                ident = urlsplit(a.reference).path.rstrip("/").rsplit("/", 1)[-1]
                if ident:
                    out.append((ident, a.title))
    return out


@dataclass
class Options:
    delay: float = 1.0
    since: date | None = None
    backoff: float = 1.0
    attempts: int = 5
    timeout: float = 30.0
    attachments: bool = True
    settle: float = 5.0  # folders: seconds a file must be left alone before it is read


def harvest(store: Store, source: Source, owner: str, options: Options, progress: Progress | None = None) -> Report:
    """One harvest of a portal source (the caller holds its lease and records the end)."""
    report = Report(source.name)
    with Client(source.location, delay=options.delay, timeout=options.timeout, attempts=options.attempts,
                backoff=options.backoff) as client:
        try:
            _harvest(store, source, owner, options, Portal(client), report, progress)
        finally:
            report.requests = client.stats.requests
            report.retried = list(client.stats.failures)
    return report


def _harvest(store: Store, source: Source, owner: str, options: Options, portal: Portal, report: Report,
             progress: Progress | None) -> None:
    cursor = dict(source.cursor)
    full = options.since is None
    answer = portal.api(LIST_PATH, etag=cursor.get("etag") if full else None,
                        modified=cursor.get("modified") if full else None)
    known = state.seen(store, source.name)
    if answer.status == 304:  # nothing new listed: only what did not end well last time
        todo = [Listed(s.external_id, "", None, s.released, s.closed == "true", "") for s in known.values()
                if s.status not in SETTLED + ("gone",)]
        report.count("unchanged", sum(s.status == "ok" for s in known.values()))
    else:
        listed = committee_list(answer.json())
        ids = {m.id for m in listed}
        if options.since is not None:
            listed = [m for m in listed if (m.date or "")[:10] >= options.since.isoformat()]
        todo = [m for m in listed if _needs(m, known.get(m.id))]
        report.count("unchanged", len(listed) - len(todo))
        if full:
            gone = [s for s in known.values() if s.external_id not in ids and s.status != "gone"]
            if gone:
                store.transact(lambda tx, _save: _mark_gone(tx, source.name, gone))
                report.count("gone", len(gone))
    if progress:
        progress(source.name, "", len(todo))
    fetched_files = state.files(store, source.name) if options.attachments else set()
    was, store.autoflush = store.autoflush, False  # the search index catches up every FLUSH_EVERY meetings
    try:
        for n, m in enumerate(todo, start=1):
            status = _one(store, source, owner, options, portal, m, known.get(m.id), fetched_files, report)
            report.count(status)
            if progress:
                progress(source.name, status, None)
            if n % FLUSH_EVERY == 0:
                store.flush()
    finally:
        store.autoflush = was
        store.flush()
    if answer.status == 200 and full:
        cursor.update(etag=answer.etag, modified=answer.modified)
    if answer.status == 200 and full:
        cursor.update(rhythm(listed))
    source.cursor = cursor


def rhythm(listed: list[Listed]) -> dict[str, Any]:
    """How often the portal publishes: its newest release stamp and the median days between release days
    over the year before it (``run.freshness`` calls a source quiet after three such gaps)."""
    days = sorted({m.released[:10] for m in listed if m.released and len(m.released) >= 10})
    if not days:
        return {}
    newest = date.fromisoformat(days[-1])
    recent = [date.fromisoformat(d) for d in days if (newest - date.fromisoformat(d)).days <= 365]
    gaps = sorted((b - a).days for a, b in pairwise(recent))
    out: dict[str, Any] = {"newest_released": max(m.released or "" for m in listed)}
    if gaps:
        out["usual_gap_days"] = gaps[len(gaps) // 2]
    return out


def _needs(m: Listed, seen: Seen | None) -> bool:
    if seen is None or seen.status not in SETTLED:
        return True
    return seen.released != m.released or seen.closed != str(m.closed).lower()


def _mark_gone(tx: Tx, source: str, gone: list[Seen]) -> None:
    for s in gone:
        s.status = "gone"
        state.put_seen(tx, source, s)


def _one(store: Store, source: Source, owner: str, options: Options, portal: Portal, m: Listed,
         prior: Seen | None, fetched_files: set[str], report: Report) -> str:
    """Fetch, import and record one listed meeting; returns its status for the summary."""
    closed_flag = str(m.closed).lower()
    base = Seen(m.id, prior.meeting_id if prior else None, m.released, closed_flag, prior.sha256 if prior else None,
                prior.etag if prior else None, prior.modified if prior else None, prior.size if prior else None,
                "ok", None)
    if m.restricted:
        base.status = "closed"
        store.transact(lambda tx, _save: state.put_seen(tx, source.name, base))
        return "closed"
    record: ImportedMeeting | None = None
    try:
        answer = portal.api(MEETING_PATH.format(id=m.id), etag=base.etag if base.sha256 else None,
                            modified=base.modified if base.sha256 else None)
        if answer.status == 200:
            base.etag, base.modified, base.size = answer.etag, answer.modified, len(answer.content)
            sha = hashlib.sha256(answer.content).hexdigest()
            if sha != base.sha256 or base.meeting_id is None:
                base.sha256 = sha
                record = parse_bytes(answer.content, f"{m.id}.json")
                record.meeting.municipality = source.municipality
            elif prior is not None and prior.status == "partial":
                record = parse_bytes(answer.content, f"{m.id}.json")  # only for its attachments
    except ReferatError as exc:
        base.status, base.error = "error", str(exc)
        store.transact(lambda tx, _save: state.put_seen(tx, source.name, base))
        report.errors.append(f"{source.name}: meeting {m.id}: {exc}")
        return "failed"
    files: list[tuple[str, str, str, int]] = []
    if record is not None and options.attachments:
        for ident, title in public_attachments(record):
            if ident in fetched_files:
                continue
            try:
                data = portal.pdf(ident)
            except ReferatError as exc:
                base.status, base.error = "partial", f"attachment {ident}: {exc}"
                report.errors.append(f"{source.name}: meeting {m.id}: attachment {ident}: {exc}")
                continue
            files.append((ident, title, hashlib.sha256(data).hexdigest(), len(data)))
    saving = record if record is not None and (prior is None or prior.sha256 != base.sha256
                                               or prior.meeting_id is None) else None

    def work(tx: Tx, save: Callable[[ImportedMeeting], SaveResult]) -> str:
        state.renew(tx, source.name, owner)
        result = None
        if saving is not None:
            now = state.seen_one(tx, source.name, m.id)  # (re-read under the source's lock)
            if now is not None and now.meeting_id is not None:
                rekey(tx, now.meeting_id, saving)
            result = save(saving)
            base.meeting_id = result.meeting_id
        for ident, title, sha, size in files:
            state.put_file(tx, source.name, ident, m.id, title, sha, size)
        state.put_seen(tx, source.name, base)
        if result is None:
            return "unchanged"
        return {"new": "new", "replaced": "updated", "attached": "updated"}.get(result.status, "unchanged")

    status = store.transact(work)
    fetched_files.update(f[0] for f in files)
    report.attachments += len(files)
    if base.status == "partial":
        return "failed"
    return status
