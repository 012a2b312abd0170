"""Search quality does not regress: MRR and recall@10 of the relevance set stay at their baseline.

The judged queries and the baseline live in ``tests/relevance/queries.toml``
(``bench/bench_relevance.py`` prints the same figures with the misses).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from referat.search.relevance import load, score, synthetic_archive
from referat.store import open_store
from referat.synth import national, vocabulary_from

from .backends import BACKENDS, target
from .conftest import real_documents

QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.toml"
SYNTHETIC = Path(__file__).resolve().parent / "relevance" / "synthetic.toml"


def test_relevance_does_not_regress(real_store):
    kind = "sqlite" if type(real_store).__name__ == "SQLiteStore" else "postgres"
    queries = load(QUERIES)
    assert len(queries) >= 40
    baseline = tomllib.loads(QUERIES.read_text("utf-8"))["baseline"]
    report = score(real_store, queries)
    misses = [(s.query.q, s.rank, s.top[:3]) for s in report.scores if s.found < len(s.query.expect)]
    assert report.mrr >= baseline[kind]["mrr"] - baseline["margin"], misses
    assert report.recall_at_10 >= baseline[kind]["recall_at_10"] - baseline["margin"], misses


@pytest.mark.parametrize("kind", BACKENDS)
def test_relevance_on_a_synthetic_national_archive_does_not_regress(kind, tmp_path):
    queries = load(SYNTHETIC)
    assert len(queries) >= 10
    spec = synthetic_archive(SYNTHETIC)
    assert spec is not None
    items, seed = spec
    baseline = tomllib.loads(SYNTHETIC.read_text("utf-8"))["baseline"]
    with target(kind, tmp_path) as where, open_store(where) as store:
        store.save_many(list(national(vocabulary_from(real_documents()), items, seed=seed)))
        report = score(store, queries)
    misses = [(s.query.q, s.rank, s.top[:3]) for s in report.scores if s.found < len(s.query.expect)]
    assert report.mrr >= baseline[kind]["mrr"] - baseline["margin"], misses
    assert report.recall_at_10 >= baseline[kind]["recall_at_10"] - baseline["margin"], misses
