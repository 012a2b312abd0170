"""What every importer returns, and the parser registry.

A parser takes the raw bytes and returns the meeting plus the content
paragraphs it read (boilerplate such as running headers and tables of contents
already removed); the lossless check compares the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import Meeting


@dataclass
class ParseResult:
    meeting: Meeting
    content: list[str]
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)


Parser = Callable[[bytes, str], ParseResult]
