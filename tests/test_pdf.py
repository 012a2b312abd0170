"""The PDF importer: layout cleanup rules (``referat.parse.pdftext``) and bad PDFs."""

from __future__ import annotations

import ctypes
import io

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from referat.errors import InputError, NotMinutes
from referat.parse import importer
from referat.parse.pdftext import (
    Layout,
    Line,
    dehyphen,
    fix_soft_hyphens,
    join_text,
    measure,
    paragraphs,
    split_toc,
    strip_running,
)

from .conftest import SHARED

CORPUS = SHARED / "corpus"
LAYOUT = Layout(margin=500.0, pitch=12.0, body_size=10.0, body_bold=False, left=70.0)


def line(text: str, page: int = 1, y: float = 700.0, x1: float = 495.0, **kw) -> Line:
    word = text.split(" ", 1)[0]
    return Line(text=text, page=page, x0=70.0, x1=x1, bottom=y, top=y + 10, size=10.0,
                word_w=kw.pop("word_w", 5.0 * len(word)), **kw)


# ------------------------------------------------------------------ headers and footers

def test_running_headers_and_page_numbers_are_dropped():
    pages = []
    for n in range(1, 5):
        pages.append([
            line("Referat For Udvalget for plan", n, y=800),
            line(f"Side {n}", n, y=790),
            line(f"Brødtekst på side {n}", n, y=600),
            line(f"{n} of 4", n, y=20),
        ])
    out = strip_running(pages, [842.0] * 4)
    assert [[ln.text for ln in p] for p in out] == [[f"Brødtekst på side {n}"] for n in range(1, 5)]


def test_a_reference_at_the_foot_of_the_text_is_not_a_page_number():
    """"58688/13" (an Acadre reference wrapped onto its own line) is the last body line but
    sits well above the bottom margin; "3/4" in the margin is the page number.  Without
    geometry the place in reading order decides."""
    page = [line("Bilag", y=400), line("3 Åben Kulturkommune 2017 - arbejdsoplæg til udvalget", y=300, x1=499),
            line("58688/13", y=286, x1=110), line("3/4", y=25, x1=110)]
    assert [ln.text for ln in strip_running([page], [842.0])[0]] == [ln.text for ln in page[:3]]
    flat = [Line(ln.text, 1) for ln in page]
    assert [ln.text for ln in strip_running([flat], [842.0])[0]] == ["Bilag", page[1].text]


def test_repeated_body_text_and_headings_are_kept():
    pages = [[line("Bilag", n, y=800), line("Samme tekst", n, y=400)] for n in range(1, 4)]
    out = strip_running(pages, [842.0] * 3, keep=lambda t: t == "Bilag")
    assert [[ln.text for ln in p] for p in out] == [["Bilag", "Samme tekst"]] * 3


# ------------------------------------------------------------------ hyphens

@pytest.mark.parametrize("text, expected", [
    ("Sundheds\ufffeog Forebyggelsesudvalget", "Sundheds- og Forebyggelsesudvalget"),
    ("en del ikke\ufffeplanlagte opgaver", "en del ikke-planlagte opgaver"),
    ("kommunens p\ufffehuse", "kommunens p-huse"),
    ("Bevillingen budget\ufffelægges i 2025", "Bevillingen budgetlægges i 2025"),
])
def test_soft_hyphens(text, expected):
    assert fix_soft_hyphens(text, set()) == expected


def test_soft_hyphen_follows_the_documents_own_spelling():
    assert dehyphen("hastigheds", "nedsættelser", {"hastigheds-nedsættelser"}) == "hastigheds-nedsættelser"
    assert dehyphen("Ravn", "bakkeskole", {"ravnbakkeskole"}) == "Ravnbakkeskole"


def test_hard_hyphen_at_line_end():
    assert join_text("data på 6-", "måneders opfølgningen") == "data på 6-måneders opfølgningen"
    assert join_text("handicap-", "og psykiatriområdet") == "handicap- og psykiatriområdet"
    assert join_text("et langt", "ord") == "et langt ord"


# ------------------------------------------------------------------ paragraphs

def test_wrapped_lines_join_and_short_lines_end_paragraphs():
    lines = [
        line("Det årlige bygningssyn er nu afsluttet, og der er", y=700, x1=480, word_w=40),
        line("foretaget en prioritering.", y=688, x1=200),
        line("Ny paragraf efter en kort linje.", y=676, x1=250),
    ]
    blocks = paragraphs(lines, LAYOUT)
    assert [b.text for b in blocks] == [
        "Det årlige bygningssyn er nu afsluttet, og der er foretaget en prioritering.",
        "Ny paragraf efter en kort linje.",
    ]


def test_vertical_gap_lists_and_page_breaks():
    lines = [
        line("En linje der fylder hele bredden og fortsætter", y=700, x1=498),
        line("men efter et stort mellemrum", y=660, x1=498),  # paragraph spacing
        line("A) første punkt der fylder hele bredden", y=648, x1=498),
        line("B) andet punkt der fortsætter på", y=636, x1=498),
        line("næste side", y=700, x1=150, page=2),
    ]
    texts = [b.text for b in paragraphs(lines, LAYOUT)]
    assert texts == [
        "En linje der fylder hele bredden og fortsætter",
        "men efter et stort mellemrum",
        "A) første punkt der fylder hele bredden",
        "B) andet punkt der fortsætter på næste side",
    ]


