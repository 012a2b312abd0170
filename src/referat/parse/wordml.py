"""Word's own structure of a .docx body, read with python-docx: what a minutes reader needs per paragraph.

python-docx gives the paragraphs, runs, tables and parts; what it leaves to the caller is here:
a paragraph's heading level (its style or outline level, through the style's ``basedOn`` chain,
English "Heading 1" and Danish "Overskrift1" alike), whether it is set in bold (direct, character
style or paragraph style), which table of contents style it has, and the label Word's automatic
numbering shows in front of it (``w:numPr`` with ``numbering.xml``: "3.", "1.1", "a)" are not in
the text).  Tables are told apart: layout tables (nested tables, headings inside, one column,
"Sagsnr.: | 12/27845" label rows) are read as their paragraphs, data tables as rows of cells.
Headers, footers and text boxes are not part of the body and are never read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from ..errors import InputError

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|titel)$", re.I)
_TOC_STYLE = re.compile(r"^(?:toc|indholdsfortegnelse)\s*\d$", re.I)
_FALSE = {"0", "false", "off"}


@dataclass
class Block:
    """One paragraph of the body in reading order, with what Word's markup says about it."""

    text: str  # whitespace-normalised, the automatic number (not bullets) in front
    lines: list[str]  # the text split at manual line breaks
    level: int | None = None  # heading outline level: 0 title, 1 "Heading 1", ...
    bold: bool = False
    cells: list[str] | None = None  # a row of a data table
    table: int = 0
    head: bool = False
    row: tuple[int, int] | None = None  # the top-level layout table row it sits in
    label: str | None = None  # "label: value" of a layout row (bold or colon-ended first cell)
    toc: bool = False  # an entry of the table of contents


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(qn("w:val"), "true") not in _FALSE


class _Styles:
    """Heading level, bold and numbering of paragraph styles, through their ``basedOn`` chain."""

    def __init__(self, styles: etree._Element):
        self._by_id = {s.get(qn("w:styleId")): s for s in styles.iterfind(qn("w:style"))}
        self.default = next((i for i, s in self._by_id.items() if s.get(qn("w:type")) == "paragraph"
                             and s.get(qn("w:default")) in ("1", "true")), None)

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        seen: set[str] = set()
        while style_id and style_id not in seen and (s := self._by_id.get(style_id)) is not None:
            seen.add(style_id)
            yield s
            based = s.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None

    def _find(self, style_id: str | None, path: str) -> etree._Element | None:
        for s in self.chain(style_id or self.default):
            el = s.find(path)
            if el is not None:
                return el
        return None

    def names(self, style_id: str | None) -> list[str]:
        s = self._by_id.get(style_id or self.default)
        name = s.find(qn("w:name")) if s is not None else None
        return [v for v in (style_id, name.get(qn("w:val")) if name is not None else None) if v]

    def level(self, style_id: str | None) -> int | None:
        for s in self.chain(style_id):
            for n in self.names(s.get(qn("w:styleId"))):
                if m := _HEADING_STYLE.match(n):
                    return int(m.group(1))
                if _TITLE_STYLE.match(n):
                    return 0
            lvl = s.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
            if lvl is not None and lvl.get(qn("w:val"), "9").isdigit() and int(lvl.get(qn("w:val"), "9")) < 9:
                return int(lvl.get(qn("w:val"), "9")) + 1
        return None

    def toc(self, style_id: str | None) -> bool:
        return any(_TOC_STYLE.match(n) for n in self.names(style_id))

    def bold(self, style_id: str | None) -> bool:
        return _on(self._find(style_id, f"{qn('w:rPr')}/{qn('w:b')}"))

    def numpr(self, style_id: str | None) -> etree._Element | None:
        return self._find(style_id, f"{qn('w:pPr')}/{qn('w:numPr')}")


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for value, digits in _ROMAN:
            while n >= value:
                out, n = out + digits, n - value
        return out.upper() if fmt == "upperRoman" else out
    return f"{n:02d}" if fmt == "decimalZero" else str(n)


