"""The generic reader for plain-text minutes (a PDF or Word document saved as text, an e-mail).

Text has no typography, so paragraphs are the only structure: blank lines separate them, and the
lines of one paragraph are one block unless most paragraphs are single lines (then every line is a
block: "Mødedato ..." under "Mødested ..." are two fields).  Items are then the blocks that open
with a keyword number ("Punkt 3:", "Sag nr. 3") in sequence, sections the known headings
(``blocks.read``); tab stops in a line make it a table row.
"""

from __future__ import annotations

import re

from ...errors import InputError, NotMinutes
from ..base import ParseResult
from .blocks import LastRead, TextBlock, norm, read

NAME = "generic-text"

_DOTS = re.compile(r"\.{3,}\s*\t?\s*\d{1,4}\s*$")  # a table of contents' leader dots and page number


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError("the text is neither UTF-8 nor Windows-1252")


def _blocks_of(data: bytes) -> list[TextBlock]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    paras = [[line for line in chunk.split("\n") if line.strip()] for chunk in re.split(r"\n\s*\n", text)]
    paras = [p for p in paras if p]
    single = sum(1 for p in paras if len(p) == 1) >= 0.7 * len(paras) if paras else True
    out: list[TextBlock] = []
    for table, p in enumerate(paras, start=1):
        lines = p if single or all("\t" in line for line in p) else [" ".join(p)]
        for line in lines:
            cells = [norm(c) for c in line.split("\t") if norm(c)]
            if len(cells) >= 2 and not _DOTS.search(line):
                out.append(TextBlock(" | ".join(cells), cells=cells, table=table))
            else:
                out.append(TextBlock(norm(line)))
    return out


blocks_of = LastRead(_blocks_of)


def looks_like(data: bytes) -> bool:
    """A text with at least one recognisable agenda item."""
    try:
        return bool(read(blocks_of(data), "").meeting.items)
    except InputError:
        return False


def parse(data: bytes, name: str) -> ParseResult:
    result = read(blocks_of(data), name)
    if not result.meeting.items:
        raise NotMinutes("no agenda items found in this text: no numbered item headings (\"Punkt 3: ...\")")
    return result
