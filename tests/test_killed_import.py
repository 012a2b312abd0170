"""A killed import (SIGKILL mid-way) leaves the store consistent, and the re-run completes.

Why: ``referat import`` of a big folder can be killed at any moment (OOM killer, a reboot).
Every document is saved in a transaction, so what a killed run leaves must be whole meetings
only, the search index must catch up with exactly the stored items once the store flushes
its queue, and running the same import again must import every remaining document once.
Run on SQLite (tantivy index beside the file) and PostgreSQL (tsvector in the rows).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import tantivy

from referat import canonical
from referat.store import open_store
from referat.store.base import Store

from .backends import BACKENDS, target
from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december"]
DOCUMENTS = 240


def make_folder(folder: Path) -> int:
    """``DOCUMENTS`` versions of the seed minutes, each a different meeting (another date)."""
    text = SEED.read_text("utf-8")
    assert "d. 20-03-2023" in text and "20. marts 2023" in text
    folder.mkdir()
    for n in range(DOCUMENTS):
        year, month, day = 2000 + n // 12 // 28, n // 28 % 12 + 1, n % 28 + 1
        doc = text.replace("d. 20-03-2023", f"d. {day:02d}-{month:02d}-{year}").replace(
            "20. marts 2023", f"{day}. {MONTHS[month - 1]} {year}")
        (folder / f"referat-{n:04d}.txt").write_text(doc, "utf-8")
    return DOCUMENTS


def run_import(where: str, folder: Path, *, kill_after: int | None) -> tuple[int, list[str]]:
    """Run ``referat import``; with ``kill_after``, SIGKILL it once that many meetings are reported."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-c", "from referat.cli import main; main()", "--db", where, "import", str(folder)]
    proc = subprocess.Popen(command,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line)
        if kill_after is not None and len(lines) >= kill_after:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    return proc.returncode, lines


def index_item_ids(store: Store) -> set[int] | None:
    """Item ids the search index holds (for PostgreSQL: this process's index, caught up with the change log)."""
    index = store.search_index()
    if index is None:
        return None
    index.index.reload()
    searcher = index.index.searcher()
    result = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs))
    return {int(v) for v in searcher.fast_field_values("item_id", [a for _, a in result.hits])}


def stored_items(store: Store) -> dict[int, list[tuple[int, str, str]]]:
    """meeting id -> (item id, number, title) of the current items, from the items table."""
    if hasattr(store, "db"):
        rows = store.db.execute("SELECT meeting_id, id, number, title FROM items WHERE retired=0"  # type: ignore
                                " ORDER BY meeting_id, position").fetchall()
    else:
        rows = store.conn.execute("SELECT meeting_id, id, number, title FROM items"  # type: ignore
                                  " WHERE retired IS NULL ORDER BY meeting_id, position").fetchall()
    out: dict[int, list[tuple[int, str, str]]] = {}
    for meeting_id, item_id, number, title in rows:
        out.setdefault(int(meeting_id), []).append((int(item_id), number, title))
    return out


def check_consistent(store: Store) -> int:
    store.flush()
    items = stored_items(store)
    summaries = store.meetings()
    assert sorted(items) == sorted(m.id for m in summaries)
    for summary in summaries:
        record = store.get(summary.id)
        assert canonical.loads(canonical.dumps(record)) == record
        assert [(n, t) for _, n, t in items[summary.id]] == [(i.number, i.title) for i in record.meeting.items]
    in_index = index_item_ids(store)
    if in_index is not None:
        assert in_index == {i for rows in items.values() for i, _, _ in rows}
    return len(summaries)


@pytest.mark.parametrize("kind", BACKENDS)
def test_killed_import_leaves_store_consistent_and_rerun_completes(kind, tmp_path):
    documents = make_folder(tmp_path / "docs")
    with target(kind, tmp_path) as where:
        code, _ = run_import(where, tmp_path / "docs", kill_after=1)
        assert code == -signal.SIGKILL
        with open_store(where) as store:
            saved = check_consistent(store)
        assert 1 <= saved < documents, "the import was not killed mid-way"
        code, second = run_import(where, tmp_path / "docs", kill_after=None)
        assert code == 0
        statuses = [line.split()[0] for line in second]
        assert len(statuses) == documents
        assert statuses.count("unchanged") == saved and statuses.count("new") == documents - saved
        with open_store(where) as store:
            assert check_consistent(store) == documents
