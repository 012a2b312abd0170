"""Harvest throughput and memory: a replayed FirstAgenda municipality of >= 1,400 meetings, --delay 0.

The replay portal (tests/replay_firstagenda.py: the 20 Greve answers cycled with new ids and dates;
Hvidovre's real list has 1,400 meetings) runs in a thread of this process; ``referat harvest`` runs
in a child process into a fresh store.  While it runs, the child's peak resident memory so far
(VmHWM) is read as a quarter, half and all of the meetings have been fetched: bounded memory means
the figure stops growing, it does not rise with the number of meetings.  A second harvest of the
same portal measures the no-op re-run.  Attachments are left out by default (the portal would
serve ~36,000 PDFs); ``--attachments`` includes them.
Run: .venv/bin/python bench/bench_harvest.py [--meetings 1400] [--db postgresql://...] [--json FILE]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, progress, write_json

sys.path.insert(0, str(ROOT))
from tests.replay_firstagenda import Portal, Server


def peak_kib(pid: int) -> int:
    """The process's peak resident memory so far (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def harvest(db: str, url: str, portal: Portal, total: int, attachments: bool) -> tuple[float, str, dict[str, int]]:
    """One ``referat harvest`` child: (seconds, its summary line, peak KiB at 25/50/75/100 % of the meetings)."""
    command = [sys.executable, "-c", "from referat.cli import main; main()", "--db", db, "harvest", url,
               "--municipality", "Greve", "--delay", "0"] + ([] if attachments else ["--no-attachments"])
    started = time.perf_counter()
    before = sum(portal.requested("/api/agenda/dagsorden/").values())
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marks: dict[str, int] = {}
    last = 0
    while proc.poll() is None:
        done = sum(portal.requested("/api/agenda/dagsorden/").values()) - before
        last = max(last, peak_kib(proc.pid))
        for share in (25, 50, 75):
            if done >= total * share // 100 and f"{share}%" not in marks:
                marks[f"{share}%"] = last
        time.sleep(0.2)
    marks["100%"] = last
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"harvest failed: {err or out}")
    return time.perf_counter() - started, out.strip().splitlines()[-1], marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1400)
    parser.add_argument("--db", help="a postgresql:// URL (default: a fresh SQLite file)")
    parser.add_argument("--attachments", action="store_true", help="fetch the attachments too")
    parser.add_argument("--json", help="where to write the results (default var/bench/harvest.json)")
    args = parser.parse_args()
    copies = -(-args.meetings // 20)
    portal = Portal.greve(copies=copies)
    total = len(portal.meetings)
    with tempfile.TemporaryDirectory(prefix="bench-harvest-") as tmp, Server(portal) as url:
        db = args.db or str(Path(tmp) / "harvest.db")
        progress(f"harvesting {total} replayed meetings into {'PostgreSQL' if args.db else 'SQLite'} ...")
        seconds, line, marks = harvest(db, url, portal, total, args.attachments)
        progress("again (nothing new) ...")
        rerun, again, _ = harvest(db, url, portal, total, args.attachments)
    results = {"meetings": total, "seconds": round(seconds, 1), "meetings_per_s": round(total / seconds, 2),
               "rerun_seconds": round(rerun, 2), "summary": line, "rerun_summary": again,
               "peak_rss_mib": {k: round(v / 1024, 1) for k, v in marks.items()},
               "backend": "postgresql" if args.db else "sqlite", "attachments": args.attachments}
    print(f"{total} meetings in {seconds:.1f} s: {total / seconds:.2f} meetings/s ({line})")
    print(f"re-run: {rerun:.2f} s ({again})")
    print("peak memory of the harvest after " + ", ".join(f"{k} of the meetings {v} MiB"
                                                          for k, v in results["peak_rss_mib"].items()))
    write_json(args.json, "harvest", results)


if __name__ == "__main__":
    main()
