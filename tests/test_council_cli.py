"""`referat migrate` creates the council tables beside the archive's; `referat council` bootstraps
accounts and committees (both backends)."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import inspect

from referat.cli import main
from referat.council import Council, schema

from .council_setup import FAST_HASHER, where  # noqa: F401 (fixture)


def run(where, *args, stdin=None):
    return CliRunner().invoke(main, ["--db", where, *args], input=stdin)


def test_migrate_creates_and_then_keeps_the_council_tables(where):
    first = run(where, "migrate")
    assert first.exit_code == 0, first.output
    assert f"council schema migrated from version 0 to {schema.SCHEMA_VERSION}" in first.output
    again = run(where, "migrate")
    assert f"council schema is up to date at version {schema.SCHEMA_VERSION}" in again.output
    council = Council(where, hasher=FAST_HASHER)
    try:
        with council.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
        assert {t.name for t in schema.metadata.sorted_tables} <= tables
        assert "meetings" in tables  # the archive's, in the same database
    finally:
        council.close()


def test_newer_council_schema_is_refused(where):
    council = Council(where, hasher=FAST_HASHER)
    with council.engine.begin() as conn:
        conn.execute(schema.meta.update().values(value=str(schema.SCHEMA_VERSION + 1)))
    council.close()
    result = run(where, "migrate")
    assert result.exit_code == 3 and "written by a newer referat" in result.output


def test_bootstrap_secretary_committee_and_member(where):
    made = run(where, "council", "user", "add", "sek", "--role", "secretary", "--name", "Sara Sekretær",
               "--password-stdin", stdin="en lang adgangskode\n")
    assert made.exit_code == 0 and "sek (secretary)" in made.output
    assert run(where, "council", "user", "add", "anna", "--role", "member").exit_code == 0
    assert run(where, "council", "committee", "add", "Ballerup", "Erhvervsudvalget").exit_code == 0
    seated = run(where, "council", "committee", "member", "1", "anna", "--role", "chair", "--party", "a",
                 "--from", "2022-01-01")
    assert seated.exit_code == 0 and "anna (A) is chair" in seated.output
    listing = run(where, "council", "committee", "list")
    assert "Ballerup · Erhvervsudvalget (template ballerup)" in listing.output and "anna (A) chair" in listing.output
    council = Council(where, hasher=FAST_HASHER)
    try:
        assert council.login("sek", "en lang adgangskode").user.role == "secretary"
    finally:
        council.close()
    dup = run(where, "council", "user", "add", "sek", "--role", "member")
    assert dup.exit_code == 2 and "taken" in dup.output
    assert run(where, "council", "committee", "member", "1", "nobody").exit_code == 4
