"""The ``referat`` command line: a thin layer over the library.

Every failure is one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from . import canonical
from .cli_council import council_cmd, iso_day
from .cli_doctor import doctor_cmd
from .cli_index import reindex_cmd
from .cli_render import render_cmd
from .errors import ReferatError, StoreError
from .harvest.cli import harvest_cmd, sources_cmd
from .ingest import ingest
from .model import OUTCOMES
from .render_text import item_text, meeting_text
from .search.query import parse as parse_query
from .search.snippets import to_plain_marks, to_terminal
from .settings import Settings
from .store import is_postgres, open_store
from .store.base import SearchFilters


def _fail(exc: ReferatError) -> None:
    click.echo(f"referat: error: {exc}", err=True)
    sys.exit(exc.exit_code)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ReferatError as exc:
            _fail(exc)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="referat", prog_name="referat")
@click.option("--db", default=None, show_default="referat.db",
              help="SQLite file or postgresql:// URL (or $REFERAT_DB)")
@click.option("--index-dir", type=click.Path(file_okay=False), default=None,
              help="where PostgreSQL archives keep their local search index (or $REFERAT_INDEX_DIR;"
                   " default ~/.cache/referat/indexes)")
@click.pass_context
def main(ctx: click.Context, db: str | None, index_dir: str | None) -> None:
    """referat: Danish municipal minutes, imported, stored and searchable."""
    settings = Settings.from_env(db=db, index_dir=index_dir)  # read once; passed to every store and app
    ctx.obj = {"db": settings.db, "settings": settings}


def _store(ctx: click.Context, *, create: bool = False):
    """The archive of ``--db``.  Only ``import`` and ``migrate`` create a SQLite file: a read command on a
    path that does not exist (a typo) is an error, not a new empty archive."""
    db = ctx.obj["db"]
    if not create and not is_postgres(db) and not Path(db.removeprefix("sqlite:///")).exists():
        raise StoreError(f"no archive at {db} (referat import creates one; or check --db / $REFERAT_DB)")
    store = open_store(db, ctx.obj["settings"])
    ctx.call_on_close(store.close)
    return store


@main.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--max-mb", default=100, show_default=True, help="refuse files larger than this")
@click.option("--max-seconds", default=120.0, show_default=True, help="give up reading a file after this long")
@click.option("--max-memory-mb", default=2048, show_default=True, help="memory one file may use while read")
@click.option("-v", "--verbose", is_flag=True, help="print every warning")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[str, ...], max_mb: int, max_seconds: float, max_memory_mb: int,
               verbose: bool) -> None:
    """Import minutes/agendas (PDF, HTML, XML, text) from files or folders."""
    store = _store(ctx, create=True)
    failed = 0
    for out in ingest(store, paths, max_bytes=max_mb * 1024 * 1024, seconds=max_seconds, memory_mb=max_memory_mb):
        if out.status == "error":
            failed += 1
            click.echo(f"referat: error: {out.error}", err=True)
            continue
        note = (f", {out.note}" if out.note else "") + (f", {len(out.warnings)} warnings" if out.warnings else "")
        click.echo(f"{out.status:9} {out.path.name}: meeting {out.meeting_id}, {out.items} items{note}")
        if verbose:
            for w in out.warnings:
                click.echo(f"          warning: {w}")
    if failed:
        sys.exit(2)


@main.command()
@click.argument("query")
@click.option("--municipality")
@click.option("--committee")
@click.option("--from", "date_from", help="YYYY-MM-DD")
@click.option("--to", "date_to", help="YYYY-MM-DD")
@click.option("--outcome", type=click.Choice(OUTCOMES))
@click.option("--case", "case_prefix", help="case id or KLE prefix, e.g. 15.00")
@click.option("--kle", help="KLE subject group, e.g. 00.01")
@click.option("--person", help='a participant as the person facet shows them, e.g. "Anja Holtze (A)"')
@click.option("--limit", default=10, show_default=True)
@click.pass_context
def search(ctx: click.Context, query: str, municipality, committee, date_from, date_to, outcome, case_prefix,
           kle, person, limit: int) -> None:
    """Search agenda items (Danish stemming, compounds, "phrases", prefix*)."""
    store = _store(ctx)
    filters = SearchFilters(municipality, committee, iso_day(date_from), iso_day(date_to), outcome, case_prefix,
                            kle=kle, person=person)
    result = store.search(parse_query(query), filters, limit=limit, count=True)
    tty = sys.stdout.isatty()
    click.echo(f"{result.total} hits for {query!r}")
    for hit in result.hits:
        when = hit.start.date().isoformat() if hit.start else "?"
        click.echo(f"[{hit.meeting_id}/{hit.number}] {when} {hit.municipality} · {hit.committee}"
                   f" · {hit.title} ({hit.outcome or 'no decision'})")
        click.echo("    " + (to_terminal(hit.snippet) if tty else to_plain_marks(hit.snippet)))


@main.command()
@click.argument("meeting_id", type=int)
@click.argument("item", required=False)
@click.pass_context
def show(ctx: click.Context, meeting_id: int, item: str | None) -> None:
    """Print a meeting, or one of its items by printed number."""
    record = _store(ctx).get(meeting_id)
    if item is None:
        click.echo(meeting_text(record))
        return
    match = [i for i in record.meeting.items if i.number == item]
    if not match:
        raise click.BadParameter(f"meeting {meeting_id} has no item {item}")
    click.echo(item_text(match[0]))


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines: id, municipality, committee, start, kind, items,"
              " documents (for scripts)")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the stored meetings (and, with --json, each meeting's documents)."""
    store = _store(ctx)
    meetings = store.meetings()
    if as_json:
        import json

        documents = store.meeting_documents([m.id for m in meetings])
        for m in meetings:
            click.echo(json.dumps({"id": m.id, "municipality": m.municipality, "committee": m.committee,
                                   "start": m.start.isoformat() if m.start else None, "kind": m.kind,
                                   "items": m.items, "documents": documents.get(m.id, [])}, ensure_ascii=False))
        return
    for m in meetings:
        when = m.start.isoformat(sep=" ", timespec="minutes") if m.start else "?"
        click.echo(f"{m.id:5} {when} {m.municipality} · {m.committee} ({m.kind}, {m.items} items, {m.format})")


