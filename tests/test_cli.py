"""Command-line conventions: ``--version``, ``-h`` as well as ``--help`` (on the group and on commands)."""

from __future__ import annotations

from importlib.metadata import version

from click.testing import CliRunner

from referat.cli import main


def test_version():
    r = CliRunner().invoke(main, ["--version"])
    assert r.exit_code == 0 and r.output.strip() == f"referat, version {version('referat')}"


def test_short_help_on_the_group_and_a_command():
    runner = CliRunner()
    for args in (["-h"], ["search", "-h"]):
        short, long = runner.invoke(main, args), runner.invoke(main, [*args[:-1], "--help"])
        assert short.exit_code == 0 and short.output == long.output and "Usage: " in short.output


def test_a_read_command_on_a_missing_archive_is_an_error_and_creates_nothing(tmp_path):
    typo = tmp_path / "refrat.db"
    for args in (["search", "budget"], ["list"], ["show", "1"], ["export"]):
        r = CliRunner().invoke(main, ["--db", str(typo), *args])
        assert r.exit_code == 3, args
        assert r.output.strip() == f"referat: error: no archive at {typo} (referat import creates one; or check" \
                                   " --db / $REFERAT_DB)"
    assert not typo.exists()


def test_migrate_creates_the_archive(tmp_path):
    db = tmp_path / "new.db"
    r = CliRunner().invoke(main, ["--db", str(db), "migrate"])
    assert r.exit_code == 0 and db.exists()
    assert CliRunner().invoke(main, ["--db", str(db), "list"]).exit_code == 0
