"""Danish search behaviour over the real seed minutes: tables of query -> expected hits."""

from __future__ import annotations

import pytest

from referat.errors import QueryError
from referat.parse import importer
from referat.search.analyzer import analyze, compound_parts, stem
from referat.search.query import parse
from referat.store import open_store
from referat.store.base import SearchFilters

from .backends import BACKENDS, target
from .conftest import SHARED

ALB = "000_0c62e176ebc4d76a.txt"  # Albertslund, EBU 2023-03-20
BAL = "002_89fe332627ef705c.txt"  # Ballerup, EBU 2022-11-15


@pytest.fixture(scope="module", params=BACKENDS)
def store(request, tmp_path_factory):
    with target(request.param, tmp_path_factory.mktemp("db")) as where:
        s = open_store(where)
        ids = {}
        for name in (ALB, BAL):
            ids[name] = s.save(importer.parse_file(SHARED / "seeds" / name)).meeting_id
        s.ids = ids  # type: ignore[attr-defined]
        yield s
        s.close()


def titles(store, q, **filters):
    return [h.title for h in store.search(parse(q), SearchFilters(**filters), limit=50).hits]


# query -> a title that must be among the hits
MUST_FIND = [
    ("strategi", "Revideret beskæftigelsesstrategi"),                     # compound part
    ("strategi", "Tværgående og forebyggende kontrolstrategi"),
    ("beskæftigelsesstrategi", "Revideret beskæftigelsesstrategi"),      # exact compound
    ("beskæftigelsesstrategien", "Revideret beskæftigelsesstrategi"),    # inflected compound
    ("erhvervspolitik", "EBU - Inspiration til arbejdet med den nye erhvervs politik og drøftelse af målsætninger"),
    ("erhvervs politik", "EBU - Inspiration til arbejdet med den nye erhvervs politik og drøftelse af målsætninger"),
    ("beskæftigelsesindsats", "EBU - Lovforslag om ændring i beskæftigelsesindsatsen"),  # stem differs
    ("indsatsen", "EBU - Lovforslag om ændring i beskæftigelsesindsatsen"),
    ("udvalgets", "Meddelelser"),                                          # inflection via stem
    ("Ankestyrelsen", "EBU - Opgørelse fra Ankestyrelsen over sager i 2022"),
    ("ankestyrelse*", "EBU - Opgørelse fra Ankestyrelsen over sager i 2022"),  # prefix
    ('"10,86 mio. kr."', "EBU - Status på budgetimplementering 2023"),     # amount phrase
    ("10,86", "EBU - Status på budgetimplementering 2023"),
    ("nytårskur", "Meddelelser"),
    ("måløv", "Meddelelser"),                                             # æøå kept
    ("15.00.00-A00-10-23", "EBU - Status på budgetimplementering 2023"),  # case id
]


@pytest.mark.parametrize("query,title", MUST_FIND)
def test_finds(store, query, title):
    assert title in titles(store, query)


# query -> a title that must NOT be among the hits
MUST_NOT_FIND = [
    ("malov", "Meddelelser"),                 # no folding of ø to o
    ('"politik erhvervs"', "EBU - Inspiration til arbejdet med den nye erhvervs politik og drøftelse af målsætninger"),
    ("strategi -kontrol", "Tværgående og forebyggende kontrolstrategi"),
]


@pytest.mark.parametrize("query,title", MUST_NOT_FIND)
def test_does_not_find(store, query, title):
    assert title not in titles(store, query)


def test_ranking_prefers_title_match(store):
    hits = titles(store, "beskæftigelsesstrategi")
    assert hits[0] == "Revideret beskæftigelsesstrategi"


def test_filters(store):
    assert set(titles(store, "strategi", municipality="Albertslund")) == {
        "EBU - Inspiration til arbejdet med den nye erhvervs politik og drøftelse af målsætninger"}
    assert titles(store, "strategi", municipality="Ballerup", date_to=__import__("datetime").date(2022, 1, 1)) == []
    kle = titles(store, "udvalget", case_prefix="15.00")
    assert kle and all(t.startswith(("EBU", "Revideret")) for t in kle)
    assert "Revideret beskæftigelsesstrategi" in kle
    noted = titles(store, "udvalget", outcome="noted")
    assert "Meddelelser" in noted and "Revideret beskæftigelsesstrategi" not in noted
    assert titles(store, "strategi", committee="Erhvervs-, Beskæftigelses") and not titles(
        store, "strategi", committee="Teknisk Udvalg")


