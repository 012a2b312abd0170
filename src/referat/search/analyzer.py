"""Danish text analysis for the search index, shared by every store backend.

Minutes are full of compounds (``beskæftigelsesstrategi``), inflections
(``indsatsen``) and extraction damage (``erhvervs politik``).  For each text we
produce two token streams:

* ``exact``: the lower-cased words in order (æøå kept, never folded), for
  phrases, exact words and prefixes;
* ``expanded``: snowball Danish stems, compound parts (found with the project's
  lexicon) with their stems, and joins of split compounds (``erhvervs politik``
  -> ``erhvervspolitik``).

A query term then matches its exact word, any word it prefixes, its stem, and
compound parts, in either stream.

Words are cut at ``MAX_WORD`` characters (indexed and queried alike): the
longest Danish compounds are ~50 letters, and the compound split looks at every
cut of a word, so one accepted document holding a 2,000,000-letter "word" made
the analysis quadratic (hours) and hung every store open behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import Stemmer

WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
LINKING = ("s", "e")
MIN_PART = 4
MIN_HEAD = 3
#: characters of a word that are analysed and indexed (the rest of a longer "word" is cut off)
MAX_WORD = 80


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


@cache
def lexicon() -> frozenset[str]:
    text = resources.files("referat").joinpath("data", "lexicon.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#") and len(w) >= MIN_PART)


def words(text: str) -> list[str]:
    return [w[:MAX_WORD].lower() for w in WORD.findall(text)]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word) if word.isalpha() else word


def _known(word: str) -> bool:
    lex = lexicon()
    if word in lex:
        return True
    return any(word.endswith(link) and word[: -len(link)] in lex for link in LINKING)


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """Split a compound into known parts (longest known tail first), or () if none."""
    if not MIN_HEAD + MIN_PART <= len(word) <= MAX_WORD or not word.isalpha():
        return ()
    lex = lexicon()
    for cut in range(MIN_HEAD, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail not in lex:
            continue
        base = head
        for link in LINKING:
            if head.endswith(link) and head[: -len(link)] in lex:
                base = head[: -len(link)]
                break
        if base in lex:
            return (base, tail)
        inner = compound_parts(head)
        if inner:
            return (*inner, tail)
        if _known(head):
            return (head, tail)
    return ()


@dataclass(frozen=True)
class Analyzed:
    exact: str
    expanded: str


def expansions(word: str) -> list[str]:
    """The extra tokens one word contributes to the expanded stream."""
    out = [stem(word)]
    for part in compound_parts(word):
        out.append(part)
        s = stem(part)
        if s != part:
            out.append(s)
    return out


@lru_cache(maxsize=400_000)
def _expanded(word: str) -> str:
    """A word's expansions as one space-separated string (bulk analysis calls this ~100 times per item)."""
    return " ".join(expansions(word))


@lru_cache(maxsize=400_000)
def _head(word: str) -> bool:
    """Can ``word`` be the head of a split compound ("erhvervs" in "erhvervs politik")?"""
    return word.isalpha() and len(word) >= MIN_HEAD + 1 and word[-1] in LINKING


@lru_cache(maxsize=400_000)
def _tail(word: str) -> bool:
    return word.isalpha() and word in lexicon()


def analyze(text: str) -> Analyzed:
    ws = words(text)
    expanded: list[str] = []
    append = expanded.append
    last = len(ws) - 1
    for i, w in enumerate(ws):
        append(_expanded(w))
        # "erhvervs politik": a head ending in a linking letter followed by a known word.
        if i < last and _head(w) and _tail(ws[i + 1]):
            joined = w + ws[i + 1]
            append(joined)
            append(stem(joined))
    return Analyzed(" ".join(ws), " ".join(expanded))


def query_forms(term: str) -> set[str]:
    """Index tokens that count as a match for one query word (for highlighting)."""
    w = term.lower()
    return {w, stem(w), *compound_parts(w)}
