"""Which municipality a document belongs to.

Minutes rarely say it in a header, but they name "<X> Kommune" in the text, and
archives name files after it.  We pick the most frequent known municipality
named in the text, else one named in the file name, else "ukendt".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from importlib import resources

UNKNOWN = "ukendt"


@cache
def known() -> tuple[str, ...]:
    text = resources.files("referat").joinpath("data", "municipalities.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _ascii(name: str) -> str:
    folded = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


_BODY = re.compile(r"\s(?:Kommune|Byråd|Kommunalbestyrelse)", re.I)


@cache
def _name_before() -> re.Pattern[str]:
    """A municipality's name ending where a body word begins ("Ballerup| Kommune")."""
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in known()) + r")\s*\Z", re.I)


def detect(text: str, filename: str = "") -> str:
    names = known()
    # find the few body words first, then ask which name stands right before each: one alternation of 98
    # names tried at every position of a long document was most of the time this took
    before = _name_before()
    found = (before.search(text, max(0, m.start() - 40), m.start() + 1) for m in _BODY.finditer(text))
    counts = Counter(f.group(1).lower() for f in found if f)
    if counts:
        best = counts.most_common(1)[0][0]
        return next(n for n in names if n.lower() == best)
    stem = _ascii(filename.rsplit("/", 1)[-1])
    for n in sorted(names, key=len, reverse=True):
        if re.match(re.escape(_ascii(n)) + r"(?![a-z])", stem):
            return n
    return UNKNOWN
