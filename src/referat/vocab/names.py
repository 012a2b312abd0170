"""Names as printed in minutes: "Anja Holtze (A)", "Allan Kristensen (C) (2. viceborgmester) (Afbud)",
"Lolan Ottesen (A) - formand", the sentences that say someone was absent, and the
signature page that closes minutes ("Underskriftsblad": one signatory per line)."""

from __future__ import annotations

import re

from ..model import Participant, Person

PARTY = r"[A-ZÆØÅ]{1,2}"
_ABSENT_NOTES = {"afbud", "fraværende", "fravær", "forfald", "syg"}
_PAREN = re.compile(r"\(([^()]*)\)")
# A present member's attendance during the meeting: "(ankom før punkt 2)", "(forlod mødet efter
# punkt 5)", "(inhabil under punkt 3)", "(deltog fra kl. 17.00)"; a note, not a role.
_ATTENDANCE_NOTE = re.compile(r"^(?:ankom|mødte|kom|forlod|gik|inhabil|deltog (?:fra|til|ikke i|ikke under))\b", re.I)
# The heading of the signature page, alone on its line.
SIGNATURE_PAGE = re.compile(r"^(?:Underskriftsside|Underskriftsblad|Underskrifter|Underskrift|Underskrevet af)\s*:?$",
                            re.I)
# "Godkendt 20-03-2023 kl. 17:05" under a name: a digital approval, not a person.
_APPROVAL = re.compile(r"^Godkendt\b")
_NAME = re.compile(r"(?:[A-ZÆØÅ][\w.'-]*\s?){1,6}")
_ABSENT_SENTENCE = re.compile(
    r"^(?P<names>.+?)\s+(?:deltog ikke(?: i| på)?(?: mødet| behandlingen| sagens behandling| udvalgets behandling)?"
    r"|var forhindret i at deltage|havde meldt afbud|var fraværende)\b.*$",
    re.IGNORECASE,
)


def split_list(text: str) -> list[str]:
    """Split on commas and " og " outside parentheses."""
    parts: list[str] = []
    depth = 0
    cur = ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out: list[str] = []
    for p in parts:
        out.extend(re.split(r"\s+og\s+(?![^(]*\))", p))
    return [" ".join(p.split()) for p in out if p.strip()]


def parse_person(text: str) -> tuple[Person, bool, str | None]:
    """Parse one listed person; returns (person, present, note)."""
    text = " ".join(text.split()).strip(" .;")
    party = None
    role_parts: list[str] = []
    present = True
    note = None
    for m in _PAREN.finditer(text):
        inner = m.group(1).strip()
        if re.fullmatch(PARTY, inner) and party is None:
            party = inner
        elif inner.casefold() in _ABSENT_NOTES:
            present = False
            note = inner
        elif _ATTENDANCE_NOTE.match(inner) and note is None:
            note = inner
        elif inner:
            role_parts.append(inner)
    name = _PAREN.sub("", text)
    if " - " in name:
        name, role = name.split(" - ", 1)
        role_parts.append(role.strip())
    name = " ".join(name.split())
    return Person(name, party, ", ".join(role_parts) or None), present, note


def parse_participants(text: str) -> list[Participant]:
    out = []
    for chunk in split_list(text):
        person, present, note = parse_person(chunk)
        if person.name:
            out.append(Participant(person, present, note))
    return out


def absent_people(line: str) -> list[Person] | None:
    """People a sentence like "Dogan Polat (A) deltog ikke på mødet." names, else None."""
    text = " ".join(line.split())
    m = _ABSENT_SENTENCE.match(text)
    if not m:
        return None
    names = split_list(m.group("names"))
    people = [parse_person(n)[0] for n in names]
    # A name is a few capitalised words; anything else is ordinary prose.
    if not people or any(not _NAME.fullmatch(p.name) for p in people):
        return None
    return people


def signature_page(lines: list[str]) -> tuple[list[Person], list[str]]:
    """The signatories a signature page lists, and the lines that are neither a name nor an approval note."""
    people: list[Person] = []
    other: list[str] = []
    for line in lines:
        text = " ".join(line.split())
        if not text or _APPROVAL.match(text):
            continue
        person, _, _ = parse_person(text)
        if _NAME.fullmatch(person.name):
            people.append(person)
        else:
            other.append(text)
    return people, other