class _Numbering:
    """Word's automatic list numbers: the label each numbered paragraph is shown with."""

    def __init__(self, numbering: etree._Element | None):
        self._abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        self._styled: dict[tuple[str, str], int] = {}  # (abstract id, paragraph style) -> the level it numbers
        self._num: dict[str, tuple[str, dict[int, int]]] = {}
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()
        if numbering is None:
            return
        for a in numbering.iterfind(qn("w:abstractNum")):
            levels = {}
            for lvl in a.iterfind(qn("w:lvl")):
                start, fmt, text = lvl.find(qn("w:start")), lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    int(start.get(qn("w:val"), "1")) if start is not None else 1,
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "")
                if (pstyle := lvl.find(qn("w:pStyle"))) is not None:
                    self._styled[(a.get(qn("w:abstractNumId"), ""), pstyle.get(qn("w:val"), ""))] = \
                        int(lvl.get(qn("w:ilvl"), "0"))
            self._abstract[a.get(qn("w:abstractNumId"), "")] = levels
        for num in numbering.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            overrides = {int(o.get(qn("w:ilvl"), "0")): int(s.get(qn("w:val"), "1"))
                         for o in num.iterfind(qn("w:lvlOverride")) if (s := o.find(qn("w:startOverride"))) is not None}
            self._num[num.get(qn("w:numId"), "")] = (ref.get(qn("w:val"), "") if ref is not None else "", overrides)

    def label(self, numpr: etree._Element | None, style: str | None = None) -> str:
        """The number shown in front of the paragraph ("" for bullets and unnumbered), counting it; a
        heading style linked to a multi-level list has its level from the list (``w:lvl/w:pStyle``)."""
        if numpr is None:
            return ""
        num_el, lvl_el = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
        num_id = num_el.get(qn("w:val"), "0") if num_el is not None else "0"
        abstract_id, overrides = self._num.get(num_id, ("", {}))
        ilvl = int(lvl_el.get(qn("w:val"), "0")) if lvl_el is not None \
            else self._styled.get((abstract_id, style or ""), 0)
        levels = self._abstract.get(abstract_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(abstract_id, [0] * 10)
        if num_id not in self._started and overrides:
            for k, v in overrides.items():
                counters[k] = v - 1
            for k in range(ilvl + 1, 10):
                counters[k] = 0
        self._started.add(num_id)
        start = levels[ilvl][0]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] >= start else start
        for k in range(ilvl + 1, 10):
            counters[k] = 0
        _, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def level_text(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k, (1, "decimal", ""))
            return _format(max(counters[k], lvl[0]), lvl[1])

        return re.sub(r"%(\d)", level_text, text).strip()


# Where a run's text is not the paragraph's: deleted (tracked changes), moved away, a text box or
# shape drawn over the page, the fallback copy of alternate content.
_NOT_TEXT = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), qn("w:pict"), qn("w:drawing"),
             "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _runs(p: etree._Element) -> list[etree._Element]:
    """The paragraph's runs in reading order, also inside insertions, hyperlinks, fields, smart tags and
    inline content controls (python-docx's ``Paragraph.text`` reads only direct runs and hyperlinks)."""
    out = []
    for r in p.iter(qn("w:r")):
        parent = r.getparent()
        while parent is not None and parent is not p and parent.tag not in _NOT_TEXT:
            parent = parent.getparent()
        if parent is p:
            out.append(r)
    return out


