"""Hostile inputs and load on loopback (issue 13): what each costs, and whether other clients stay served.

Cases: a 2,000,000-letter word imported and searched; the lossless check over
80,000 paragraphs; 100,000 unclosed <b><i><u> and an 8 GB PDF decompression
bomb through the budgeted reader; four clients fetching /moeder.ics and
search exports while one other client searches (its p99 must stay under
500 ms).  Each case prints its time and peak memory (this process, and the
largest child: the reader worker); everything is written as JSON.  Bounded:
well under two minutes.

    .venv/bin/python bench/bench_abuse.py [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from tests.hostile import bomb, many_paragraphs, seed_text, unclosed_tags  # noqa: E402

from referat.errors import ReferatError  # noqa: E402
from referat.ingest import ingest  # noqa: E402
from referat.parse import budget, importer  # noqa: E402
from referat.parse.lossless import unplaced  # noqa: E402
from referat.search.query import parse  # noqa: E402
from referat.store import open_store  # noqa: E402
from referat.web.app import create_app  # noqa: E402

P99_LIMIT = 0.5


def peaks() -> dict[str, int]:
    return {"self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}


def case(name: str, run) -> dict:
    started = time.perf_counter()
    try:
        outcome = run()
    except ReferatError as exc:
        outcome = f"refused: {exc}"
    result = {"case": name, "seconds": round(time.perf_counter() - started, 2), "outcome": str(outcome)[:160],
              **peaks()}
    print(f"{name:28} {result['seconds']:7.2f} s  self {result['self_mb']:5} MB  child {result['child_mb']:5} MB"
          f"  {result['outcome']}")
    return result


def huge_word(folder: Path) -> str:
    path = folder / "huge-word.txt"
    path.write_text(seed_text(20).replace("Sagsfremstilling", "Sagsfremstilling\n\n" + "kommune" * 285_715, 1))
    with open_store(str(folder / "word.db")) as store:
        [out] = list(ingest(store, [path]))
    with open_store(str(folder / "word.db")) as store:  # (opening does not re-run anything)
        hits = store.search(parse("kommunekommune"), count=True).total
    return f"{out.status}, reopened, {hits} hits"


def lossless() -> str:
    record = importer.parse_bytes(many_paragraphs(80_000).encode(), "many.txt")
    started = time.perf_counter()
    missing = unplaced([p for p in many_paragraphs(80_000).split("\n\n")], record.meeting)
    took = time.perf_counter() - started
    return f"{len(record.meeting.items)} items; unplaced() alone {took:.2f} s, {len(missing)} missing"


def budgeted(folder: Path, name: str, data: bytes, seconds: float, memory_mb: int) -> str:
    path = folder / name
    path.write_bytes(data)
    budget.parse_file_budgeted(path, seconds=seconds, memory_mb=memory_mb)
    return "read"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(folder: Path, seconds: float = 12.0) -> dict:
    """Four heavy clients and one searching client against one portal process; the searcher's p99."""
    where = str(folder / "load.db")
    with open_store(where) as store:
        for day in range(1, 29):
            for month in range(1, 13):
                text = seed_text(day).replace("marts 2023", f"marts {2000 + month}").replace(
                    "-03-2023", f"-03-{2000 + month}")
                try:
                    store.save(importer.parse_bytes(text.encode(), f"m{day}-{month}.txt"))
                except ReferatError:
                    pass
    store = open_store(where)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="error",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    stop = time.monotonic() + seconds
    heavy_answers: dict[int, int] = {}
    words = ["budget", "skole", "beskæftigelse", "erhverv", "politik", "ankestyrelsen", "orientering", "møde"]

    def heavy(n: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = 0
            while time.monotonic() < stop:
                path = "/moeder.ics" if i % 2 else f"/soeg/eksport.json?q={words[(n + i) % len(words)]}{i}"
                code = client.get(path).status_code
                heavy_answers[code] = heavy_answers.get(code, 0) + 1
                i += 1

    times: list[float] = []

    def other() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = 0
            while time.monotonic() < stop:
                started = time.perf_counter()
                client.get("/soeg", params={"q": f"{words[i % len(words)]} {i}"})
                times.append(time.perf_counter() - started)
                i += 1

    threads = [threading.Thread(target=heavy, args=(n,)) for n in range(4)] + [threading.Thread(target=other)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.should_exit = True
    thread.join(10)
    store.close()
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan")
    result = {"case": "load: 4 heavy + 1 searcher", "seconds": round(time.perf_counter() - started, 2),
              "searches": len(times), "p99_ms": round(p99 * 1000, 1), "p99_under_500ms": p99 < P99_LIMIT,
              "heavy_answers": heavy_answers, **peaks()}
    print(f"{result['case']:28} {result['seconds']:7.2f} s  self {result['self_mb']:5} MB  searches"
          f" {len(times)}, p99 {result['p99_ms']} ms (under 500: {result['p99_under_500ms']}),"
          f" heavy answers by status {heavy_answers}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default="bench_abuse.json")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results.append(case("2,000,000-letter word", lambda: huge_word(folder)))
        results.append(case("lossless, 80k paragraphs", lossless))
        results.append(case("100k unclosed <b><i><u>", lambda: budgeted(folder, "tags.html", unclosed_tags(100_000),
                                                                         10.0, 1024)))
        pdf = bomb(8000)  # (making it takes ~25 s of zlib: not part of the case)
        results.append(case("8 GB PDF bomb (8 MB file)", lambda: budgeted(folder, "bomb.pdf", pdf, 30.0, 1024)))
        results.append(load(folder))
    Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
