"""The generic reader's vocabulary, read from ``data/generic.toml``: item numbers in every scheme
Danish minutes use, header field labels, the words that name a document's kind.

Kept apart from the reading code so that a new wording is a line of data; this module only turns
the lists into matchers.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


def norm(text: str) -> str:
    return " ".join(text.split())


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(resources.files("referat").joinpath("data", "generic.toml").read_text("utf-8"))


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class ItemNumber:
    """An item heading's number and title; ``strong`` when a keyword ("Punkt", "Sag nr.") announces it."""

    number: str
    title: str
    strong: bool


@cache
def _numbering() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    num = _data()["numbering"]
    strong = re.compile(rf"^(?:{_alternatives(num['keywords'])})\s*(?P<num>\d{{1,4}}(?:\.\d{{1,3}})*)(?![\d/,-])"
                        r"\.?\s*[:.\-–)]?\s*(?P<title>.*)$", re.I)
    weak = re.compile(r"^(?P<num>\d{1,4}(?:\.\d{1,3})*)(?![\d/,-])(?:\.|\)|:)?\s+(?P<title>\S.*)$")
    bare = re.compile(r"^(?P<num>\d{1,4}(?:\.\d{1,3})*)[.:]?$")
    not_title = re.compile(num["not_title"], re.I)
    return strong, weak, bare, not_title


def item_number(text: str) -> ItemNumber | None:
    """The item number (and title, possibly empty) ``text`` opens with, if it looks like an item heading."""
    text = " ".join(text.split())
    if not text or len(text) > 300:
        return None
    strong, weak, bare, not_title = _numbering()
    m = strong.match(text)
    if m:
        return ItemNumber(m.group("num"), m.group("title").strip(), True)
    m = bare.match(text)
    if m:
        return ItemNumber(m.group("num"), "", False)
    m = weak.match(text)
    if m and not not_title.match(m.group("title")) and m.group("title")[:1].isalpha():
        return ItemNumber(m.group("num"), m.group("title").strip(), False)
    return None


@cache
def _closed() -> re.Pattern[str]:
    return re.compile(rf"^(?:{_alternatives(_data()['numbering']['closed_prefixes'])})\s*", re.I)


def closed_title(title: str) -> tuple[str, bool]:
    """The title without a "Lukket:" prefix, and whether it had one."""
    m = _closed().match(title)
    return (title[m.end():].strip(), True) if m and title[m.end():].strip() else (title, False)


def toc_heading(text: str) -> bool:
    key = " ".join(text.split()).rstrip(":").casefold()
    return key in {t.casefold() for t in _data()["numbering"]["toc"]}


@cache
def _kinds() -> re.Pattern[str]:
    kinds = _data()["kinds"]
    parts = [f"(?P<{k}>{_alternatives(v)})" for k, v in kinds.items()]
    return re.compile(rf"^(?:{'|'.join(parts)})\b\s*(?P<rest>.*)$", re.I)


def kind(text: str) -> tuple[str, str] | None:
    """("referat" or "dagsorden", the rest of the line) when ``text`` opens with a kind word."""
    m = _kinds().match(" ".join(text.split()))
    if not m:
        return None
    which = next(k for k in _data()["kinds"] if m.group(k))
    return which, m.group("rest").strip()


@dataclass(frozen=True)
class Field:
    """A labelled header line: which field, the label as printed and the value after it."""

    field: str
    label: str
    value: str


@cache
def _fields() -> re.Pattern[str]:
    labels = [(f, label) for f, ls in _data()["fields"].items() if f != "staff_roles" for label in ls]
    alts = _alternatives([label for _, label in labels])
    return re.compile(rf"^(?P<label>{alts})(?:\s*:\s*|\s+|$)(?P<value>.*)$", re.I)


@cache
def _label_field() -> dict[str, str]:
    return {" ".join(label.split()).casefold(): f for f, ls in _data()["fields"].items() if f != "staff_roles"
            for label in ls}


def header_field(text: str) -> Field | None:
    text = " ".join(text.split())
    m = _fields().match(text)
    if not m:
        return None
    label = m.group("label")
    return Field(_label_field()[" ".join(label.split()).casefold()], label, m.group("value").strip())


def staff_role(label: str) -> str | None:
    """The role a staff label gives its people ("Sekretær"), or None."""
    roles = {r.casefold(): r for r in _data()["fields"].get("staff_roles", [])}
    return label if label.casefold() in roles else None
