"""Tables inside a section: one text form for search, one structure for display.

A table lives twice in a ``Section``: its rows are paragraphs of ``Section.text`` (one
per row, the cells joined by " | ", the separator FirstAgenda pages already print for
Word tab stops), so search, snippets and the lossless check read its words like any
other text; and ``Section.tables`` holds the rows as cells with the number of header
rows and the index of the first row's paragraph.  ``parts`` puts each table back in
the place of its paragraphs for the renderers, and leaves the paragraphs alone when
they no longer match the table (a text edited by hand).

The questions every importer and renderer asks about cells are answered here too:
is a cell a number (an amount, a count), is the first row a header (textual over
numeric columns), are rows labelled by their first cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .model import Table

SEP = " | "
# "1.370.000 kr.", "2,59 mio. kr.", "-0,4", "12 %", "15 pct.", "kr. 500", "22"
_UNIT = r"(?:\s*(?:%|pct\.?|(?:t\.|tkr\.|mio\.|mia\.)?\s*kr\.?|mio\.|mia\.))?"
AMOUNT = re.compile(rf"^(?:kr\.\s*)?[-–+]?\s*(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?{_UNIT}$", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _norm(text: str) -> str:
    return " ".join(text.split())


def row_text(cells: Iterable[str]) -> str:
    """A row as its paragraph in ``Section.text``."""
    return SEP.join(_norm(c) for c in cells)


_PIPE = re.compile(r"(?:(?<= )|^)\|(?= |$)")
# the rule the text rendering prints under a table's header rows: "-----+------"
RULE = re.compile(r"^-+(?:\+-+)+$")


def split_row(text: str) -> list[str] | None:
    """The cells of a paragraph written by ``row_text`` (None when it has no separator)."""
    if " |" not in text:
        return None
    return [c.strip() for c in _PIPE.split(_norm(text))]


def paragraphs(text: str) -> list[str]:
    """A section text's paragraphs, as every renderer splits them."""
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def numeric(cell: str) -> bool:
    return bool(AMOUNT.match(_norm(cell)))


def _width(rows: list[list[str]]) -> int:
    return max((len(r) for r in rows), default=0)


def numeric_columns(rows: list[list[str]], header_rows: int = 0) -> set[int]:
    """Columns whose filled body cells are numbers (at least two thirds of them, at least one)."""
    body = rows[header_rows:]
    out: set[int] = set()
    for j in range(_width(rows)):
        cells = [r[j] for r in body if j < len(r) and r[j].strip()]
        if cells and sum(numeric(c) for c in cells) * 3 >= 2 * len(cells):
            out.add(j)
    return out


def guess_header_rows(rows: list[list[str]]) -> int:
    """1 when the first row is textual over columns that are numeric below it, else 0."""
    if len(rows) < 3:
        return 0
    first = rows[0]
    cols = numeric_columns(rows, 1)
    if not cols or any(numeric(c) and not _YEAR.match(_norm(c)) for c in first if c.strip()):
        return 0
    return 1 if any(j < len(first) and first[j].strip() for j in cols) else 0


def labelled_rows(table: Table | Mapping[str, Any]) -> bool:
    """Rows are labelled by their first cell: it is text in every body row and some other column is numeric."""
    rows, head = _rows(table)
    body = rows[head:]
    if not body or _width(rows) < 2:
        return False
    cols = numeric_columns(rows, head)
    return 0 not in cols and bool(cols) and all(r and r[0].strip() and not numeric(r[0]) for r in body)


def _rows(table: Table | Mapping[str, Any]) -> tuple[list[list[str]], int]:
    if isinstance(table, Mapping):
        return table["rows"], int(table.get("header_rows") or 0)
    return table.rows, table.header_rows


def make(rows: list[list[str]], start: int, header_rows: int | None = None, caption: str | None = None) -> Table:
    """A table of normalised cells; the header guessed from the cells unless the source marked it."""
    clean = [[_norm(c) for c in row] for row in rows]
    head = guess_header_rows(clean) if header_rows is None else header_rows
    return Table(rows=clean, start=start, header_rows=head, caption=_norm(caption) if caption else None)


def matches(paras: list[str], table: Table) -> bool:
    """Whether the table's rows are the paragraphs it claims, in order."""
    end = table.start + len(table.rows)
    if table.start < 0 or end > len(paras) or not table.rows:
        return False
    return all(_norm(p) == _norm(row_text(r)) for p, r in zip(paras[table.start:end], table.rows, strict=False))


def parts(text: str, tables: Iterable[Table | Mapping[str, Any]]) -> list[tuple[str, Any]]:
    """The section in reading order: ("p", paragraph) and ("table", table) in place of its rows."""
    paras = paragraphs(text)
    placed: dict[int, Any] = {}
    taken: set[int] = set()
    for t in tables:
        obj = t if isinstance(t, Table) else Table(rows=t["rows"], start=t["start"],
                                                    header_rows=t.get("header_rows") or 0, caption=t.get("caption"))
        span = set(range(obj.start, obj.start + len(obj.rows)))
        if obj.caption and 0 < obj.start <= len(paras) and _norm(paras[obj.start - 1]) == _norm(obj.caption):
            span.add(obj.start - 1)  # shown as the table's <caption>
        if matches(paras, obj) and not span & taken:
            placed[obj.start] = t
            taken |= span
    out: list[tuple[str, Any]] = []
    for i, p in enumerate(paras):
        if i in placed:
            out.append(("table", placed[i]))
        elif i not in taken:
            out.append(("p", p))
    return out


def view(table: Table | Mapping[str, Any]) -> dict[str, Any]:
    """What a renderer needs: header rows, body rows, which columns are numbers, labelled rows."""
    rows, head = _rows(table)
    width = _width(rows)
    caption = table.get("caption") if isinstance(table, Mapping) else table.caption
    return {"caption": caption, "head": [r + [""] * (width - len(r)) for r in rows[:head]],
            "body": [r + [""] * (width - len(r)) for r in rows[head:]],
            "numeric": numeric_columns(rows, head), "labelled": labelled_rows(table), "width": width,
            "lengths": [len(r) for r in rows]}


def display(text: str, section_tables: Iterable[Table | Mapping[str, Any]], heading: str = "") -> list[tuple[str, Any]]:
    """``parts`` with each table as its ``view`` and an accessible name ("label"): its caption,
    else "Tabel: <section heading>"."""
    out: list[tuple[str, Any]] = []
    for kind, value in parts(text, section_tables):
        if kind == "table":
            value = view(value)
            value["label"] = value["caption"] or (f"Tabel: {heading}" if heading else "Tabel")
        out.append((kind, value))
    return out
