"""Search quality does not regress: MRR and recall@10 of the relevance set stay at their baseline.

The judged queries and the baseline live in ``tests/relevance/queries.toml``
(``bench/bench_relevance.py`` prints the same figures with the misses).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from referat.search.relevance import load, score

from .backends import BACKENDS, real_archive

QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.toml"


@pytest.mark.parametrize("kind", BACKENDS)
def test_relevance_does_not_regress(kind, tmp_path):
    queries = load(QUERIES)
    assert len(queries) >= 40
    baseline = tomllib.loads(QUERIES.read_text("utf-8"))["baseline"]
    with real_archive(kind, tmp_path) as store:
        report = score(store, queries)
    misses = [(s.query.q, s.rank, s.top[:3]) for s in report.scores if s.found < len(s.query.expect)]
    assert report.mrr >= baseline[kind]["mrr"] - baseline["margin"], misses
    assert report.recall_at_10 >= baseline[kind]["recall_at_10"] - baseline["margin"], misses
