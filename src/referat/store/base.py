"""The store interface every backend implements (SQLite and PostgreSQL).

Callers (CLI, web, benchmarks) only see this: save an imported meeting
atomically and idempotently, read meetings back as model objects, list them,
and search items.  Backends differ in SQL, never in behaviour; the contract
tests in ``tests/test_store.py`` hold every backend to the same rules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from ..errors import NotFound
from ..model import ImportedMeeting
from ..search.index import IndexFilters
from ..search.query import Query
from .migrations import MigrationReport
from .people import PeopleReads
from .sources import meeting_key  # noqa: F401 - (the identity lives with the documents)

if TYPE_CHECKING:
    from ..search.facets import Facets
    from ..search.index import SearchIndex
    from .aside import SetAside
    from .attachments import StoredAttachment
    from .harvestdb import Tx


T = TypeVar("T")


@dataclass(frozen=True)
class SaveResult:
    meeting_id: int
    status: str  # "new" | "unchanged" | "replaced" | "attached" (a document listed, the items kept)


@dataclass(frozen=True)
class SourceFile:
    """A stored source file (``store.blobs``): its bytes and the meeting whose current document it is."""

    sha256: str
    meeting_id: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    municipality: str
    committee: str
    kind: str
    start: datetime | None
    items: int
    source_name: str
    format: str


@dataclass(frozen=True)
class CommitteeSummary:
    """A committee as the archive knows it: how many meetings it has and when the newest was held."""

    municipality: str
    committee: str
    meetings: int
    latest: datetime | None


@dataclass(frozen=True)
class SearchFilters:
    municipality: str | None = None
    committee: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    outcome: str | None = None
    case_prefix: str | None = None
    kle: str | None = None  # KLE subject group, e.g. "00.01" (see ``referat.vocab.kle``)
    person: str | None = None  # a participant as the ``person`` facet shows them, e.g. "Anja Holtze (A)"


@dataclass(frozen=True)
class ItemRef:
    """What every list of items shows of one item: where it stands and what became of it."""

    item_id: int
    meeting_id: int
    municipality: str
    committee: str
    start: datetime | None
    number: str
    title: str
    outcome: str | None
    public: bool


@dataclass(frozen=True)
class Hit(ItemRef):
    score: float
    snippet: str


@dataclass(frozen=True)
class CaseItem(ItemRef):
    """An item that carries a given case id: one treatment of the case (case history across meetings)."""

    case_id: str


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int | None = None


def index_filters(f: SearchFilters) -> IndexFilters:
    """The store's filters as the search index takes them."""
    return IndexFilters(
        municipality=f.municipality, committee=f.committee, outcome=f.outcome, case_prefix=f.case_prefix,
        kle=f.kle, person=f.person,
        day_from=int(f.date_from.strftime("%Y%m%d")) if f.date_from else None,
        day_to=int(f.date_to.strftime("%Y%m%d")) if f.date_to else None)