def test_line_pitch_of_a_short_document_of_one_line_paragraphs():
    """Headings 17 pt above their text, paragraphs 22 pt apart, two wrapped paragraphs (14 pt):
    the pitch is 14, not the more common distances, so the two paragraphs that end near the
    margin (the second sentence's first word would not have fitted) stay apart."""
    lines, y = [], 760.0
    for n in range(4):
        lines.append(line(f"Overskrift {n}", y=y, x1=150, bold=True))
        y -= 17
        for k in range(3):
            lines.append(line(f"Afsnit {k} under overskrift {n} med en sætning der ender her.", y=y, x1=440 + 5 * k))
            y -= 22
    for _ in range(2):
        lines += [line("Et afsnit der fylder hele linjen og derfor fortsætter på næste", y=y, x1=498),
                  line("linje med resten.", y=y - 14, x1=200)]
        y -= 36
    layout = measure([lines])
    assert layout.pitch == 14.0
    tail = [line("Søren Ærø (Ø) kunne ikke tiltræde indstillingen og ønskede sin stemme ført.", y=300, x1=480),
            line("Åse Øster (A) deltog ikke i behandlingen af punktet.", y=278, x1=300, word_w=40)]
    assert len(paragraphs(tail, layout)) == 2
    assert len(paragraphs(tail, Layout(layout.margin, 22.0, 10.0, False, 70.0))) == 1  # the old estimate joined them


def test_enumerated_table_rows_stay_apart():
    lines = [line("1 Åben Opsamlingsnotat 222359/12", y=700, x1=499), line("2 Åben Politik 73288/09", y=688, x1=499)]
    assert len(paragraphs(lines, LAYOUT)) == 2


# ------------------------------------------------------------------ table of contents

def test_toc_is_removed_and_its_entries_kept():
    pages = [
        [line("Referat", 1)],
        [line("INDHOLDSFORTEGNELSE", 2), line("Åbent referat", 2),
         line("1. Meddelelser 3", 2),
         line("2. Prioritering af midler til kronisk syge borgere og", 2), line("ældre 3", 2),
         line("Lukket referat", 2), line("3. Køb af grund..........................3", 2)],
        [line("1. Meddelelser", 3)],
    ]
    out, toc = split_toc(pages)
    assert [[ln.text for ln in p] for p in out] == [["Referat"], [], ["1. Meddelelser"]]
    assert [(e.number, e.title, e.page, e.public) for e in toc] == [
        ("1", "Meddelelser", 3, True),
        ("2", "Prioritering af midler til kronisk syge borgere og ældre", 3, True),
        ("3", "Køb af grund", 3, False),
    ]


# ------------------------------------------------------------------ bad PDFs

def _pdf_bytes(text: str | None) -> bytes:
    """A one-page PDF, empty or with one line of text."""
    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(595, 842)
    if text:
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(12))
        encoded = (text + "\0").encode("utf-16-le")
        wide = ctypes.create_string_buffer(encoded, len(encoded))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, pdfium_c.FPDF_WIDESTRING))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, 700)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _encrypted_pdf() -> bytes:
    """A PDF whose standard security handler needs a user password we do not have."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objs) + 1) + b"ab" * 16 + b"><"
            + b"ab" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return bytes(out)


def _one_line(exc: BaseException) -> str:
    msg = str(exc)
    assert msg and "\n" not in msg
    return msg


def test_encrypted_pdf_is_a_clear_error():
    with pytest.raises(InputError) as err:
        importer.parse_bytes(_encrypted_pdf(), "locked.pdf")
    assert "encrypted" in _one_line(err.value)


def test_truncated_pdf_is_a_clear_error():
    data = (CORPUS / "syddjurs_2013-06-20_puk_referat.pdf").read_bytes()[:3000]
    with pytest.raises(InputError) as err:
        importer.parse_bytes(data, "cut.pdf")
    assert "damaged or truncated" in _one_line(err.value)


def test_pdf_without_text_is_not_minutes():
    with pytest.raises(NotMinutes) as err:
        importer.parse_bytes(_pdf_bytes(None), "scan.pdf")
    assert "no text" in _one_line(err.value)


def test_pdf_that_is_not_minutes():
    with pytest.raises(NotMinutes) as err:
        importer.parse_bytes(_pdf_bytes("Kære Ole, tak for sidst. Hilsen Mette"), "letter.pdf")
    assert "no agenda items" in _one_line(err.value)


def test_real_pdf_pages_and_items():
    record = importer.parse_file(CORPUS / "ballerup_2012-12-04_sundheds-og-forebyggelsesudvalget_referat.pdf")
    assert record.document.pages == 15
    assert [i.number for i in record.meeting.items] == [str(n) for n in range(1, 9)]
    assert record.meeting.items[1].page == 3
