"""Portal load: requests/s, p50 and p99 of search and item pages at 300k items under 50 concurrent clients.

Builds (or reuses) the synthetic archive var/bench-<N>.db of bench_search.py, starts `referat serve` (uvicorn)
on a free loopback port, and drives it with wrk (Debian package `wrk`, installed with apt-get when missing)
through a Lua script that cycles through varied URLs: search pages (many distinct queries, filters, sorting and
pages) and item pages (random items).  Each page type runs three times, bounded in time:
- cache off (REFERAT_CACHE=0): every request does the full work, every URL distinct — the worst case;
- cache on, Zipf popularity, cold: requests drawn from the same URLs with Zipf popularity (a few searches and
  items asked for often, most rarely), starting from an empty cache — how a public site is used;
- cache on after one pass over every URL (each asked for once before the run): what repeats cost.
Each run starts with empty caches (its own folder for the pages the server processes share).
The server runs `--workers` processes (default: one per CPU).
Loopback only; the server is stopped at the end.
Run: .venv/bin/python bench/bench_web.py [--items 300000] [--seconds 20] [--connections 50]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

from _common import ROOT, progress

TERMS = ["budget", "skole", "trivsel", "udvalget", "kommune", "strategi", "beskæftigelse", "lokalplan", "ældre",
         "klima", "cykelsti", "børn", "handicap", "indsats", "politik", "renovering", "byggeri", "erhverv",
         "sundhed", "kultur", "idræt", "affald", "vand", "trafik", "boliger", "tilsyn", "høring", "regnskab"]
MUNICIPALITIES = ["Aarhus", "Ballerup", "Odense", "Aalborg", "Syddjurs", "Albertslund"]


def search_urls(n: int, rng: random.Random) -> list[str]:
    urls = set()
    while len(urls) < n:
        q = " ".join(rng.sample(TERMS, rng.choice([1, 1, 2])))
        params = [("q", q)]
        if rng.random() < 0.3:
            params.append(("kommune", rng.choice(MUNICIPALITIES)))
        if rng.random() < 0.2:
            params.append(("aar", str(rng.randint(2016, 2025))))
        if rng.random() < 0.2:
            params.append(("sorter", "dato"))
        if rng.random() < 0.2:
            params.append(("side", str(rng.randint(2, 5))))
        urls.add("/soeg?" + urlencode(params))
    return sorted(urls)


def item_urls(db: Path, n: int, rng: random.Random) -> list[str]:
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    top = con.execute("SELECT max(id) FROM items").fetchone()[0]
    urls: list[str] = []
    while len(urls) < n:
        row = con.execute("SELECT meeting_id, number FROM items WHERE id >= ? AND retired=0 ORDER BY id LIMIT 1",
                          (rng.randint(1, top),)).fetchone()
        if row:
            urls.append(f"/moede/{row[0]}/punkt/{quote(row[1], safe='')}")
    con.close()
    return urls


def zipf_sequence(urls: list[str], n: int, rng: random.Random, s: float = 1.0) -> list[str]:
    """``n`` requests whose URLs follow a Zipf popularity (rank r drawn with weight 1/r**s), as searches on
    a public site do: a few are asked for often, most rarely; the ranks are shuffled over the URL set."""
    order = urls[:]
    rng.shuffle(order)
    return rng.choices(order, weights=[1 / (r + 1) ** s for r in range(len(order))], k=n)


def lua(urls: list[str]) -> str:
    paths = ",\n".join('"' + u.replace("\\", "\\\\").replace('"', '\\"') + '"' for u in urls)
    return ("local paths = {\n" + paths + "\n}\nlocal i = 0\n"
            "setup = function(thread) thread:set('offset', math.random(#paths)) end\n"
            "init = function(args) i = tonumber(offset) or 0 end\n"
            "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    progress("wrk is missing: apt-get install -y wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def serve(db: Path, port: int, cache: bool, workers: int, pages: Path, access_log: bool) -> subprocess.Popen[bytes]:
    # every run starts with empty caches: its own folder for the pages the server processes share
    env = dict(os.environ, REFERAT_CACHE="1" if cache else "0", REFERAT_PAGE_CACHE=str(pages))
    command = [str(ROOT / ".venv" / "bin" / "referat"), "--db", str(db), "serve", "--host", "127.0.0.1", "--port",
               str(port), "--workers", str(workers)] + ([] if access_log else ["--no-access-log"])
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600  # the first open may migrate the archive
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/index.json", timeout=5).read()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                sys.exit("referat serve did not start")
            time.sleep(0.5)


def run_wrk(wrk: str, url: str, script: Path, seconds: int, connections: int) -> dict[str, str]:
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                          "-s", str(script), url], capture_output=True, text=True, timeout=seconds + 60).stdout
    figures = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", out), "p50": re.search(r"\n\s+50%\s+(\S+)", out),
               "p99": re.search(r"\n\s+99%\s+(\S+)", out), "errors": re.search(r"Non-2xx or 3xx responses: (\d+)", out),
               "timeouts": re.search(r"timeout (\d+)", out)}
    return {k: (m.group(1) if m else "0" if k in ("errors", "timeouts") else "?") for k, m in figures.items()}


def warm(base: str, urls: list[str]) -> None:
    """Ask for every URL once (four at a time), so the run after it measures what repeats cost."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(u: str) -> None:
        try:
            urllib.request.urlopen(base + u, timeout=30).read()
        except OSError:
            pass  # a 404 (a page past the last one) is cached too

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, sorted(set(urls))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=300_000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--urls", type=int, default=2000, help="distinct URLs per page type")
    ap.add_argument("--only", choices=["off", "zipf", "warm"], action="append",
                    help="run only these workloads (default: all three)")
    ap.add_argument("--no-access-log", action="store_true", help="referat serve --no-access-log")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="referat serve --workers")
    args = ap.parse_args()
    db = ROOT / "var" / f"bench-{args.items}.db"
    if not db.exists():
        progress(f"{db} is missing: building it with bench_search.py")
        subprocess.run([sys.executable, str(Path(__file__).with_name("bench_search.py")), "--items",
                        str(args.items), "--rounds", "1"], check=True)
    wrk = ensure_wrk()
    rng = random.Random(7)
    pages = {"search": search_urls(args.urls, rng), "item": item_urls(db, args.urls, rng)}
    print(f"portal load over {db.name}: wrk, {args.connections} connections, {args.seconds} s per run, loopback,"
          f" {args.workers} server process(es), {os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.1f}")
    runs = [  # (label, cache, URL sequence, warm-up pass first)
        ("cache off, every URL distinct", False, pages, False),
        ("cache on, Zipf popularity, cold", True,
         {name: zipf_sequence(urls, 20 * len(urls), rng) for name, urls in pages.items()}, False),
        ("cache on, after one pass over the URLs", True, pages, True),
    ]
    if args.only:
        runs = [r for r, name in zip(runs, ["off", "zipf", "warm"], strict=False) if name in args.only]
    with tempfile.TemporaryDirectory() as tmp:
        for label, cache, sequences, warm_first in runs:
            print(f" {label}:")
            port = free_port()
            pages_folder = Path(tmp) / f"pages-{len(label)}-{port}"
            proc = serve(db, port, cache, args.workers, pages_folder, not args.no_access_log)
            try:
                for name, urls in sequences.items():
                    script = Path(tmp) / f"{name}.lua"
                    script.write_text(lua(urls), encoding="utf-8")
                    if warm_first:
                        started = time.monotonic()
                        warm(f"http://127.0.0.1:{port}", urls)
                        progress(f"  (warmed {len(set(urls))} {name} URLs in {time.monotonic() - started:.0f} s)")
                    f = run_wrk(wrk, f"http://127.0.0.1:{port}", script, args.seconds, args.connections)
                    print(f"  {name:6s} {f['rps']:>8s} req/s  p50 {f['p50']:>8s}  p99 {f['p99']:>8s}"
                          f"  non-2xx {f['errors']}  timeouts {f['timeouts']}  ({len(set(urls))} distinct URLs)")
            finally:
                proc.terminate()
                proc.wait(30)
        print(f" load average after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
