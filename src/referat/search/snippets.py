"""Snippets with highlights, made from an item's stored text.

The index holds analysed tokens, not display text, so highlighting happens
here: a word is highlighted when its analysis meets a query word's (exact,
prefix, stem or compound part).  Only the top hits get snippets, so this stays
off the hot path of ranking.
"""

from __future__ import annotations

import re

from .analyzer import WORD, compound_parts, stem
from .query import Query

OPEN, CLOSE = "\u2039", "\u203a"  # ‹ › : renderers replace them with <mark> or terminal styles


def _matcher(query: Query):
    exact = set()
    prefixes = []
    stems = set()
    for clause in query.clauses:
        if clause.negate or clause.phrase:
            continue
        for w in clause.words:
            exact.add(w)
            stems.add(stem(w))
            if clause.prefix or len(w) >= 4:
                prefixes.append(w)

    def hit(word: str) -> bool:
        w = word.lower()
        if w in exact or stem(w) in stems or any(w.startswith(p) for p in prefixes):
            return True
        return any(p in exact or stem(p) in stems for p in compound_parts(w))

    return hit


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


def snippet(text: str, query: Query, *, width: int = 220) -> str:
    hit = _matcher(query)
    flat = " ".join(text.split())
    tokens = list(WORD.finditer(flat))
    spans = sorted({(m.start(), m.end()) for m in tokens if hit(m.group(0))} | set(_phrase_spans(tokens, query)))
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
    best_start, best_count = spans[0][0], 0
    for i, (s, _) in enumerate(spans):
        count = sum(1 for t, _ in spans[i:] if t < s + width)
        if count > best_count:
            best_start, best_count = s, count
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


def to_terminal(text: str) -> str:
    return re.sub(f"{OPEN}(.*?){CLOSE}", lambda m: f"\x1b[1;33m{m.group(1)}\x1b[0m", text)


def to_plain_marks(text: str) -> str:
    return text.replace(OPEN, "[").replace(CLOSE, "]")
