"""The text of an attachment (bilag), page by page, whatever its format, within a budget of pages and time.

Much of a case's substance is in its attachments: reports, letters, lists.  To make them searchable their
text is read here: PDF pages with pdfium (pages without a text layer, scans, by OCR: ``ocr.py``), DOCX with
python-docx (a page ends at a page break Word printed or rendered), old binary Word (.doc) with antiword,
other office formats (RTF, ODF, XLS/XLSX, PPT/PPTX; .doc when antiword fails) by LibreOffice headless
converting to PDF, images by OCR, HTML/XML/plain text as is.  The external programs are Debian packages
(``scripts/setup-system``); when one is missing the file gets a warning, not a failure.

Every file has a budget (``max_pages``, ``max_seconds``; OCR can be limited to ``max_ocr_pages``): a
budget exceeded keeps the text read so far and says so in a warning, and every subprocess runs with the
time left as its timeout, so no file can hang an import.  A damaged file is a warning and no text.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import ocr
from .formats import sniff

MAX_PAGES = 2000
MAX_SECONDS = 120.0
MAX_UNPACKED = 512 * 1024**2  # a DOCX/ODF (a zip) that unpacks to more is refused as a possible zip bomb
MIN_TEXT = 16  # a PDF page with fewer non-blank characters in its text layer counts as having none
_SPACE = re.compile(r"[ \t\u00a0]+")


@dataclass
class Extraction:
    """What was read of one file: ``pages`` of text (page N is ``pages[N-1]``; a DOCX page ends at a page
    break, files without pages are one page), ``page_count`` the pages the file has when known (more than
    were read when a budget cut it short), ``method`` how it was read (``pdf``, ``pdf+ocr``, ``ocr``,
    ``docx``, ``antiword``, ``libreoffice``, ``text``, ``image-ocr``, ``none``), ``ocr_pages`` the 1-based
    pages read by OCR, ``complete`` False when a limit or a failure left text unread."""

    pages: list[str] = field(default_factory=list)
    page_count: int | None = None
    method: str = "none"
    ocr_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    complete: bool = True

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.pages if p)


class _Budget:
    def __init__(self, max_pages: int, max_seconds: float, max_ocr_pages: int | None, use_ocr: bool) -> None:
        self.max_pages, self.max_seconds = max_pages, max_seconds
        self.deadline = time.monotonic() + max_seconds
        self.ocr_left = max_pages if max_ocr_pages is None else max_ocr_pages
        self.use_ocr = use_ocr

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def over(self) -> bool:
        return self.left() <= 0


def extract_text(data: bytes, name: str, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS,
                 max_ocr_pages: int | None = None, use_ocr: bool = True) -> Extraction:
    """The text of the file ``name`` (its bytes ``data``) by page; never raises for what the file holds."""
    if max_pages < 1 or max_seconds <= 0:
        raise ValueError("max_pages must be at least 1 and max_seconds positive")
    budget = _Budget(max_pages, max_seconds, max_ocr_pages, use_ocr)
    out = Extraction()
    kind, _mime = sniff(data, name)
    if kind == "pdf":
        _pdf(data, budget, out)
    elif kind == "docx":
        _docx(data, budget, out)
    elif kind == "doc":
        if not _antiword(data, budget, out):
            _libreoffice(data, name, budget, out)
    elif kind == "office":
        _libreoffice(data, name, budget, out)
    elif kind == "image":
        _image(data, budget, out)
    elif kind in ("text", "html", "xml"):
        _plain(data, kind, out)
    else:
        out.warnings.append("not a format whose text referat reads (PDF, Word, office, image or text)")
        out.complete = False
    return out


def _clean(text: str) -> str:
    """pdfium's and converters' text tidied: soft hyphens joined, line ends unified, runs of spaces one."""
    text = text.replace("\ufffe\r\n", "").replace("\ufffe\n", "").replace("\ufffe", "").replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _pdf(data: bytes, budget: _Budget, out: Extraction, method: str = "pdf") -> None:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pypdfium2.PdfDocument(data)
    except (pypdfium2.PdfiumError, ValueError, OSError) as exc:
        out.warnings.append(f"the PDF cannot be read (damaged or encrypted): {exc}")
        out.complete, out.method = False, "none"
        return
    out.method = method
    ocr_refused = False
    try:
        n = len(pdf)
        out.page_count = n
        if n > budget.max_pages:
            out.warnings.append(f"only the first {budget.max_pages} of {n} pages read (the page limit per file)")
            out.complete = False
        for i in range(min(n, budget.max_pages)):
            if budget.over():
                out.warnings.append(f"the time limit of {budget.max_seconds:g} s per file ran out after "
                                    f"{i} of {n} pages; the text so far is kept")
                out.complete = False
                break
            try:
                page = pdf[i]
            except pypdfium2.PdfiumError as exc:
                out.warnings.append(f"page {i + 1} cannot be read: {exc}")
                out.pages.append("")
                out.complete = False
                continue
            try:
                try:
                    textpage = page.get_textpage()
                    text = textpage.get_text_range()
                    textpage.close()
                except pypdfium2.PdfiumError as exc:
                    out.warnings.append(f"page {i + 1}: its text cannot be read: {exc}")
                    out.complete, text = False, ""
                if len("".join(text.split())) < MIN_TEXT and _has_image(page, pdfium_c):
                    why = _ocr_refusal(budget)
                    if why is None:
                        text = _ocr_page(page, i + 1, budget, out) or text
                    elif not ocr_refused:
                        ocr_refused = True
                        out.warnings.append(f"page {i + 1} (and any later ones) has no text layer: {why}")
                        out.complete = False
            finally:
                page.close()
            out.pages.append(_clean(text))
    finally:
        pdf.close()
    if out.ocr_pages:
        out.method = "ocr" if len(out.ocr_pages) == len(out.pages) else f"{method}+ocr"


def _has_image(page: object, pdfium_c: object) -> bool:
    """Whether an image covers a quarter of the page or more (a scan, a picture of text), not a logo."""
    import ctypes

    raw = page.raw  # type: ignore[attr-defined]
    width, height = page.get_size()  # type: ignore[attr-defined]
    area = max(width * height, 1.0)
    image = pdfium_c.FPDF_PAGEOBJ_IMAGE  # type: ignore[attr-defined]
    box = [ctypes.c_float() for _ in range(4)]
    for k in range(min(pdfium_c.FPDFPage_CountObjects(raw), 10_000)):  # type: ignore[attr-defined]
        obj = pdfium_c.FPDFPage_GetObject(raw, k)  # type: ignore[attr-defined]
        if pdfium_c.FPDFPageObj_GetType(obj) != image:  # type: ignore[attr-defined]
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *box):  # type: ignore[attr-defined]
            continue
        left, bottom, right, top = (b.value for b in box)
        if (right - left) * (top - bottom) >= area / 4:
            return True
    return False


def _ocr_refusal(budget: _Budget) -> str | None:
    if not budget.use_ocr:
        return "OCR is turned off"
    if budget.ocr_left <= 0:
        return "the limit of OCR pages per file is reached"
    return ocr.available()


def _ocr_page(page: object, number: int, budget: _Budget, out: Extraction) -> str | None:
    budget.ocr_left -= 1
    try:
        image = ocr.render_page(page)
        text = ocr.ocr_image(image, timeout=budget.left(), dpi=ocr.DPI)
    except ocr.OcrFailed as exc:
        out.warnings.append(f"page {number}: {exc}")
        out.complete = False
        return None
    except Exception as exc:  # pdfium failing to render one page is that page's problem only
        out.warnings.append(f"page {number} cannot be rendered for OCR: {exc}")
        out.complete = False
        return None
    out.ocr_pages.append(number)
    return text


def _zip_ok(data: bytes, out: Extraction) -> bool:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        out.warnings.append("the file is a damaged zip (DOCX/ODF) and cannot be read")
        out.complete = False
        return False
    if sum(i.file_size for i in infos) > MAX_UNPACKED or len(infos) > 10_000:
        out.warnings.append("the file unpacks to too much (refused as a possible zip bomb)")
        out.complete = False
        return False
    return True


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(data: bytes, budget: _Budget, out: Extraction) -> None:
    import docx

    if not _zip_ok(data, out):
        return
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors ... for broken parts
        out.warnings.append(f"the DOCX cannot be read: {type(exc).__name__}: {exc}")
        out.complete = False
        return
    out.method = "docx"
    pages: list[list[str]] = [[]]
    line: list[str] = []

    def new_page() -> None:
        flush()
        if pages[-1]:
            pages.append([])

    def flush() -> None:
        if line:
            pages[-1].append("".join(line))
            line.clear()

    for n, el in enumerate(document.element.body.iter()):
        if n % 2000 == 0 and budget.over():
            out.warnings.append(f"the time limit of {budget.max_seconds:g} s per file ran out; the text so far is kept")
            out.complete = False
            break
        tag = el.tag
        if tag == f"{_W}t" and el.text:
            line.append(el.text)
        elif tag == f"{_W}tab":
            line.append("\t")
        elif tag == f"{_W}br":
            if el.get(f"{_W}type") == "page":
                new_page()
            else:
                flush()
        elif tag == f"{_W}lastRenderedPageBreak":
            new_page()
        elif tag in (f"{_W}p", f"{_W}tc"):
            flush()  # (a paragraph's text comes after its start tag: flush what the one before left)
    flush()
    texts = [_clean("\n".join(p)) for p in pages]
    out.page_count = len(texts)
    if len(texts) > budget.max_pages:
        out.warnings.append(f"only the first {budget.max_pages} of {len(texts)} pages read (the page limit per file)")
        out.complete = False
    out.pages = texts[:budget.max_pages]


def _antiword(data: bytes, budget: _Budget, out: Extraction) -> bool:
    """Old binary Word by antiword; False (and no warning yet) when it is missing or cannot read the file."""
    exe = shutil.which("antiword")
    if exe is None:
        return False
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            done = subprocess.run([exe, "-m", "UTF-8.txt", "-w", "0", tmp.name], capture_output=True,
                                  timeout=max(budget.left(), 0.1))
        except subprocess.TimeoutExpired:
            out.warnings.append(f"antiword took longer than the {budget.max_seconds:g} s per file; no text read")
            out.complete = False
            return True
        except OSError:
            return False
    if done.returncode != 0:
        return False
    text = done.stdout.decode("utf-8", "replace").replace("[pic]", "")
    pages = [_clean(p) for p in text.split("\f")]
    while len(pages) > 1 and not pages[-1]:
        pages.pop()
    out.method, out.page_count = "antiword", len(pages)
    if len(pages) > budget.max_pages:
        out.warnings.append(f"only the first {budget.max_pages} of {len(pages)} pages read (the page limit per file)")
        out.complete = False
    out.pages = pages[:budget.max_pages]
    return True


def _libreoffice(data: bytes, name: str, budget: _Budget, out: Extraction) -> None:
    """Any office format by LibreOffice headless converting it to PDF, then read as a PDF."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        out.warnings.append(f"{Path(name).suffix or 'this'} files are read by LibreOffice, which is not installed; "
                            "no text read")
        out.complete = False
        return
    if not data.startswith(b"PK") or _zip_ok(data, out):
        with tempfile.TemporaryDirectory(prefix="referat-office-") as tmp:
            src = Path(tmp) / ("input" + (Path(name).suffix.lower() or ".bin"))
            src.write_bytes(data)
            args = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", tmp, str(src)]
            try:
                subprocess.run(args, capture_output=True, timeout=max(budget.left(), 0.1))
            except subprocess.TimeoutExpired:
                out.warnings.append(f"LibreOffice took longer than the {budget.max_seconds:g} s per file; no text read")
                out.complete = False
                return
            except OSError as exc:
                out.warnings.append(f"LibreOffice could not run: {exc}")
                out.complete = False
                return
            pdf = src.with_suffix(".pdf")
            if not pdf.exists():
                out.warnings.append("LibreOffice could not convert the file (damaged or not an office document)")
                out.complete = False
                return
            _pdf(pdf.read_bytes(), budget, out, method="libreoffice")


def _image(data: bytes, budget: _Budget, out: Extraction) -> None:
    why = _ocr_refusal(budget)
    if why is not None:
        out.warnings.append(f"an image: {why}")
        out.complete = False
        return
    try:
        text = ocr.ocr_image(data, timeout=budget.left(), dpi=None)
    except ocr.OcrFailed as exc:
        out.warnings.append(str(exc))
        out.complete = False
        return
    out.method, out.page_count, out.ocr_pages = "image-ocr", 1, [1]
    out.pages = [_clean(text)]


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _plain(data: bytes, kind: str, out: Extraction) -> None:
    text = _decode(data)
    if kind in ("html", "xml"):
        from lxml import etree, html

        try:
            if kind == "html":
                root = html.document_fromstring(text)
                for bad in root.xpath("//script|//style"):
                    bad.drop_tree()
            else:
                parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
                root = etree.fromstring(data, parser)
            text = "\n".join(t for t in root.itertext()) if root is not None else ""
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
            out.warnings.append(f"the {kind.upper()} cannot be read: {exc}")
            out.complete = False
            return
    out.method, out.page_count = "text", 1
    out.pages = [_clean(text)]