class _Reader:
    """Walks the document body into ``Block``s (paragraphs, layout tables flattened, data table rows)."""

    def __init__(self, doc: DocxDocument):
        self.doc = doc
        self.styles = _Styles(doc.styles.element)
        try:
            numbering = doc.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        self.numbering = _Numbering(numbering)
        self.tables = 0

    def blocks(self, parent: etree._Element, row: tuple[int, int] | None = None) -> Iterator[Block]:
        for el in parent.iterchildren():
            tag = etree.QName(el).localname
            if tag == "p":
                block = self.paragraph(el, row)
                if block is not None:
                    yield block
            elif tag == "tbl":
                yield from self.table(el, row)
            elif tag == "sdt":
                gallery = el.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
                if gallery is not None and "contents" in gallery.get(qn("w:val"), "").lower():
                    continue  # a table of contents
                content = el.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self.blocks(content, row)
            elif tag in ("customXml", "ins", "smartTag"):
                yield from self.blocks(el, row)

    def paragraph(self, el: etree._Element, row: tuple[int, int] | None) -> Block | None:
        para = Paragraph(el, self.doc)
        ppr = el.find(qn("w:pPr"))
        style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style = style_el.get(qn("w:val")) if style_el is not None else None
        own = ppr.find(qn("w:numPr")) if ppr is not None else None
        label = self.numbering.label(own if own is not None else self.styles.numpr(style), style)
        runs = _runs(el)
        raw = "".join(Run(r, para).text for r in runs).replace("\xa0", " ")
        lines = [" ".join(x.split()) for x in raw.split("\n")]
        lines = [x for x in lines if x]
        text = " ".join(" ".join(lines).split())
        if not text:
            return None
        if self.styles.toc(style):
            return Block(text, lines, toc=True, row=row)
        level = self.styles.level(style)
        outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if outline is not None and outline.get(qn("w:val"), "9").isdigit():
            value = int(outline.get(qn("w:val"), "9"))
            level = value + 1 if value < 9 else None
        if label:
            text, lines = f"{label} {text}", [f"{label} {lines[0]}", *lines[1:]]
        return Block(text, lines, level=level, bold=self._bold(runs, style), row=row)

    def _bold(self, runs: list[etree._Element], style: str | None) -> bool:
        style_bold = self.styles.bold(style)
        seen = False
        for r in runs:
            if not "".join(t.text or "" for t in r.iter(qn("w:t"))).strip():
                continue
            seen = True
            b = r.find(f"{qn('w:rPr')}/{qn('w:b')}")
            rstyle = r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
            if b is not None:
                bold = _on(b)
            elif rstyle is not None and self.styles.bold(rstyle.get(qn("w:val"))):
                bold = True
            else:
                bold = style_bold
            if not bold:
                return False
        return seen

    def table(self, tbl: etree._Element, row: tuple[int, int] | None) -> Iterator[Block]:
        self.tables += 1
        number = self.tables
        rows = tbl.findall(qn("w:tr"))
        cells = [[tc for tc in tr.iterchildren(qn("w:tc"))] for tr in rows]
        inner = [[list(self.blocks(tc, row or (number, i))) for tc in r] for i, r in enumerate(cells)]
        nested = tbl.find(f".//{qn('w:tc')}/{qn('w:tbl')}") is not None
        styled = any(b.level is not None for r in inner for c in r for b in c)
        labelled = all(self._label(r, colon=True) for r in inner if any(r))
        layout = nested or styled or labelled or max((len(r) for r in cells), default=0) < 2
        for i, (tr, r) in enumerate(zip(rows, inner, strict=True)):
            if layout:
                if (lv := self._label(r)) is not None:
                    label, value = lv
                    yield Block(f"{label} {value}".strip(), [f"{label} {value}".strip()], row=row or (number, i),
                                 label=label)
                else:
                    yield from (b for c in r for b in c)
                continue
            texts = [" ".join(b.text for b in c) for c in r]
            if not any(texts):
                continue
            head = tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None or all(
                b.bold for c in r for b in c)
            yield Block(" | ".join(texts), [" | ".join(texts)], cells=texts, table=number, head=head, row=row)

    @staticmethod
    def _label(r: list[list[Block]], colon: bool = False) -> tuple[str, str] | None:
        """A row of a label cell ("Sagsnr.:", ending in a colon or, unless ``colon``, bold) and one value cell."""
        filled = [c for c in r if c]
        if len(filled) != 2 or len(filled[0]) != 1 or any(b.cells or b.level is not None for c in filled for b in c):
            return None
        label = filled[0][0].text
        if len(label) > 40 or not (label.endswith(":") or (filled[0][0].bold and not colon)):
            return None
        return label, " ".join(b.text for b in filled[1])


def read_blocks(data: bytes) -> list[Block]:
    """The body of the .docx ``data`` as blocks in reading order (headers, footers and notes are other parts)."""
    try:
        doc = open_docx(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise InputError(f"the Word document is damaged or not a .docx document ({str(exc)[:80]})") from None
    return list(_Reader(doc).blocks(doc.element.body))
