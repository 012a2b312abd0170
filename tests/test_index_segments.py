"""A large batch is written to the index as one segment (``SearchIndex._writer`` sizes tantivy's indexing memory
to the batch): every search visits every segment, so ``referat reindex`` and big flushes leave searches cheap."""

from __future__ import annotations

import random

import pytest

from referat.search import index as index_module
from referat.search.index import IndexFilters, SearchIndex
from referat.search.indexing import ItemRow
from referat.search.query import parse

WORDS = ["udvalget", "budget", "skole", "trivsel", "kommune", "lokalplan", "borgere", "indstilling", "beslutning",
         "økonomi", "ældre", "klima", "cykelsti", "handicap", "byggeri", "erhverv", "sundhed", "kultur", "idræt",
         "affald", "vand", "trafik", "boliger", "tilsyn", "høring"]


def _batch(n_items: int) -> list[tuple[int, list[tuple[int, ItemRow]]]]:
    rng = random.Random(3)
    meetings = []
    for m in range(n_items // 10):
        rows = []
        for i in range(10):
            text = " ".join(rng.choice(WORDS) + str(rng.randint(0, 5000)) for _ in range(300))
            rows.append((m * 10 + i + 1, ItemRow(position=i + 1, number=str(i + 1), title=f"Punkt {i} om skole",
                                                 public=True, outcome="approved", date="2024-03-01",
                                                 municipality="Ballerup", committee="Økonomiudvalget", text=text,
                                                 case_ids=[], persons=["Anja Holtze (A)"])))
        meetings.append((m + 1, rows))
    return meetings


@pytest.mark.parametrize("scaled", [True, False])
def test_a_large_batch_is_one_segment(tmp_path, monkeypatch, scaled):
    monkeypatch.setattr(index_module, "MIN_HEAP", 15_000_000)  # tantivy's least: a few thousand such documents
    if not scaled:  # the control: memory held at the least, the same batch needs several segments
        monkeypatch.setattr(index_module, "HEAP_PER_CHARACTER", 0)
    index = SearchIndex(tmp_path / "index")
    assert index.apply(_batch(12_000)) == 12_000
    searcher = index.searcher()
    assert searcher.num_docs == 12_000
    assert (searcher.num_segments == 1) is scaled, searcher.num_segments
    total, hits = index.search(parse("skole"), IndexFilters(), limit=5, count=True)
    assert total == 12_000 and len(hits) == 5
