"""Harvesting a publication folder as case systems drop them (copies of the real drops in ../shared).

Why: a watched folder is written to while it is harvested.  A file still being written (recently
modified, or a zip whose directory is not there yet) must be left for the next run, never imported
broken; a re-run must read nothing new; a changed file must update its meeting in place; files
that are no meetings (attachment PDFs) are ignored, not failures.  Both backends.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from referat.harvest import state
from referat.harvest.firstagenda import Options
from referat.harvest.outcome import Report
from referat.harvest.run import harvest_one, resolve
from referat.store import open_store
from referat.store.base import Store

from .backends import BACKENDS, target
from .conftest import SHARED

ZIP = SHARED / "drops" / "sbsys" / "Publication32.zip"
HTML = SHARED / "corpus" / "aarhus_2025-10-01_teknisk-udvalg_referat.html"
EDOC = SHARED / "drops" / "edoc" / "04-12-2012 13:00:00"
SETTLED = Options(settle=0)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with target(request.param, tmp_path) as where:
        s = open_store(where)
        try:
            yield s
        finally:
            s.close()


def old(path: Path, seconds: float = 120) -> None:
    """Make ``path`` look written ``seconds`` ago."""
    t = time.time() - seconds
    os.utime(path, (t, t))


def run(store: Store, folder: Path, options: Options = SETTLED) -> Report:
    return harvest_one(store, resolve(store, [str(folder)])[0], options)


def test_a_folder_lands_once_and_a_rerun_reads_nothing(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    shutil.copytree(EDOC, folder / "edoc")
    shutil.copy(ZIP, folder)
    shutil.copy(HTML, folder)
    report = run(store, folder)
    # four documents: the SBSYS zip, the HTML page, and the eDoc meeting's minutes as PDF and as XML (one
    # meeting or two, as the store's identity has it: the second document then attaches to the first's)
    saved = report.counts["new"] + report.counts["updated"]
    assert (saved, report.counts["failed"]) == (4, 0), report.errors
    assert report.counts["ignored"] == 17  # the attachment PDFs of the eDoc folder are no meetings
    assert len(store.meetings()) == report.counts["new"] in (3, 4)
    again = run(store, folder)
    assert (again.counts["new"], again.counts["unchanged"], again.counts["ignored"]) == (0, 4, 17)
    assert not again.failed and state.find(store, "drop").last_success is not None


def test_a_changed_file_updates_its_meeting_in_place(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    page = folder / "teknisk-udvalg.html"
    shutil.copy(HTML, page)
    assert run(store, folder).counts["new"] == 1
    (meeting,) = store.meetings()
    text = page.read_text("utf-8")
    assert "Teknisk Udvalg" in text
    page.write_text(text.replace("</body>", "<p>Rettet efter mødet.</p></body>"), "utf-8")
    old(page, 60)  # (another modification time, settled)
    report = run(store, folder)
    assert (report.counts["updated"], report.counts["new"]) == (1, 0), report.errors
    (after,) = store.meetings()
    assert after.id == meeting.id


def test_a_half_written_zip_waits_for_the_rest(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    data = ZIP.read_bytes()
    target_file = folder / "Publication32.zip"
    target_file.write_bytes(data[: len(data) // 2])  # the case system is still copying it
    old(target_file)
    report = run(store, folder)
    assert (report.counts["pending"], report.counts["new"], report.failed) == (1, 0, False)
    assert store.meetings() == []
    with target_file.open("ab") as f:
        f.write(data[len(data) // 2:])
    old(target_file, 30)
    report = run(store, folder)
    assert (report.counts["new"], report.counts["pending"]) == (1, 0), report.errors
    assert len(store.meetings()) == 1


def test_a_zip_that_stays_broken_is_a_failure_not_a_wait_forever(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    broken = folder / "Publication32.zip"
    broken.write_bytes(ZIP.read_bytes()[:5000])
    old(broken)
    assert run(store, folder).counts["pending"] == 1
    report = run(store, folder)  # same size, same time as at the last look: it is not growing
    assert report.counts["failed"] == 1 and report.failed and "incomplete" in report.errors[0]
    assert store.meetings() == []


def test_a_file_being_written_now_is_left_for_later(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(HTML, folder / "referat.html")  # modified just now
    report = run(store, folder, Options(settle=30))
    assert (report.counts["pending"], report.counts["new"]) == (1, 0)
    old(folder / "referat.html")
    assert run(store, folder, Options(settle=30)).counts["new"] == 1


def test_a_folder_that_went_away_fails_the_source(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(HTML, folder)
    assert run(store, folder).counts["new"] == 1
    source = resolve(store, [str(folder)])[0]
    shutil.rmtree(folder)
    report = harvest_one(store, source, SETTLED)
    assert report.failed and "not there" in (report.error or "")
    assert state.find(store, source.name).failures == 1 and len(store.meetings()) == 1


FUJITSU = SHARED / "drops" / "fujitsu"
EXPORT = "Hennys testudvalg/2017-05-02 10.00/Dagsorden/Dagsorden/Os2Dagsorden TEST/2017-04-21 12.00.48"


def test_a_later_fujitsu_export_is_a_new_version_of_the_meeting(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "fujitsu"
    shutil.copytree(FUJITSU, folder)
    source = resolve(store, [str(folder)], municipality="Middelfart")[0]
    report = harvest_one(store, source, SETTLED)
    assert (report.counts["new"], report.failed) == (len(store.meetings()), False) and report.counts["new"] >= 1
    assert {m.municipality for m in store.meetings()} == {"Middelfart"}  # the source names the municipality
    before = {m.id: m for m in store.meetings()}
    first = folder / EXPORT
    later = first.parent / "2017-04-28 09.00.00"  # the publisher exports the meeting again, a title changed
    shutil.copytree(first, later)
    for export in sorted(later.glob("*.*ml")):  # the XML and its rendered HTML
        text = export.read_text("utf-8")
        assert ">test tabel<" in text
        export.write_text(text.replace(">test tabel<", ">test tabel (rettet)<"), "utf-8")
        old(export)
    report = harvest_one(store, source, SETTLED)
    assert report.counts["updated"] >= 1 and report.counts["new"] == 0 and not report.failed, report.errors
    assert set(before) == {m.id for m in store.meetings()}
    titles = [i.title for m in store.meetings() for i in store.get(m.id).meeting.items]
    assert "test tabel (rettet)" in titles
