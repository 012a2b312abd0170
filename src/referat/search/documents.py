"""One item as a search-index document: JSON, built wherever the item's analysis runs.

Why JSON and a module of its own: building a tantivy ``Document`` field by field
is ~20 calls from Python into Rust per item (~26 µs with the add), all of it in
the importing process, which is what limits a bulk import on two cores.  The
same document as a JSON text is made in the worker processes that analyse the
item (``parallel``), and the importing process hands it to the index writer in
one call (``add_json``, ~14 µs).  This module must not import the index (the
workers import it).
"""

from __future__ import annotations

from typing import Any

import orjson

from .analyzer import words
from .indexing import ItemRow, kle_groups

#: (title words, body words, expansions of both) as the index stores them
Fields = tuple[str, str, str]
#: facet name -> fast column; ``kle`` (subject group "00.01") and ``person`` ("Name (Party)") hold several values
FACET_FIELDS = {"municipality": "f_municipality", "committee": "f_committee", "outcome": "f_outcome",
                "kle": "f_kle", "person": "f_person"}


def case_token(value: str) -> str:
    """A case id (or the start of one) as the ``cases`` field holds it: lower case, inner spaces as "_"."""
    return "_".join(value.lower().split())


def case_prefixes(value: str) -> list[str]:
    v = case_token(value)
    return [v[:n] for n in range(2, len(v) + 1)]


def document_json(meeting_id: int, item_id: int, row: ItemRow, fields: Fields) -> str:
    """The index document of one item (``fields``: its analysis) as JSON for ``IndexWriter.add_json``."""
    title, body, expanded = fields
    outcome = row.outcome or "none"
    doc: dict[str, Any] = {
        "item_id": item_id, "meeting_id": meeting_id, "title": title, "exact": body, "expanded": expanded,
        "municipality": row.municipality.lower(), "committee": " ".join(words(row.committee)), "outcome": outcome,
        FACET_FIELDS["municipality"]: row.municipality, FACET_FIELDS["committee"]: row.committee,
        FACET_FIELDS["outcome"]: outcome}
    if row.case_ids:
        doc["cases"] = " ".join(p for case in row.case_ids for p in case_prefixes(case.value))
        groups = kle_groups(row.case_ids)
        if groups:
            doc[FACET_FIELDS["kle"]] = groups
    if row.date:
        doc["day"] = int(row.date.replace("-", ""))
        doc["year"] = int(row.date[:4])
    if row.persons:
        doc[FACET_FIELDS["person"]] = row.persons
    return orjson.dumps(doc).decode()
