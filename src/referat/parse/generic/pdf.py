"""The generic reader for PDF minutes in a layout no dedicated parser knows.

Each printed line comes from ``pdftext`` with the size and weight pdfium reports for its
characters (``FPDFText_GetFontSize``, ``FPDFText_GetFontWeight``, the font's name); the same
module drops running headers, page numbers and the table of contents, repairs hyphens and
rejoins wrapped lines into paragraphs, and ``pdftables`` finds tables.  Each paragraph becomes a
``TextBlock`` with its first line's typography, and ``blocks.read`` finds the items by how they are
set apart.
"""

from __future__ import annotations

from collections import Counter

import pypdfium2

from ...errors import InputError, NotMinutes
from ...vocab import headings
from ...vocab.caseids import parse_case_id
from ...vocab.names import SIGNATURE_PAGE
from .. import pdftables
from ..base import ParseResult
from ..pdftext import (
    PART,
    Line,
    fix_soft_hyphens,
    measure,
    paragraphs,
    read_pdf,
    split_toc,
    strip_running,
    word_set,
)
from . import vocab
from .blocks import LastRead, TextBlock, norm, read

NAME = "generic-pdf"


def _lines(data: bytes) -> tuple[list[list[Line]], list[float]]:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError("the PDF is encrypted (password-protected); save an unprotected copy and import that") \
                from None
        raise InputError(f"the PDF is damaged or truncated and cannot be read ({str(exc).rstrip('.')})") from None
    try:
        heights = [pdf.get_page_size(i)[1] for i in range(len(pdf))]
        return read_pdf(pdf), heights
    except pypdfium2.PdfiumError as exc:
        raise InputError(f"the PDF cannot be read ({str(exc).rstrip('.')})") from None
    finally:
        pdf.close()


def _running(pages: list[list[Line]], heights: list[float]) -> set[str]:
    """Lines printed at the same height in the top or bottom margin of most pages: running headers
    and footers.  A heading that page breaks happen to put at the top of two pages ("Borgernes
    bemærkninger") stands at a different height each time and is text."""
    at: dict[str, Counter[int]] = {}
    for page, height in zip(pages, heights, strict=True):
        seen: set[tuple[str, int]] = set()
        for ln in page:
            if height and (ln.bottom > 0.8 * height or ln.top < 0.12 * height):
                seen.add((" ".join(ln.text.split()).casefold(), round(ln.bottom / 3)))
        for key, y in seen:
            at.setdefault(key, Counter())[y] += 1
    n = len(pages)
    need = max(2, int(0.6 * n + 0.999)) if n >= 3 else 2
    return {key for key, ys in at.items() if ys.most_common(1)[0][1] >= need}


def _stands_alone(line: Line) -> bool:
    """Lines that are a paragraph of their own whatever the geometry says: a section heading, a
    case id, a header field, a part marker, the signature page's heading."""
    text = norm(line.text)
    return bool(headings.match_heading(text) or parse_case_id(text) or vocab.header_field(text)
                or PART.match(text) or SIGNATURE_PAGE.match(text))


def _blocks_of(data: bytes) -> tuple[list[TextBlock], int]:
    raw, heights = _lines(data)
    if not any(raw):
        raise NotMinutes("the PDF has no text layer (a scanned image?): run OCR first")
    words = word_set(raw)
    for page in raw:
        for line in page:
            line.text = fix_soft_hyphens(line.text, words)
            line.cells = [(fix_soft_hyphens(t, words), x0, x1) for t, x0, x1 in line.cells]
    pages, _ = split_toc(raw)
    running = _running(pages, heights)
    pages = strip_running(pages, heights, keep=lambda t: headings.match_heading(t) is not None
                          or " ".join(t.split()).casefold() not in running)
    layout = measure(pages)
    lines = [ln for page in pages for ln in page]
    out: list[TextBlock] = []
    done = 0
    for found in pdftables.find(lines, layout) + [None]:
        upto = found.first if found else len(lines)
        # a line set apart (a heading, a header line) is a block of its own: a wrapped title's
        # lines are joined again by ``blocks`` when they share the heading's type
        for block in paragraphs(lines[done:upto], layout, breaks=lambda ln: layout.styled(ln) or _stands_alone(ln)):
            first = block.lines[0]
            out.append(TextBlock(norm(block.text), block.page, size=first.size, bold=first.bold))
        if found is None:
            break
        for n, cells in enumerate(found.rows):
            row = lines[found.first]
            out.append(TextBlock(" | ".join(cells), row.page, size=row.size, cells=cells, table=found.first + 1,
                                 head=n < found.header_rows))
        done = found.last + 1
    return out, len(raw)


blocks_of = LastRead(_blocks_of)


def looks_like(data: bytes) -> bool:
    """A PDF with at least one recognisable agenda item."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] != b"%PDF-":
        return False
    try:
        return bool(parse(data, "").meeting.items)
    except InputError:
        return False


def parse(data: bytes, name: str) -> ParseResult:
    blocks, npages = blocks_of(data)
    result = read(blocks, name, pages=npages)
    if not result.meeting.items:
        raise NotMinutes("no agenda items found in this PDF: no numbered headings set apart from the text")
    return result
