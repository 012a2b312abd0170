"""Layout cleanup for text extracted from PDF minutes.

pdfium gives one string per page with a line break after every printed line.
Minutes need paragraphs: this module reads the lines with their geometry and
font, drops running headers/footers and page numbers, cuts out the table of
contents (keeping its entries as hints for item headings), repairs hyphenation
(pdfium's U+FFFE soft hyphens and hard hyphens at line ends) and rejoins
wrapped lines into paragraphs.  It knows nothing about any vendor's layout:
every rule is about how printed text behaves.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pypdfium2
import pypdfium2.raw as pdfium_c

# Words after which a trailing hyphen is a suspended compound ("Sundheds- og").
SUSPEND = frozenset({"og", "eller", "samt", "til", "&", "som", "end", "and", "or"})
# Prefixes that keep their hyphen in Danish compounds ("ikke-planlagte").
_KEEP_PREFIX = frozenset({"ikke", "non", "anti", "eks", "ex", "co"})
_PUA = re.compile("[\uf000-\uf0ff]")  # Symbol-font bullets pdfium cannot map
_PAGE_NO = re.compile(r"^(?:(?:side|page|s\.)\s*\d+(?:\s*(?:af|of|/)\s*\d+)?|\d+\s*(?:af|of|/)\s*\d+"
                      r"|-?\s*\d{1,3}\s*-?)$", re.I)
_TOC_HEAD = re.compile(r"^(?:indholdsfortegnelse|indholdsliste|table of contents)$", re.I)
_TOC_ENTRY = re.compile(r"^(?P<body>.*?\S)(?:\s*\.{2,}\s*|\s+)(?P<page>\d{1,4})$")
_TOC_NUM = re.compile(r"^(?:Punkt\s+)?(?P<num>\d{1,4})\s*[.:]\s+(?P<title>\S.*)$", re.I)
_TOC_LABEL = re.compile(r"^(?:punkt\s*(?:nr\.?)?\s*(?:side)?|side|nr\.?|pkt\.?(?:\s*side)?)$", re.I)
PART = re.compile(r"^(?P<kind>Åbent?|Lukket|Fortrolig)\s+(?:referat|dagsorden|møde|del|punkter?)$", re.I)
_WORD = re.compile(r"[\wæøåÆØÅ]+(?:-[\wæøåÆØÅ]+)*")
_LIST = re.compile(r"^(?:[•▪◦*–]|at\s+\d{1,2}\)|\d{1,2}\)|[A-Z]\))\s*", re.I)


@dataclass
class Line:
    """One printed line: text, page (1-based), box (PDF points, y grows upwards) and font."""

    text: str
    page: int
    x0: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    top: float = 0.0
    size: float = 0.0
    bold: bool = False
    word_w: float = 0.0  # width of the first word, for the "would it have fitted" test
    trailing_space: bool = False
    # the line's parts set apart by a wide gap (table cells: "Sygeplejeklinik ... 200.000 kr."),
    # as (text, x0, x1); empty when the line has no such gap
    cells: list[tuple[str, float, float]] = field(default_factory=list)


@dataclass
class Block:
    """A paragraph rebuilt from lines; ``styled`` when its first line stands out (bold/larger)."""

    text: str
    page: int
    styled: bool
    lines: list[Line]


@dataclass
class TocEntry:
    number: str | None
    title: str
    page: int
    public: bool = True


# --------------------------------------------------------------------------- reading

def _font_name(textpage: pypdfium2.PdfTextPage, index: int) -> str:
    flags = ctypes.c_int()
    n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, ctypes.byref(flags))
    if n <= 0:
        return ""
    buf = ctypes.create_string_buffer(n)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, n, ctypes.byref(flags))
    return buf.value.decode("utf-8", "replace")


class _Boxes:
    """Characters' loose boxes (left, bottom, right, top) of one text page, as ``get_charbox(loose=True)``
    gives them, through one reused rectangle: a page asks for thousands, and the helper allocates each."""

    def __init__(self, textpage: pypdfium2.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.rect = pdfium_c.FS_RECTF()

    def __call__(self, index: int) -> tuple[float, float, float, float]:
        r = self.rect
        if not pdfium_c.FPDFText_GetLooseCharBox(self.raw, index, r):
            raise pypdfium2.PdfiumError("Failed to get charbox.")
        return r.left, r.bottom, r.right, r.top


def read_page(textpage: pypdfium2.PdfTextPage, page: int) -> list[Line]:
    """The printed lines of one page with geometry (when pdfium's text maps to its characters)."""
    text = textpage.get_text_range()
    geo = len(text) == textpage.count_chars()
    box = _Boxes(textpage)
    lines: list[Line] = []
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        line = Line(text=_PUA.sub("•", stripped), page=page, trailing_space=raw.endswith(" "))
        if geo:
            i0 = m.start() + len(raw) - len(raw.lstrip())
            i1 = m.start() + len(raw.rstrip()) - 1
            space = stripped.find(" ")
            iw = i0 + (space - 1 if space > 0 else len(stripped) - 1)
            b0 = box(i0)
            b1 = box(i1)
            bw = box(iw)
            line.x0, line.bottom, line.top = b0[0], b0[1], b0[3]
            line.x1 = b1[2]
            line.word_w = max(0.0, bw[2] - b0[0])
            line.size = round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i0), 1)
            name = _font_name(textpage, i0).lower()
            line.bold = "bold" in name or "black" in name or "heavy" in name or \
                pdfium_c.FPDFText_GetFontWeight(textpage.raw, i0) >= 600
            line.cells = _cells(box, line.text, i0, line.x0, line.x1, line.size)
        lines.append(line)
    return lines


