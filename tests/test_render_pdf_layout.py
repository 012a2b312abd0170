"""The printed layout gives the PDF importer unambiguous paragraphs.

Every paragraph's last line ends well short of the right margin (``.end`` in
minutes.css), so a paragraph whose text happens to fill its last line, also at
the foot of a page where spacing says nothing, is not run into the next one.
"""

from __future__ import annotations

import re

import pypdfium2

from referat.parse.importer import parse_bytes
from referat.parse.items import Para, build_item
from referat.parse.pdftext import read_pdf
from referat.render import filename, render

from .test_render_roundtrip import full_meeting

WORDS = ["Udvalget", "drøftede", "sagen", "og", "besluttede", "at", "sende", "forslaget", "videre", "til", "behandling",
         "i", "byrådet"]


def _paragraphs() -> list[str]:
    """Forty paragraphs whose last lines end anywhere from short to (without the rule) full."""
    out = []
    for n in range(40):
        words = [WORDS[(n + k) % len(WORDS)] for k in range(14 + n // 2)] + [f"nr{n}"] * (n % 5)
        out.append(f"Afsnit {n}: " + " ".join(words) + f" slut{n}.")
    return out


def test_last_lines_end_short_of_the_margin_and_paragraphs_come_back() -> None:
    record = full_meeting()
    paras = _paragraphs()
    item = build_item("1", 1, "Drøftelse af mange afsnit", [Para("Sagsfremstilling"), *map(Para, paras)])
    record.meeting.items = [item]
    data = render(record, "pdf")
    pages = read_pdf(pypdfium2.PdfDocument(data))
    lines = [ln for page in pages for ln in page if ln.size and abs(ln.size - pages[1][-3].size) < 0.6]
    margin = max(ln.x1 for ln in lines)
    ends = [ln for ln in lines if re.search(r"slut\d+\.$", ln.text)]
    assert len(ends) == len(paras)
    em = 10.0  # 10 pt print type; the box is 5em
    assert all(margin - ln.x1 >= 4 * em for ln in ends), [ln.text for ln in ends if margin - ln.x1 < 4 * em]
    full = [ln for ln in lines if margin - ln.x1 < 1.0]
    assert len(full) >= len(paras)  # the paragraphs do wrap
    back = parse_bytes(data, filename(record, "pdf")).meeting.items[0]
    texts = [" ".join(p.split()) for s in back.sections for p in re.split(r"\n\s*\n", s.text) if p.strip()]
    assert texts == paras
    assert len({ln.page for ln in ends}) >= 2  # some paragraph ends at a page's foot
