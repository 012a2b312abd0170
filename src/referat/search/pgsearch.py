"""PostgreSQL full text over our Danish analysis: tsvector documents and tsquery text.

PostgreSQL's own ``danish`` configuration stems but knows nothing of compounds
or of words split by text extraction, and its parser cuts ``10,86`` and case
ids differently from ours.  So an item's ``tsvector`` is the ``danish`` vector
of its words (built in SQL with ``to_tsvector('danish', …)``) plus a vector of
our own tokens written here as a tsvector literal (the ``simple``
configuration's idea: lexemes as given, no stemming):

* the exact words of the title (weight A) and of the body (weight B), with
  positions, so phrases (``<->``) and prefixes (``:*``) work as in the tantivy
  index;
* the expansions of ``analyzer`` (stems, compound parts, joins of split
  compounds) at the position of the word they came from, weight C.

``compile_query`` turns a parsed ``Query`` into tsquery text with the same
matching rules as ``search.index`` (exact word, stem, automatic prefix for
words of 4+ letters, compound parts as a phrase); ``headline_query`` is a
looser query for ``ts_headline`` snippets, in terms of the ``simple`` parser.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .analyzer import LINKING, MIN_HEAD, compound_parts, expansions, lexicon, stem, words
from .index import AUTO_PREFIX_MIN
from .query import Clause, Query

MAX_POS = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions kept per lexeme
MAX_LEXEME_BYTES = 2046
WEIGHT_RANK = {"A": 3, "B": 2, "C": 1}
OPEN_TAG, CLOSE_TAG = "<referat-hl>", "</referat-hl>"


@lru_cache(maxsize=400_000)
def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@lru_cache(maxsize=200_000)
def _extras(word: str) -> tuple[str, ...]:
    """A word's expansions other than itself, once each (at the word's own position they add nothing else)."""
    return tuple(e for e in dict.fromkeys(expansions(word)) if e != word)


class _Vector:
    """Lexeme -> {position: weight}; bulk imports call ``add`` ~250 times per item, so it is kept lean."""

    def __init__(self) -> None:
        self.lexemes: dict[str, dict[int, str]] = {}

    def add(self, lexeme: str, pos: int, weight: str) -> None:
        if not lexeme or (len(lexeme) > MAX_LEXEME_BYTES // 4 and len(lexeme.encode()) > MAX_LEXEME_BYTES):
            return
        positions = self.lexemes.get(lexeme)
        if positions is None:
            self.lexemes[lexeme] = positions = {}
        p = pos if pos < MAX_POS else MAX_POS
        old = positions.get(p)
        if old is None:
            if len(positions) < MAX_POSITIONS:
                positions[p] = weight
        elif WEIGHT_RANK[weight] > WEIGHT_RANK[old]:
            positions[p] = weight

    def literal(self) -> str:
        return " ".join(quote(lex) + ":" + ",".join([f"{p}{w}" for p, w in sorted(ps.items())])
                        for lex, ps in self.lexemes.items())


def _add_words(vec: _Vector, ws: list[str], start: int, weight: str) -> int:
    lex = lexicon()
    add = vec.add
    last = len(ws) - 1
    for i, w in enumerate(ws):
        pos = start + i
        add(w, pos, weight)
        for extra in _extras(w):
            add(extra, pos, "C")
        if i < last and len(w) >= MIN_HEAD + 1 and w[-1] in LINKING and w.isalpha():
            nxt = ws[i + 1]
            if nxt in lex and nxt.isalpha():
                add(w + nxt, pos, "C")
                add(stem(w + nxt), pos, "C")
    return start + len(ws)


def split_title(title: str, text: str) -> str:
    """The body of an item's indexed text (the text starts with the title)."""
    return text[len(title):] if text.startswith(title) else text


def own_tokens(title: str, text: str) -> str:
    """Our analysis of one item as a tsvector literal (title A, body B, expansions C)."""
    vec = _Vector()
    end = _add_words(vec, words(title), 1, "A")
    _add_words(vec, words(split_title(title, text)), end + 1, "B")  # a gap: no phrase across title and body
    return vec.literal()


def _word(word: str, prefix: bool) -> str:
    alts = [quote(word)]
    s = stem(word)
    if s != word:
        alts.append(quote(s))
    if prefix or (len(word) >= AUTO_PREFIX_MIN and word.isalpha()):
        alts.append(quote(word) + ":*")
    parts = compound_parts(word)
    if parts and not prefix:
        alts.append("(" + " <-> ".join(quote(p) for p in parts) + ")")
    return "(" + " | ".join(alts) + ")"


def _clause(clause: Clause) -> str:
    if clause.phrase:
        return "(" + " <-> ".join(quote(w) for w in clause.words) + ")"
    return _word(clause.words[0], clause.prefix)


def compile_query(query: Query) -> str:
    """tsquery text: clauses ANDed, ``OR`` groups, ``!`` for excluded clauses."""
    parts: list[str] = []
    group: list[str] = []
    for clause in query.clauses:
        text = _clause(clause)
        if clause.negate:
            parts.append("!" + text)
            continue
        group.append(text)
        if not clause.or_next:
            parts.append(group[0] if len(group) == 1 else "(" + " | ".join(group) + ")")
            group = []
    if group:
        parts.append("(" + " | ".join(group) + ")")
    positive = [p for p in parts if not p.startswith("!")]
    negative = [p for p in parts if p.startswith("!")]
    return " & ".join(positive + negative)


def headline_terms(query: Query) -> list[tuple[str, str]]:
    """(function, argument) pairs ORed into the ``ts_headline`` query: ``phrase`` for
    ``phraseto_tsquery('simple', …)``, ``prefix`` for ``to_tsquery('simple', …)``."""
    out: list[tuple[str, str]] = []
    for clause in query.clauses:
        if clause.negate:
            continue
        if clause.phrase:
            out.append(("phrase", " ".join(clause.words)))
            continue
        w = clause.words[0]
        out.append(("phrase", w))
        if w.isalpha():
            if clause.prefix or len(w) >= AUTO_PREFIX_MIN:
                out.append(("prefix", f"{w}:*"))
            s = stem(w)
            if s != w and len(s) >= 3:
                out.append(("prefix", f"{s}:*"))
    return out


def to_marks(headline: str, open_mark: str, close_mark: str) -> str:
    """``ts_headline`` output with our marks; adjacent highlights (a phrase) become one."""
    flat = " ".join(headline.split())
    flat = re.sub(re.escape(CLOSE_TAG) + r"([\s.,-]?)" + re.escape(OPEN_TAG), r"\1", flat)
    return flat.replace(OPEN_TAG, open_mark).replace(CLOSE_TAG, close_mark)

