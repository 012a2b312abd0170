"""Templates of typed sections for new agenda items, one per municipality (``data/council_templates.toml``).

A municipality's items always carry the same headings in the same order
(Albertslund: Anledning, Sagsfremstilling, Indstilling, Beslutning, Bilag;
Ballerup: Tidligere behandling, Indhold, Sammendrag, ...).  The vocabulary is
data, and every heading is checked against the importer's synonym table
(``vocab.match_heading``), so minutes we write read back with the same roles.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import InvalidInput
from ..model import Section
from ..vocab.headings import match_heading


@dataclass(frozen=True)
class TemplateSection:
    role: str
    heading: str
    derived: bool = False  # filled by the system (decision, attachments, absence), not typed


@dataclass(frozen=True)
class Template:
    name: str
    municipality: str | None
    sections: tuple[TemplateSection, ...]

    def heading(self, role: str) -> str | None:
        return next((s.heading for s in self.sections if s.role == role), None)

    def blank_sections(self) -> list[Section]:
        """The typed (non-derived) sections of a new item, empty."""
        return [Section(s.role, s.heading, "") for s in self.sections if not s.derived]


@cache
def _templates() -> dict[str, Template]:
    data = tomllib.loads(resources.files("referat").joinpath("data", "council_templates.toml").read_text("utf-8"))
    out = {}
    for name, body in data.items():
        sections = tuple(TemplateSection(s["role"], s["heading"], bool(s.get("derived", False)))
                         for s in body["sections"])
        for sec in sections:
            match = match_heading(sec.heading)
            if match is None or match.role != sec.role:
                raise InvalidInput(f"template {name!r}: heading {sec.heading!r} is not a known {sec.role!r} heading"
                                   " (add it to headings.toml)")
        out[name] = Template(name, body.get("municipality"), sections)
    return out


def template_names() -> list[str]:
    return list(_templates())


def get_template(name: str) -> Template:
    try:
        return _templates()[name]
    except KeyError:
        raise InvalidInput(f"no section template {name!r} (known: {', '.join(_templates())})",
                           code="committee.template_unknown", template=name) from None


def template_for(municipality: str) -> Template:
    """The template of ``municipality`` (by name, case-insensitive), else the default one."""
    for t in _templates().values():
        if t.municipality and t.municipality.casefold() == municipality.casefold():
            return t
    return _templates()["default"]
