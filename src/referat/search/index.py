"""The full-text index: tantivy over our own Danish analysis, beside any store.

Ranking every match does not scale (FTS5 needs hundreds of milliseconds for a
common word at 300k items); tantivy ranks with BM25 and block-max WAND, so the
top hits come back in milliseconds whatever the number of matches.  The store
stays the source of truth: it records which meetings changed in the same
transaction as the change, and ``SearchIndex.apply`` brings the index up to
date (idempotently: delete the meeting's documents, add the current ones,
commit), so a crash between the two only delays the index, never corrupts it.

Fields hold the streams of ``analyzer`` (whitespace-separated tokens):
``title``/``exact`` words in order (phrases), ``expanded`` stems, compound
parts and joins; filter fields are raw terms.
"""

from __future__ import annotations

import re
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import tantivy

from ..errors import IndexBudgetExceeded, IndexDamaged, QueryError, StoreError
from .analyzer import compound_parts, expansions, stem, words
from .documents import FACET_FIELDS, case_token
from .indexing import ItemRow
from .inflect import variant_stems
from .parallel import Ahead, Item
from .query import Clause, Query

WS = "referat_ws"
AUTO_PREFIX_MIN = 4
STEM_PREFIX_MIN = 12
STEM_PREFIX_CUT = 2
AUTO_PREFIX_BOOST = 0.1  # a continuation of a query word ("udvalget" -> "udvalgets"), times its BM25 score
STEM_PREFIX_BOOST = 0.1
MAX_COMPLETIONS = 64  # more continuations than this: one regex clause instead
SCANNED_COMPLETIONS = 4 * MAX_COMPLETIONS  # continuations looked at (before those already matched are left out)
#: indexing memory per character of new text (64 MB held ~20,000 bench items of ~850 characters), and its bounds
HEAP_PER_CHARACTER = 6
MIN_HEAP, MAX_HEAP = 64_000_000, 2_000_000_000
COMPILED_CACHE = 256  # compiled queries kept per index (see SearchIndex.compile)
SORTS = ("relevance", "date")
K = TypeVar("K", bound=Hashable)


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_integer_field("item_id", stored=True, indexed=True, fast=True)
    b.add_integer_field("meeting_id", indexed=True)  # (deleting by an unsigned term does not work in tantivy-py)
    b.add_text_field("title", tokenizer_name=WS, index_option="position")
    b.add_text_field("exact", tokenizer_name=WS, index_option="position")
    b.add_text_field("expanded", tokenizer_name=WS, index_option="freq")
    b.add_text_field("municipality", tokenizer_name="raw", index_option="basic")
    b.add_text_field("committee", tokenizer_name=WS, index_option="position")
    b.add_text_field("outcome", tokenizer_name="raw", index_option="basic")
    # every prefix of every case id, as one whitespace-separated text (one call per document, not ~35)
    b.add_text_field("cases", tokenizer_name=WS, index_option="basic")
    b.add_integer_field("day", indexed=True, fast=True)
    b.add_integer_field("year", fast=True)  # the year facet: a terms count, cheaper than a histogram over ``day``
    # Display values as fast columns for facet counts (tantivy terms aggregations, see ``facets``).
    for name in FACET_FIELDS.values():
        b.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    return b.build()


@dataclass(frozen=True)
class IndexFilters:
    municipality: str | None = None
    committee: str | None = None
    day_from: int | None = None  # yyyymmdd
    day_to: int | None = None
    outcome: str | None = None
    case_prefix: str | None = None
    kle: str | None = None  # KLE subject group, "00.01"
    person: str | None = None  # a participant as the ``person`` facet shows them, "Anja Holtze (A)"


def _kept(cache: OrderedDict[K, tantivy.Query], key: K, make: Callable[[], tantivy.Query]) -> tantivy.Query:
    """``cache[key]``, made by ``make`` when missing; past ``COMPILED_CACHE`` entries the oldest leaves."""
    found = cache.get(key)
    if found is None:
        found = make()
        if len(cache) >= COMPILED_CACHE:
            cache.popitem(last=False)
        cache[key] = found
    return found


#: what tantivy's errors say when the index's files are damaged, not the query
DAMAGE = ("IO error", "IoError", "corrupt", "Corrupt", "Failed to open file", "magic", "Unsupported", "Invalid")


