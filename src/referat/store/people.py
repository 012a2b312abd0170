"""The people read model both stores keep: participants and person mentions per meeting, and creation times.

Person and committee pages (and the open API's Person and Membership) must not
read every meeting's JSON.  So every save also writes, in the same transaction,
one ``participants`` row per listed person and one ``person_mentions`` row per
person absent from or dissenting in a public item (see ``referat.persons``); a
replaced meeting's rows are replaced with it.  Reads count a meeting imported in
several formats once (``persons.one_per_meeting``).  ``meetings.created_at`` records when
a meeting was first imported and survives replacements (the open API's
``created_since``).  The SQL is the same on SQLite and PostgreSQL apart from the
placeholder and a few types, so it lives here once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .. import canonical
from ..model import ImportedMeeting
from ..persons import Attendance, Mention, meeting_people, one_per_item, one_per_meeting
from .apiindex import COLUMNS as API_COLUMNS
from .apiindex import ApiIndex
from .treatrefs import COLUMNS as REF_COLUMNS
from .treatrefs import PrintedRef, TreatmentRefs

_TABLES = """
CREATE TABLE participants(
  meeting_id {id} NOT NULL REFERENCES meetings(id), person_key TEXT NOT NULL, name TEXT NOT NULL, party TEXT,
  role TEXT, present {bool} NOT NULL, note TEXT, municipality TEXT NOT NULL, committee TEXT NOT NULL, start TEXT,
  kind TEXT NOT NULL);
CREATE INDEX participants_person ON participants(person_key, start);
CREATE INDEX participants_meeting ON participants(meeting_id);
CREATE INDEX participants_committee ON participants(municipality, committee, start);
CREATE TABLE person_mentions(
  meeting_id {id} NOT NULL REFERENCES meetings(id), person_key TEXT NOT NULL, name TEXT NOT NULL, party TEXT,
  item_number TEXT NOT NULL, item_title TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
  municipality TEXT NOT NULL, committee TEXT NOT NULL, start TEXT);
