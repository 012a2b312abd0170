"""Budget tables in PDF text, found from where the amounts stand.

A table typeset in a PDF comes out of pdfium as lines like any other, often out of
order (a wrapped label first, then the amount printed on its first line).  What
gives it away is geometry: amounts ("1.370.000 kr.", "2,5", "-3,0") right-aligned
on a common right edge, each a cell of its own, labels starting at one left edge,
rows one under the other.  This module only calls something a table when that is
plain: at least three rows with numbers on the same right edges, every other line of
the block either a label wrapped in the label column (at the line pitch) or, above
the first row, a heading over the columns, and the block's lines consecutive in the
text stream (so the text around it keeps its order).  Everything else stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import tables
from .pdftext import Layout, Line, join_text

_MONEY = re.compile(r"\d\.\d{3}|kr\.|mio\.|mia\.|%|pct\.", re.I)
_EDGE = 2.5  # points: right-aligned amounts end this close to each other


def is_amount(text: str) -> bool:
    return tables.numeric(text) and bool(_MONEY.search(text))


@dataclass
class Found:
    """A table: the stream lines ``first``..``last`` (inclusive) are its text."""

    first: int
    last: int
    rows: list[list[str]]
    header_rows: int


@dataclass
class _Base:
    """One printed baseline: the cells of every line printed on it, left to right."""

    page: int
    bottom: float
    size: float
    styled: bool
    cells: list[tuple[str, float, float]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _cells(line: Line) -> list[tuple[str, float, float]]:
    return line.cells or [(line.text, line.x0, line.x1)]


def _baselines(lines: list[Line], layout: Layout) -> list[_Base]:
    order = sorted(range(len(lines)), key=lambda i: (lines[i].page, -lines[i].bottom, lines[i].x0))
    out: list[_Base] = []
    for i in order:
        ln = lines[i]
        if out and out[-1].page == ln.page and abs(out[-1].bottom - ln.bottom) <= 2.0:
            base = out[-1]
        else:
            base = _Base(ln.page, ln.bottom, ln.size, layout.styled(ln))
            out.append(base)
        base.cells.extend(_cells(ln))
        base.cells.sort(key=lambda c: c[1])
        base.lines.append(i)
    return out


def _edges(bases: list[_Base], layout: Layout) -> list[float]:
    """Right edges shared by three or more numbers standing apart (a cell of their own, or a line of
    their own) right of the text's first third: the amount columns."""
    xs = sorted(c[2] for b in bases for c in b.cells
                if tables.numeric(c[0]) and c[1] > layout.left + 0.35 * (layout.margin - layout.left))
    out: list[float] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] - xs[i] <= _EDGE:
            j += 1
        if j - i + 1 >= 3:
            out.append((xs[i] + xs[j]) / 2)
        i = j + 1
    return out


def _column(x1: float, edges: list[float]) -> int | None:
    for k, e in enumerate(edges):
        if abs(x1 - e) <= _EDGE + 0.5:
            return k
    return None


def _row(base: _Base, edges: list[float]) -> tuple[str | None, dict[int, str]] | None:
    """(label, {column: amount}) of a baseline with amounts on the edges, else None."""
    label: str | None = None
    amounts: dict[int, str] = {}
    for n, (text, _x0, x1) in enumerate(base.cells):
        k = _column(x1, edges) if tables.numeric(text) else None
        if k is not None and k not in amounts:
            amounts[k] = text
        elif n == 0 and not amounts:
            label = text
        else:
            return None
    if not amounts:
        return None
    if label is not None and base.cells[0][2] > min(c[1] for c in base.cells[1:]) - 4:
        return None
    return label, amounts


def find(lines: list[Line], layout: Layout) -> list[Found]:
    """The budget tables among ``lines`` (one item's body, in stream order)."""
    if not layout.margin or len(lines) < 3:
        return []
    bases = _baselines(lines, layout)
    edges = _edges(bases, layout)
    if not edges:
        return []
    out: list[Found] = []
    i = 0
    while i < len(bases):
        found = _table_at(bases, i, edges, layout)
        if found is None:
            i += 1
            continue
        table, end = found
        out.append(table)
        i = end
    return out


