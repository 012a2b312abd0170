"""``referat harvest`` and ``referat sources``: the harvester on the command line.

Why its own module: the main group (``referat.cli``) only registers these two commands; every
option, the progress display (rich, on stderr) and the summary live here.  A failed source is
one line in the summary and a non-zero exit, never a traceback; ``sources status`` exits 1 when
any source is stale, for monitoring.
"""

from __future__ import annotations

import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import InvalidInput
from ..store import open_store
from ..store.base import Store
from . import state
from .firstagenda import Options
from .outcome import STATUSES, Report
from .run import PORTALS_TSV, freshness, harvest_one, resolve, seed_firstagenda, watch
from .state import Source


def _store(ctx: click.Context) -> Store:
    obj = ctx.find_root().obj or {}
    settings = obj.get("settings")
    store = open_store(obj["db"], settings) if settings is not None else open_store(obj["db"])
    ctx.call_on_close(store.close)
    return store


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--since wants a date as YYYY-MM-DD, not {value!r}") from None


class _Bars:
    """One rich progress bar per source, on stderr (shown only on a terminal)."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=self.console, transient=True,
                                 disable=not self.console.is_terminal)
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, source: str, what: str, total: int | None) -> None:
        if source not in self.tasks:
            self.tasks[source] = self.progress.add_task(source, total=total)
        if total is not None:
            self.progress.update(self.tasks[source], total=total)
        if what:
            self.progress.advance(self.tasks[source])


def _print(report: Report) -> None:
    click.echo(report.line())
    sys.stdout.flush()
    for line in report.retried[:20]:
        click.echo(f"  retried: {line}")
    if len(report.retried) > 20:
        click.echo(f"  retried: ... and {len(report.retried) - 20} more")
    for line in report.errors[:20]:
        click.echo(f"  failed: {line}")


@click.command("harvest")
@click.argument("sources", nargs=-1)
@click.option("--all", "every", is_flag=True, help="every registered, enabled source")
@click.option("--municipality", help="the municipality of a portal URL or folder given directly")
@click.option("--since", help="only meetings held on or after YYYY-MM-DD")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="seconds between requests to one host")
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="first wait before retrying a transient failure (doubles, with jitter)")
@click.option("--attempts", type=click.IntRange(min=1), default=5, show_default=True,
              help="tries per request before giving up")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="seconds per request")
@click.option("--no-attachments", is_flag=True, help="do not fetch attachments")
@click.option("--settle", type=click.FloatRange(min=0), default=5.0, show_default=True,
              help="folders: seconds a file must be left alone before it is read")
@click.option("--watch", "watching", is_flag=True, help="run every source on its schedule until stopped")
@click.option("--tick", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="with --watch: seconds between looks at the schedule")
@click.option("--metrics-port", type=click.IntRange(min=1, max=65535), default=None,
              help="with --watch: serve Prometheus counters at http://HOST:PORT/metrics")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, help="where --metrics-port listens")
@click.pass_context
def harvest_cmd(ctx: click.Context, sources: tuple[str, ...], every: bool, municipality: str | None,
                since: str | None, delay: float, backoff: float, attempts: int, timeout: float,
                no_attachments: bool, settle: float, watching: bool, tick: float, metrics_port: int | None,
                metrics_host: str) -> None:
    """Harvest sources: registered names, portal URLs (with --municipality) or folders."""
    if not sources and not every:
        raise InvalidInput("name the sources to harvest (or --all); 'referat sources list' shows them")
    store = _store(ctx)
    options = Options(delay=delay, since=_day(since), backoff=backoff, attempts=attempts, timeout=timeout,
                      attachments=not no_attachments, settle=settle)
    if watching:
        stopping: list[bool] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        observe = _print
        if metrics_port is not None:
            from .metrics import Metrics

            metrics = Metrics()
            metrics.serve(metrics_port, metrics_host)

            def observe(report: Report) -> None:
                metrics.observe(report)
                _print(report)
        watch(store, list(sources), options, every=every, municipality=municipality,
              report=observe, stop=lambda: bool(stopping), tick=tick)
        return
    chosen = resolve(store, sources, municipality=municipality, every=every)
    bars = _Bars()
    reports = []
    with bars.progress:
        for source in chosen:
            reports.append(harvest_one(store, source, options, bars))
    for report in reports:
        _print(report)
    totals = {s: sum(r.counts.get(s, 0) for r in reports) for s in STATUSES}
    click.echo("total: " + ", ".join(f"{totals[s]} {s}" for s in STATUSES if totals[s] or s in
                                     ("new", "updated", "unchanged", "failed")))
    if any(r.failed for r in reports):
        sys.exit(1)


@click.group("sources")
def sources_cmd() -> None:
    """The sources harvest reads: FirstAgenda portals and publication folders."""


@sources_cmd.command("add")
@click.argument("name", required=False)
@click.argument("location", required=False)
@click.option("--municipality", help="the municipality that publishes there")
@click.option("--system", type=click.Choice(["firstagenda", "folder"]), help="default: by the location")
@click.option("--schedule", type=click.IntRange(min=60), default=3600, show_default=True,
              help="seconds between harvests (--watch)")
@click.option("--all-firstagenda", "seed", is_flag=True, help="every FirstAgenda portal of portals.tsv")
@click.option("--from", "table", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the portal list to seed from (default: shared/data/portals/portals.tsv)")
@click.pass_context
def add_cmd(ctx: click.Context, name: str | None, location: str | None, municipality: str | None,
            system: str | None, schedule: int, seed: bool, table: Path | None) -> None:
    """Register a source NAME at LOCATION (a portal's base URL or a folder), or --all-firstagenda."""
    store = _store(ctx)
    if seed:
        added, kept = seed_firstagenda(store, table or PORTALS_TSV)
        click.echo(f"{added} FirstAgenda portals added, {kept} already registered")
        return
    if not name or not location:
        raise InvalidInput("give a NAME and a LOCATION (a portal URL or a folder), or --all-firstagenda")
    kind = system or ("firstagenda" if location.startswith(("http://", "https://")) else "folder")
    if kind == "folder":
        if not Path(location).is_dir():
            raise InvalidInput(f"{location}: no such folder")
        location = str(Path(location).resolve())
    elif not municipality:
        raise InvalidInput("a portal needs --municipality NAME")
    if not state.add(store, Source(name, municipality or "", kind, location.rstrip("/"), schedule)):
        raise InvalidInput(f"a source named {name!r} is registered already")
    click.echo(f"added {name}: {kind} {location}")


@sources_cmd.command("remove")
@click.argument("name")
@click.pass_context
def remove_cmd(ctx: click.Context, name: str) -> None:
    """Forget a source (the meetings harvested from it stay)."""
    state.remove(_store(ctx), name)
    click.echo(f"removed {name}")


@sources_cmd.command("list")
@click.pass_context
def list_cmd(ctx: click.Context) -> None:
    """Every registered source."""
    for s in state.listed(_store(ctx)):
        off = "" if s.enabled else " (disabled)"
        click.echo(f"{s.name}\t{s.municipality}\t{s.system}\t{s.location}\tevery {s.schedule} s{off}")


@sources_cmd.command("status")
@click.pass_context
def status_cmd(ctx: click.Context) -> None:
    """Per source: last success, last new meeting, errors; exit 1 when any source is stale."""
    store = _store(ctx)
    stale = 0
    for s in state.listed(store):
        fresh = freshness(s)
        stale += fresh.stale
        mark = f"STALE ({fresh.why})" if fresh.stale else "ok"
        counts: dict[str, Any] = state.counts(store, s.name)
        offered = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing yet"
        error = f"; last error {s.last_error_at}: {s.last_error}" if s.last_error and s.failures else ""
        click.echo(f"{s.name}: {mark}; last success {s.last_success or 'never'}; last new {s.last_new or 'never'};"
                   f" {offered}{error}")
    if stale:
        click.echo(f"{stale} stale sources", err=True)
        sys.exit(1)
