"""Harvesting a FirstAgenda portal: against a real HTTP server on loopback replaying Greve's answers.

Why: the harvester runs unattended for years against ~90 portals; it must land every meeting once,
do nothing on a re-run, update a meeting in place when its agenda becomes minutes, get through
503s, time-outs, resets and cut-off bodies, survive SIGKILL and a second harvest at the same time,
and say when a source goes stale.  Every test runs on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from referat.errors import HarvestError
from referat.harvest import state
from referat.harvest.firstagenda import Options
from referat.harvest.http import Client
from referat.harvest.outcome import Report
from referat.harvest.run import freshness, harvest_one, resolve, watch
from referat.store import open_store
from referat.store.base import Store

from .backends import BACKENDS, target
from .replay_firstagenda import GREVE, Portal, Server

MEETINGS = sorted(p.stem for p in GREVE.glob("*.json"))
FAST = Options(delay=0, backoff=0.01, timeout=5)


@pytest.fixture(params=BACKENDS)
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with target(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(where: str) -> Iterator[Store]:
    s = open_store(where)
    try:
        yield s
    finally:
        s.close()


def cli(where: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from referat.cli import main; main()", "--db", where, *args],
                          capture_output=True, text=True, timeout=timeout)


def harvest(store: Store, url: str, options: Options = FAST) -> Report:
    source = resolve(store, [url], municipality="Greve")[0]
    return harvest_one(store, source, options)


def by_portal_id(store: Store) -> dict[str, int]:
    rows = store.transact(lambda tx, _s: tx.execute("SELECT external_id, meeting_id FROM harvest_seen"))
    return {r[0]: int(r[1]) for r in rows if r[1] is not None}


def public_attachment_ids() -> set[str]:
    ids: set[str] = set()
    for path in GREVE.glob("*.json"):
        for item in json.loads(path.read_bytes())["Dagsordenpunkter"]:
            if not item["Navn"].lower().startswith("lukket"):
                ids.update(b["Id"] for b in item.get("Bilag") or [])
    return ids


def test_cli_imports_every_meeting_once_and_a_rerun_is_all_unchanged(where: str) -> None:
    portal = Portal.greve()
    portal.publish_now(MEETINGS[-1])
    with Server(portal) as url:
        first = cli(where, "harvest", url, "--municipality", "Greve", "--delay", "0")
        assert first.returncode == 0, first.stderr
        assert "20 new, 0 updated, 0 unchanged, 0 failed" in first.stdout
        fetched = portal.requested("/api/agenda/dagsorden/")
        assert sorted(fetched) == MEETINGS and set(fetched.values()) == {1}
        pdfs = portal.requested("/files/")
        assert {p.removesuffix(".pdf") for p in pdfs} == public_attachment_ids()
        assert set(pdfs.values()) == {1}
        assert portal.log[0][0] in ("/robots.txt", "/")  # the front page (cookie) before the API
        assert len(portal.agents) == 1 and portal.agents.pop().startswith("referat/")
        second = cli(where, "harvest", url, "--municipality", "Greve", "--delay", "0")
        assert second.returncode == 0, second.stderr
        assert "0 new, 0 updated, 20 unchanged, 0 failed" in second.stdout
        assert portal.requested("/api/agenda/dagsorden/") == fetched  # nothing fetched again
        assert ("/api/agenda/udvalgsliste", 304) in portal.log  # the list asked conditionally
    with open_store(where) as s:
        meetings = s.meetings()
        assert len(meetings) == 20 and {m.municipality for m in meetings} == {"Greve"}
        assert len(set(by_portal_id(s).values())) == 20
        status = cli(where, "sources", "status")
        assert status.returncode == 0 and "greve: ok" in status.stdout


def test_agenda_becomes_minutes_of_the_same_meeting(store: Store) -> None:
    portal = Portal.greve()
    first = MEETINGS[0]
    portal.as_agenda(first)
    with Server(portal) as url:
        report = harvest(store, url)
        assert report.counts["new"] == 20 and not report.failed
        meeting_id = by_portal_id(store)[first]
        assert store.get(meeting_id).meeting.kind == "dagsorden"
        portal.as_minutes(first)
        report = harvest(store, url)
        assert (report.counts["updated"], report.counts["unchanged"], report.counts["new"]) == (1, 19, 0)
        assert by_portal_id(store)[first] == meeting_id
        record = store.get(meeting_id)
        assert record.meeting.kind == "referat" and any(i.decisions for i in record.meeting.items)
        assert len(store.meetings()) == 20


def test_faults_are_retried_and_reported(store: Store) -> None:
    portal = Portal.greve()
    portal.slow_seconds = 1.5
    for kind in ("503", "503", "reset", "truncate", "slow"):
        portal.fault(kind)
    portal.fault("reset", path="/files/")
    with Server(portal) as url:
        # (the five faults hit the first meeting one after the other: it needs a sixth attempt)
        report = harvest(store, url, Options(delay=0, backoff=0.01, timeout=0.5, attempts=6))
    assert report.counts["new"] == 20 and not report.failed, report.errors
    assert len(report.retried) == 6
    text = "\n".join(report.retried)
    assert "HTTP 503" in text and "timed out" in text and "incomplete" in text
    assert len(store.meetings()) == 20


def test_a_meeting_that_keeps_failing_is_reported_and_taken_next_time(store: Store) -> None:
    portal = Portal.greve()
    bad = MEETINGS[3]
    portal.fault("503", times=100, path=f"/api/agenda/dagsorden/{bad}")
    with Server(portal) as url:
        report = harvest(store, url, Options(delay=0, backoff=0.01, timeout=5, attempts=3))
        assert report.failed and report.counts["failed"] == 1 and report.counts["new"] == 19
        assert bad in report.errors[0] and "gave up after 3 attempts" in report.errors[0]
        source = state.find(store, "greve")
        assert source.failures == 1 and bad in (source.last_error or "")
        portal.faults.clear()
        report = harvest(store, url)
        assert (report.counts["new"], report.counts["unchanged"], report.failed) == (1, 19, False)
        assert state.find(store, "greve").failures == 0
    assert len(store.meetings()) == 20


def test_a_meeting_that_disappears_is_marked_gone_and_kept(store: Store) -> None:
    portal = Portal.greve()
    with Server(portal) as url:
        harvest(store, url)
        portal.remove(MEETINGS[5])
        report = harvest(store, url)
    assert (report.counts["gone"], report.counts["unchanged"]) == (1, 19)
    assert state.counts(store, "greve") == {"ok": 19, "gone": 1}
    assert len(store.meetings()) == 20  # the archive keeps what was published


def test_closed_items_attachments_are_never_fetched(store: Store) -> None:
    portal = Portal.greve()
    meeting = portal.meetings[MEETINGS[1]]
    data = json.loads(meeting.body)
    item = next(i for i in data["Dagsordenpunkter"] if i.get("Bilag"))
    item["Navn"] = item["Caption"] = "Lukket: " + item["Navn"]
    closed = {b["Id"] for b in item["Bilag"]}
    meeting.body = json.dumps(data, ensure_ascii=False).encode()
    with Server(portal) as url:
        report = harvest(store, url)
        fetched = set(portal.requested("/vis/pdf/bilag/"))
    assert not report.failed and report.attachments == len(fetched) > 0
    assert closed and not closed & fetched
    files = store.transact(lambda tx, _s: tx.execute("SELECT external_id, sha256, size FROM harvest_files"))
    assert {f[0] for f in files} == fetched and all(len(f[1]) == 64 and f[2] > 1000 for f in files)


def test_a_killed_harvest_resumes_to_the_same_archive(where: str) -> None:
    portal = Portal.greve()
    with Server(portal) as url:
        command = [sys.executable, "-c", "from referat.cli import main; main()", "--db", where, "harvest", url,
                   "--municipality", "Greve", "--delay", "0.03", "--no-attachments"]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while sum(portal.requested("/api/agenda/dagsorden/").values()) < 8 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        with open_store(where) as s:
            done = set(by_portal_id(s))
            assert 0 < len(done) < 20 and len(s.meetings()) == len(done)
        before = portal.requested("/api/agenda/dagsorden/")
        again = cli(where, "harvest", url, "--municipality", "Greve", "--delay", "0", "--no-attachments")
        assert again.returncode == 0, again.stdout + again.stderr
        refetched = portal.requested("/api/agenda/dagsorden/") - before
        assert not set(refetched) & done  # what was saved is not fetched again
    with open_store(where) as s:
        assert len(s.meetings()) == 20 and len(set(by_portal_id(s).values())) == 20


def test_two_harvests_at_once_never_duplicate(where: str) -> None:
    portal = Portal.greve()
    with Server(portal) as url:
        assert cli(where, "sources", "add", "greve", url, "--municipality", "Greve").returncode == 0
        command = [sys.executable, "-c", "from referat.cli import main; main()", "--db", where, "harvest", "greve",
                   "--delay", "0.01", "--no-attachments"]
        procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    text = "".join(o for o, _ in outs)
    assert "busy" in text or text.count("20 new") == 1, text
    assert sum(portal.requested("/api/agenda/dagsorden/").values()) == 20
    with open_store(where) as s:
        assert len(s.meetings()) == 20 and len(set(by_portal_id(s).values())) == 20


def test_a_source_that_stops_answering_is_stale(where: str) -> None:
    portal = Portal.greve()
    portal.publish_now(MEETINGS[-1])
    with Server(portal) as url:
        assert cli(where, "harvest", url, "--municipality", "Greve", "--delay", "0", "--no-attachments"
                   ).returncode == 0
    assert cli(where, "sources", "status").returncode == 0
    with open_store(where) as s:  # the last success long ago, for an hourly source
        s.transact(lambda tx, _s: tx.execute("UPDATE harvest_sources SET last_success=?",
                                             ("2020-01-01T00:00:00+00:00",)))
    failed = cli(where, "harvest", "greve", "--delay", "0", "--attempts", "1", "--timeout", "1")  # server gone
    assert failed.returncode == 1 and "FAILED" in failed.stdout and "Traceback" not in failed.stderr
    status = cli(where, "sources", "status")
    assert status.returncode == 1
    assert "greve: STALE (no success since 2020-01-01" in status.stdout and "last error" in status.stdout


def test_answers_over_the_bound_are_refused_not_read(tmp_path: Path) -> None:
    portal = Portal.greve()
    with Server(portal) as url, Client(url, delay=0, max_bytes=10_000) as client:
        assert client.get("/").status == 200
        with pytest.raises(HarvestError, match="limit"):
            client.get("/files/anything.pdf")


def test_watch_harvests_each_source_when_due_and_stops(tmp_path: Path) -> None:
    portal = Portal.greve()
    reports: list[Report] = []
    with Server(portal) as url, open_store(str(tmp_path / "w.db")) as s:
        watch(s, [url], Options(delay=0, attachments=False), every=False, municipality="Greve",
              report=reports.append, stop=lambda: len(reports) >= 1, tick=0.1)
        assert [r.counts["new"] for r in reports] == [20]
        source = state.find(s, "greve")
        assert source.last_success is not None
        reports.clear()
        s.transact(lambda tx, _s: tx.execute("UPDATE harvest_sources SET last_attempt=?",
                                             ("2020-01-01T00:00:00+00:00",)))
        watch(s, ["greve"], Options(delay=0, attachments=False), every=False, municipality=None,
              report=reports.append, stop=lambda: len(reports) >= 1, tick=0.1)
        assert [r.counts["unchanged"] for r in reports] == [20]


def test_watch_serves_prometheus_counters_and_stops_on_sigterm(tmp_path: Path) -> None:
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    portal = Portal.greve()
    db = str(tmp_path / "m.db")
    with Server(portal) as url:
        proc = subprocess.Popen([sys.executable, "-c", "from referat.cli import main; main()", "--db", db, "harvest",
                                 url, "--municipality", "Greve", "--delay", "0", "--no-attachments", "--watch",
                                 "--tick", "0.2", "--metrics-port", str(port)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            text, deadline = "", time.monotonic() + 90
            while 'result="ok"' not in text and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.2)
                try:
                    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
                except httpx.HTTPError:
                    continue
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
    assert 'referat_harvest_runs_total{result="ok",source="greve"} 1.0' in text, text[-2000:]
    assert 'referat_harvest_meetings_total{source="greve",status="new"} 20.0' in text
    assert "referat_harvest_last_success_timestamp_seconds{source=\"greve\"}" in text
    assert proc.returncode == 0 and "greve: 20 new" in out and "Traceback" not in err


def test_a_portal_that_has_published_nothing_for_longer_than_usual_is_stale(store: Store) -> None:
    portal = Portal.greve()  # Greve's replayed meetings were released 2022-2025, every few weeks
    with Server(portal) as url:
        report = harvest(store, url)
        assert not report.failed
        source = state.find(store, "greve")
        gap = source.cursor["usual_gap_days"]
        assert isinstance(gap, int) and gap > 0
        assert source.cursor["newest_released"].startswith("2025-03-29")
        fresh = freshness(source)
        assert fresh.stale and "nothing new since 2025-03-29" in fresh.why and f"every {gap} days" in fresh.why
        portal.publish_now(MEETINGS[0])  # a new release: no longer quiet
        harvest(store, url)
        assert not freshness(state.find(store, "greve")).stale


def test_since_takes_only_later_meetings_and_a_full_run_the_rest(tmp_path: Path) -> None:
    from datetime import date

    portal = Portal.greve()
    with Server(portal) as url, open_store(str(tmp_path / "s.db")) as s:
        report = harvest(s, url, Options(delay=0, attachments=False, since=date(2024, 6, 1)))
        later = [m for m in portal.meetings.values() if m.date[:10] >= "2024-06-01"]
        assert report.counts["new"] == len(later) and 0 < len(later) < 20
        assert {m.start.date() >= date(2024, 6, 1) for m in s.meetings()} == {True}  # type: ignore[union-attr]
        report = harvest(s, url, Options(delay=0, attachments=False))  # (the list is not taken as seen)
        assert (report.counts["new"], report.counts["unchanged"]) == (20 - len(later), len(later))


def test_robots_txt_that_forbids_the_api_is_obeyed(tmp_path: Path) -> None:
    portal = Portal.greve()
    portal.robots = "User-agent: *\nDisallow: /api/\n"
    with Server(portal) as url, open_store(str(tmp_path / "r.db")) as s:
        report = harvest(s, url)
    assert report.failed and "robots.txt" in (report.error or "")
    assert not portal.requested("/api/")


def test_a_long_retry_after_ends_the_run_instead_of_hammering(tmp_path: Path) -> None:
    portal = Portal.greve()
    portal.fault("503-later", times=100, path="/api/agenda/udvalgsliste")
    with Server(portal) as url, open_store(str(tmp_path / "l.db")) as s:
        report = harvest(s, url, Options(delay=0, backoff=0.01, attempts=5))
    assert report.failed and "Retry-After" in (report.error or "")
    assert portal.requested("/api/agenda/udvalgsliste") == {"udvalgsliste": 1}  # asked once, not five times


def test_a_server_that_is_no_portal_is_one_clear_failure(tmp_path: Path) -> None:
    portal = Portal.greve()
    with Server(portal) as url, open_store(str(tmp_path / "n.db")) as s:
        source = resolve(s, [url + "/files"], municipality="Greve")[0]  # everything under it is a PDF
        report = harvest_one(s, source, FAST)
        assert not s.meetings()
    assert report.failed and not report.retried  # not worth retrying
    assert "not JSON (application/pdf): not a FirstAgenda portal" in (report.error or "")


def test_a_rescheduled_meeting_stays_the_same_meeting(tmp_path: Path) -> None:
    portal = Portal.greve()
    moved = portal.meetings[MEETINGS[2]]
    with Server(portal) as url, open_store(str(tmp_path / "m.db")) as s:
        assert harvest(s, url, Options(delay=0, attachments=False)).counts["new"] == 20
        meeting_id = by_portal_id(s)[moved.id]
        data = json.loads(moved.body)
        start = data["Moede"]["MeetingBeginUtc"] or data["Moede"]["Dato"]
        later = start[:11] + f"{int(start[11:13]) + 1:02d}" + start[13:]
        data["Moede"]["MeetingBeginUtc"] = data["Moede"]["Dato"] = later  # an hour later
        moved.body, moved.date = json.dumps(data, ensure_ascii=False).encode(), later
        moved.released = later
        report = harvest(s, url, Options(delay=0, attachments=False))
        assert (report.counts["updated"], report.counts["new"]) == (1, 0), report.errors
        assert by_portal_id(s)[moved.id] == meeting_id and len(s.meetings()) == 20
        assert s.get(meeting_id).meeting.start.hour == int(later[11:13])  # type: ignore[union-attr]
