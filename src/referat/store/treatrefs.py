"""Printed treatments by the day they name: the reverse thread of an item's case history.

An item's page lists the treatments its own document prints ("Tidligere
behandling: Byrådet 27. august 2025, punkt 10", resolved by ``treatments``).  The
other direction matters as much: the Byråd item of 27 August should show that
Teknisk Udvalg treated the case again on 1 October, even when no case id ties
the two.  Finding that by reading every later meeting does not scale, so every
save also writes, in the same transaction, one row per dated treatment a public
item prints (municipality, the day, the printed body and item number); the item
page asks for the rows naming its meeting's day and keeps those whose body and
number fit (``treatments.body_matches``).  Closed items write no rows: what a
closed item prints stays closed.  Like the people tables, a replaced meeting's
rows are replaced with it; the SQL is the same on both backends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import canonical
from ..model import ImportedMeeting

STEP = """
CREATE TABLE treatment_refs(
  meeting_id {id} NOT NULL REFERENCES meetings(id), item_number TEXT NOT NULL, municipality TEXT NOT NULL,
  day TEXT NOT NULL, body TEXT, number TEXT);
CREATE INDEX treatment_refs_day ON treatment_refs(municipality, day);
CREATE INDEX treatment_refs_meeting ON treatment_refs(meeting_id)
"""
SQLITE_STEP = STEP.format(id="INTEGER")
POSTGRES_STEP = STEP.format(id="BIGINT")
STEP_DESCRIPTION = "printed treatments by the day they name (treatment_refs): later treatments on item pages"
COLUMNS = "meeting_id, item_number, municipality, day, body, number"


@dataclass(frozen=True)
class PrintedRef:
    """An item (``meeting_id``, ``item_number``) printing a treatment by ``body`` (item ``number``) that day."""

    meeting_id: int
    item_number: str
    body: str | None
    number: str | None


class TreatmentRefs:
    def __init__(self, placeholder: str = "?", clean: Callable[[str], str] = lambda s: s) -> None:
        self.ph = placeholder
        self.clean = clean

    def rows(self, meeting_id: int, record: ImportedMeeting) -> list[tuple[Any, ...]]:
        """One row per dated treatment a public item prints, in ``COLUMNS`` order, without repeats."""
        c = self.clean
        municipality = c(record.meeting.municipality)
        out: dict[tuple[Any, ...], None] = {}
        for item in record.meeting.items:
            if not item.public:
                continue
            for t in item.previous_treatments + item.case_history:
                if t.date is not None:
                    day = t.date.isoformat() if isinstance(t.date, date) else str(t.date)
                    out[(meeting_id, c(item.number), municipality, day, t.body and c(t.body),
                         t.item_number and c(t.item_number))] = None
        return list(out)

    def write(self, db: Any, meeting_id: int, record: ImportedMeeting) -> None:
        rows = self.rows(meeting_id, record)
        if rows:
            db.executemany(self._sql(f"INSERT INTO treatment_refs({COLUMNS}) VALUES(?,?,?,?,?,?)"), rows)

    def replace(self, db: Any, meeting_id: int, record: ImportedMeeting) -> None:
        db.execute(self._sql("DELETE FROM treatment_refs WHERE meeting_id=?"), (meeting_id,))
        self.write(db, meeting_id, record)

    def backfill(self, db: Any) -> None:
        """Migration: the rows of every meeting already stored."""
        for meeting_id, payload in db.execute("SELECT id, canonical FROM meetings ORDER BY id").fetchall():
            self.write(db, int(meeting_id), canonical.loads(payload))

    def naming(self, db: Any, municipality: str, day: date) -> list[PrintedRef]:
        """The items that print a treatment in ``municipality`` on ``day``, by meeting and item."""
        rows = db.execute(self._sql("SELECT meeting_id, item_number, body, number FROM treatment_refs"
                                    " WHERE municipality=? AND day=? ORDER BY meeting_id, item_number"),
                          (self.clean(municipality), day.isoformat())).fetchall()
        return [PrintedRef(int(r[0]), r[1], r[2], r[3]) for r in rows]

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.ph)