_GAPS = re.compile(r" +")


def _cells(box: _Boxes, text: str, i0: int, x0: float, x1: float,
           size: float) -> list[tuple[str, float, float]]:
    """Split a line where the space between two words is wider than one and a half em: the
    columns of a table printed as text (justified prose never spaces words that far)."""
    # only where a table can be: a line with a figure in it, or a short one (a column heading);
    # a long line of words is prose, and reading the boxes of its spaces costs time
    if " " not in text or (text.count(" ") >= 8 and not any(ch.isdigit() for ch in text)):
        return []
    limit = 1.5 * (size or 10.0)
    out: list[tuple[str, float, float]] = []
    start, left = 0, x0
    for m in _GAPS.finditer(text):
        before = box(i0 + m.start() - 1)
        after = box(i0 + m.end())
        if after[0] - before[2] > limit:
            out.append((text[start:m.start()], left, before[2]))
            start, left = m.end(), after[0]
    if not out:
        return []
    out.append((text[start:], left, x1))
    return out


def read_pdf(pdf: pypdfium2.PdfDocument) -> list[list[Line]]:
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        textpage = page.get_textpage()
        try:
            pages.append(read_page(textpage, i + 1))
        finally:
            textpage.close()
            page.close()
    return pages


# --------------------------------------------------------------------------- hyphens

def word_set(pages: list[list[Line]]) -> set[str]:
    """Lower-cased words (hyphenated compounds whole) used in the document, to decide hyphens."""
    words: set[str] = set()
    for lines in pages:
        for line in lines:
            words.update(w.lower() for w in _WORD.findall(line.text.replace("\ufffe", " ")))
    return words


def dehyphen(left: str, right: str, words: set[str]) -> str:
    """Join ``left`` and ``right`` split by a line-end hyphen: "Sundheds- og", "ikke-planlagte",
    "p-huse", "budgetlægges" (hyphenation)."""
    if right.lower() in SUSPEND:
        return f"{left}- {right}"
    lw = re.search(r"[\wæøåÆØÅ]+$", left)
    rw = re.match(r"[\wæøåÆØÅ]+", right)
    if not lw or not rw:
        return f"{left}-{right}"
    a, b = lw.group(0), rw.group(0)
    if f"{a}-{b}".lower() in words:
        return f"{left}-{right}"
    if f"{a}{b}".lower() in words:
        return f"{left}{right}"
    if a[-1].isdigit() or b[0].isdigit() or b[0].isupper() or len(a) <= 2 or a.isupper() or a.lower() in _KEEP_PREFIX:
        return f"{left}-{right}"
    return f"{left}{right}"


