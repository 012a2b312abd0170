"""Reading a search request's parameters strictly, with Danish messages for what is wrong.

Every value from the URL passes through here before it reaches the store: bad
or hostile input becomes a ``BadRequest`` (a 400 page or JSON error), never an
exception deeper down that would end as a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from urllib.parse import quote_plus

from ..model import OUTCOMES

PAGE_SIZE = 20
MAX_PAGE = 500  # deeper paging is refused; narrow the search instead
MAX_QUERY = 500
MAX_VALUE = 200
SORT_LABELS = {"relevans": "relevance", "dato": "date"}


class BadRequest(Exception):
    """A request the portal refuses, with the Danish message to show."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _text(value: str | None, name: str, limit: int = MAX_VALUE) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > limit:
        raise BadRequest(f"Feltet «{name}» er for langt (højst {limit} tegn).")
    if any(ord(c) < 32 for c in value):
        raise BadRequest(f"Feltet «{name}» indeholder ugyldige tegn.")
    return value


def digits(raw: str, limit: int) -> bool:
    """``raw`` is 1 to ``limit`` ASCII digits (``str.isdigit`` alone accepts "²" and other Unicode digits,
    which ``int`` then refuses)."""
    return 0 < len(raw) <= limit and raw.isascii() and raw.isdigit()


def _int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None or value.strip() == "":
        return default
    v = value.strip()
    if not digits(v, 6):
        raise BadRequest(f"«{name}» skal være et helt tal mellem {low} og {high}.")
    n = int(v)
    if not low <= n <= high:
        raise BadRequest(f"«{name}» skal være et helt tal mellem {low} og {high}.")
    return n


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    municipality: str | None = None
    committee: str | None = None
    year: int | None = None
    outcome: str | None = None
    kle: str | None = None  # KLE subject group, "00.01"
    person: str | None = None  # as the person facet shows them, "Anja Holtze (A)"
    date_from: date | None = None  # ``fra``: meetings on or after this day
    date_to: date | None = None  # ``til``: meetings on or before this day
    sort: str = "relevans"
    page: int = 1

    @property
    def sort_key(self) -> str:
        return SORT_LABELS[self.sort]

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE

    @property
    def date_range(self) -> tuple[date | None, date | None]:
        """The days searched: ``fra``/``til`` within the year (``aar``) when both are given."""
        low, high = self.date_from, self.date_to
        if self.year is not None:
            low = max(low or date(self.year, 1, 1), date(self.year, 1, 1))
            high = min(high or date(self.year, 12, 31), date(self.year, 12, 31))
        return low, high

    @property
    def filtered(self) -> bool:
        """Some filter narrows the search (what a search without words browses by)."""
        return any(v is not None for v in (self.municipality, self.committee, self.year, self.outcome, self.kle,
                                           self.person, self.date_from, self.date_to))

    def pairs(self) -> list[tuple[str, str]]:
        out = [("q", self.q)]
        for key, value in (("kommune", self.municipality), ("udvalg", self.committee), ("aar", self.year),
                           ("udfald", self.outcome), ("kle", self.kle), ("person", self.person),
                           ("fra", self.date_from), ("til", self.date_to)):
            if value is not None:
                out.append((key, str(value)))
        if self.sort != "relevans":
            out.append(("sorter", self.sort))
        if self.page != 1:
            out.append(("side", str(self.page)))
        return out

    @cached_property
    def _encoded(self) -> dict[str, str]:
        """This search's parameters as ``key=value`` pieces, encoded once (a results page links ~100 variants)."""
        return {attr: piece for attr, _key in _URL_FIELDS if (piece := url_piece(attr, getattr(self, attr)))}

    def url(self, base: str = "/soeg", **changes: object) -> str:
        """This search with some parameters changed (``None`` removes a filter); back to page 1 unless given;
        the same string as ``urlencode(replace(self, **changes).pairs())``."""
        changes.setdefault("page", 1)
        encoded = self._encoded
        pieces = [url_piece(attr, changes[attr]) if attr in changes else encoded.get(attr, "")
                  for attr, _ in _URL_FIELDS]
        return f"{base}?{'&'.join(p for p in pieces if p)}"

    def url_around(self, attr: str, base: str = "/soeg") -> tuple[str, str]:
        """(head, tail) of this search's links that set ``attr`` (a filter) and go back to page 1:
        ``url(**{attr: v}) == head + url_piece(attr, v) + tail`` for every value ``v`` (a facet block's links)."""
        encoded = self._encoded
        names = [a for a, _ in _URL_FIELDS]
        before = [encoded.get(a, "") for a in names[:names.index(attr)] if a != "page"]
        after = [encoded.get(a, "") for a in names[names.index(attr) + 1:] if a != "page"]
        head = "&".join(p for p in before if p)
        tail = "&".join(p for p in after if p)
        return f"{base}?{head}{'&' if head else ''}", f"{'&' if tail else ''}{tail}"


#: (attribute, URL key) in the order ``pairs`` gives them
_URL_FIELDS = (("q", "q"), ("municipality", "kommune"), ("committee", "udvalg"), ("year", "aar"),
               ("outcome", "udfald"), ("kle", "kle"), ("person", "person"), ("date_from", "fra"), ("date_to", "til"),
               ("sort", "sorter"), ("page", "side"))
_URL_KEYS = dict(_URL_FIELDS)


def url_piece(attr: str, value: object) -> str:
    """``key=value`` of one search parameter, URL-encoded (empty for a default)."""
    if (value is None and attr != "q") or (attr == "sort" and value == "relevans") or (attr == "page" and value == 1):
        return ""
    return f"{_URL_KEYS[attr]}={quote_plus(str(value if value is not None else ''))}"


def _day(value: str | None, name: str) -> date | None:
    value = _text(value, name, 10)
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d\d-\d\d", value) else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2100:
        raise BadRequest(f"«{name}» skal være en dato som 2025-01-31.")
    return day


def search_params(query: Mapping[str, str]) -> SearchParams:
    q = _text(query.get("q"), "søgning", MAX_QUERY) or ""
    outcome = _text(query.get("udfald"), "udfald")
    if outcome is not None and not (outcome in OUTCOMES or re.fullmatch(r"[a-z_]{1,40}", outcome)):
        raise BadRequest(f"Ukendt udfald «{outcome}».")
    sort = _text(query.get("sorter"), "sortering") or "relevans"
    if sort not in SORT_LABELS:
        raise BadRequest("Sortering skal være «relevans» eller «dato».")
    year = query.get("aar")
    year = year.strip() if year is not None else None  # "aar=%20" or a tab: no year, as an empty one
    kle = _text(query.get("kle"), "KLE-emne")
    if kle is not None and not re.fullmatch(r"\d\d\.\d\d", kle):
        raise BadRequest(f"«{kle}» er ikke et KLE-emne (to niveauer, fx 00.01).")
    date_from, date_to = _day(query.get("fra"), "fra"), _day(query.get("til"), "til")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("«fra» skal være før «til».")
    return SearchParams(kle=kle, person=_text(query.get("person"), "person"), date_from=date_from, date_to=date_to,
        q=q, municipality=_text(query.get("kommune"), "kommune"), committee=_text(query.get("udvalg"), "udvalg"),
        year=_int(year, "år", 0, 1900, 2100) if year not in (None, "") else None, outcome=outcome, sort=sort,
        page=_int(query.get("side"), "side", 1, 1, MAX_PAGE))
