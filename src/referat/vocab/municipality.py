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


def detect(text: str, filename: str = "") -> str:
    names = known()
    rx = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\s+(?:Kommune|Byråd|Kommunalbestyrelse)", re.I)
    counts = Counter(m.group(1).lower() for m in rx.finditer(text))
    if counts:
        best = counts.most_common(1)[0][0]
        return next(n for n in names if n.lower() == best)
    stem = _ascii(filename.rsplit("/", 1)[-1])
    for n in sorted(names, key=len, reverse=True):
        if re.match(re.escape(_ascii(n)) + r"(?![a-z])", stem):
            return n
    return UNKNOWN
