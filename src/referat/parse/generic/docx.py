"""The generic reader for Word (DOCX) minutes and agendas in a layout no dedicated parser knows.

python-docx gives the body in reading order (paragraphs and tables); each paragraph becomes a
``TextBlock`` with what Word says about it: the heading level of its style ("Heading 2",
"Overskrift 2", "Title"), whether all its text is bold and its largest font size (from the runs,
else inherited through the paragraph style's base styles).  A table row of one cell (a layout table) is read
as the cell's paragraphs, a row "Label: | value" as one line, any other row as a table row.
``blocks.read`` does the rest.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ...errors import InputError, NotMinutes
from ..base import ParseResult
from .blocks import LastRead, TextBlock, norm, read

NAME = "generic-docx"

_LEVEL = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.I)
_TITLE = re.compile(r"^(?:title|titel)$", re.I)


def _inherited(style: Any, attr: str) -> Any:
    """A font property of a paragraph style, looked up through its base styles."""
    while style is not None:
        value = getattr(style.font, attr, None)
        if value is not None:
            return value
        style = style.base_style
    return None


def _default_size(document: Any) -> float:
    """The document's default font size in points (``w:docDefaults``); OOXML's own default, 10 pt,
    when it sets none."""
    found = document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val")
    return int(found[0]) / 2 if found and str(found[0]).isdigit() else 10.0


def _paragraph(p: Paragraph, out: list[TextBlock], default: float) -> None:
    text = p.text
    if not norm(text):
        return
    name = p.style.name if p.style is not None else ""
    m = _LEVEL.match(name)
    level = int(m.group(1)) if m else (1 if _TITLE.match(name) else 0)
    runs = [r for r in p.runs if r.text.strip()]
    style_bold = bool(_inherited(p.style, "bold"))
    bold = bool(runs) and all(r.bold if r.bold is not None else style_bold for r in runs)
    style_size = _inherited(p.style, "size")
    sizes = [(r.font.size or style_size) for r in runs]
    size = max((s.pt if s is not None else default for s in sizes), default=0.0)
    for line in re.split(r"[\n\v]", text):
        if norm(line):
            out.append(TextBlock(norm(line), size=size, bold=bold, level=level))


def _cells(row: Any) -> list[_Cell]:
    """The row's cells, a merged cell once."""
    seen: set[int] = set()
    out = []
    for c in row.cells:
        if id(c._tc) not in seen:
            seen.add(id(c._tc))
            out.append(c)
    return out


def _flow(items: Any, out: list[TextBlock], tables: list[int], default: float) -> None:
    for item in items:
        if isinstance(item, Paragraph):
            _paragraph(item, out, default)
        elif isinstance(item, Table):
            _table(item, out, tables, default)


def _table(table: Table, out: list[TextBlock], tables: list[int], default: float) -> None:
    tables[0] += 1
    number = tables[0]
    for r, row in enumerate(table.rows):
        cells = _cells(row)
        texts = [norm(c.text) for c in cells]
        filled = [t for t in texts if t]
        if len(filled) <= 1:
            for c in cells:
                _flow(c.iter_inner_content(), out, tables, default)
        elif len(filled) == 2 and filled[0].endswith(":"):
            out.append(TextBlock(f"{filled[0]} {filled[1]}"))  # a label and its value
        else:
            out.append(TextBlock(" | ".join(texts), cells=texts, table=number, head=r == 0 and _bold_row(cells)))


def _bold_row(cells: list[_Cell]) -> bool:
    runs = [r for c in cells for p in c.paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _blocks_of(data: bytes) -> list[TextBlock]:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"the Word document cannot be read ({exc})") from None
    out: list[TextBlock] = []
    _flow(document.iter_inner_content(), out, [0], _default_size(document))
    return out


blocks_of = LastRead(_blocks_of)


def looks_like(data: bytes) -> bool:
    """A Word document with at least one recognisable agenda item."""
    try:
        return bool(parse(data, "").meeting.items)
    except InputError:
        return False


def parse(data: bytes, name: str) -> ParseResult:
    result = read(blocks_of(data), name)
    if not result.meeting.items:
        raise NotMinutes("no agenda items found in this Word document: no numbered headings set apart from the text")
    return result
