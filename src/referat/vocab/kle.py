"""KLE subject groups: the first two levels of a KLE case number, and their names.

Search filters and facets group items by KLE subject group ("00.01" from the
journal number ``00.01.10-A00-3-22``): a level fine enough to tell subjects
apart, coarse enough that a facet has few values.  The names come from KL's
list as shipped in ``data/kle_groups.tsv`` (derived from ../shared/data/kle;
nothing is downloaded).  That list is not the full emneplan, so a group it
lacks is shown by its number alone.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_GROUP = re.compile(r"(\d\d\.\d\d)\.\d\d(?:$|-)")


def group_of(case_value: str) -> str | None:
    """The KLE subject group of a case id ("15.00" for ``15.00.00-A00-10-23``), None if it is no KLE number."""
    m = _GROUP.match(case_value.strip())
    return m.group(1) if m else None


@cache
def _names() -> dict[str, str]:
    text = resources.files("referat").joinpath("data", "kle_groups.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            number, _, title = line.partition("\t")
            out[number] = title
    return out


def group_name(group: str) -> str | None:
    """KL's title of a subject group ("00.01" -> "Kommunens styrelse"), None when the shipped list lacks it."""
    return _names().get(group)


def group_label(group: str) -> str:
    """How a subject group is shown: "00.01 Kommunens styrelse", or the number alone."""
    name = group_name(group)
    return f"{group} {name}" if name else group
