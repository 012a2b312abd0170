"""``referat doctor``: what keeps an archive from being whole, and how to fix it.

Problems that must not stop the archive from opening are recorded instead of
raised (``store.aside``: meetings whose index update failed or ran over its
budget); this command lists them, checks that the search index is there and
belongs to the archive, and exits non-zero when anything needs attention.
"""

from __future__ import annotations

import sys

import click

from .store import open_store


@click.command("doctor")
@click.pass_context
def doctor_cmd(ctx: click.Context) -> None:
    """Check the archive: meetings left out of the search index, a missing or foreign index."""
    problems = 0
    with open_store(ctx.obj["db"]) as store:
        for note in getattr(store, "index_problems", lambda: [])():
            problems += 1
            click.echo(f"index: {note}")
        for entry in store.set_aside():
            problems += 1
            click.echo(f"set aside: meeting {entry.meeting_id} ({entry.at}): {entry.reason}")
    if problems:
        click.echo(f"{problems} problem{'s' if problems != 1 else ''}; fix the cause and run 'referat reindex'"
                   " (a new import of a meeting also tries it again)", err=True)
        sys.exit(1)
    click.echo("the archive is whole: every stored meeting is in the search index")
