"""National-scale benchmark: one synthetic national archive in both backends, measured the same way.

Why: the targets of issue 3 (2 million items; PostgreSQL p99 <= 100 ms for every query class;
bulk import >= 5,000 items/s) can only be checked on an archive of that size, built from the
real documents' text by ``referat.synth.national``.  For each backend (fresh SQLite file under
var/, fresh PostgreSQL schema) it prints bulk import items/s, index size, search p50/p99 per query
class (top 20 with snippets) and facet counts.  Not a test: at 2M items it runs for hours.

What the import figure measures: items / store time, where store time is the wall time spent in
``save_many`` (batches of ~2,000 items) and ``flush`` (every 100,000 items and at the end: the
search index catching up), i.e. everything the store does to make the archive searchable.
Generating the meetings is timed apart and left out.  The index analysis runs in worker processes
that start on a batch as soon as it is saved (``search.parallel.prefetch``), so some of it overlaps
the generation of the next batch, as it would overlap parsing in a real import; the end-to-end
rate (store + generation time) is printed beside it so the overlap cannot flatter the figure.
PostgreSQL's VACUUM ANALYZE after the import is not included (its time is printed).

Run: .venv/bin/python bench/bench_national.py [--items 2000000] [--backends sqlite,postgres]
     [--pg postgresql://127.0.0.1:5432/test] [--rounds 20] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import psycopg

from _common import ROOT, percentile, progress, real_documents
from referat.model import ImportedMeeting
from referat.search.query import parse
from referat.store.base import SearchFilters, Store
from referat.store.postgres import PostgresStore
from referat.store.sqlite import SQLiteStore
from referat.synth import Vocabulary, national, vocabulary_from

F = SearchFilters
PERIOD = dict(date_from=date(2020, 1, 1), date_to=date(2022, 12, 31))
QUERIES: dict[str, list[tuple[str, SearchFilters]]] = {
    "single term (common)": [(q, F()) for q in ["udvalget", "kommune", "budget", "indstillingen"]],
    "single term (rare)": [(q, F()) for q in ["nytårskur", "ankestyrelsen", "symbiosenetværk", "rygestop"]],
    "two terms": [(q, F()) for q in ["budget beskæftigelse", "strategi udsatte", "skole trivsel"]],
    "phrase": [(q, F()) for q in ['"taget til efterretning"', '"mio. kr"', '"den nye erhvervs politik"']],
    "prefix": [(q, F()) for q in ["beskæft*", "budgetopf*", "kultur*"]],
    "term + municipality + date": [(q, F(municipality=m, **PERIOD))  # type: ignore[arg-type]
                                   for q, m in [("budget", "Aarhus"), ("strategi", "Ballerup"),
                                                ("udvalget", "Odense")]],
}
FACET_QUERIES = ["budget", "udvalget", "kultur*", '"taget til efterretning"']
BATCH_ITEMS = 2000


def batches(records: Iterator[ImportedMeeting], items: int) -> Iterator[list[ImportedMeeting]]:
    batch: list[ImportedMeeting] = []
    n = 0
    for r in records:
        batch.append(r)
        n += len(r.meeting.items)
        if n >= items:
            yield batch
            batch, n = [], 0
    if batch:
        yield batch


def bulk_import(store: Store, vocab: Vocabulary, n_items: int, flush_items: int) -> tuple[float, float]:
    """(store seconds, generation seconds) for importing the national archive of ``n_items``."""
    store.autoflush = False
    store_s = gen_s = flush_s = 0.0
    done = since_flush = 0
    gen = batches(national(vocab, n_items), BATCH_ITEMS)
    while True:
        t = time.perf_counter()
        batch = next(gen, None)
        gen_s += time.perf_counter() - t
        if batch is None:
            break
        t = time.perf_counter()
        store.save_many(batch)
        n = sum(len(r.meeting.items) for r in batch)
        done += n
        since_flush += n
        if since_flush >= flush_items:
            f = time.perf_counter()
            store.flush()
            flush_s += time.perf_counter() - f
            since_flush = 0
        store_s += time.perf_counter() - t
        if done % 50_000 < n:
            progress(f"  {type(store).__name__}: {done:,} items, {done / store_s:,.0f} items/s (store time;"
                     f" index updates {flush_s:,.0f} s of {store_s:,.0f} s)")
    t = time.perf_counter()
    store.flush()
    store.autoflush = True  # (SQLite: checkpoints the bulk import's WAL into the file)
    store_s += time.perf_counter() - t
    return store_s, gen_s


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def measure_search(store: Store, rounds: int) -> dict[str, list[float]]:
    rng = random.Random(7)
    results: dict[str, list[float]] = {}
    for cls, queries in QUERIES.items():
        for text, filters in queries:  # warm-up: first touch of each query's pages
            store.search(parse(text), filters, limit=20)
        times: list[float] = []
        for _ in range(rounds):
            for text, filters in rng.sample(queries, len(queries)):
                q = parse(text)
                times += timed(lambda q=q, filters=filters: store.search(q, filters, limit=20), 1)
        results[cls] = times
    facet_times: list[float] = []
    for text in FACET_QUERIES:
        store.facets(parse(text))
    for _ in range(max(1, rounds // 2)):
        for text in FACET_QUERIES:
            q = parse(text)
            facet_times += timed(lambda q=q: store.facets(q), 1)
    results["facet counts"] = facet_times
    return results


def sqlite_size(path: Path) -> str:
    files = sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    index = sum(p.stat().st_size for p in Path(str(path) + ".index").rglob("*") if p.is_file())
    return f"SQLite file {files / 2**20:,.0f} MiB + tantivy index {index / 2**20:,.0f} MiB"


def pg_size(conn: psycopg.Connection, schema: str, store: PostgresStore) -> str:
    tables, indexes = conn.execute(
        "SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
        " ON n.oid=c.relnamespace WHERE n.nspname=%s AND c.relkind='r'", (schema,)).fetchone()
    index = sum(p.stat().st_size for p in store.log_index.folder.rglob("*") if p.is_file())
    return (f"tables {int(tables) / 2**20:,.0f} MiB + indexes {int(indexes) / 2**20:,.0f} MiB"
            f" + local tantivy index {index / 2**20:,.0f} MiB")


def run_backend(kind: str, args: argparse.Namespace, vocab: Vocabulary) -> dict[str, object]:
    load_before = os.getloadavg()
    progress(f"{kind}: importing {args.items:,} items ...")
    if kind == "sqlite":
        path = ROOT / "var" / f"national-{args.items}.db"
        path.parent.mkdir(exist_ok=True)
        for p in path.parent.glob(path.name + "*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        store: Store = SQLiteStore(path, autoflush=False)
        store_s, gen_s = bulk_import(store, vocab, args.items, flush_items=100_000)
        size = sqlite_size(path)
        def cleanup() -> None:
            pass
    else:
        schema = f"bench_national_{args.items}"
        admin = psycopg.connect(args.pg, autocommit=True)
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in args.pg else "?"
        store = PostgresStore(f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}", autoflush=False,
                              index_dir=ROOT / "var" / "indexes")
        store_s, gen_s = bulk_import(store, vocab, args.items, flush_items=100_000)
        t = time.perf_counter()
        admin.execute(f'VACUUM ANALYZE "{schema}".items')
        progress(f"  VACUUM ANALYZE {time.perf_counter() - t:.1f} s")
        size = pg_size(admin, schema, store)
        folder = store.log_index.folder

        def cleanup() -> None:
            if not args.keep:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
                shutil.rmtree(folder, ignore_errors=True)
            admin.close()
    progress(f"{kind}: searching ...")
    latencies = measure_search(store, args.rounds)
    store.close()
    cleanup()
    load = (load_before, os.getloadavg())
    return {"import": (args.items / store_s, store_s, gen_s), "size": size, "latency": latencies, "load": load}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=2_000_000)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--pg", default=os.environ.get("REFERAT_BENCH_PG", "postgresql://127.0.0.1:5432/test"))
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    args = ap.parse_args()
    vocab = vocabulary_from(real_documents())
    results = {}
    for kind in args.backends.split(","):
        results[kind] = run_backend(kind, args, vocab)
        show({kind: results[kind]}, args, sys.stderr)  # one backend's figures as soon as they are in
    show(results, args, sys.stdout)


def show(results: dict[str, dict[str, object]], args: argparse.Namespace, out: TextIO) -> None:
    print(f"\n{datetime.now().isoformat(timespec='minutes')}, {os.cpu_count()} cores", file=out)
    print(f"national archive: {args.items:,} items (98 municipalities x 10 committees x 10 years),"
          f" top 20 with snippets, {args.rounds} rounds per query", file=out)
    for kind, r in results.items():
        rate, store_s, gen_s = r["import"]  # type: ignore[misc]
        print(f"\n[{kind}] bulk import {rate:,.0f} items/s ({store_s:,.0f} s in the store;"
              f" generating took {gen_s:,.0f} s more; end to end {args.items / (store_s + gen_s):,.0f} items/s)",
              file=out)
        print(f"[{kind}] size: {r['size']}", file=out)
        (b1, b5, b15), (a1, a5, a15) = r["load"]  # type: ignore[misc]
        print(f"[{kind}] load average (1/5/15 min) before {b1:.1f}/{b5:.1f}/{b15:.1f},"
              f" after {a1:.1f}/{a5:.1f}/{a15:.1f}", file=out)
        for cls, times in r["latency"].items():  # type: ignore[attr-defined]
            print(f"[{kind}]   {cls:28} p50 {percentile(times, 50):8.1f} ms   p99 {percentile(times, 99):8.1f} ms"
                  f"   n={len(times)}", file=out)
    out.flush()

if __name__ == "__main__":
    main()
