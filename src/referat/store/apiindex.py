"""The open API's object index: one row per OParl object a meeting yields, so API lists page in SQL.

The OParl API (``web/oparl.py``) serves meetings, agenda items, consultations
and files, all derived from one meeting each.  Building them for a whole archive
to page a list does not scale (300k items), so every save also writes, in the same
transaction, a row per object: its kind, its path below the API root, the body
and organization slugs, and for a consultation the case id (``ref``, which makes
the Paper).  A list page is then one indexed query plus the ``get`` of the few
meetings on the page; papers are ``GROUP BY ref``.  Persons and memberships come
from the people tables (``store.people``).  The path scheme lives here, once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from .. import canonical
from ..model import ImportedMeeting
from ..persons import slug

STEP = """
CREATE TABLE api_objects(
  meeting_id {id} NOT NULL REFERENCES meetings(id), seq INTEGER NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL,
  body TEXT NOT NULL, organization TEXT NOT NULL, ref TEXT);
CREATE INDEX api_objects_list ON api_objects(body, kind, meeting_id, seq);
CREATE INDEX api_objects_org ON api_objects(body, organization, kind, meeting_id);
CREATE INDEX api_objects_ref ON api_objects(body, ref) {ref_where};
CREATE INDEX api_objects_meeting ON api_objects(meeting_id);
CREATE INDEX documents_imported ON documents(imported_at, meeting_id)
"""
SQLITE_STEP = STEP.format(id="INTEGER", ref_where="WHERE ref IS NOT NULL")
POSTGRES_STEP = STEP.format(id="BIGINT", ref_where="WHERE ref IS NOT NULL")
STEP_DESCRIPTION = "open API object index (api_objects): OParl lists page in SQL"
#: SQLite only: covering indexes for the joins from meetings to their document and for the per-committee
#: aggregates (a SQLite row keeps its canonical JSON inline, so reading any later column of a meeting reads
#: the JSON; PostgreSQL keeps it out of line and has indexed documents by meeting since step 1)
SQLITE_STEP_5 = """
CREATE INDEX documents_meeting ON documents(meeting_id, imported_at);
CREATE INDEX meetings_committee ON meetings(municipality, committee, id, created_at);
CREATE INDEX meetings_id_times ON meetings(id, created_at, start)
"""
COLUMNS = "meeting_id, seq, kind, path, body, organization, ref"
#: what time filters join: the meeting's current document (modified) and the meeting (created)
_JOINS = "JOIN documents d ON d.meeting_id=a.meeting_id JOIN meetings m ON m.id=a.meeting_id"


def meeting_path(meeting_id: int) -> str:
    return f"meeting/{meeting_id}"


def item_path(meeting_id: int, position: int) -> str:
    return f"agendaitem/{meeting_id}/{position}"


def consultation_path(meeting_id: int, position: int, n: int) -> str:
    return f"consultation/{meeting_id}/{position}/{n}"


def source_path(meeting_id: int) -> str:
    return f"file/{meeting_id}"


def attachment_path(meeting_id: int, position: int, n: int) -> str:
    return f"file/{meeting_id}/{position}/{n}"


def paper_path(body: str, case: str) -> str:
    return f"paper/{body}/{quote(case, safe='')}"


def api_rows(meeting_id: int, record: ImportedMeeting) -> list[tuple[str, str, str | None]]:
    """(kind, path, ref) of every object the meeting yields, in API order.  Closed items are an
    AgendaItem only: no consultation, no paper, no file."""
    rows: list[tuple[str, str, str | None]] = [("meeting", meeting_path(meeting_id), None),
                                               ("file", source_path(meeting_id), None)]
    for item in record.meeting.items:
        rows.append(("agendaitem", item_path(meeting_id, item.position), None))
        if not item.public:
            continue
        for n, case in enumerate(item.case_ids, start=1):
            rows.append(("consultation", consultation_path(meeting_id, item.position, n), case.value))
        for n, att in enumerate(item.attachments, start=1):
            if att.public:
                rows.append(("file", attachment_path(meeting_id, item.position, n), None))
    return rows


def _iso(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


class ApiIndex:
    """Writes and pages the index through a DB-API connection or cursor (``?`` or ``%s`` style)."""

    def __init__(self, placeholder: str = "?", clean: Any = lambda s: s, sqlite: bool = True) -> None:
        self.ph = placeholder
        self.clean = clean
        self.sqlite = sqlite

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.ph)

    def time(self, value: datetime) -> Any:
        """A time as the backend compares it (SQLite keeps ISO text in UTC)."""
        value = value.astimezone(UTC)
        return value.isoformat(timespec="seconds") if self.sqlite else value

    def rows(self, meeting_id: int, record: ImportedMeeting) -> list[tuple[Any, ...]]:
        """The meeting's ``api_objects`` rows, in ``COLUMNS`` order."""
        m = record.meeting
        b, o = slug(m.municipality), slug(m.committee)
        return [(meeting_id, seq, kind, path, b, o, ref and self.clean(ref))
                for seq, (kind, path, ref) in enumerate(api_rows(meeting_id, record))]

    def replace(self, db: Any, meeting_id: int, record: ImportedMeeting) -> None:
        db.execute(self._sql("DELETE FROM api_objects WHERE meeting_id=?"), (meeting_id,))
        db.executemany(self._sql(f"INSERT INTO api_objects({COLUMNS}) VALUES(?,?,?,?,?,?,?)"),
                       self.rows(meeting_id, record))

    def backfill(self, db: Any) -> None:
        for meeting_id, payload in db.execute("SELECT id, canonical FROM meetings ORDER BY id").fetchall():
            self.replace(db, int(meeting_id), canonical.loads(payload))

    # -- reads ------------------------------------------------------------------------
    def _times(self, since: dict[str, datetime | None], params: list[Any], modified: str = "d.imported_at",
               created: str = "m.created_at") -> list[str]:
        conds = []
        for key, column, op in (("modified_since", modified, ">="), ("modified_until", modified, "<="),
                                ("created_since", created, ">="), ("created_until", created, "<=")):
            if since.get(key) is not None:
                conds.append(f"{column} {op} ?")
                params.append(self.time(since[key]))  # type: ignore[arg-type]
        return conds

    def page(self, db: Any, kind: str, body: str, organization: str | None, times: dict[str, datetime | None],
             limit: int, offset: int) -> tuple[int, list[tuple[str, int]]]:
        """(total, [(path, meeting id)]) of one list page, in meeting and API order."""
        params: list[Any] = [kind, body]
        conds = ["a.kind=?", "a.body=?"]
        if organization is not None:
            conds.append("a.organization=?")
            params.append(organization)
        timed = self._times(times, params)
        where = " AND ".join(conds + timed)
        frm = f"FROM api_objects a {_JOINS if timed else ''} WHERE {where}"
        total = int(db.execute(self._sql(f"SELECT count(*) {frm}"), params).fetchone()[0])
        rows = db.execute(self._sql(f"SELECT a.path, a.meeting_id {frm} ORDER BY a.meeting_id, a.seq LIMIT ? OFFSET ?"),
                          [*params, limit, offset]).fetchall()
        return total, [(r[0], int(r[1])) for r in rows]

    def papers(self, db: Any, body: str, times: dict[str, datetime | None], limit: int, offset: int
               ) -> tuple[int, list[str]]:
        """(total, case ids) of a body's papers, by case id."""
        params: list[Any] = []
        having = self._times(times, params, "max(d.imported_at)", "min(m.created_at)")
        frm = (f"FROM api_objects a {_JOINS if having else ''} WHERE a.body=? AND a.ref IS NOT NULL GROUP BY a.ref"
               f" {'HAVING ' + ' AND '.join(having) if having else ''}")
        args = [body, *params]
        total = int(db.execute(self._sql(f"SELECT count(*) FROM (SELECT a.ref {frm}) t"), args).fetchone()[0])
        rows = db.execute(self._sql(f"SELECT a.ref {frm} ORDER BY a.ref LIMIT ? OFFSET ?"),
                          [*args, limit, offset]).fetchall()
        return total, [r[0] for r in rows]

    def paper(self, db: Any, body: str, case: str) -> list[tuple[str, int]]:
        """(consultation path, meeting id) of every treatment of a case in a body, oldest meeting first."""
        rows = db.execute(self._sql(
            "SELECT a.path, a.meeting_id FROM api_objects a JOIN meetings m ON m.id=a.meeting_id WHERE a.body=?"
            " AND a.ref=? ORDER BY m.start, a.meeting_id, a.seq"), (body, self.clean(case))).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def bodies(self, db: Any) -> list[tuple[str, str, datetime | None, datetime | None]]:
        """(municipality, committee, modified, created) per committee of the archive."""
        rows = db.execute("SELECT m.municipality, m.committee, max(d.imported_at), min(m.created_at) FROM meetings m"
                          " JOIN documents d ON d.meeting_id=m.id GROUP BY m.municipality, m.committee").fetchall()
        return [(r[0], r[1], _iso(r[2]), _iso(r[3])) for r in rows]

    def meeting_time(self, db: Any, meeting_ids: list[int]) -> dict[int, tuple[datetime | None, datetime | None]]:
        """(modified, created) of some meetings."""
        if not meeting_ids:
            return {}
        marks = ",".join(self.ph for _ in meeting_ids)
        rows = db.execute(f"SELECT m.id, d.imported_at, m.created_at FROM meetings m JOIN documents d ON"
                          f" d.meeting_id=m.id WHERE m.id IN ({marks})", meeting_ids).fetchall()
        return {int(r[0]): (_iso(r[1]), _iso(r[2])) for r in rows}
