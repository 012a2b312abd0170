"""A lost, foreign or damaged search index and a full disk: found, rebuilt or said in one line.

Before: with the index folder deleted every search found nothing (HTTP 200)
forever; a damaged segment was a PanicException in the CLI and a 500 in the
portal; a full disk during an import printed 45 lines ending in "cannot
rollback".
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from referat.cli import main
from referat.parse.importer import parse_bytes
from referat.search.query import parse
from referat.store import open_store
from referat.web.app import create_app

from .hostile import seed_text


def _archive(where: Path, day: int = 20) -> None:
    with open_store(str(where)) as store:
        store.save(parse_bytes(seed_text(day).encode(), f"seed-{day}.txt"))


def _hits(where: Path, q: str = "budgetimplementering") -> list[int]:
    with open_store(str(where)) as store:
        return [h.meeting_id for h in store.search(parse(q)).hits]


def test_a_deleted_index_folder_is_rebuilt(tmp_path):
    where = tmp_path / "a.db"
    _archive(where)
    assert _hits(where) == [1]
    shutil.rmtree(f"{where}.index")
    assert _hits(where) == [1]


def test_another_archives_index_is_not_used(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _archive(a, 20)
    _archive(b, 21)
    with open_store(str(b)) as store:
        store.save(parse_bytes(seed_text(22).encode(), "seed-22.txt"))  # (b's meeting 2: a has none)
    shutil.rmtree(f"{a}.index")
    shutil.copytree(f"{b}.index", f"{a}.index")
    with open_store(str(a)) as store:
        found = store.search(parse("budgetimplementering"), count=True)
        assert found.total == 1 and [h.meeting_id for h in found.hits] == [1]


def _damage(where: Path) -> None:
    """Flip bits in the first half of every positions file (its footer intact, so tantivy opens it)."""
    for segment in Path(f"{where}.index").glob("*.pos"):
        data = bytearray(segment.read_bytes())
        for i in range(0, len(data) // 2, 3):
            data[i] ^= 0x5A
        segment.write_bytes(bytes(data))


def test_a_damaged_segment_is_one_line_naming_the_fix(tmp_path):
    where = tmp_path / "a.db"
    _archive(where)
    _damage(where)
    result = CliRunner().invoke(main, ["--db", str(where), "search", "budget"])
    assert result.exit_code == 3, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("referat: error: the search index")
    assert "damaged" in result.output and "referat reindex" in result.output
    with open_store(str(where)) as store:
        r = TestClient(create_app(store)).get("/soeg", params={"q": "budget"})
        assert r.status_code == 503 and "referat reindex" in r.text
    result = CliRunner().invoke(main, ["--db", str(where), "reindex"])
    assert result.exit_code == 0, result.output
    assert _hits(where, "budget")


@pytest.fixture()
def small_disk(tmp_path):
    """A 3 MB file system (tmpfs), where root may mount one; else the test skips."""
    folder = tmp_path / f"small-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_is_one_line(tmp_path, small_disk):
    batch = tmp_path / "batch"
    batch.mkdir()
    for day in range(1, 21):
        (batch / f"m{day:02d}.txt").write_text(seed_text(day), "utf-8")
    (small_disk / "filler").write_bytes(b"\0" * 2_500_000)
    result = CliRunner().invoke(main, ["--db", str(small_disk / "a.db"), "import", str(batch)])
    lines = [line for line in result.output.splitlines() if not line.startswith("new ")]
    assert lines and all(line.startswith("referat: error: the disk is full") for line in lines), result.output
    assert "cannot rollback" not in result.output and "Traceback" not in result.output
    assert result.exit_code != 0
