"""Every real document imports to exactly its reviewed golden JSON.

Goldens change only with ``pytest --update-goldens``; review the diff before committing.
"""

from __future__ import annotations

import json

import pytest

from referat import canonical
from referat.errors import InputError
from referat.parse import importer

from .conftest import GOLDEN, all_documents, golden_name, refused_documents


def golden_path(doc):
    return GOLDEN / golden_name(doc)


def pytest_generate_tests(metafunc):
    """Documents with a golden; with --update-goldens, every real document."""
    if "doc" in metafunc.fixturenames:
        update = metafunc.config.getoption("--update-goldens")
        docs = [d for d in all_documents() if update or golden_path(d).exists()]
        metafunc.parametrize("doc", docs, ids=[golden_name(d)[:-5] for d in docs])


def test_golden(doc, update_goldens):
    record = importer.parse_file(doc)
    got = canonical.to_dict(record)
    path = golden_path(doc)
    if update_goldens:
        path.write_text(canonical.dumps(record), encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no golden for {doc.name}: run pytest --update-goldens and review {path}")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected


def test_lossless(doc):
    record = importer.parse_file(doc)
    lost = [w for w in record.document.warnings if w.startswith("text not placed")]
    assert lost == []


def test_canonical_round_trip(doc):
    record = importer.parse_file(doc)
    assert canonical.loads(canonical.dumps(record)) == record


def test_compact_form_is_the_same_value(doc):
    """The stores keep ``compact`` (orjson): the same JSON value as ``to_dict``, read back to the same record."""
    record = importer.parse_file(doc)
    record.source = b"%PDF bytes are never part of it"
    text = canonical.compact(record)
    assert json.loads(text) == canonical.to_dict(record) and "\n" not in text
    assert canonical.loads(text) == record


def test_every_real_document_has_a_golden():
    missing = [d.name for d in all_documents() if not golden_path(d).exists()]
    assert all_documents() and missing == []


def test_every_golden_belongs_to_a_listed_document():
    """A golden whose document left the list (or was renamed) is stale, not silently kept."""
    listed = {golden_name(d) for d in all_documents()}
    assert sorted(p.name for p in GOLDEN.glob("*.json") if p.name not in listed) == []


@pytest.mark.parametrize("path", sorted(refused_documents()), ids=lambda p: golden_name(p)[:-5])
def test_files_that_are_not_minutes_are_refused_saying_what_they_are(path):
    with pytest.raises(InputError) as info:
        importer.parse_file(path)
    assert refused_documents()[path] in str(info.value)