@main.command()
@click.argument("meeting_id", type=int, required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="file (default stdout)")
@click.pass_context
def export(ctx: click.Context, meeting_id: int | None, output: str | None) -> None:
    """Write canonical JSON of one meeting, or of all as a JSON array."""
    store = _store(ctx)
    if meeting_id is not None:
        text = canonical.dumps(store.get(meeting_id))
    else:
        import json

        text = json.dumps([canonical.to_dict(store.get(m.id)) for m in store.meetings()], ensure_ascii=False,
                          sort_keys=True, indent=1) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Bring the store's schema to this referat's version (stores also migrate on open)."""
    store = _store(ctx, create=True)
    if store.migration is not None:
        click.echo(store.migration.describe())
    from .council import db, schema

    engine = db.engine_for(ctx.obj["db"])
    try:
        click.echo(schema.migrate(engine).describe())
    finally:
        engine.dispose()


@main.command("copy")
@click.argument("source")
@click.argument("destination")
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="compare the canonical JSON of every meeting afterwards")
@click.pass_context
def copy_cmd(ctx: click.Context, source: str, destination: str, verify: bool) -> None:
    """Copy a whole archive between stores (SQLite path or postgresql:// URL, either way)."""
    from .store.copy import copy_archive

    settings = ctx.obj["settings"]
    with open_store(source, settings) as src, open_store(destination, settings) as dst:
        click.echo(copy_archive(src, dst, verify=verify).describe())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="server processes, each with its own store connection; one per CPU core serves the most")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="a line per request on the standard error (off behind a proxy that logs)")
@click.option("--base-url", default=None, metavar="URL",
              help="the portal's public address for absolute links (OParl ids, feeds; REFERAT_BASE_URL);"
                   " default http://HOST:PORT, never the request's Host header")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, access_log: bool, base_url: str | None) -> None:
    """Serve the public portal (Danish HTML and JSON) over the archive."""
    import uvicorn

    from .web.app import create_app, serving
    from .web.urls import public_root

    ctx.obj["settings"] = ctx.obj["settings"].with_(base_url=base_url)
    if ctx.obj["settings"].base_url is None:
        shown = "localhost" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
        ctx.obj["settings"] = ctx.obj["settings"].with_(base_url=f"http://{shown}:{port}")
    public_root(ctx.obj["settings"].base_url)  # a bad address is one clear error now

    if workers == 1:
        app = serving(create_app(_store(ctx), settings=ctx.obj["settings"]))
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)
        return
    from .web import workers as processes

    settings = ctx.obj["settings"]
    open_store(settings.db, settings).close()  # a clear message now if the archive cannot be opened, not one per worker
    if processes.available():  # a listening socket per process (given the settings): connections spread evenly
        logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
        processes.serve(settings, host, port, workers, access_log=access_log)
        return
    os.environ.update(settings.to_env())  # uvicorn's workers import the app factory by name: only the
    # environment reaches them
    uvicorn.run("referat.web.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="info", access_log=access_log)


main.add_command(council_cmd)
main.add_command(render_cmd)
main.add_command(reindex_cmd)
main.add_command(doctor_cmd)
main.add_command(harvest_cmd)  # referat.harvest (issue 19)
main.add_command(sources_cmd)
