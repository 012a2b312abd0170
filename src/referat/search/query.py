"""The user's query language, parsed once and compiled per backend.

Words are ANDed; ``"..."`` is a phrase; ``word*`` a prefix; ``-word`` or
``-"phrase"`` excludes; ``OR`` between two clauses makes an alternative.
Malformed input (a lone quote, a bare ``*``) is repaired, not rejected; a query
with nothing to search for raises ``QueryError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from .analyzer import words

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_CLAUSES = 32


@dataclass(frozen=True)
class Clause:
    words: tuple[str, ...]
    phrase: bool = False
    prefix: bool = False
    negate: bool = False
    or_next: bool = False


@dataclass(frozen=True)
class Query:
    text: str
    clauses: tuple[Clause, ...]

    @property
    def positive_words(self) -> list[str]:
        return [w for c in self.clauses if not c.negate for w in c.words]


def parse(text: str) -> Query:
    clauses: list[Clause] = []
    for m in _TOKEN.finditer(text or ""):
        neg, phrase, bare = m.group(1), m.group(2), m.group(3)
        if bare is not None:
            if bare == "OR" and clauses:
                last = clauses[-1]
                clauses[-1] = Clause(last.words, last.phrase, last.prefix, last.negate, or_next=True)
                continue
            negate = bare.startswith("-") and len(bare) > 1
            raw = bare[1:] if negate else bare
            prefix = raw.endswith("*")
            ws = words(raw)
            if not ws:
                continue
            if len(ws) > 1:  # "10,86" stays one token; "erhvervs-politik" becomes a phrase
                clauses.append(Clause(tuple(ws), phrase=True, negate=negate))
            else:
                clauses.append(Clause((ws[0],), prefix=prefix, negate=negate))
        else:
            ws = words(phrase)
            if ws:
                clauses.append(Clause(tuple(ws), phrase=len(ws) > 1, negate=bool(neg)))
    if clauses and clauses[-1].or_next:
        last = clauses[-1]
        clauses[-1] = Clause(last.words, last.phrase, last.prefix, last.negate)
    if not any(not c.negate for c in clauses):
        raise QueryError("the query has no words to search for")
    if len(clauses) > MAX_CLAUSES:
        raise QueryError(f"the query has {len(clauses)} parts; at most {MAX_CLAUSES} are allowed")
    return Query(text=text, clauses=tuple(clauses))
