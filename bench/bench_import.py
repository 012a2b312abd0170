"""Import throughput: parse every real document repeatedly (≥ 1,000 pages in all) on one core.

Prints pages/s and items/s per format and overall.  Parsing only; storing is
measured by bench_search.py (bulk import into the store).
Run: .venv/bin/python bench/bench_import.py [--min-pages 1000]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from _common import progress, real_documents

from referat.parse import importer


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-pages", type=int, default=1000)
    args = ap.parse_args()
    docs = [(p, p.read_bytes()) for p in real_documents()]
    probe = {p.name: importer.parse_bytes(data, p.name) for p, data in docs}
    # Text/HTML/XML have no pages: count a text page as 3,000 characters, as printed minutes run.
    pages = {p.name: probe[p.name].document.pages or max(1, len(data) // 3000) for p, data in docs}
    per_round = sum(pages.values())
    rounds = max(1, -(-args.min_pages // per_round))
    progress(f"{len(docs)} documents, {per_round} pages per round, {rounds} rounds")
    by_fmt: dict[str, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    t0 = time.perf_counter()
    for _ in range(rounds):
        for p, data in docs:
            s = time.perf_counter()
            rec = importer.parse_bytes(data, p.name)
            acc = by_fmt[rec.document.format]
            acc[0] += time.perf_counter() - s
            acc[1] += pages[p.name]
            acc[2] += len(rec.meeting.items)
    total = time.perf_counter() - t0
    all_pages = sum(a[1] for a in by_fmt.values())
    all_items = sum(a[2] for a in by_fmt.values())
    print(f"import (parse) throughput, one core, {rounds} rounds over {len(docs)} real documents")
    for fmt, (secs, pg, it) in sorted(by_fmt.items()):
        print(f"  {fmt:5}  {pg:6d} pages  {pg / secs:8.1f} pages/s  {it / secs:8.1f} items/s")
    print(f"  all    {all_pages:6d} pages  {all_pages / total:8.1f} pages/s  {all_items / total:8.1f} items/s"
          f"  ({total:.1f} s)")


if __name__ == "__main__":
    main()