def _wrapped(a: _Base, b: _Base, layout: Layout) -> bool:
    """``b`` is the next line of a label wrapped in its cell: at the line pitch below ``a`` (a paragraph
    after the table stands further apart)."""
    pitch = layout.pitch or 1.25 * max(a.size, b.size, 1.0)
    return a.page == b.page and 0 < a.bottom - b.bottom <= 1.3 * pitch


def _near(a: _Base, b: _Base) -> bool:
    return a.page == b.page and 0 < a.bottom - b.bottom <= 2.6 * max(a.size, b.size, 1.0)


def _table_at(bases: list[_Base], i: int, edges: list[float], layout: Layout) -> tuple[Found, int] | None:
    first = _row(bases[i], edges)
    if first is None or first[0] is None:
        return None
    left = bases[i].cells[0][1]
    used = set(first[1])
    run = [i]
    j = i + 1
    while j < len(bases):
        b, prev = bases[j], bases[run[-1]]
        r = _row(b, edges)
        if r is not None and (r[0] is None or abs(b.cells[0][1] - left) <= 3.0) and \
                (_near(prev, b) or (b.page == prev.page + 1 and r[0] is not None)) and b.styled == bases[i].styled:
            used |= set(r[1])
            run.append(j)
        elif r is None and len(b.cells) == 1 and abs(b.cells[0][1] - left) <= 3.0 and _wrapped(prev, b, layout) \
                and b.styled == bases[i].styled and b.cells[0][2] < min(edges[k] for k in used) - 60 \
                and not tables.numeric(b.cells[0][0]):
            run.append(j)
        else:
            break
        j += 1
    rows_at = [k for k in run if _row(bases[k], edges) is not None]
    if len(rows_at) < 3:
        return None
    cols = sorted(used)
    colstart = min(c[1] for k in rows_at for c in bases[k].cells if _column(c[2], edges) is not None)
    head: list[int] = []
    h = i - 1
    while h >= 0 and len(head) < 3 and _near(bases[h], bases[head[0] if head else i]) and \
            _header_cells(bases[h], left, colstart, [edges[k] for k in cols]) is not None:
        head.insert(0, h)
        h -= 1
    taken = sorted(n for k in head + run for n in bases[k].lines)
    if taken != list(range(taken[0], taken[-1] + 1)):
        return None  # the block's lines are not together in the text: leave it as text
    width = 1 + len(cols)
    rows: list[list[str]] = []
    if head:
        header = [""] * width
        for k in head:
            for col, text in (_header_cells(bases[k], left, colstart, [edges[c] for c in cols]) or []):
                header[col] = join_text(header[col], text) if header[col] else text
        rows.append(header)
    for k in run:
        r = _row(bases[k], edges)
        if r is None:
            text = " ".join(bases[k].cells[0][0].split())
            rows[-1][0] = join_text(rows[-1][0], text) if rows[-1][0] else text
            continue
        label, amounts = r
        rows.append([" ".join((label or "").split())] + [amounts.get(c, "") for c in cols])
    return Found(taken[0], taken[-1], rows, 1 if head else 0), run[-1] + 1


def _header_cells(base: _Base, left: float, colstart: float, edges: list[float]) -> list[tuple[int, str]] | None:
    """(column, text) of a heading line over the table's columns, else None."""
    out: list[tuple[int, str]] = []
    for text, x0, x1 in base.cells:
        if is_amount(text):
            return None
        if abs(x0 - left) <= 3.0 and x1 < colstart - 4:
            out.append((0, text))
            continue
        k = _column(x1, edges)
        if k is None:
            k = next((n for n, e in enumerate(edges) if x0 >= colstart - 20 and x1 <= e + 3), None)
        if k is None:
            return None
        out.append((k + 1, text))
    return out if any(col > 0 for col, _ in out) else None