CREATE INDEX person_mentions_person ON person_mentions(person_key, start);
CREATE INDEX person_mentions_meeting ON person_mentions(meeting_id);
ALTER TABLE meetings ADD COLUMN created_at {time};
UPDATE meetings SET created_at = (SELECT min(d.imported_at) FROM documents d WHERE d.meeting_id = meetings.id);
CREATE INDEX meetings_created ON meetings(created_at, id);
"""
SQLITE_STEP = _TABLES.format(id="INTEGER", bool="INTEGER", time="TEXT")
POSTGRES_STEP = _TABLES.format(id="BIGINT", bool="BOOLEAN", time="TIMESTAMPTZ") + \
    "ALTER TABLE meetings ALTER COLUMN created_at SET DEFAULT now();\n"
STEP_DESCRIPTION = "participants and person mentions (person and committee pages), meetings.created_at"

PARTICIPANT_COLUMNS = "meeting_id, person_key, name, party, role, present, note, municipality, committee, start, kind"
MENTION_COLUMNS = ("meeting_id, person_key, name, party, item_number, item_title, kind, text, municipality,"
                   " committee, start")
#: meetings' creation times, if not yet set: their first document's import time (``where`` picks the meetings)
CREATED_AT = ("UPDATE meetings SET created_at=(SELECT min(d.imported_at) FROM documents d WHERE"
              " d.meeting_id=meetings.id) WHERE {where} AND created_at IS NULL")

#: the tables a saved meeting's read-model rows go to (replaced with the meeting)
READ_MODELS = ("participants", "person_mentions", "api_objects", "treatment_refs")

_ATTENDANCE = ("SELECT p.meeting_id, p.municipality, p.committee, p.start, p.kind, p.person_key, p.name, p.party,"
               " p.role, p.present, p.note FROM participants p")
_MENTIONS = ("SELECT meeting_id, municipality, committee, start, person_key, name, party, item_number, item_title,"
             " kind, text FROM person_mentions")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class PeopleTables:
    """Writes and reads the people tables through a DB-API connection or cursor (``?`` or ``%s`` style)."""

    def __init__(self, placeholder: str = "?", clean: Callable[[str], str] = lambda s: s) -> None:
        self.ph = placeholder
        self.clean = clean  # PostgreSQL text cannot hold NUL
        self.api = ApiIndex(placeholder, clean, sqlite=placeholder == "?")  # the open API's object index
        self.refs = TreatmentRefs(placeholder, clean)  # printed treatments by the day they name

    def replace(self, db: Any, meeting_id: int, record: ImportedMeeting) -> None:
        """In a save's transaction: the meeting's rows here and in the API index (old ones replaced) and,
        if the meeting is new, its creation time."""
        self.delete(db, meeting_id)
        self.write(db, meeting_id, record)
        self.api.replace(db, meeting_id, record)
        self.refs.replace(db, meeting_id, record)
        # the first document's import time, exactly (never after the meeting's first ``modified``)
        db.execute(self._sql(CREATED_AT.format(where="id=?")), (meeting_id,))

    def batch_rows(self, saved: list[tuple[int, ImportedMeeting]]) -> list[tuple[str, str, list[tuple]]]:
        """(table, columns, rows) of the participants, person mentions and API objects of a batch of saved
        meetings: what both backends' bulk writes insert (SQLite by ``executemany``, PostgreSQL by COPY)."""
        participants: list[tuple] = []
        mentions: list[tuple] = []
        objects: list[tuple] = []
        refs: list[tuple] = []
        for meeting_id, record in saved:
            people, mentioned = self.rows(meeting_id, record)
            participants.extend(people)
            mentions.extend(mentioned)
            objects.extend(self.api.rows(meeting_id, record))
            refs.extend(self.refs.rows(meeting_id, record))
        return [("participants", PARTICIPANT_COLUMNS, participants), ("person_mentions", MENTION_COLUMNS, mentions),
                ("api_objects", API_COLUMNS, objects), ("treatment_refs", REF_COLUMNS, refs)]

    def replace_many(self, db: Any, saved: list[tuple[int, ImportedMeeting]], replaced: list[int]) -> None:
        """``replace`` for a batch of meetings (SQLite bulk import): the replaced meetings' old rows deleted,
        every saved meeting's rows inserted, creation times set, one ``executemany`` per table and step."""
        gone = [(meeting_id,) for meeting_id in replaced]
        if gone:
            for table in READ_MODELS:
                db.executemany(self._sql(f"DELETE FROM {table} WHERE meeting_id=?"), gone)
        for table, columns, rows in self.batch_rows(saved):
            if rows:
                marks = ",".join("?" * len(rows[0]))
                db.executemany(self._sql(f"INSERT INTO {table}({columns}) VALUES({marks})"), rows)
        db.executemany(self._sql(CREATED_AT.format(where="id=?")), [(meeting_id,) for meeting_id, _ in saved])

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.ph)

    def delete(self, db: Any, meeting_id: int) -> None:
        db.execute(self._sql("DELETE FROM participants WHERE meeting_id=?"), (meeting_id,))
        db.execute(self._sql("DELETE FROM person_mentions WHERE meeting_id=?"), (meeting_id,))

    def rows(self, meeting_id: int, record: ImportedMeeting) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(participants rows, person_mentions rows) of one meeting, in ``PARTICIPANT_COLUMNS`` and
        ``MENTION_COLUMNS`` order (``write`` inserts them; PostgreSQL bulk import copies them)."""
        m = record.meeting
        people, mentions = meeting_people(record)
        start = m.start.isoformat() if m.start else None
        c = self.clean
        where = (c(m.municipality), c(m.committee), start)
        return ([(meeting_id, c(p.person_key), c(p.name), p.party and c(p.party), p.role and c(p.role), p.present,
                  p.note and c(p.note), *where, m.kind) for p in people],
                [(meeting_id, c(r.person_key), c(r.name), r.party and c(r.party), c(r.item_number),
                  c(r.item_title), r.kind, c(r.text), *where) for r in mentions])

    def write(self, db: Any, meeting_id: int, record: ImportedMeeting) -> None:
        """The rows of one meeting (call ``delete`` first when the meeting is replaced)."""
        people, mentions = self.rows(meeting_id, record)
        if people:
            db.executemany(self._sql(f"INSERT INTO participants({PARTICIPANT_COLUMNS}) VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
                           people)
        if mentions:
            db.executemany(self._sql(f"INSERT INTO person_mentions({MENTION_COLUMNS}) VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
                           mentions)

    def backfill(self, db: Any) -> None:
        """Migration: the rows of every meeting already stored."""
        for meeting_id, payload in db.execute("SELECT id, canonical FROM meetings ORDER BY id").fetchall():
            self.write(db, int(meeting_id), canonical.loads(payload))

    # -- reads ------------------------------------------------------------------------------
    @staticmethod
    def _attendance(rows: list[Any]) -> list[Attendance]:
        """Rows as ``Attendance``, a meeting imported in several formats once (``persons.one_per_meeting``)."""
        return one_per_meeting([Attendance(int(r[0]), r[1], r[2], _time(r[3]), r[4], r[5], r[6], r[7], r[8],
                                           bool(r[9]), r[10]) for r in rows])

    def created(self, db: Any) -> dict[int, datetime]:
        """When each meeting was first imported (kept across replacements), by meeting id."""
        rows = db.execute("SELECT id, created_at FROM meetings WHERE created_at IS NOT NULL").fetchall()
        return {int(r[0]): r[1] if isinstance(r[1], datetime) else datetime.fromisoformat(r[1]) for r in rows}

    def attendance(self, db: Any, person_key: str) -> list[Attendance]:
        """Every meeting a person was listed for, oldest first."""
        return self._attendance(db.execute(self._sql(
            _ATTENDANCE + " WHERE p.person_key=? ORDER BY p.start, p.meeting_id"), (person_key,)).fetchall())

    def attendance_of(self, db: Any, person_keys: list[str]) -> list[Attendance]:
        """Every meeting any of ``person_keys`` was listed for, oldest first, in one query."""
        if not person_keys:
            return []
        marks = ",".join("?" * len(person_keys))
        return self._attendance(db.execute(self._sql(
            _ATTENDANCE + f" WHERE p.person_key IN ({marks}) ORDER BY p.start, p.meeting_id"),
            tuple(person_keys)).fetchall())

    def committee_attendance(self, db: Any, municipality: str, committee: str) -> list[Attendance]:
        """Every participant row of one committee's meetings, oldest first."""
        return self._attendance(db.execute(self._sql(
            _ATTENDANCE + " WHERE p.municipality=? AND p.committee=? ORDER BY p.start, p.meeting_id"),
            (municipality, committee)).fetchall())

    def mentions(self, db: Any, person_key: str) -> list[Mention]:
        rows = db.execute(self._sql(_MENTIONS + " WHERE person_key=? ORDER BY start, meeting_id, item_number"),
                          (person_key,)).fetchall()
        return one_per_item([Mention(int(r[0]), r[1], r[2], _time(r[3]), *r[4:]) for r in rows])

    def persons_page(self, db: Any, body: str, having: list[str], params: list[Any], limit: int, offset: int
                     ) -> tuple[int, list[str]]:
        """(total, person keys) of a body's persons (``body`` is the municipality slug), by key; ``having``
        filters on ``max(d.imported_at)`` / ``min(m.created_at)`` of their meetings."""
        return self._grouped(db, "p.person_key", body, having, params, limit, offset)

    def memberships_page(self, db: Any, body: str, having: list[str], params: list[Any], limit: int, offset: int
                         ) -> tuple[int, list[tuple[str, str]]]:
        """(total, (person key, committee)) of a body's memberships."""
        return self._grouped(db, "p.person_key, p.committee", body, having, params, limit, offset)

    def _grouped(self, db: Any, columns: str, body: str, having: list[str], params: list[Any], limit: int,
                 offset: int) -> tuple[int, list[Any]]:
        joins = "JOIN documents d ON d.meeting_id=p.meeting_id JOIN meetings m ON m.id=p.meeting_id" if having else ""
        frm = (f"FROM participants p {joins} WHERE p.person_key >= ? AND p.person_key < ? GROUP BY {columns}"
               f" {'HAVING ' + ' AND '.join(having) if having else ''}")
        args = [body + "/", body + "0", *params]
        total = int(db.execute(self._sql(f"SELECT count(*) FROM (SELECT {columns} {frm}) t"), args).fetchone()[0])
        rows = db.execute(self._sql(f"SELECT {columns} {frm} ORDER BY {columns} LIMIT ? OFFSET ?"),
                          [*args, limit, offset]).fetchall()
        return total, [r[0] if len(r) == 1 else tuple(r) for r in rows]

    def committee_members(self, db: Any, municipality: str, committee: str) -> list[str]:
        """The person keys ever listed for a committee."""
        rows = db.execute(self._sql("SELECT DISTINCT person_key FROM participants WHERE municipality=? AND"
                                    " committee=? ORDER BY person_key"), (municipality, committee)).fetchall()
        return [r[0] for r in rows]

    def latest_listed(self, db: Any, committees: set[tuple[str, str]]) -> dict[tuple[str, str], datetime | None]:
        """The newest meeting with a participant list, per (municipality, committee)."""
        out = {}
        for municipality, committee in committees:
            row = db.execute(self._sql("SELECT max(start) FROM participants WHERE municipality=? AND committee=?"),
                             (municipality, committee)).fetchone()
            out[(municipality, committee)] = _time(row[0]) if row else None
        return out