def fix_soft_hyphens(text: str, words: set[str]) -> str:
    """Resolve pdfium's U+FFFE (a hyphen it took for a soft hyphen at a line end)."""
    if "\ufffe" not in text:
        return text
    parts = text.split("\ufffe")
    out = parts[0]
    for part in parts[1:]:
        if not out or not part or not out[-1].isalnum():
            out = out + part
            continue
        head, _, _ = out.rpartition(" ")
        word = out[len(head) + 1:] if head else out
        nxt, sep, rest = part.partition(" ")
        joined = dehyphen(word, nxt, words)
        out = (head + " " if head else "") + joined + sep + rest
    return out


def join_text(a: str, b: str) -> str:
    """Join two wrapped lines, repairing a hyphen at the end of the first."""
    if len(a) > 1 and a.endswith("-") and a[-2].isalnum():
        first = b.split(" ", 1)[0]
        return f"{a} {b}" if first.lower() in SUSPEND else a + b
    return f"{a} {b}"


# --------------------------------------------------------------------------- boilerplate

def _key(line: Line) -> str:
    return " ".join(line.text.split()).casefold()


def strip_running(pages: list[list[Line]], page_heights: list[float], keep=lambda text: False) -> list[list[Line]]:
    """Drop running headers/footers (the same line in the top or bottom zone of most pages) and page numbers
    ("Side 3", "3 of 5", "- 3 -")."""
    n = len(pages)
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_key(line) for line in lines})
    need = max(2, int(0.6 * n + 0.999)) if n >= 3 else 2
    out = []
    for lines, height in zip(pages, page_heights, strict=False):
        kept = []
        for i, line in enumerate(lines):
            zone = height and (line.bottom > 0.8 * height or line.top < 0.12 * height)
            edge = i < 6 or i >= len(lines) - 3
            if zone and n > 1 and counts[_key(line)] >= need and not keep(line.text):
                continue
            # a page number is printed in the top or bottom margin; only without geometry
            # does the place in reading order stand in for that (a body line "58688/13", an
            # Acadre reference wrapped to the foot of the page, is text)
            located = bool(height and (line.top or line.bottom))
            if (zone or (edge and not located)) and _PAGE_NO.match(line.text):
                continue
            kept.append(line)
        out.append(kept)
    return out


def split_toc(pages: list[list[Line]]) -> tuple[list[list[Line]], list[TocEntry]]:
    """Remove the table of contents; return the remaining pages and its entries."""
    entries: list[TocEntry] = []
    out: list[list[Line]] = []
    npages = len(pages)
    found = False
    for lines in pages:
        start = next((i for i, ln in enumerate(lines) if _TOC_HEAD.match(ln.text)), None) if not found else None
        if start is None:
            out.append(lines)
            continue
        found = True
        public = True
        pending = ""
        last_entry = start
        for i in range(start + 1, len(lines)):
            text = " ".join(lines[i].text.split())
            if _PAGE_NO.match(text) and not pending:
                continue
            part = PART.match(text)
            if part and not pending:
                public = part.group("kind").lower().startswith("å")
                last_entry = i
                continue
            if _TOC_LABEL.match(text) and not pending:
                last_entry = i
                continue
            body = join_text(pending, text) if pending else text
            m = _TOC_ENTRY.match(body)
            if m and int(m.group("page")) <= npages and ("..." in body or not _TOC_ENTRY.match(pending or "x")):
                title = m.group("body").rstrip(". ").strip()
                num = _TOC_NUM.match(title)
                closed = re.match(r"^lukket\s*:\s*", title, re.I)
                entries.append(TocEntry(num.group("num") if num else None,
                                        num.group("title") if num else title, int(m.group("page")),
                                        public and not closed))
                pending = ""
                last_entry = i
            else:
                pending = body
        out.append(lines[:start] + lines[last_entry + 1:])
    return out, entries