def damaged(path: Path | None, exc: BaseException) -> IndexDamaged:
    """The one line a damaged index gives (tantivy panics or raises deep in a segment)."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return IndexDamaged(f"the search index {path or '(in memory)'} is damaged ({first}); run 'referat reindex'"
                        " to rebuild it from the stored meetings")


class SearchIndex:
    def __init__(self, path: Path | None, *, fresh: bool = False) -> None:
        """The index in ``path`` (in memory for None); ``fresh`` throws away what is there first (``referat
        reindex`` of a damaged index)."""
        self.schema = _schema()
        # (OrderedDict: the oldest entry leaves in constant time, see ``snippets.ItemSnippets``)
        self._compiled: OrderedDict[tuple[Query, IndexFilters], tantivy.Query] = OrderedDict()
        self._clauses: OrderedDict[Clause, tantivy.Query] = OrderedDict()  # a query word's clause, any filters
        self.ahead = Ahead()  # documents being made in worker processes (bulk import, ``prefetch``)
        self._state: object = ()  # the index's state when the searcher was last reloaded (``_sync``)
        self._commits = 0  # commits by this process (an index in memory has no meta.json to look at)
        #: True when an index with an older schema was found and emptied: the store must re-queue every meeting
        self.rebuilt = False
        try:
            if path is None:
                self.index = tantivy.Index(self.schema)
            else:
                if fresh and path.exists():
                    shutil.rmtree(path)
                path.mkdir(parents=True, exist_ok=True)
                try:
                    self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
                except ValueError as exc:
                    if "schema does not match" not in str(exc):
                        raise
                    shutil.rmtree(path)
                    path.mkdir()
                    self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
                    self.rebuilt = True
        except ValueError as exc:
            raise damaged(path, exc) from None
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
            raise damaged(path, exc) from None
        self.path = path
        self.index.register_tokenizer(WS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())

    # -- writing -----------------------------------------------------------------
    def _writer(self, characters: int = 0, timeout: float = 60.0) -> tantivy.IndexWriter:
        """The index's writer, with indexing memory for new items of ``characters`` of text (within ``MIN_HEAP``
        and ``MAX_HEAP``): tantivy writes a segment whenever that memory is full, and every search visits every
        segment, so a large batch written as one segment keeps searches cheap (the 300k-item bench archive:
        ranking 0.85 -> 0.68 ms and facet counts 0.98 -> 0.73 ms per search in one segment instead of eight).
        The memory is a budget, taken as documents arrive."""
        heap = min(MAX_HEAP, max(MIN_HEAP, characters * HEAP_PER_CHARACTER))
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.index.writer(heap_size=heap, num_threads=1)
            except ValueError as exc:  # another process holds the writer lock
                if time.monotonic() > deadline:
                    raise StoreError(f"the search index is locked by another writer: {exc}") from None
                time.sleep(0.05)

    def apply(self, meetings: Iterable[tuple[int, list[tuple[int, ItemRow]]]], *,
              budget: float | None = None) -> int:
        """Make the index hold exactly ``rows`` for each meeting given; one commit.  Many rows are
        analysed in worker processes (``parallel``) while this process feeds the index.  ``budget``: the
        seconds one document may take to make; a slower one rolls the whole batch back with
        ``IndexBudgetExceeded`` (``store.aside`` then finds the meeting and sets it aside)."""
        batch = list(meetings)
        flat: list[Item] = [(meeting_id, item_id, row) for meeting_id, rows in batch for item_id, row in rows]
        documents = self.ahead.documents(flat)
        writer = self._writer(sum(len(row.text) for _, _, row in flat))
        try:
            for meeting_id, _ in batch:
                writer.delete_documents_by_term("meeting_id", meeting_id)
            last = time.monotonic()
            for document in documents:
                if budget is not None:
                    now = time.monotonic()
                    if now - last > budget:
                        raise IndexBudgetExceeded(f"making an index document took {now - last:.1f} s"
                                                  f" (the budget is {budget:g} s)")
                    last = now
                writer.add_json(document)
            writer.commit()
            self._commits += 1
            writer.wait_merging_threads()
        except BaseException:
            try:  # (and release the writer's lock now: the raised error's traceback keeps ``writer`` alive)
                writer.rollback()
                writer.wait_merging_threads()
            except ValueError:
                pass  # (the writer was consumed already: what failed is raised below)
            raise
        return len(flat)

    def prefetch(self, items: list[Item]) -> None:
        """Have the documents of just-saved items made in the workers while the importer goes on; ``apply``
        takes them (``parallel.Ahead``)."""
        self.ahead.prefetch(items)

    def clear(self) -> None:
        """Remove every document (before a rebuild)."""
        writer = self._writer()
        try:
            writer.delete_all_documents()
            writer.commit()
            self._commits += 1
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise

    # -- searching ---------------------------------------------------------------
    def _term(self, field: str, token: str, boost: float = 1.0) -> tantivy.Query:
        q = tantivy.Query.term_query(self.schema, field, token)
        return q if boost == 1.0 else tantivy.Query.boost_query(q, boost)

    def _phrase(self, field: str, tokens: list[str], boost: float = 1.0) -> tantivy.Query:
        words: list[str | tuple[int, str]] = [*tokens]  # (the stub's list is invariant)
        q = tantivy.Query.phrase_query(self.schema, field, words)
        return q if boost == 1.0 else tantivy.Query.boost_query(q, boost)

    def _prefix(self, field: str, prefix: str, boost: float) -> tantivy.Query:
        q = tantivy.Query.regex_query(self.schema, field, re.escape(prefix) + ".*")
        return tantivy.Query.boost_query(q, boost)

    def _clause(self, clause: Clause) -> tantivy.Query:
        """A query word's clause; kept (``COMPILED_CACHE``) until the index changes, since the same words come back
        under other filters, sort orders and pages, and building one looks its continuations up in the index."""
        return _kept(self._clauses, clause, lambda: self._build_clause(clause))

    def _build_clause(self, clause: Clause) -> tantivy.Query:
        should = tantivy.Occur.Should
        if clause.phrase:
            ws = list(clause.words)
            return tantivy.Query.boolean_query([(should, self._phrase("title", ws, 3.0)),
                                                (should, self._phrase("exact", ws))])
        word = clause.words[0]
        subs = [(should, self._term("title", word, 3.0)), (should, self._term("exact", word)),
                (should, self._term("expanded", word, 0.6))]
        s = stem(word)
        if s != word:
            subs.append((should, self._term("expanded", s, 0.6)))
        if not clause.prefix:  # forms the stemmer keeps apart: budget/budgettet, regel/reglerne, barn/børn
            for variant in sorted(variant_stems(word) - {word, s}):
                subs.append((should, self._term("expanded", variant, 0.5)))
        if clause.prefix:  # "strat*" also reaches stems and compound parts
            subs += [(should, self._prefix("exact", word, 1.0)), (should, self._prefix("expanded", word, 0.5)),
                     (should, self._prefix("title", word, 2.0))]
        elif len(word) >= AUTO_PREFIX_MIN and word.isalpha():
            # the word itself is a term clause already: its continuations only
            # (continuations whose expansions hold the word or its stems match through ``expanded`` already)
            covered = {word, s} | variant_stems(word)
            subs += (self._completions("exact", word, AUTO_PREFIX_BOOST, skip=word, covered=covered)
                     + self._completions("title", word, AUTO_PREFIX_BOOST * 2, skip=word, covered=covered))
        parts = compound_parts(word)
        if parts and not clause.prefix:
            subs.append((should, self._phrase("exact", list(parts), 0.8)))
        if not clause.prefix and len(s) >= STEM_PREFIX_MIN and word.isalpha():
            # long words whose inflections stem apart ("aktivitetscentret" -> aktivitetscentr, "aktivitetscenter"
            # -> aktivitetscent): the stem without its last two letters, as a prefix of indexed stems
            subs += self._completions("expanded", s[:-STEM_PREFIX_CUT], STEM_PREFIX_BOOST)
        return tantivy.Query.boolean_query(subs)

    def _completions(self, field: str, prefix: str, boost: float, skip: str | None = None,
                     covered: set[str] | frozenset[str] = frozenset()) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """The indexed words that continue ``prefix`` ("udvalget" -> "udvalgets"), each a term clause of its own
        (BM25 times ``boost``).  A clause made only of term queries lets tantivy skip blocks that cannot reach
        the top hits (block-max WAND); one regex or phrase clause among them makes it score every match
        (~4 ms instead of ~1.7 for a common word at 300k items).  Too many continuations: one regex clause.
        Continuations whose expansions meet ``covered`` are left out: every item holding one already matches
        the clause through ``expanded`` ("skolen" stems to "skol", "skoleudvalget" has the part "skole"), so
        they would only add a tenth of a score, while every term in the union costs time for every match
        (rank and facet counts 15% faster on the portal benchmark's searches, the same matches)."""
        found = self.index.searcher().terms_with_prefix(field, prefix, limit=SCANNED_COMPLETIONS + 1)
        should = tantivy.Occur.Should
        terms = [term for term, _ in found
                 if term != skip and not (covered and covered.intersection(expansions(term)))]
        if len(found) > SCANNED_COMPLETIONS or len(terms) > MAX_COMPLETIONS:
            return [(should, self._prefix(field, prefix, boost))]
        return [(should, self._term(field, term, boost)) for term in terms]

    def compile(self, query: Query, filters: IndexFilters) -> tantivy.Query:
        """The tantivy query for ``query`` under ``filters``; the last few are kept until the index changes, because
        a word's clause looks up its continuations in the term dictionary and a results page compiles the same
        query for hits and facets."""
        self._sync()
        return _kept(self._compiled, (query, filters), lambda: self._compile(query, filters))

    def _compile(self, query: Query, filters: IndexFilters) -> tantivy.Query:
        must, must_not = tantivy.Occur.Must, tantivy.Occur.MustNot
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        group: list[tantivy.Query] = []
        for clause in query.clauses:
            q = self._clause(clause)
            if clause.negate:
                clauses.append((must_not, q))
                continue
            group.append(q)
            if not clause.or_next:
                clauses.append((must, group[0] if len(group) == 1 else tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, g) for g in group])))
                group = []
        if group:
            clauses.append((must, tantivy.Query.boolean_query([(tantivy.Occur.Should, g) for g in group])))
        for f in self._filters(filters):
            clauses.append((must, tantivy.Query.const_score_query(f, 0.0)))
        return tantivy.Query.boolean_query(clauses)

    def _filters(self, f: IndexFilters) -> list[tantivy.Query]:
        out = []
        if f.municipality:
            out.append(self._term("municipality", f.municipality.lower()))
        if f.committee:
            ws = words(f.committee)
            if ws:
                out.append(self._phrase("committee", ws) if len(ws) > 1 else self._term("committee", ws[0]))
        if f.outcome:
            out.append(self._term("outcome", f.outcome))
        if f.case_prefix:
            out.append(self._term("cases", case_token(f.case_prefix)))
        if f.kle:
            out.append(self._term(FACET_FIELDS["kle"], f.kle.strip()))
        if f.person:
            out.append(self._term(FACET_FIELDS["person"], f.person.strip()))
        if f.day_from is not None or f.day_to is not None:
            out.append(tantivy.Query.range_query(self.schema, "day", tantivy.FieldType.Integer,
                                                 f.day_from if f.day_from is not None else 0,
                                                 f.day_to if f.day_to is not None else 99991231))
        return out

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit, by this or any other process."""
        with self.guard():
            self._sync()
            return self.index.searcher()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Reading the index: a damaged segment (tantivy panics, or an IO error) is one ``IndexDamaged`` line
        naming the fix, not a PanicException (CLI) or a 500 (portal)."""
        try:
            yield
        except ValueError as exc:
            if not any(mark in str(exc) for mark in DAMAGE):
                raise
            raise damaged(self.path, exc) from None
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
            raise damaged(self.path, exc) from None

    def _sync(self) -> None:
        """Reload the searcher and forget compiled queries (their word continuations) when the index changed.
        Reloading costs ~0.2 ms, so an index on disk is reloaded only when its ``meta.json`` (rewritten by
        every commit, by any process) has changed; tantivy also reloads by itself within a second."""
        state: object
        if self.path is None:
            state = self._commits
        else:
            try:
                st = (self.path / "meta.json").stat()
                state = (st.st_ino, st.st_mtime_ns, st.st_size)
            except OSError:
                state = None
        if state is None or state != self._state:
            self.index.reload()
            self._state = state
            self._compiled.clear()
            self._clauses.clear()

    def search(self, query: Query, filters: IndexFilters, *, limit: int, offset: int = 0,
               count: bool = False, sort: str = "relevance") -> tuple[int | None, list[tuple[int, float]]]:
        """Top hits as (item_id, score); ``sort="date"`` orders newest first (score 0)."""
        if sort not in SORTS:
            raise QueryError(f"unknown sort order {sort!r}")
        try:
            with self.guard():
                compiled = self.compile(query, filters)
        except ValueError as exc:
            raise QueryError(f"cannot search for {query.text!r}: {exc}") from None
        with self.guard():
            return self._search(compiled, limit=limit, offset=offset, count=count, sort=sort)

    def _search(self, compiled: tantivy.Query, *, limit: int, offset: int, count: bool,
                sort: str) -> tuple[int | None, list[tuple[int, float]]]:
        searcher = self.searcher()
        if sort == "date":
            result = searcher.search(compiled, limit=limit, offset=offset, count=count, order_by_field="day",
                                     order=tantivy.Order.Desc)
        else:
            result = searcher.search(compiled, limit=limit, offset=offset, count=count)
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values("item_id", addresses) if addresses else []
        hits = []
        for (key, _), item_id in zip(result.hits, ids, strict=False):
            hits.append((int(cast(int, item_id)), float(key) if sort == "relevance" else 0.0))
        return (result.count if count else None), hits  # type: ignore[attr-defined]  # (not in the stub)

