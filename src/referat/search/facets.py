"""Facet counts for a search: matching items per municipality, committee, year, outcome, KLE group, person.

Why tantivy aggregations and not SQL: counting in SQL needs every matching item
id out of the index first, and at 300k items a common word matches ~200k of
them (collecting the ids took ~200 ms and the GROUP BY over them 1.4-2.9 s on
the benchmark archive).  Terms aggregations over fast columns in the index
(``f_municipality``, ``f_committee``, ``f_outcome``, ``year``...) answer all facets in one pass, ~5 ms for
200k matches, most of it visiting the matches (a terms count on ``year`` adds ~0.3 ms where a histogram over
``day`` added ~1 ms).
Counts respect every active filter, so the single-valued facets add up to the
hit count; ``kle`` (an item's KLE subject groups) and ``person`` (the meeting's
participants) may count an item under several values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..vocab.kle import group_label
from .index import FACET_FIELDS, IndexFilters, SearchIndex
from .query import Query

#: at most this many values per facet (the largest counts)
FACET_SIZE = 30
#: every year is listed (an archive spans decades, not centuries)
YEARS = 500


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    label: str | None = None  # how to show the value when it is not the value itself (KLE group names)


@dataclass
class Facets:
    municipality: list[FacetValue] = field(default_factory=list)
    committee: list[FacetValue] = field(default_factory=list)
    year: list[FacetValue] = field(default_factory=list)
    outcome: list[FacetValue] = field(default_factory=list)
    kle: list[FacetValue] = field(default_factory=list)
    person: list[FacetValue] = field(default_factory=list)
    #: items matched: every item has exactly one outcome value ("none" when it has no decision), so the outcome
    #: buckets add up to the hit count and a results page needs no separate counting pass (None: not counted)
    total: int | None = None

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [{"value": v.value, "count": v.count, **({"label": v.label} if v.label else {})}
                       for v in values]
                for name, values in (("municipality", self.municipality), ("committee", self.committee),
                                     ("year", self.year), ("outcome", self.outcome), ("kle", self.kle),
                                     ("person", self.person))}


def _terms(result: dict[str, Any], name: str) -> list[FacetValue]:
    buckets = result.get(name, {}).get("buckets", [])
    return [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets if b.get("doc_count")]


def facet_counts(index: SearchIndex, query: Query, filters: IndexFilters, *, size: int = FACET_SIZE) -> Facets:
    aggs: dict[str, Any] = {name: {"terms": {"field": fast, "size": size}} for name, fast in FACET_FIELDS.items()}
    aggs["year"] = {"terms": {"field": "year", "size": YEARS}}
    with index.guard():  # (a damaged segment: one IndexDamaged line)
        result = index.searcher().aggregate(index.compile(query, filters), aggs)
    years = [FacetValue(str(int(b["key"])), int(b["doc_count"]))
             for b in result.get("year", {}).get("buckets", []) if b.get("doc_count")]
    years.sort(key=lambda v: v.value, reverse=True)
    kle = [FacetValue(v.value, v.count, group_label(v.value)) for v in _terms(result, "kle")]
    outcome = _terms(result, "outcome")
    return Facets(municipality=_terms(result, "municipality"), committee=_terms(result, "committee"),
                  year=years, outcome=outcome, kle=kle, person=_terms(result, "person"),
                  total=sum(v.count for v in outcome))
