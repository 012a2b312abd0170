"""One accepted document must not hang or break the archive: bounded words, index updates set aside.

A text with one 200,000-letter "word" (the audit's had 2,000,000) used to make
the compound analysis quadratic and every store open re-ran it; an index update
that fails (a damaged row) or runs over its budget is now set aside, listed by
``referat doctor``, and the store opens and searches everything else.
"""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from referat.cli import main
from referat.ingest import ingest
from referat.search.analyzer import analyze, words
from referat.search.query import parse
from referat.store import open_store

from .backends import BACKENDS, target
from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"
HUGE = 200_000


def huge_word_document(folder, letters: int = HUGE):
    text = SEED.read_text("utf-8").replace("Sagsfremstilling", "Sagsfremstilling\n\n" + "kommune" * (letters // 7), 1)
    path = folder / "huge-word.txt"
    path.write_text(text, "utf-8")
    return path


def test_words_are_cut_short():
    word = "beskæftigelse" * 100
    [cut] = words(word)
    assert 50 <= len(cut) <= 100 and word.startswith(cut)
    assert analyze(f"Punkt {word} slut").exact == f"punkt {cut} slut"
    assert max(len(t) for t in analyze(word).expanded.split()) <= len(cut)


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_huge_word_imports_and_the_archive_stays_searchable(tmp_path, kind):
    path = huge_word_document(tmp_path)
    with target(kind, tmp_path) as where:
        with open_store(where) as store:
            [out] = list(ingest(store, [path]))
            assert out.status == "new"
        with open_store(where) as store:  # (the open applies nothing left over)
            assert store.set_aside() == []
            found = store.search(parse("kommunekommune"), count=True)
            assert found.hits and {h.meeting_id for h in found.hits} == {out.meeting_id}
            assert store.search(parse("budgetimplementering"), count=True).total == 1


def _save_seed(store, n: int) -> int:
    text = SEED.read_text("utf-8").replace("20. marts 2023", f"{n}. marts 2023").replace(
        "d. 20-03-2023", f"d. {n:02d}-03-2023")
    from referat.parse.importer import parse_bytes

    return store.save(parse_bytes(text.encode(), f"seed-{n}.txt")).meeting_id


def test_a_failing_index_update_is_set_aside_and_the_store_opens(tmp_path):
    where = str(tmp_path / "a.db")
    with open_store(where) as store:
        good, bad = _save_seed(store, 20), _save_seed(store, 21)
    db = sqlite3.connect(where)
    with db:  # a damaged row, queued for the index as a save would
        db.execute("UPDATE items SET date='not a date' WHERE meeting_id=?", (bad,))
        db.execute("INSERT OR REPLACE INTO index_pending(meeting_id, seq) VALUES(?, 0)", (bad,))
    db.close()
    for _ in range(2):  # opened twice: the entry is not retried
        with open_store(where) as store:
            [entry] = store.set_aside()
            assert entry.meeting_id == bad and entry.reason.startswith("ValueError")
            hits = store.search(parse("budgetimplementering"), count=True)
            assert [h.meeting_id for h in hits.hits] == [good]  # (the bad meeting's documents are taken out)
            assert store.meetings() and len(store.meetings()) == 2
    result = CliRunner().invoke(main, ["--db", where, "doctor"])
    assert result.exit_code == 1
    assert f"set aside: meeting {bad}" in result.output and "ValueError" in result.output
    assert "referat reindex" in result.output
    db = sqlite3.connect(where)
    with db:
        db.execute("UPDATE items SET date='2023-03-21' WHERE meeting_id=?", (bad,))
    db.close()
    assert CliRunner().invoke(main, ["--db", where, "reindex"]).exit_code == 0
    result = CliRunner().invoke(main, ["--db", where, "doctor"])
    assert result.exit_code == 0, result.output
    with open_store(where) as store:
        assert store.search(parse("budgetimplementering"), count=True).total == 2


@pytest.mark.parametrize("kind", BACKENDS)
def test_an_update_over_budget_is_set_aside(tmp_path, kind, monkeypatch):
    with target(kind, tmp_path) as where:
        with open_store(where) as store:
            first = _save_seed(store, 20)
            monkeypatch.setenv("REFERAT_INDEX_BUDGET", "0")  # every document is over it
            slow = _save_seed(store, 22)
            [entry] = store.set_aside()
            assert entry.meeting_id == slow and "budget" in entry.reason
            monkeypatch.delenv("REFERAT_INDEX_BUDGET")
            assert [h.meeting_id for h in store.search(parse("budgetimplementering")).hits] == [first]
        with open_store(where) as store:
            store.reindex()
            assert store.set_aside() == []
            assert store.search(parse("budgetimplementering"), count=True).total == 2
