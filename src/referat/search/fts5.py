"""Compile a parsed ``Query`` into an SQLite FTS5 MATCH expression over the
analysed columns: ``title`` and ``exact`` (words in order) and ``expanded``
(stems, compound parts, joins; see ``analyzer``)."""

from __future__ import annotations

from .analyzer import compound_parts, stem
from .query import Clause, Query

AUTO_PREFIX_MIN = 4


def _q(token: str) -> str:
    return '"' + token.replace('"', "") + '"'


def _term(clause: Clause) -> str:
    word = clause.words[0]
    if clause.phrase:
        return "{title exact} : " + _q(" ".join(clause.words))
    if clause.prefix or len(word) >= AUTO_PREFIX_MIN and word.isalpha():
        alts = [f"{_q(word)}*"]
    else:
        alts = [_q(word)]
    s = stem(word)
    if s != word:
        alts.append(f"expanded : {_q(s)}")
    parts = compound_parts(word)
    if parts and not clause.prefix:
        # A compound query word also matches its parts in sequence ("erhvervs politik").
        alts.append("{title exact} : " + _q(" ".join(parts)))
    return "(" + " OR ".join(alts) + ")"


def compile_query(query: Query) -> str:
    positive: list[str] = []
    negative: list[str] = []
    pending_or: list[str] = []
    for clause in query.clauses:
        expr = _term(clause)
        if clause.negate:
            negative.append(expr)
            continue
        pending_or.append(expr)
        if not clause.or_next:
            positive.append(pending_or[0] if len(pending_or) == 1 else "(" + " OR ".join(pending_or) + ")")
            pending_or = []
    if pending_or:
        positive.append("(" + " OR ".join(pending_or) + ")")
    expr = " AND ".join(positive)
    for neg in negative:
        expr = f"({expr}) NOT {neg}"
    return expr
