"""PostgreSQL bulk import writes the read models (participants, person mentions, API objects) set-based per
batch (``pgwrite.write_read_models``): the rows must be exactly those of saving the records one by one,
a replaced meeting's old rows gone in the same batch."""

from __future__ import annotations

import copy

import psycopg

from referat.parse import importer
from referat.store import open_store
from referat.synth import national, vocabulary_from

from .backends import pg_schema
from .conftest import real_documents
from .test_store import SEED, changed_version

TABLES = {"participants": "meeting_id, person_key, name, party, role, present, note, municipality, committee,"
                          " start, kind",
          "person_mentions": "meeting_id, person_key, name, party, item_number, item_title, kind, text,"
                             " municipality, committee, start",
          "api_objects": "meeting_id, seq, kind, path, body, organization, ref",
          "meetings": "id, key, (created_at IS NOT NULL)"}


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    with psycopg.connect(url) as conn:
        return {t: sorted(conn.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in TABLES.items()}


def _fewer_people(record):
    """The same meeting re-published without its last participant (a new document, so it replaces)."""
    out = copy.deepcopy(record)
    out.meeting.participants = out.meeting.participants[:-1]
    out.document.sha256 = "f" * 64
    return out


def test_bulk_batch_writes_the_read_model_rows_of_one_by_one_saves():
    synthetic = list(national(vocabulary_from(real_documents()), 120))
    with_people = next(r for r in synthetic[1:] if r.meeting.participants)
    first = [importer.parse_file(SEED), *synthetic]
    more = list(national(vocabulary_from(real_documents()), 160))[len(synthetic):]
    second = [changed_version(None), _fewer_people(with_people), synthetic[0], *more]
    with pg_schema() as bulk, pg_schema() as single:
        with open_store(bulk) as store:
            results = store.save_many(first)
            assert {r.status for r in results} == {"new"}
            before = _rows(bulk)
            statuses = [r.status for r in store.save_many(second)]
        assert statuses[:3] == ["replaced", "replaced", "unchanged"] and set(statuses[3:]) == {"new"}
        with open_store(single) as store:
            for record in first + second:
                store.save(record)
        got, want = _rows(bulk), _rows(single)
        assert all(want[t] for t in TABLES), "the records must yield rows in every table"
        assert got == want
        replaced = results[first.index(with_people)].meeting_id
        assert (len([p for p in got["participants"] if p[0] == replaced])
                < len([p for p in before["participants"] if p[0] == replaced]))