# --------------------------------------------------------------------------- paragraphs

@dataclass
class Layout:
    """Document-wide measures the joiner needs."""

    margin: float
    pitch: float
    body_size: float
    body_bold: bool
    left: float = 0.0

    def styled(self, line: Line) -> bool:
        return (line.bold and not self.body_bold) or line.size > self.body_size * 1.08


def measure(pages: list[list[Line]]) -> Layout:
    weight: Counter[tuple[float, bool]] = Counter()
    rights: list[float] = []
    pitches: Counter[float] = Counter()
    for lines in pages:
        for a, b in itertools.pairwise(lines):
            p = round(a.bottom - b.bottom, 1)
            if 0 < p < 60:
                pitches[p] += 1
        for line in lines:
            weight[(line.size, line.bold)] += len(line.text)
    (size, bold), _ = weight.most_common(1)[0] if weight else ((0.0, False), 0)
    for lines in pages:
        rights.extend(ln.x1 for ln in lines if len(ln.text) >= 20 and abs(ln.size - size) < 0.6)
    rights.sort()
    margin = rights[int(0.98 * (len(rights) - 1))] if rights else 0.0
    # the line spacing inside paragraphs: the smallest distance that recurs between body
    # lines; failing that, a line that reaches the right margin is surely followed by its
    # own continuation, so their most common distance
    full: Counter[float] = Counter()
    for lines in pages:
        for a, b in itertools.pairwise(lines):
            p = round(a.bottom - b.bottom, 1)
            if 0 < p < 60 and margin and a.x1 >= margin - 1.0 and abs(a.size - size) < 0.6 and abs(b.size - size) < 0.6:
                full[p] += 1
    pitch = _smallest_recurring(pages, size, bold)
    if not pitch and sum(full.values()) >= 3:
        pitch = _most_common(full)
    elif not pitch and pitches:
        pitch = _most_common(pitches)
    lefts = sorted(ln.x0 for lines in pages for ln in lines if abs(ln.size - size) < 0.6)
    left = lefts[int(0.02 * (len(lefts) - 1))] if lefts else 0.0
    return Layout(margin=margin, pitch=pitch, body_size=size, body_bold=bold, left=left)


def _support(pitches: Counter[float], p: float) -> int:
    return sum(c for q, c in pitches.items() if abs(q - p) <= 0.6)


def _most_common(pitches: Counter[float]) -> float:
    """The distance that occurs most often, counting near ones (±0.6 pt) together."""
    return max(pitches, key=lambda p: _support(pitches, p))