class Store(PeopleReads, ABC):
    #: when False, ``save`` only queues index updates and ``flush`` applies them (bulk imports)
    autoflush: bool = True

    #: can threads read at once (each through a connection of its own)?  Else callers take turns (the portal's
    #: lock)
    concurrent_reads: bool = False

    #: the schema migrations applied when the store was opened (``referat migrate`` prints it)
    migration: MigrationReport | None = None

    @abstractmethod
    def save(self, record: ImportedMeeting, *, meeting_id: int | None = None) -> SaveResult:
        """Store one imported document (with its source bytes when ``record.source`` has them, see
        ``store.blobs``); ``meeting_id`` asks for that id if the meeting is new (``referat copy`` keeps ids
        stable between archives)."""

    def save_many(self, records: Iterable[ImportedMeeting]) -> list[SaveResult]:
        """Store many documents (bulk import); each is saved as by ``save``.  Backends may do it faster
        (PostgreSQL: one transaction); a failure may leave any prefix of ``records`` saved, never half a meeting."""
        return [self.save(record) for record in records]

    def transact(self, work: Callable[[Tx, Callable[[ImportedMeeting], SaveResult]], T]) -> T:
        """Run ``work`` in one write transaction and return what it returns: it gets the transaction
        (``store.harvestdb.Tx``, for the harvester's state tables) and a ``save`` that stores a record
        in it as ``save`` does.  Everything ``work`` wrote commits together or not at all."""
        raise NotImplementedError(f"{type(self).__name__} has no transactions for the harvester")

    @abstractmethod
    def flush(self) -> int: ...

    @abstractmethod
    def get(self, meeting_id: int) -> ImportedMeeting: ...

    @abstractmethod
    def meetings(self) -> list[MeetingSummary]: ...

    @abstractmethod
    def search(self, query: Query, filters: SearchFilters = SearchFilters(), *, limit: int = 20,
               offset: int = 0, count: bool = False, sort: str = "relevance") -> SearchResult: ...

    @abstractmethod
    def item_id(self, meeting_id: int, number: str) -> int: ...

    @abstractmethod
    def close(self) -> None: ...

    def source(self, sha256: str) -> SourceFile:
        """The original bytes of a current document (``ImportedMeeting.source`` when it was saved);
        raises NotFound when the store has none (unknown hash, replaced version, a record saved without bytes)."""
        raise NotFound(f"no source file {sha256}")

    def attachments(self, meeting_id: int) -> list[StoredAttachment]:
        """The meeting's stored files (``store.attachments``: its attachments and per-item documents)."""
        return []

    def meeting_documents(self, meeting_ids: list[int]) -> dict[int, list[dict[str, object]]]:
        """Each meeting's documents (``store.sources``: sha256, kind, format, source_name, importer, pages,
        size, current, imported_at), the current one (that gave the items) first."""
        return {meeting_id: [] for meeting_id in meeting_ids}

    def has_source(self, sha256: str) -> bool:
        """Whether ``source(sha256)`` has bytes to give, without reading them."""
        return False

    # -- reads with default implementations on the methods above (backends may override with SQL) --
    def recent_meetings(self, limit: int = 20, offset: int = 0, *, municipality: str | None = None,
                        committee: str | None = None) -> list[MeetingSummary]:
        """Newest first, optionally one municipality's / one committee's (exact names)."""
        rows = [m for m in self.meetings() if (municipality is None or m.municipality == municipality)
                and (committee is None or m.committee == committee)]
        rows.sort(key=lambda m: (m.start is not None, m.start or datetime.min, -m.id), reverse=True)
        return rows[offset:offset + limit]

    def committees(self) -> list[CommitteeSummary]:
        """Every (municipality, committee) with meetings, by municipality and committee (the portal's
        municipality pages and committee addresses; backends answer it with one grouped query)."""
        out: dict[tuple[str, str], CommitteeSummary] = {}
        for m in self.meetings():
            seen = out.get((m.municipality, m.committee))
            latest = max((t for t in (m.start, seen.latest if seen else None) if t), default=None)
            out[(m.municipality, m.committee)] = CommitteeSummary(m.municipality, m.committee,
                                                                  (seen.meetings if seen else 0) + 1, latest)
        return [out[k] for k in sorted(out)]

    def meetings_between(self, start: datetime, end: datetime, *, municipality: str | None = None,
                         committee: str | None = None) -> list[MeetingSummary]:
        """Meetings with ``start <= m.start < end`` (optionally one municipality's / committee's), earliest
        first (the calendar, a municipality's upcoming meetings, browsing by date)."""
        rows = [m for m in self.meetings() if m.start is not None and start <= m.start < end
                and (municipality is None or m.municipality == municipality)
                and (committee is None or m.committee == committee)]
        return sorted(rows, key=lambda m: (m.start or datetime.min, m.id))

    def meetings_on(self, municipality: str, day: date) -> list[MeetingSummary]:
        """The municipality's meetings held on ``day`` (any committee, agendas and minutes)."""
        return [m for m in self.meetings() if m.municipality == municipality and m.start and m.start.date() == day]

    def case_items(self, case_ids: list[str]) -> list[CaseItem]:
        """Every current item carrying one of ``case_ids`` (exact values), oldest first."""
        wanted = set(case_ids)
        out = []
        for summary in self.meetings():
            m = self.get(summary.id).meeting
            for item in m.items:
                for case in item.case_ids:
                    if case.value in wanted:
                        out.append(CaseItem(self.item_id(summary.id, item.number), summary.id, m.municipality,
                                            m.committee, m.start, item.number, item.title, item.outcome,
                                            item.public, case.value))
                        break
        out.sort(key=lambda c: (c.start or datetime.min, c.item_id))
        return out

    def generation(self) -> object | None:
        """A value that changes whenever the archive changes, in any process, and is equal in every process for
        the same state of the same archive (the portal's server processes share cached pages by it); None when
        the backend cannot tell cheaply."""
        return None

    def meeting_times(self) -> dict[int, datetime]:
        """When each meeting last changed: the import time (UTC) of its current document, by meeting id.

        The open API's ``modified`` and ``modified_since`` come from here; an empty answer means the
        backend cannot tell, and the API then refuses ``modified_since`` instead of guessing."""
        return {}

    def reindex(self) -> int:
        """Rebuild the search index from the stored items (``referat reindex``); returns items indexed."""
        raise NotImplementedError

    def set_aside(self) -> list[SetAside]:
        """Meetings left out of the search index because their update failed or ran over budget
        (``store.aside``; ``referat doctor`` lists them), oldest first."""
        return []

    def search_index(self) -> SearchIndex | None:
        """The search index, up to date for reading (PostgreSQL catches up with the change log first)."""
        return getattr(self, "index", None)

    def facets(self, query: Query, filters: SearchFilters = SearchFilters()) -> Facets:
        """Facet counts (municipality, committee, year, outcome, KLE group, person) of everything ``query`` matches."""
        from ..search.facets import Facets, facet_counts

        index = self.search_index()
        if index is None:
            return Facets()
        return facet_counts(index, query, index_filters(filters))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
