"""The generic reader for Word (DOCX) minutes and agendas in a layout no dedicated parser knows.

python-docx gives the body in reading order (paragraphs and tables); each paragraph becomes a
``TextBlock`` with what Word says about it: the heading level of its style ("Heading 2",
"Overskrift 2", "Title"), whether all its text is bold and its largest font size (from the runs,
else inherited through the paragraph style's base styles); Word's automatic list numbers are
counted and put before the text, as Word prints them.  A table row of one cell (a layout table) is read
as the cell's paragraphs, a row "Label: | value" as one line, any other row as a table row.
``blocks.read`` does the rest.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import docx
from docx.oxml.ns import qn
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


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str, "lowerLetter": lambda n: chr(96 + n) if n <= 26 else str(n),
    "upperLetter": lambda n: chr(64 + n) if n <= 26 else str(n),
}


class _Numbering:
    """Word's automatic list numbers ("3.", "2.1"), which python-docx does not give as text: counted
    per list and level the way Word counts them (``numbering.xml``; bullets get none)."""

    def __init__(self, document: Any):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> level -> format, text, start
        self.abstract: dict[str, str] = {}  # numId -> the list definition it counts with
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        defs = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            aid = ref.get(qn("w:val")) if ref is not None else None
            if aid not in defs:
                continue
            levels = {}
            for lvl in defs[aid].findall(qn("w:lvl")):
                start = _val(lvl, "w:start")
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (_val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText"),
                                                           int(start) if start.isdigit() else 1)
            num_id = str(num.get(qn("w:numId"), ""))
            self.levels[num_id] = levels
            self.abstract[num_id] = str(aid)

    def label(self, p: Paragraph) -> str:
        found = _num_pr(p)
        if found is None or found[0] not in self.levels or found[1] not in self.levels[found[0]]:
            return ""
        num, level = found
        counters = self.counters.setdefault(self.abstract[num], [0] * 10)
        fmt, text, start = self.levels[num][level]
        counters[level] = max(counters[level] + 1, start)
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        if fmt not in _FORMATS:
            return ""
        out = text
        for k in range(level + 1):
            shown = self.levels[num].get(k, ("decimal", "", 1))
            value = counters[k] or shown[2]
            out = out.replace(f"%{k + 1}", _FORMATS.get(shown[0], str)(value))
        return out.strip()


def _val(el: Any, tag: str) -> str:
    child = el.find(qn(tag))
    return str(child.get(qn("w:val"), "")) if child is not None else ""


def _num_pr(p: Paragraph) -> tuple[str, int] | None:
    """The list and level a paragraph is numbered in, its own or its style's (through base styles)."""
    sources = [p._p.pPr]
    style = p.style
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    for ppr in sources:
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None and _val(numpr, "w:numId"):
            level = _val(numpr, "w:ilvl")
            return _val(numpr, "w:numId"), int(level) if level.isdigit() else 0
    return None


class _Context:
    def __init__(self, document: Any):
        self.default = _default_size(document)
        self.numbering = _Numbering(document)
        self.tables = 0


def _paragraph(p: Paragraph, out: list[TextBlock], ctx: _Context) -> None:
    text = p.text
    if not norm(text):
        return
    label = ctx.numbering.label(p)
    if label:
        text = f"{label} {text}"
    default = ctx.default
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


def _flow(items: Any, out: list[TextBlock], ctx: _Context) -> None:
    for item in items:
        if isinstance(item, Paragraph):
            _paragraph(item, out, ctx)
        elif isinstance(item, Table):
            _table(item, out, ctx)


def _table(table: Table, out: list[TextBlock], ctx: _Context) -> None:
    ctx.tables += 1
    number = ctx.tables
    for r, row in enumerate(table.rows):
        cells = _cells(row)
        texts = [norm(c.text) for c in cells]
        filled = [t for t in texts if t]
        if len(filled) <= 1:
            for c in cells:
                _flow(c.iter_inner_content(), out, ctx)
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
    _flow(document.iter_inner_content(), out, _Context(document))
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
