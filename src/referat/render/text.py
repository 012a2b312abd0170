"""Minutes and agendas as plain text in the standard Danish layout.

The layout is the one the seeds show (text taken from FirstAgenda-style PDFs):
"REFERAT <udvalg> d. dd-mm-yyyy", Mødedato, Mødested, Mødedeltagere, a table of
contents with dot leaders and page numbers, then every item on a new page
("Punkt N: title", case ids, headed sections) and the signature page.

Pages are separated by form feeds, so the page numbers in the table of contents
are true.  Every paragraph is one line: the text importer reads a line as a
paragraph, so wrapping would change the document; a page holds ``PAGE_LINES``
lines as they would wrap at ``WIDTH`` columns.
"""

from __future__ import annotations

import math

from .layout import SIGNATURE_HEADING, Item, Layout, Para

WIDTH = 90
PAGE_LINES = 60
FORM_FEED = "\f"


def _height(lines: list[str]) -> int:
    return sum(max(1, math.ceil(len(line) / WIDTH)) for line in lines)


def _paginate(lines: list[str]) -> list[list[str]]:
    """Split one part (front matter, an item) into pages, never starting a page with a blank line."""
    pages: list[list[str]] = [[]]
    used = 0
    for line in lines:
        h = max(1, math.ceil(len(line) / WIDTH))
        if used + h > PAGE_LINES and pages[-1]:
            if not line:
                continue
            pages.append([])
            used = 0
        pages[-1].append(line)
        used += h
    return pages


def _paragraphs(*texts: str) -> list[str]:
    out: list[str] = []
    for t in texts:
        out += [t, ""]
    return out


def table_lines(table: dict) -> list[str]:
    """A table as aligned columns, one line per row, cells separated by " | " (numbers
    right-aligned) and a rule under the header rows; the text importer reads it back."""
    rows = table["head"] + table["body"]
    widths = [max(len(r[j]) for r in rows) for j in range(table["width"])]

    def line(row: list[str], n: int) -> str:  # n: the row's own number of cells (rows are padded)
        cells = [c.rjust(w) if j in table["numeric"] else c.ljust(w)
                 for j, (c, w) in enumerate(zip(row[:n], widths, strict=False))]
        return " | ".join(cells).rstrip()

    lengths = table["lengths"]
    out = [table["caption"], ""] if table["caption"] else []  # the paragraph before the rows
    out += [line(r, n) for r, n in zip(table["head"], lengths, strict=False)]
    if table["head"]:
        out.append("-+-".join("-" * w for w in widths))
    return out + [line(r, n) for r, n in zip(table["body"], lengths[len(table["head"]):], strict=False)]


def _block_lines(p: Para) -> list[str]:
    if p.table is not None:
        return table_lines(p.table) + [""]
    return [f"{p.number} {p.text}" if p.number else p.text, ""]


def item_lines(item: Item) -> list[str]:
    lines = _paragraphs(item.heading, *item.case_ids)
    for block in item.blocks:
        if block.heading:
            lines += _paragraphs(block.heading)
        for p in block.paras:
            lines += _block_lines(p)
    return lines


def _front(layout: Layout, toc_pages: list[int]) -> list[str]:
    lines = ["", layout.title_line, ""]
    if layout.date_line:
        lines += _paragraphs(f"Mødedato {layout.date_line}")
    if layout.place:
        lines += _paragraphs(f"Mødested {layout.place}")
    if layout.participants:
        lines += _paragraphs("Mødedeltagere " + ", ".join(layout.participants))
    lines += _paragraphs("Indholdsfortegnelse")
    lines += [f"{item.toc_title}.....\t{page}" for item, page in zip(layout.items, toc_pages, strict=False)]
    return lines + [""]


def render_text(layout: Layout) -> str:
    """The whole document; pages joined by form feeds."""
    front_pages = len(_paginate(_front(layout, [0] * len(layout.items))))
    body: list[list[str]] = []
    starts: list[int] = []
    for item in layout.items:
        starts.append(front_pages + len(body) + 1)
        body += _paginate(item_lines(item))
    if layout.signers:
        sig = _paragraphs(SIGNATURE_HEADING)
        for s in layout.signers:
            sig += [s.line] + ([s.approved] if s.approved else []) + [""]
        body += _paginate(sig)
    pages = _paginate(_front(layout, starts)) + body
    return FORM_FEED.join("\n".join(page).rstrip("\n") + "\n" for page in pages)