def test_snippet_highlights_matches(store):
    hit = store.search(parse("beskæftigelsesstrategi"), limit=1).hits[0]
    assert "\u2039" in hit.snippet and "beskæftigelsesstrategi" in hit.snippet.lower()


def test_count_and_paging(store):
    full = store.search(parse("udvalget"), limit=100, count=True)
    assert full.total == len(full.hits) > 5
    page2 = store.search(parse("udvalget"), limit=3, offset=3)
    assert [h.item_id for h in page2.hits] == [h.item_id for h in full.hits[3:6]]


@pytest.mark.parametrize("bad", ["", "   ", "-foo", '"', "*", "()"])
def test_empty_queries_are_clear_errors(bad):
    with pytest.raises(QueryError):
        parse(bad)


@pytest.mark.parametrize("odd", ['"unbalanced', "AND OR NOT", "foo)(", "a:b", "^x", "NEAR(a b)",
                                 "'; DROP TABLE items; --"])
def test_odd_queries_do_not_crash(store, odd):
    store.search(parse(odd))


def test_analyzer_keeps_danish_letters_and_splits_compounds():
    assert analyze("Økonomi på Måløv").exact == "økonomi på måløv"
    assert compound_parts("beskæftigelsesstrategi") == ("beskæftigelse", "strategi")
    assert stem("beskæftigelsesindsatsen") != stem("beskæftigelsesindsats")
    assert "erhvervspolitik" in analyze("den nye erhvervs politik").expanded.split()


@pytest.mark.parametrize("text,outcome", [
    ("Tiltrådte indstillingen.", "approved"),
    ("Tiltrådte indstillingen, idet det anbefales at udvalgsformanden inviteres med.", "approved_with_remarks"),
    ("Taget til efterretning", "noted"),
    ("Et flertal kunne tiltræde indstillingen.\n\nSolveig Munk kunne ikke tiltræde indstillingen.", "approved"),
    ("Byrådet har vedtaget indstillingen. Enhedslisten kunne ikke tiltræde indstillingen.", "approved"),
    ("Udvalget drøftede sagen. Udvalget besluttede herefter at udsætte sagens behandling.", "postponed"),
    ("Punktet blev drøftet.", "discussed"),
    ("Fremsendes til Teknisk Udvalg til behandling i henhold til beslutning i byrådets møde.", "referred"),
    ("Afviste indstillingen.", "rejected"),
    ("Der indkaldes til et ekstraordinært møde.", "unknown"),
])
def test_outcome_classification(text, outcome):
    from referat.vocab.headings import classify_outcome

    assert classify_outcome(text) == outcome


def test_case_prefix_filter_with_spaces_and_any_case(fresh_store):
    from datetime import datetime

    from referat.model import (
        AgendaItem,
        CaseId,
        Document,
        ImportedMeeting,
        Meeting,
        Section,
    )

    items = [AgendaItem(str(n), n, f"Vejsag {n}", case_ids=[CaseId(case, "other")],
                        sections=[Section("case", "Sagsfremstilling", "Om vejen.")])
             for n, case in enumerate(["GEO 2023 1234", "GEO 2024 77", "15.00.00-A00-10-23"], start=1)]
    meeting = Meeting("Ballerup", "Teknik- og Miljøudvalget", "referat", start=datetime(2024, 3, 1, 17), items=items)
    fresh_store.save(ImportedMeeting(Document("c1", "c1.txt", "text", "test", "1"), meeting))

    def numbers(prefix: str) -> list[str]:
        return sorted(h.number for h in fresh_store.search(parse("vejen"), SearchFilters(case_prefix=prefix)).hits)

    assert numbers("geo 2023") == ["1"] and numbers("GEO  2023 12") == ["1"]
    assert numbers("geo") == ["1", "2"] and numbers("15.00.00-a00") == ["3"] and numbers("geo 2025") == []
