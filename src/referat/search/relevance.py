"""Search quality you can measure: a relevance test set scored as MRR and recall@10.

Why: tuning the Danish analysis (stems, compounds, split compounds) or a backend's
ranking can silently make search worse.  The test set (``tests/relevance/queries.toml``)
lists, for Danish queries over the real documents, the items a searcher wants as
"Municipality | exact title"; an item stored twice (PDF and XML of one meeting)
counts once.  ``score`` runs every query against a store and reports the mean
reciprocal rank of the first wanted item and the share of wanted items in the top 10.
A second set (``tests/relevance/synthetic.toml``) asks for known items of a small
synthetic national archive (``synthetic_archive`` says which).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..store.base import Store
from .query import parse

TOP = 10


@dataclass(frozen=True)
class Judged:
    q: str
    kind: str
    expect: tuple[str, ...]


@dataclass
class QueryScore:
    query: Judged
    rank: int | None  # rank (1-based) of the first wanted item in the top 10
    found: int  # wanted items in the top 10
    top: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / len(self.query.expect)


@dataclass
class Report:
    scores: list[QueryScore]

    @property
    def mrr(self) -> float:
        return sum(1 / s.rank for s in self.scores if s.rank) / len(self.scores)

    @property
    def recall_at_10(self) -> float:
        return sum(s.recall for s in self.scores) / len(self.scores)

    def by_kind(self) -> dict[str, tuple[int, float, float]]:
        out: dict[str, tuple[int, float, float]] = {}
        for kind in sorted({s.query.kind for s in self.scores}):
            part = Report([s for s in self.scores if s.query.kind == kind])
            out[kind] = (len(part.scores), part.mrr, part.recall_at_10)
        return out


def load(path: Path) -> list[Judged]:
    data = tomllib.loads(path.read_text("utf-8"))
    return [Judged(q["q"], q.get("kind", "plain"), tuple(q["expect"])) for q in data["query"]]


def synthetic_archive(path: Path) -> tuple[int, int] | None:
    """(items, seed) of the synthetic national archive a test set is judged on, None for the real documents."""
    spec = tomllib.loads(path.read_text("utf-8")).get("archive")
    return (int(spec["items"]), int(spec["seed"])) if spec else None


def label(municipality: str, title: str) -> str:
    return f"{municipality} | {title}"


def score(store: Store, queries: list[Judged]) -> Report:
    scores = []
    for judged in queries:
        hits = store.search(parse(judged.q), limit=TOP * 2).hits
        ranked: list[str] = []
        for h in hits:  # an item stored in two formats counts once, at its best rank
            key = label(h.municipality, h.title)
            if key not in ranked:
                ranked.append(key)
        ranked = ranked[:TOP]
        wanted = set(judged.expect)
        rank = next((n for n, key in enumerate(ranked, start=1) if key in wanted), None)
        scores.append(QueryScore(judged, rank, len(wanted & set(ranked)), ranked))
    return Report(scores)
