"""Schema migrations on both backends, and ``referat copy`` SQLite -> PostgreSQL -> SQLite without loss."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from referat import canonical
from referat.cli import main
from referat.errors import StoreError
from referat.parse import importer
from referat.store import open_store, postgres, sqlite
from referat.store.migrations import Step, migrate

from .backends import BACKENDS, target
from .conftest import SHARED

LATEST = {"sqlite": sqlite.SCHEMA_VERSION, "postgres": postgres.SCHEMA_VERSION}


@pytest.fixture(params=BACKENDS)
def where(request, tmp_path):
    with target(request.param, tmp_path) as t:
        yield request.param, t


def test_fresh_store_migrates_to_latest_and_rerun_is_a_noop(where):
    kind, url = where
    with open_store(url) as s:
        assert s.migration is not None
        assert (s.migration.before, s.migration.after) == (0, LATEST[kind])
        assert s.migration.applied == list(range(1, LATEST[kind] + 1))
        s.save(importer.parse_file(SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"))
    with open_store(url) as s:
        assert s.migration is not None and s.migration.applied == []
        assert s.migration.before == s.migration.after == LATEST[kind]
        assert len(s.meetings()) == 1
    out = CliRunner().invoke(main, ["--db", url, "migrate"])
    assert out.exit_code == 0 and f"up to date at version {LATEST[kind]}" in out.output


def test_newer_schema_is_refused(where):
    kind, url = where
    with open_store(url) as s:
        target_ = (sqlite._Target(s.db) if kind == "sqlite" else postgres._Target(s.conn))  # type: ignore[attr-defined]
        with target_.transaction():
            target_.write_meta("schema_version", "999")
    with pytest.raises(StoreError, match="newer referat"):
        open_store(url)
    out = CliRunner().invoke(main, ["--db", url, "list"])
    assert out.exit_code != 0 and "newer referat" in out.output and "Traceback" not in out.output


def test_a_later_step_applies_once_in_one_transaction(tmp_path):
    db = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    target_ = sqlite._Target(db)
    steps = list(sqlite.STEPS) + [Step(len(sqlite.STEPS) + 1, "extra table", "CREATE TABLE extra(x INTEGER)")]
    first = migrate(target_, steps)
    assert first.applied == list(range(1, len(steps) + 1))
    assert migrate(target_, steps).applied == []
    broken = steps + [Step(len(steps) + 1, "bad", "CREATE TABLE extra2(x INTEGER);\nNOT SQL AT ALL")]
    with pytest.raises(sqlite3.OperationalError):
        migrate(target_, broken)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "extra" in tables and "extra2" not in tables  # the failed step left nothing behind
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(len(steps))


def _all_canonical(url: str) -> dict[int, str]:
    with open_store(url) as s:
        return {m.id: canonical.dumps(s.get(m.id)) for m in s.meetings()}


def test_copy_round_trip_sqlite_postgres_sqlite(tmp_path):
    first = str(tmp_path / "first.db")
    back = str(tmp_path / "back.db")
    runner = CliRunner()
    out = runner.invoke(main, ["--db", first, "import", str(SHARED / "seeds"), str(SHARED / "corpus")])
    assert out.exit_code == 0, out.output
    with target("postgres", tmp_path) as pg:
        there = runner.invoke(main, ["copy", first, pg])
        assert there.exit_code == 0, there.output
        assert "verified" in there.output and "ids kept" in there.output
        again = runner.invoke(main, ["copy", first, pg])
        assert again.exit_code == 0 and " 0 new" in again.output and "unchanged" in again.output
        home = runner.invoke(main, ["copy", pg, back])
        assert home.exit_code == 0, home.output
        in_pg = _all_canonical(pg)
        found = runner.invoke(main, ["--db", pg, "search", "beskæftigelsesstrategi", "--limit", "1"])
        assert found.exit_code == 0 and "Revideret beskæftigelsesstrategi" in found.output
        exported = runner.invoke(main, ["--db", pg, "export"])
        assert exported.exit_code == 0 and len(json.loads(exported.output)) == len(in_pg)
    original = _all_canonical(first)
    assert len(original) >= 7  # (the seeds and corpus: the two meetings in PDF and XML are one meeting each)
    assert original == in_pg == _all_canonical(back)


def test_copy_to_unreachable_postgres_is_one_clear_line(tmp_path):
    db = str(tmp_path / "x.db")
    open_store(db).close()
    out = CliRunner().invoke(main, ["copy", db, "postgresql://127.0.0.1:1/nowhere?connect_timeout=2"])
    assert out.exit_code == 3
    assert out.output.startswith("referat: error: cannot connect to PostgreSQL") and "Traceback" not in out.output


def test_postgres_url_is_redacted():
    assert postgres.redact("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
