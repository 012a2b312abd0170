"""``referat reindex``: rebuild the search index of an archive from its stored items.

The index is derived data (SQLite: ``<file>.index`` beside the database; PostgreSQL: a
local folder per archive and process, see ``store.pgindex``), so it can always be thrown
away and rebuilt: after a disk problem, to move an app server's index elsewhere, or to
check that the index holds exactly what the store holds.
"""

from __future__ import annotations

import os
import time

import click

from .store import open_store


@click.command("reindex")
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Rebuild the search index from the stored items (both backends)."""
    started = time.perf_counter()
    # (the old index is thrown away unread: a damaged one cannot stop its own rebuild)
    with open_store(ctx.obj["db"], ctx.obj["settings"], rebuild_index=True) as store:
        items = store.reindex()
        where = getattr(getattr(store, "log_index", None), "folder", None) or f"{ctx.obj['db']}.index"
    click.echo(f"indexed {items} items in {time.perf_counter() - started:.1f} s ({os.fspath(where)})")