def _smallest_recurring(pages: list[list[Line]], size: float, bold: bool) -> float:
    """The smallest distance that recurs between two consecutive lines of body type.

    Inside a paragraph lines follow at the line pitch; everything else (paragraph
    spacing, a heading and its text) is further apart, so when no paragraph reaches
    the margin often enough to show its continuation, the smallest recurring
    distance between body lines is the pitch.  The most common distance is not:
    in a short document of one-line paragraphs under headings that is the spacing
    after a heading or between paragraphs.  Pairs with a heading (bold or another
    size) are never inside a paragraph and do not count; a distance smaller than
    the lines' own height (overlapping or table lines) is not a line pitch."""
    body = [ln for lines in pages for ln in lines if abs(ln.size - size) < 0.6 and ln.bold == bold]
    heights = sorted(ln.top - ln.bottom for ln in body if ln.top > ln.bottom)
    floor = 0.9 * heights[len(heights) // 2] if heights else 0.0
    pitches: Counter[float] = Counter()
    for lines in pages:
        for a, b in itertools.pairwise(lines):
            p = round(a.bottom - b.bottom, 1)
            if floor <= p < 60 and p > 0 and all(abs(x.size - size) < 0.6 and x.bold == bold for x in (a, b)):
                pitches[p] += 1
    if not pitches:
        return 0.0
    need = max(2, int(0.05 * max(_support(pitches, p) for p in pitches)))
    recurring = [p for p in pitches if _support(pitches, p) >= need]
    return min(recurring) if recurring else 0.0


def all_caps(text: str) -> bool:
    """A line in capitals ("BESLUTNINGSFORSLAG FRA DD") is a heading of its own."""
    # isupper first (one pass in C): most lines have a small letter and are settled there
    return text.isupper() and " " in text.strip() and sum(c.isalpha() for c in text) >= 8 \
        and all(c.isupper() for c in text if c.isalpha())


_ENUM = re.compile(r"^(?:(?P<n>\d{1,3})[.)]?|(?P<c>[a-zA-Z])[.)])\s+\S")


def next_in_sequence(first: Line, b: Line) -> bool:
    """``b`` starts the enumeration item after the one ``first`` starts ("1 ..." then "2 ...")."""
    m, n = _ENUM.match(first.text), _ENUM.match(b.text)
    if not m or not n or abs(first.x0 - b.x0) > 2:
        return False
    if m.group("n") and n.group("n"):
        return int(n.group("n")) == int(m.group("n")) + 1
    return bool(m.group("c") and n.group("c")) and ord(n.group("c")) == ord(m.group("c")) + 1


def continues(a: Line, b: Line, layout: Layout, first: Line | None = None) -> bool:
    """Whether line ``b`` continues the paragraph of line ``a`` (geometry first);
    ``first`` is the paragraph's first line."""
    if not layout.margin:  # no geometry: trust trailing spaces and lower-case starts
        return a.trailing_space or b.text[:1].islower()
    if layout.styled(a) != layout.styled(b) or abs(a.size - b.size) > 0.6:
        return False
    if _LIST.match(b.text) or (first is not None and next_in_sequence(first, b)):
        return False
    if all_caps(a.text) != all_caps(b.text):
        return False
    if a.page == b.page and layout.pitch and a.bottom - b.bottom > layout.pitch * 1.45:
        return False
    gap = layout.margin - a.x1
    # a sentence cut short by a hard line break in the source still goes on
    if b.text[:1].islower() and a.text[-1:].isalpha() and a.page == b.page and not _ENUM.match(b.text):
        return True
    # a sentence that ends well short of the margin ends its paragraph, even when the
    # next (long) word would not have fitted: layouts without paragraph spacing
    if a.text[-1:] in ".!?:" and b.text[:1].isupper() and gap > 0.08 * (layout.margin - layout.left):
        return False
    space = 0.3 * (a.size or 10)
    # the first word of b would have fitted on a: a was ended on purpose
    return gap <= b.word_w + space + 1.0


def paragraphs(lines: list[Line], layout: Layout, breaks=lambda line: False) -> list[Block]:
    """Rejoin wrapped lines into paragraphs; ``breaks(line)`` forces a line to stand alone."""
    blocks: list[Block] = []
    for line in lines:
        if blocks and not breaks(line) and not breaks(blocks[-1].lines[-1]) \
                and continues(blocks[-1].lines[-1], line, layout, blocks[-1].lines[0]):
            block = blocks[-1]
            block.text = join_text(block.text, line.text)
            block.lines.append(line)
        else:
            blocks.append(Block(line.text, line.page, layout.styled(line), [line]))
    return blocks


def page_groups(pages: list[list[Line]]) -> dict[int, list[Line]]:
    groups: dict[int, list[Line]] = defaultdict(list)
    for lines in pages:
        for line in lines:
            groups[line.page].append(line)
    return groups
