"""A meeting's documents: every imported document attaches to its meeting as a source; the best one is current.

Why: a meeting is one thing across its documents.  The Ballerup 2012 minutes PDF and its eDoc XML, or a
council's agenda and later minutes, used to be two meetings (the store's key named kind and format).  The
key is now municipality, committee (case-folded) and start (``meeting_key``); each document of the meeting
is a row of ``sources`` (kind, format, SHA-256, size, pages, importer), and the meeting's items come from
the *current* one, chosen by ``supersedes``: minutes over agenda; of two formats of the same kind the
richer structure (more items, sections and decisions), the one already current on a tie; a new version of
the same kind and format replaces the old version (whose row and bytes go).  The ``documents`` table keeps
holding exactly the current document of each meeting (every read that joins it stays as it was); the
meeting's items remember their source as that current document.

``merge`` is the schema step that brings an archive made with the old identity here: it lists every
stored document as a source and folds meetings with the same new key into one (the one holding the best
document keeps its id, items and read models; the others' documents are listed on it and the rest of
them is deleted, and taken out of the search index).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import canonical
from ..model import ImportedMeeting

STEP_DESCRIPTION = ("a meeting is one across its documents: sources table (kind, format, hash, size, pages,"
                    " importer; the current one gives the items), meetings keyed without kind and format,"
                    " duplicates merged")
SQLITE_STEP = """
CREATE TABLE IF NOT EXISTS sources(
  sha256 TEXT PRIMARY KEY, meeting_id INTEGER NOT NULL REFERENCES meetings(id), kind TEXT NOT NULL,
  format TEXT NOT NULL, source_name TEXT NOT NULL, importer TEXT NOT NULL, importer_version TEXT NOT NULL,
  pages INTEGER, size INTEGER NOT NULL, richness INTEGER NOT NULL, current INTEGER NOT NULL,
  imported_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sources_meeting ON sources(meeting_id)
"""
POSTGRES_STEP = """
CREATE TABLE sources(
  sha256 TEXT PRIMARY KEY, meeting_id BIGINT NOT NULL REFERENCES meetings(id), kind TEXT NOT NULL,
  format TEXT NOT NULL, source_name TEXT NOT NULL, importer TEXT NOT NULL, importer_version TEXT NOT NULL,
  pages INTEGER, size BIGINT NOT NULL, richness INTEGER NOT NULL, current INTEGER NOT NULL,
  imported_at TEXT NOT NULL);
CREATE INDEX sources_meeting ON sources(meeting_id)
"""
COLUMNS = ("sha256, meeting_id, kind, format, source_name, importer, importer_version, pages, size, richness,"
           " current, imported_at")

#: minutes (and supplementary minutes) over agendas; kinds of equal rank compete on structure
KIND_RANK = {"referat": 2, "tillægsreferat": 2, "dagsorden": 1, "tillægsdagsorden": 1}


def meeting_key(record: ImportedMeeting) -> str:
    """A meeting's identity across its documents: municipality, committee (case-folded), start (date, and
    time where known); neither the document's kind nor its format."""
    m = record.meeting
    start = m.start.isoformat() if m.start else "?"
    return "|".join([m.municipality, m.committee.casefold(), start])


def richness(record: ImportedMeeting) -> int:
    """How much structure a document gave: items, their sections and decisions."""
    return sum(1 + len(item.sections) + len(item.decisions) for item in record.meeting.items)


@dataclass(frozen=True)
class Candidate:
    """What ``supersedes`` compares of a document."""

    kind: str
    format: str
    richness: int

    @classmethod
    def of(cls, record: ImportedMeeting) -> Candidate:
        return cls(record.meeting.kind, record.document.format, richness(record))


def supersedes(new: Candidate, current: Candidate) -> bool:
    """Does the document ``new`` give the meeting's items instead of ``current``?"""
    rank_new, rank_current = KIND_RANK.get(new.kind, 0), KIND_RANK.get(current.kind, 0)
    if rank_new != rank_current:
        return rank_new > rank_current
    if new.kind == current.kind and new.format == current.format:
        return True  # a later version of the same document
    return new.richness > current.richness


def row(record: ImportedMeeting, meeting_id: int, current: bool, imported_at: str) -> tuple[Any, ...]:
    """The ``sources`` row of ``record`` in ``COLUMNS`` order."""
    doc = record.document
    return (doc.sha256, meeting_id, record.meeting.kind, doc.format, doc.source_name.replace("\x00", ""),
            doc.importer, doc.importer_version, doc.pages, doc.size, richness(record), int(current), imported_at)


Run = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


