"""Search quality: MRR and recall@10 of the relevance sets in tests/relevance/, both backends.

queries.toml is judged on the real documents, synthetic.toml on a small synthetic national archive.
Imports ../shared (seeds + corpus), or generates that archive, into a fresh SQLite store and a fresh PostgreSQL schema,
runs every judged query and prints MRR, recall@10, the scores per query kind and every query
whose wanted items are not all in the top 10.  tests/test_relevance.py holds the figures to
the baseline in the same TOML file.
Run: .venv/bin/python bench/bench_relevance.py [--pg URL] [--backends sqlite,postgres] [-v]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg

from _common import ROOT, SHARED, real_documents
from referat.ingest import ingest
from referat.search.relevance import Report, load, score, synthetic_archive
from referat.store import open_store
from referat.synth import national, vocabulary_from

QUERIES = ROOT / "tests" / "relevance" / "queries.toml"
SYNTHETIC = ROOT / "tests" / "relevance" / "synthetic.toml"


def run(where: str, queries: Path) -> Report:
    spec = synthetic_archive(queries)
    with open_store(where) as store:
        if spec is None:
            bad = [o for o in ingest(store, [SHARED / "seeds", SHARED / "corpus"]) if o.status == "error"]
            if bad:
                raise SystemExit(f"import failed: {bad}")
        else:
            store.save_many(list(national(vocabulary_from(real_documents()), spec[0], seed=spec[1])))
        return score(store, load(queries))


def show(kind: str, report: Report, verbose: bool) -> None:
    print(f"[{kind}] {len(report.scores)} queries: MRR {report.mrr:.3f}  recall@10 {report.recall_at_10:.3f}")
    for k, (n, mrr, recall) in report.by_kind().items():
        print(f"[{kind}]   {k:16} n={n:2}  MRR {mrr:.3f}  recall@10 {recall:.3f}")
    for s in report.scores:
        if s.found < len(s.query.expect):
            print(f"[{kind}]   miss: {s.query.q!r} ({s.query.kind}) rank {s.rank}, {s.found}/{len(s.query.expect)}")
            if verbose:
                for n, key in enumerate(s.top, 1):
                    print(f"[{kind}]       {n:2}. {key}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default=os.environ.get("REFERAT_TEST_PG", "postgresql://127.0.0.1:5432/test"))
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as indexes:
        os.environ.setdefault("REFERAT_INDEX_DIR", indexes)  # PostgreSQL stores' local index, thrown away after
        for name, queries in (("real documents", QUERIES), ("synthetic archive", SYNTHETIC)):
            print(f"{name} ({queries.relative_to(ROOT)}):")
            for kind in args.backends.split(","):
                show(kind, measure(kind, queries, args.pg), args.verbose)


def measure(kind: str, queries: Path, pg: str) -> Report:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            return run(str(Path(tmp) / "relevance.db"), queries)
    schema = "relevance_" + uuid.uuid4().hex[:8]
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in pg else "?"
            return run(f"{pg}{sep}options={quote(f'-csearch_path={schema}')}", queries)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')

if __name__ == "__main__":
    main()
