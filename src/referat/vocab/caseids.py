"""Case and journal numbers: recognise them and name their scheme.

Municipal ESDH systems number cases differently: KLE journal numbers
(``15.00.00-A00-10-23``), eDoc year-serial (``Sagsnr.: 2012-28504``), Acadre
(``12/27845``), GetOrganized/FirstAgenda (``EMN-2025-003383``), SBSYS-like
(``MDR-2016-02836``) and two-digit year with serial (``21-014439``, as Greve's FirstAgenda prints
them).  Search filters on them, and case history links items by them.
"""

from __future__ import annotations

import re

from ..model import CaseId

# Order matters: the first scheme whose pattern matches the whole token wins.
SCHEMES: list[tuple[str, re.Pattern[str]]] = [
    ("kle", re.compile(r"\d\d\.\d\d\.\d\d-[APSØGKI]\d\d-\d+-\d\d")),
    ("kle-emne", re.compile(r"\d\d\.\d\d\.\d\d(?:-[APSØGKI]\d\d)?")),
    ("prefixed-year-serial", re.compile(r"[A-ZÆØÅ]{2,6}-\d{4}-\d{3,8}")),
    ("year-serial", re.compile(r"(?:19|20)\d\d-\d{2,8}")),
    ("acadre", re.compile(r"\d\d/\d{2,8}")),
    # "21-014439": never the tail of a date ("04-12-2012") or of a longer number
    ("short-year-serial", re.compile(r"(?<![\d.-])\d\d-\d{6}(?![\d-])")),
]

_LABEL = re.compile(r"^(?:Sagsnr\.?|Sags nr\.?|Sagsnummer|J\.\s?nr\.?|Journalnr\.?|Journalnummer)"
                    r"\s*:?\s*(?P<id>\w.*)$", re.I)
_ANY = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in SCHEMES))


def scheme_of(value: str) -> str | None:
    for name, rx in SCHEMES:
        if rx.fullmatch(value):
            return name
    return None


def parse_case_id(text: str) -> CaseId | None:
    """A case id if ``text`` is one (optionally labelled ``Sagsnr.:``), else None."""
    text = " ".join(text.split())
    m = _LABEL.match(text)
    if m:
        value = m.group("id").strip()
        return CaseId(value, scheme_of(value) or "other")
    scheme = scheme_of(text)
    return CaseId(text, scheme) if scheme else None


def find_case_ids(text: str) -> list[str]:
    """Every case-id-looking token in free text (for search tokens and linking)."""
    return [m.group(0) for m in _ANY.finditer(text)]


def kle_emne(case: CaseId) -> str | None:
    """The KLE subject number (``15.00.00``) of a KLE-scheme case id."""
    if case.scheme in ("kle", "kle-emne"):
        return case.value[:8]
    return None
