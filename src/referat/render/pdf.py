"""Minutes and agendas as tagged, accessible PDF (WeasyPrint, PDF/UA-1).

The PDF is the HTML rendering printed by WeasyPrint with the structure tree
(tags) on, document title and language from the HTML; WeasyPrint may read no
resource but referat's own files (``fetcher.BundledOnly``).  ``check_pdf`` is the
guarantee we give: the file is tagged (has a StructTreeRoot, marked) and its text
can be extracted by pdfium, the reader our own PDF importer uses.
"""

from __future__ import annotations

import pypdfium2
import pypdfium2.raw as pdfium_c

from ..errors import RenderError
from .html import render_html
from .layout import Layout


def render_pdf(layout: Layout) -> bytes:
    from weasyprint import HTML

    from .fetcher import BundledOnly

    html = render_html(layout)
    try:  # no base URL and a fetcher that reads only our own files: the text can make it fetch nothing
        data = HTML(string=html, url_fetcher=BundledOnly()).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except Exception as exc:  # WeasyPrint raises many kinds; the user gets one line
        raise RenderError(f"the PDF could not be made: {exc}") from exc
    if data is None:
        raise RenderError("the PDF could not be made (WeasyPrint returned nothing)")
    return data


def check_pdf(data: bytes) -> str:
    """Raise RenderError unless ``data`` is a tagged PDF whose text pdfium can extract; returns the text.

    Tagged means what pdfium checks: a StructTreeRoot in the catalog and MarkInfo/Marked
    true; and the first page's structure tree has elements."""
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise RenderError(f"the PDF cannot be read back: {exc}") from None
    try:
        if not pdfium_c.FPDFCatalog_IsTagged(pdf.raw):
            raise RenderError("the PDF is not tagged (no StructTreeRoot or not marked)")
        page = pdf[0]
        tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
        try:
            if not tree or pdfium_c.FPDF_StructTree_CountChildren(tree) < 1:
                raise RenderError("the PDF's structure tree is empty")
        finally:
            if tree:
                pdfium_c.FPDF_StructTree_Close(tree)
        text = "\f".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    if not text.strip():
        raise RenderError("the PDF has no extractable text")
    return text
