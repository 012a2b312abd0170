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
