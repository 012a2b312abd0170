"""Snippets with highlights, made from an item's stored text.

The index holds analysed tokens, not display text, so highlighting happens
here: a word is highlighted when its analysis meets a query word's (exact,
prefix, stem or compound part).  Only the top hits get snippets, so this stays
off the hot path of ranking.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache

from .analyzer import MAX_WORD, WORD, compound_parts, stem
from .inflect import variant_stems
from .query import Query

OPEN, CLOSE = "\u2039", "\u203a"  # ‹ › : renderers replace them with <mark> or terminal styles


@lru_cache(maxsize=200_000)
def _forms(word: str) -> frozenset[str]:
    """What a (lower-case) text word can match: itself, its stem, its compound parts and their stems.  Shared
    by every query, so a results page judges a word with one set intersection instead of stemming it again."""
    forms = {word, stem(word)}
    for part in compound_parts(word):
        forms.add(part)
        forms.add(stem(part))
    return frozenset(forms)


class _Matcher:
    """Which words a query highlights: exact, prefix, stem or compound part of a query word.  Each distinct
    (lower-cased) word is judged once per query and remembered, since hits share their vocabulary."""

    def __init__(self, query: Query) -> None:
        targets: set[str] = set()
        prefixes: list[str] = []
        for clause in query.clauses:
            if clause.negate or clause.phrase:
                continue
            for w in clause.words:
                targets.add(w)
                targets.add(stem(w))
                if not clause.prefix:
                    targets |= variant_stems(w)
                if clause.prefix or len(w) >= 4:
                    prefixes.append(w)
        self.targets = frozenset(targets)
        self.prefixes = tuple(prefixes)
        self.yes: set[str] = set()
        self.no: set[str] = set()
        # Every word this matcher accepts contains a target or a prefix: a stem is the start of its word
        # (Danish snowball only cuts endings), a compound part is a piece of it.  So only the words containing
        # one need judging, and one regular expression finds them (None: a number among the targets).
        pieces = sorted(self.targets | set(self.prefixes), key=lambda w: (-len(w), w))
        self.candidates = re.compile("|".join(map(re.escape, pieces))) \
            if pieces and all(p.isalpha() and p == p.lower() for p in pieces) else None

    def judge(self, w: str) -> bool:
        # (a word is indexed and analysed as its first ``MAX_WORD`` characters: a huge "word" costs no more)
        return not self.targets.isdisjoint(_forms(w[:MAX_WORD])) or w.startswith(self.prefixes)

    def __call__(self, word: str) -> bool:
        w = word.lower()
        return w in self.yes or (w not in self.no and bool(self.hits({w})))

    def hits(self, lowered: set[str]) -> set[str]:
        """The words of ``lowered`` (lower-case) to highlight."""
        new = lowered - self.yes - self.no
        if new:
            if len(self.no) > 200_000:
                self.no.clear()
            for w in new:
                (self.yes if self.judge(w) else self.no).add(w)
        return lowered & self.yes


@lru_cache(maxsize=64)  # one matcher per query, shared by its hits and pages
def _matcher(query: Query) -> _Matcher:
    return _Matcher(query)


def _phrase_spans(tokens: list[re.Match[str]], query: Query) -> list[tuple[int, int]]:
    lowered = [t.group(0).lower() for t in tokens]
    spans = []
    for clause in query.clauses:
        if not clause.phrase or clause.negate:
            continue
        n = len(clause.words)
        for i in range(len(lowered) - n + 1):
            if tuple(lowered[i:i + n]) == clause.words:
                spans.append((tokens[i].start(), tokens[i + n - 1].end()))
    return spans


_LETTER = re.compile(r"[^\W\d_]")  # a letter, as ``WORD`` takes them
_LETTERS = re.compile(r"[^\W\d_]*")


def _word_spans(flat: str, hit: _Matcher) -> set[tuple[int, int]]:
    """Where the words ``hit`` accepts occur.  Usually only the words containing a target are judged: the
    matcher's ``candidates`` find the pieces, each widened to its word (letters, exactly as ``WORD`` cuts
    them).  Otherwise (numbers among the targets) the distinct words are judged as a set and the matching ones
    found by one regular expression; both are several times faster than walking every token in Python."""
    lowered = flat.lower()
    if hit.candidates is not None and len(lowered) == len(flat):
        spans = set()
        end = -1
        for m in hit.candidates.finditer(lowered):
            if m.start() < end:
                continue  # (a second piece of a word already seen)
            start, end = m.start(), _LETTERS.match(flat, m.end()).end()  # type: ignore[union-attr]
            while start and _LETTER.match(flat, start - 1):  # (pieces mostly start their word: rarely taken)
                start -= 1
            if hit(flat[start:end]):
                spans.add((start, end))
        return spans
    hits = hit.hits(set(WORD.findall(lowered)))
    if not hits:
        return set()
    if not all(w.isalpha() for w in hits):  # numbers have their own token rules: walk the tokens
        return {m.span() for m in WORD.finditer(flat) if hit(m.group(0))}
    return {m.span() for m in _alternation(frozenset(hits)).finditer(flat)}


@lru_cache(maxsize=1024)  # hits of one query mostly share their highlighted words: compile each set once
def _alternation(hits: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(hits, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])", re.IGNORECASE)


def snippet(text: str, query: Query, *, width: int = 220) -> str:
    hit = _matcher(query)
    flat = " ".join(text.split())
    found = _word_spans(flat, hit)
    if any(c.phrase and not c.negate for c in query.clauses):
        found |= set(_phrase_spans(list(WORD.finditer(flat)), query))
    spans = sorted(found)
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    spans = merged
    if not spans:
        return flat[:width] + ("…" if len(flat) > width else "")
    # The window with the most highlighted words.
    best_start, best_count, j = spans[0][0], 0, 0
    for i, (s, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][0] < s + width:
            j += 1
        if j - i > best_count:
            best_start, best_count = s, j - i
    start = max(0, best_start - width // 4)
    if start:
        start = flat.rfind(" ", 0, start) + 1
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(flat[pos:s] + OPEN + flat[s:e] + CLOSE)
        pos = e
    out.append(flat[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(flat) else "")


class ItemSnippets:
    """One store's snippets already made, by (item id, query): the same query's top items come back under
    other filters, sort orders and pages, and an item's text never changes under its id (a new version of a
    meeting gets new item ids, and ids are never reused).  Per store: ids mean nothing across archives."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        # first in, first out: an OrderedDict drops its oldest in constant time, where popping a plain dict's
        # first key walks over every key removed before it (~6 us at 20,000 entries)
        self.made: OrderedDict[tuple[int, Query], str] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, item_id: int, text: str, query: Query) -> str:
        key = (item_id, query)
        found = self.made.get(key)
        if found is None:
            found = snippet(text, query)
            with self.lock:
                if len(self.made) >= self.size:
                    self.made.popitem(last=False)
                self.made[key] = found
        return found


def to_terminal(text: str) -> str:
    return re.sub(f"{OPEN}(.*?){CLOSE}", lambda m: f"\x1b[1;33m{m.group(1)}\x1b[0m", text)


def to_plain_marks(text: str) -> str:
    return text.replace(OPEN, "[").replace(CLOSE, "]")