class PeopleReads:
    """The people reads of a store (mixed into ``Store``); a backend provides ``_people()``."""

    def _people(self) -> tuple[Any, PeopleTables]:
        raise NotImplementedError("this store keeps no people tables")

    def person_attendance(self, person_key: str) -> list[Attendance]:
        db, t = self._people()
        return t.attendance(db, t.clean(person_key))

    def people_attendance(self, person_keys: list[str]) -> list[Attendance]:
        """``person_attendance`` of several people at once (the portal's offer of the people a query names)."""
        db, t = self._people()
        return t.attendance_of(db, [t.clean(k) for k in person_keys[:200]])

    def person_mentions(self, person_key: str) -> list[Mention]:
        db, t = self._people()
        return t.mentions(db, t.clean(person_key))

    def committee_attendance(self, municipality: str, committee: str) -> list[Attendance]:
        db, t = self._people()
        return t.committee_attendance(db, t.clean(municipality), t.clean(committee))

    def latest_listed(self, committees: set[tuple[str, str]]) -> dict[tuple[str, str], datetime | None]:
        db, t = self._people()
        return t.latest_listed(db, {(t.clean(a), t.clean(b)) for a, b in committees})

    def meeting_created(self) -> dict[int, datetime]:
        """When each meeting was first imported (UTC), by id: the open API's ``created`` and ``created_since``."""
        db, t = self._people()
        return t.created(db)

    # -- the open API's reads (web/api.py): lists paged in SQL ----------------------------------
    def api_page(self, kind: str, body: str, organization: str | None, times: dict[str, datetime | None],
                 limit: int, offset: int) -> tuple[int, list[tuple[str, int]]]:
        db, t = self._people()
        return t.api.page(db, kind, body, organization, times, limit, offset)

    def api_papers(self, body: str, times: dict[str, datetime | None], limit: int, offset: int
                   ) -> tuple[int, list[str]]:
        db, t = self._people()
        return t.api.papers(db, body, times, limit, offset)

    def api_paper(self, body: str, case: str) -> list[tuple[str, int]]:
        db, t = self._people()
        return t.api.paper(db, body, case)

    def api_committees(self) -> list[tuple[str, str, datetime | None, datetime | None]]:
        """(municipality, committee, modified, created) of every committee."""
        db, t = self._people()
        return t.api.bodies(db)

    def api_meeting_times(self, meeting_ids: list[int]) -> dict[int, tuple[datetime | None, datetime | None]]:
        db, t = self._people()
        return t.api.meeting_time(db, meeting_ids)

    def api_people(self, body: str, times: dict[str, datetime | None], limit: int, offset: int, *,
                   memberships: bool = False) -> tuple[int, list[Any]]:
        """A body's persons (keys) or memberships ((key, committee)), paged, with the list time filters."""
        db, t = self._people()
        params: list[Any] = []
        having = t.api._times(times, params, "max(d.imported_at)", "min(m.created_at)")
        page = t.memberships_page if memberships else t.persons_page
        return page(db, body, having, params, limit, offset)

    def printed_refs(self, municipality: str, day: date) -> list[PrintedRef]:
        """The public items printing a treatment in ``municipality`` on ``day`` (``store.treatrefs``)."""
        db, t = self._people()
        return t.refs.naming(db, municipality, day)

    def committee_member_keys(self, municipality: str, committee: str) -> list[str]:
        db, t = self._people()
        return t.committee_members(db, t.clean(municipality), t.clean(committee))
