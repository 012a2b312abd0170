"""The one list of parsers: which exist, which formats each reads, and in what order they are tried.

A parser is any object with ``name``, ``formats`` (the sniffed formats it reads), ``looks_like(data)``
and ``parse(data, name)`` returning a ``ParseResult``.  The built-in ones live in this package and are
listed below (imported only when a file of their format arrives); a vendor can ship more as its own
package by declaring an entry point in the group ``referat.parsers`` that names such an object::

    [project.entry-points."referat.parsers"]
    cbrain = "referat_cbrain:PARSER"

Dedicated parsers are tried first: entry-point parsers before the built-ins (an installed vendor package
is asked before the permissive plain-text reader), then in the order listed; the
first whose ``looks_like`` answers yes reads the file; a parser flagged ``generic`` is tried only when no
dedicated one claims the file (the generic reader for layouts nobody has shown us).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from .base import ParseResult

ENTRY_POINT_GROUP = "referat.parsers"

#: every format ``importer.sniff`` can answer
FORMATS = ("pdf", "html", "xml", "json", "docx", "zip", "text")


@runtime_checkable
class Parser(Protocol):
    """What the importer asks of a parser (read-only attributes: a class attribute, a property or a frozen
    dataclass field all serve)."""

    @property
    def name(self) -> str: ...

    @property
    def formats(self) -> tuple[str, ...]: ...

    @property
    def generic(self) -> bool: ...

    def looks_like(self, data: bytes) -> bool: ...

    def parse(self, data: bytes, name: str) -> ParseResult: ...


@dataclass(frozen=True)
class ModuleParser:
    """A built-in parser that is a module of this package with ``NAME``, ``looks_like`` and ``parse``;
    the module is imported on first use, so reading a text file never loads pdfium or lxml."""

    module: str
    formats: tuple[str, ...]
    generic: bool = False

    @property
    def _mod(self) -> Any:
        return importlib.import_module(self.module)

    @property
    def name(self) -> str:
        return str(getattr(self._mod, "NAME", self.module.rsplit(".", 1)[-1]))

    @property
    def delegates(self) -> tuple[str, ...]:
        """Names of the parsers this one hands the file's contents to (a container's reader names the
        reader of what it contains): a golden read through this parser proves those too."""
        return tuple(getattr(self._mod, "DELEGATES", ()))

    def looks_like(self, data: bytes) -> bool:
        return bool(self._mod.looks_like(data))

    def parse(self, data: bytes, name: str) -> ParseResult:
        result: ParseResult = self._mod.parse(data, name)
        return result


_P = "referat.parse."
#: The built-in parsers, most specific first within each format.
BUILTIN: tuple[ModuleParser, ...] = (
    ModuleParser(_P + "pdf", ("pdf",)),
    # the FirstAgenda Publication API's answers; it also claims (to refuse it by name) the HTML page the
    # portal wraps round an attachment's PDF, which the HTML reader would otherwise take for a page
    ModuleParser(_P + "firstagenda_json", ("json", "html")),
    ModuleParser(_P + "firstagenda_html", ("html",)),
    ModuleParser(_P + "fujitsu_html", ("html",)),
    ModuleParser(_P + "edoc_xml", ("xml",)),
    ModuleParser(_P + "acadre_xml", ("xml",)),
    ModuleParser(_P + "sbsys_xml", ("xml",)),
    ModuleParser(_P + "fujitsu_xml", ("xml",)),
    ModuleParser(_P + "sbsys_zip", ("zip",)),
    ModuleParser(_P + "docx", ("docx",)),
    ModuleParser(_P + "text", ("text",)),
    # the generic reader (parse/generic/): tried only when no dedicated parser claims the file
    ModuleParser(_P + "generic.pdf", ("pdf",), generic=True),
    ModuleParser(_P + "generic.html", ("html",), generic=True),
    ModuleParser(_P + "generic.docx", ("docx",), generic=True),
    ModuleParser(_P + "generic.xml", ("xml",), generic=True),
    ModuleParser(_P + "generic.text", ("text",), generic=True),
)


@cache
def _plugins() -> tuple[Parser, ...]:
    found: list[Parser] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        if not isinstance(obj, Parser):
            raise TypeError(f"entry point {ep.name} ({ep.value}) in {ENTRY_POINT_GROUP} is not a parser: "
                            "it needs name, formats, generic, looks_like(data) and parse(data, name)")
        found.append(obj)
    return tuple(found)


def parsers(*, generic: bool = True) -> tuple[Parser, ...]:
    """Every registered parser in the order they are tried (generic ones last, or left out)."""
    everything: list[Parser] = [*_plugins(), *BUILTIN]
    dedicated = [p for p in everything if not p.generic]
    fallbacks = [p for p in everything if p.generic] if generic else []
    return (*dedicated, *fallbacks)


def for_format(fmt: str, *, generic: bool = True) -> Iterator[Parser]:
    """The parsers that read ``fmt``, in the order they are tried."""
    return (p for p in parsers(generic=generic) if fmt in p.formats)


def by_name(name: str) -> Parser:
    for p in parsers():
        if p.name == name:
            return p
    raise KeyError(name)
