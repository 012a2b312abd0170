"""Vocabulary tables loaded from ``data/``: section headings and decision outcomes.

Municipalities word their minutes differently; keeping the words in data files
means a new municipality is a new line in a table, not a new code branch.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources


@dataclass(frozen=True)
class HeadingMatch:
    role: str
    heading: str
    groups: dict[str, str]


def _load(name: str) -> dict:
    return tomllib.loads(resources.files("referat").joinpath("data", name).read_text("utf-8"))


def _key(text: str) -> str:
    return " ".join(text.strip().rstrip(":").split()).casefold()


@cache
def _headings() -> tuple[dict[str, str], list[tuple[str, re.Pattern[str]]]]:
    data = _load("headings.toml")
    exact = {_key(h): role for role, heads in data["roles"].items() for h in heads}
    patterns = [(p["role"], re.compile(p["regex"], re.IGNORECASE)) for p in data.get("patterns", [])]
    return exact, patterns


def roles() -> list[str]:
    return list(_load("headings.toml")["roles"])


@lru_cache(maxsize=16384)
def match_heading(line: str) -> HeadingMatch | None:
    """The section role a line announces, or None if it is not a known heading (remembered per line: a PDF's
    lines are asked several times, by the running-header filter and the item reader; callers never change a
    match)."""
    text = " ".join(line.split())
    if not text or len(text) > 160:
        return None
    exact, patterns = _headings()
    role = exact.get(_key(text))
    if role:
        return HeadingMatch(role, text.rstrip(":").strip(), {})
    for role, rx in patterns:
        m = rx.match(text)
        if m:
            return HeadingMatch(role, text, {k: v for k, v in m.groupdict().items() if v})
    return None


@cache
def _outcome_rules() -> list[tuple[str, re.Pattern[str]]]:
    return [(r["outcome"], re.compile(r["regex"], re.IGNORECASE | re.DOTALL)) for r in _load("outcomes.toml")["rules"]]


def classify_outcome(text: str) -> str:
    """Map a decision text to one of ``model.OUTCOMES``.

    Sentences are tried in order and the first one with a recognised outcome wins:
    minutes state the collective decision first and dissents after it ("Et flertal
    kunne tiltræde ..." then "X kunne ikke tiltræde ..."), so the dissent must not win,
    even when a layout ran both into one paragraph.  A weak outcome (noted, discussed)
    yields to a later decisive one: "udvalget drøftede sagen ... besluttede at udsætte".
    """
    weak = None
    for para in re.split(r"\n\s*\n", text):
        for sentence in _SENTENCE_END.split(" ".join(para.split())):
            for outcome, rx in _outcome_rules():
                if rx.search(sentence):
                    if outcome not in _WEAK:
                        return outcome
                    weak = weak or outcome
                    break
    return weak or "unknown"


_WEAK = {"noted", "discussed"}


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
