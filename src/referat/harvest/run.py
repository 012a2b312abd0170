"""Run harvests: resolve what the operator named to registered sources, hold each source's lease
while it is harvested, record how it ended, and (``watch``) go on doing so on every source's schedule.

Why apart from the source kinds: leases, the end-of-run record, freshness and scheduling are the
same for a portal and a folder, and a failing source must never stop the others.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..errors import HarvestError, ReferatError
from ..store.base import Store
from . import state
from .firstagenda import Options
from .outcome import Progress, Report
from .state import Source, parse_stamp

PORTALS_TSV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "portals" / "portals.tsv"


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
                                  .replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa"))
    return re.sub(r"[^a-z0-9]+", "-", plain.encode("ascii", "ignore").decode().lower()).strip("-") or "source"


def resolve(store: Store, names: Iterable[str], *, municipality: str | None = None, every: bool = False
            ) -> list[Source]:
    """The sources to harvest: registered names, portal URLs and folders (registered on first use)."""
    if every:
        return [s for s in state.listed(store) if s.enabled]
    out = []
    for name in names:
        if name.startswith(("http://", "https://")):
            out.append(_adhoc(store, "firstagenda", name.rstrip("/"), municipality))
        elif Path(name).is_dir():
            out.append(_adhoc(store, "folder", str(Path(name).resolve()), municipality))
        else:
            out.append(state.find(store, name))
    return out


def _adhoc(store: Store, system: str, location: str, municipality: str | None) -> Source:
    for s in state.listed(store):
        if s.location == location:
            return s
    if system == "firstagenda" and not municipality:
        raise HarvestError(f"{location}: say which municipality publishes there (--municipality NAME)")
    base = slug(municipality or Path(location).name)
    taken = {s.name for s in state.listed(store)}
    name = base if base not in taken else f"{base}-{system}"
    n = 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    state.add(store, Source(name, municipality or "", system, location))
    return state.find(store, name)


def seed_firstagenda(store: Store, table: Path = PORTALS_TSV) -> tuple[int, int]:
    """Register every FirstAgenda portal of ``portals.tsv``; returns (added, already there)."""
    try:
        lines = table.read_text("utf-8").splitlines()
    except OSError as exc:
        raise HarvestError(f"cannot read the portal list {table}: {exc.strerror or exc}") from None
    added = kept = 0
    for line in lines[1:]:
        cols = line.split("\t")
        if len(cols) >= 3 and cols[1].strip() == "firstagenda" and cols[2].strip():
            municipality, host = cols[0].strip(), cols[2].strip()
            if state.add(store, Source(slug(municipality), municipality, "firstagenda", f"https://{host}")):
                added += 1
            else:
                kept += 1
    return added, kept


def harvest_one(store: Store, source: Source, options: Options, progress: Progress | None = None) -> Report:
    """Harvest ``source`` under its lease; every failure is in the report, none is raised."""
    owner = state.owner_id()
    try:
        held = state.claim(store, source.name, owner)
    except ReferatError as exc:
        return Report(source.name, error=str(exc))
    if held is None:
        return Report(source.name, busy=True)
    report = Report(source.name)
    try:
        if held.system == "firstagenda":
            from .firstagenda import harvest

            report = harvest(store, held, owner, options, progress)
        elif held.system == "folder":
            from .folder import harvest as harvest_folder

            report = harvest_folder(store, held, owner, options, progress)
        else:
            raise HarvestError(f"{held.name}: unknown kind of source {held.system!r}")
    except ReferatError as exc:
        report.error = str(exc)
    except Exception as exc:  # a bug in one source's harvest must not end the others' (watch mode)
        report.error = f"unexpected {type(exc).__name__}: {exc}"
    failure = report.error or (f"{report.counts['failed']} failed: {report.errors[0]}" if report.errors and
                               report.counts.get("failed") else None)
    state.finish(store, held.name, owner, error=failure, cursor=held.cursor,
                 new=bool(report.counts.get("new") or report.counts.get("updated")))
    return report


# -- freshness ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Freshness:
    source: Source
    stale: bool
    why: str  # empty when fresh


#: a source is stale when it has not succeeded within this many of its intervals
MISSED_RUNS = 3
#: ... or has published nothing new for three of its usual gaps between releases (at least MIN_QUIET_DAYS),
#: or for QUIET_DAYS when its rhythm is not known (committees meet at least every few months)
QUIET_DAYS = 60
MIN_QUIET_DAYS = 14


def freshness(source: Source, when: datetime | None = None) -> Freshness:
    t = when or state.now()
    success = parse_stamp(source.last_success)
    if success is None:
        return Freshness(source, True, "never harvested successfully")
    if t - success > timedelta(seconds=source.schedule * MISSED_RUNS):
        return Freshness(source, True, f"no success since {source.last_success}")
    released = source.cursor.get("newest_released")
    newest = (datetime.fromisoformat(released) if released else None) or parse_stamp(source.last_new) \
        or parse_stamp(source.added_at)
    gap = source.cursor.get("usual_gap_days")
    quiet = timedelta(days=max(MIN_QUIET_DAYS, 3 * gap) if isinstance(gap, int) else QUIET_DAYS)
    if newest is not None and t - newest > quiet:
        return Freshness(source, True, f"nothing new since {newest.isoformat(timespec='seconds')}"
                                       f" (usually every {gap} days)" if isinstance(gap, int) else
                         f"nothing new since {newest.isoformat(timespec='seconds')}")
    return Freshness(source, False, "")


# -- watching -------------------------------------------------------------------------------
def due(source: Source, when: datetime | None = None) -> bool:
    last = parse_stamp(source.last_attempt)
    return last is None or (when or state.now()) - last >= timedelta(seconds=source.schedule)


def watch(store: Store, names: list[str], options: Options, *, every: bool, municipality: str | None,
          report: Callable[[Report], None], stop: Callable[[], bool], tick: float = 30.0) -> None:
    """Harvest each source when due (its schedule, with up to a tenth of it as jitter) until ``stop()``."""
    jitter: dict[str, float] = {}
    while not stop():
        try:
            chosen = resolve(store, names, municipality=municipality, every=every)
        except ReferatError as exc:  # (a source removed meanwhile, the store busy): look again next tick
            report(Report("watch", error=str(exc)))
            chosen = []
        for source in chosen:
            extra = jitter.setdefault(source.name, random.random() * source.schedule / 10)
            if due(source, state.now() - timedelta(seconds=extra)):
                report(harvest_one(store, source, options))
                jitter.pop(source.name, None)
            if stop():
                return
        end = time.monotonic() + tick
        while time.monotonic() < end and not stop():
            time.sleep(min(1.0, tick))