class Sources:
    """The ``sources`` statements, for either backend (``ph``: the driver's placeholder)."""

    def __init__(self, run: Run, ph: str = "?") -> None:
        self._run, self.ph = run, ph

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._run(sql.replace("?", self.ph), params)

    def meeting_of(self, sha256: str) -> int | None:
        rows = self.run("SELECT meeting_id FROM sources WHERE sha256=?", (sha256,))
        return int(rows[0][0]) if rows else None

    def current(self, meeting_id: int) -> Candidate | None:
        rows = self.run("SELECT kind, format, richness FROM sources WHERE meeting_id=? AND current=1", (meeting_id,))
        return Candidate(rows[0][0], rows[0][1], int(rows[0][2])) if rows else None

    def drop_versions(self, meeting_id: int, kind: str, format: str) -> list[str]:
        """Forget the meeting's earlier versions of a document of this kind and format (the caller drops
        their bytes); returns their hashes."""
        rows = self.run("DELETE FROM sources WHERE meeting_id=? AND kind=? AND format=? RETURNING sha256",
                        (meeting_id, kind, format))
        return [str(r[0]) for r in rows]

    def drop_versions_flagged(self, meeting_id: int, kind: str, format: str) -> list[tuple[str, bool]]:
        """``drop_versions`` with, for each hash, whether it was the meeting's current document (whose
        bytes a caller may already drop together with its ``documents`` row)."""
        rows = self.run("DELETE FROM sources WHERE meeting_id=? AND kind=? AND format=? RETURNING sha256, current",
                        (meeting_id, kind, format))
        return [(str(r[0]), bool(r[1])) for r in rows]

    def attach(self, record: ImportedMeeting, meeting_id: int, current: bool, imported_at: str) -> None:
        if current:
            self.run("UPDATE sources SET current=0 WHERE meeting_id=? AND current=1", (meeting_id,))
        marks = ",".join("?" * 12)
        self.run(f"INSERT INTO sources({COLUMNS}) VALUES({marks})", row(record, meeting_id, current, imported_at))

    def listed(self, meeting_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """Each meeting's documents, current first, then as imported."""
        out: dict[int, list[dict[str, Any]]] = {m: [] for m in meeting_ids}
        if not meeting_ids:
            return out
        marks = ",".join("?" * len(meeting_ids))
        for r in self.run("SELECT meeting_id, sha256, kind, format, source_name, importer, pages, size, current,"
                          f" imported_at FROM sources WHERE meeting_id IN ({marks})"
                          " ORDER BY meeting_id, current DESC, imported_at, sha256", list(meeting_ids)):
            out[int(r[0])].append({"sha256": r[1], "kind": r[2], "format": r[3], "source_name": r[4],
                                   "importer": r[5], "pages": r[6], "size": int(r[7]), "current": bool(r[8]),
                                   "imported_at": str(r[9])})
        return out


# -- the migration step --------------------------------------------------------------------------------
#: every table holding rows of one meeting that a merged-away meeting leaves behind (items go by hand)
MEETING_TABLES = ("participants", "person_mentions", "api_objects", "treatment_refs", "documents",
                  "index_aside")


def merge(src: Sources, requeue: Callable[[int], None]) -> int:
    """List every stored document as its meeting's source and fold meetings with the same identity into
    one; ``requeue`` has the search index take a merged-away meeting's items out.  Returns the meetings
    merged away."""
    docs = src.run("SELECT m.id, m.canonical, d.sha256, d.imported_at FROM meetings m JOIN documents d ON"
                   " d.meeting_id=m.id ORDER BY d.imported_at, m.id")
    groups: dict[str, list[tuple[int, Candidate]]] = {}
    for meeting_id, payload, sha256, imported_at in docs:
        record = canonical.loads(payload)
        record.document.sha256 = str(sha256)
        marks = ",".join("?" * 12)  # (a step run again keeps the rows it finds)
        src.run(f"INSERT INTO sources({COLUMNS}) VALUES({marks}) ON CONFLICT(sha256) DO NOTHING",
                row(record, int(meeting_id), True, str(imported_at)))
        groups.setdefault(meeting_key(record), []).append((int(meeting_id), Candidate.of(record)))
    merged = 0
    for key, members in groups.items():
        winner, best = members[0]
        for meeting_id, candidate in members[1:]:
            if supersedes(candidate, best):
                winner, best = meeting_id, candidate
        for meeting_id, _ in members:
            if meeting_id != winner:
                _fold(src, meeting_id, winner)
                requeue(meeting_id)
                merged += 1
        src.run("UPDATE meetings SET key=? WHERE id=?", (key, winner))
    return merged


def _fold(src: Sources, loser: int, winner: int) -> None:
    """Meeting ``loser``'s documents listed on ``winner``, everything else of it deleted."""
    src.run("UPDATE sources SET meeting_id=?, current=0 WHERE meeting_id=?", (winner, loser))
    src.run("DELETE FROM item_cases WHERE item_id IN (SELECT id FROM items WHERE meeting_id=?)", (loser,))
    src.run("DELETE FROM items WHERE meeting_id=?", (loser,))
    for table in MEETING_TABLES:
        src.run(f"DELETE FROM {table} WHERE meeting_id=?", (loser,))
    src.run("UPDATE harvest_seen SET meeting_id=? WHERE meeting_id=?", (winner, loser))
    src.run("DELETE FROM meetings WHERE id=?", (loser,))
