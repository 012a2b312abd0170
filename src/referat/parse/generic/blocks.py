"""The format-neutral core of the generic reader: a document as a list of text blocks, each with
what its format says about it (font size and weight from a PDF, heading level and bold from HTML
or Word, a caption from XML), turned into a meeting.

Nothing here knows any vendor.  Items are the blocks that open with an item number in one of the
schemes of ``data/generic.toml`` *and* are set apart the same way throughout the document (the
typographic class whose numbered blocks run in sequence and are followed by section headings or
case ids); the part before the first item is the meeting header (``header.py``, field labels of
the same file); inside an item every block set apart like a heading opens a section (a known heading
gets its role from ``headings.toml``, an unknown one keeps its printed text as role ``other``) and
``items.build_item`` derives the rest.  Every block's text lands in the model or in ``content`` for
the lossless check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ... import tables
from ...model import Meeting
from ...vocab import headings, municipality
from ...vocab.caseids import parse_case_id
from ...vocab.names import SIGNATURE_PAGE, signature_page
from ..base import ParseResult
from ..items import Para, build_item
from ..pdftext import PART
from . import vocab
from .header import HeaderReader, people
from .vocab import norm


@dataclass
class TextBlock:
    """One paragraph of the source and what its format says about it."""

    text: str
    page: int | None = None
    size: float = 0.0  # font size in points (PDF, Word); 0 when the format has none
    bold: bool = False  # the whole block is bold
    level: int = 0  # markup heading level (HTML h1-h6, Word "Heading n"), 0 for none
    heading: bool = False  # the markup marks it as a heading or caption (XML caption, Word Title)
    cells: list[str] | None = None  # a table row's cells
    table: int = 0  # rows with the same number belong to one table
    head: bool = False  # a header row of its table
    # a named style (an HTML class, a Word paragraph style) when the format has one: blocks of one
    # style are set alike even where the style's look (an external stylesheet) is unknown
    style: str = ""
    link: bool = False  # all its text is a link (HTML): in a page's header, navigation


T = TypeVar("T")


class LastRead(Generic[T]):
    """What a reader made of the last bytes it was given: the importer asks ``looks_like`` and then
    ``parse`` with the same object, and the document is read once."""

    def __init__(self, make: Callable[[bytes], T]):
        self.make = make
        self.last: tuple[bytes, T] | None = None

    def __call__(self, data: bytes) -> T:
        if self.last is None or self.last[0] is not data:
            self.last = (data, self.make(data))
        return self.last[1]


class Typography:
    """The document's body type (the style most text is set in) and what stands out from it."""

    def __init__(self, blocks: list[TextBlock]):
        weight: Counter[tuple[int, bool, float, bool]] = Counter()
        for b in blocks:
            if b.cells is None:
                weight[(b.level, b.heading, round(b.size * 2) / 2, b.bold)] += len(b.text)
        self.body = weight.most_common(1)[0][0] if weight else (0, False, 0.0, False)
        self.heading_styles = self._heading_styles(blocks)

    @staticmethod
    def _heading_styles(blocks: list[TextBlock]) -> set[str]:
        """Named styles used like headings: recurring, short, not sentences, and not the body's style."""
        by_style: dict[str, list[str]] = {}
        for b in blocks:
            if b.cells is None and b.style and norm(b.text):
                by_style.setdefault(b.style, []).append(norm(b.text))
        total = sum(len(t) for texts in by_style.values() for t in texts)
        out = set()
        for style, texts in by_style.items():
            words = [t for t in texts if not re.fullmatch(r"[\d.]+", t)]
            if len(texts) < 2 or sum(len(t) for t in texts) > 0.3 * total or not words:
                continue
            sentences = sum(1 for t in words if t.endswith("."))
            if sum(len(t) for t in words) / len(words) <= 60 and sentences <= 0.2 * len(words):
                out.add(style)
        return out

    def key(self, b: TextBlock) -> tuple[int, bool, float, bool, str]:
        return (b.level, b.heading, round(b.size * 2) / 2, b.bold, b.style if b.style in self.heading_styles else "")

    def styled(self, b: TextBlock) -> bool:
        level, heading, size, bold = self.body
        return bool(b.level and b.level != level) or (b.heading and not heading) or (b.bold and not bold) \
            or bool(size and b.size > size * 1.08) or b.style in self.heading_styles

    def prominence(self, key: tuple[int, bool, float, bool, str]) -> tuple[int, float, bool]:
        level, heading, size, bold, _ = key
        return (-(level or 9) + (3 if heading else 0), size, bold)


@dataclass
class _Start:
    index: int  # the block that opens the item
    span: int  # how many blocks its heading takes (a bare number and its title: 2)
    number: str
    title: str
    strong: bool
    key: tuple[int, bool, float, bool, str]
    evidence: bool = False


def _num_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def _is_heading_text(text: str) -> bool:
    return headings.match_heading(text) is not None


def _candidates(blocks: list[TextBlock], typo: Typography) -> list[_Start]:
    out: list[_Start] = []
    for i, b in enumerate(blocks):
        if b.cells is not None:
            continue
        n = vocab.item_number(b.text)
        if n is None:
            continue
        styled, key, title, span = typo.styled(b), typo.key(b), n.title, 1
        if not title:
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is None or nxt.cells is not None or not norm(nxt.text) or vocab.item_number(nxt.text) \
                    or _is_heading_text(nxt.text) or not (typo.styled(nxt) or n.strong):
                continue
            title, span = norm(nxt.text), 2
            if not styled:
                styled, key = typo.styled(nxt), typo.key(nxt)
        if not (styled or n.strong) or len(title) > 250:
            continue
        out.append(_Start(i, span, n.number, title, n.strong, key))
    for k, c in enumerate(out):
        stop = min(len(blocks), c.index + c.span + 6, out[k + 1].index if k + 1 < len(out) else len(blocks))
        c.evidence = any(_is_heading_text(blocks[j].text) or parse_case_id(blocks[j].text)
                         for j in range(c.index + c.span, stop) if blocks[j].cells is None)
    return out


def _in_sequence(cands: list[_Start]) -> list[_Start]:
    """The longest run of candidates whose numbers increase (items are numbered in order)."""
    best: list[list[_Start]] = []
    for c in cands:
        k = _num_key(c.number)
        prev = [run for run, last in ((r, r[-1]) for r in best) if _num_key(last.number) < k]
        run = max(prev, key=len) + [c] if prev else [c]
        best.append(run)
    return max(best, key=lambda r: (sum(c.evidence for c in r), len(r))) if best else []


def find_items(blocks: list[TextBlock], typo: Typography) -> list[_Start]:
    """The item headings: the class of numbered blocks (same typography, same kind of number) that
    runs in sequence, with the most section headings or case ids after them, most prominent first."""
    groups: dict[tuple[tuple[int, bool, float, bool, str], bool], list[_Start]] = {}
    for c in _candidates(blocks, typo):
        groups.setdefault((c.key, c.strong), []).append(c)
    scored = []
    for (key, strong), cands in groups.items():
        run = _in_sequence(cands)
        scored.append(((sum(c.evidence for c in run), len(run), strong, typo.prominence(key)), run))
    if not scored:
        return []
    (evidence, _, _, _), run = max(scored, key=lambda s: s[0])
    return run if evidence else []


def _join_title(blocks: list[TextBlock], start: _Start, end: int, typo: Typography) -> None:
    """A long title set in heading type over several blocks (a PDF's wrapped heading) is one title."""
    head = blocks[start.index + start.span - 1]
    if not typo.styled(head) or not head.size:
        return
    j = start.index + start.span
    while j < end:
        b = blocks[j]
        if b.cells is not None or typo.key(b) != typo.key(head) or b.page != head.page or not norm(b.text) \
                or _is_heading_text(b.text) or parse_case_id(b.text) or vocab.item_number(b.text):
            break
        start.title = f"{start.title} {norm(b.text)}"
        start.span += 1
        j += 1


def _toc_entry(b: TextBlock, starts: list[_Start]) -> bool:
    """A header line that names an item by its number and title: an entry of a table of contents
    (boilerplate, like the PDF table of contents pdftext cuts out)."""
    n = vocab.item_number(" ".join(b.cells) if b.cells is not None else b.text)
    if n is None or not n.title:
        return False
    title = re.sub(r"[\s.]+\d{1,4}$", "", n.title).casefold()  # a page number after the title
    return any(s.number == n.number and title and s.title.casefold().startswith(title[:40]) for s in starts)


class _Sections:
    """Decides which blocks of an item open a section."""

    def __init__(self, blocks: list[TextBlock], typo: Typography):
        self.typo = typo
        exact = [b for b in blocks if b.cells is None and (h := headings.match_heading(b.text)) and not h.groups]
        styled = sum(1 for b in exact if typo.styled(b))
        # the document sets its headings apart: a synonym in body type is ordinary text
        self.strict = len(exact) >= 3 and styled >= 0.6 * len(exact)

    def heading(self, b: TextBlock) -> bool:
        text = norm(b.text)
        if b.cells is not None:
            return False
        if not text:
            return b.heading or b.level > 0
        if parse_case_id(text) or PART.match(text):
            return False
        hm = headings.match_heading(text)
        if hm and (hm.groups or not self.strict or self.typo.styled(b) or len(hm.heading.split()) >= 4):
            return True
        if not self.typo.styled(b):
            return False
        words = text.split()
        return len(words) <= 14 and len(text) <= 150 and (not text.endswith(".") or b.level > 0 or b.heading) \
            and people(text) is None


def _empty_label(text: str) -> bool:
    """A label printed without its value ("Sagsnr.:" on a case without a number): no content."""
    case = parse_case_id(text)
    return case is not None and not any(ch.isalnum() for ch in case.value)


def _paras(blocks: list[TextBlock], sections: _Sections, content: list[str]) -> list[Para]:
    paras: list[Para] = []
    for b in blocks:
        if b.cells is None and _empty_label(norm(b.text)):
            continue
        if b.cells is not None:
            text = tables.row_text(b.cells)
            content.append(text)
            paras.append(Para(text, b.page, plain=True, cells=b.cells, table=b.table, head=b.head))
            continue
        text = norm(b.text)
        is_heading = sections.heading(b)
        if not text and not is_heading:
            continue
        if is_heading:
            hm = headings.match_heading(text)
            content.append(hm.heading if hm else text.rstrip(":").strip())
        else:
            content.append(text)
        paras.append(Para(text, b.page, heading=is_heading, plain=not is_heading))
    return paras


def read(blocks: list[TextBlock], name: str, *, pages: int | None = None,
         warnings: list[str] | None = None) -> ParseResult:
    """The meeting ``blocks`` hold (raises nothing: a document without items gives a meeting without items)."""
    warnings = list(warnings or [])
    typo = Typography(blocks)
    starts = find_items(blocks, typo)
    full_text = "\n".join(b.text for b in blocks)
    meeting = Meeting(municipality=municipality.detect(full_text, name), committee="", kind="referat")
    content: list[str] = []
    if not starts:
        return ParseResult(meeting=meeting, content=content, pages=pages, warnings=warnings)
    titles = {i for s in starts for i in range(s.index, s.index + s.span)}  # an item may be called "Underskriftsblad"
    sig = next((i for i in range(starts[0].index, len(blocks))
                if i not in titles and SIGNATURE_PAGE.match(norm(blocks[i].text))), len(blocks))
    starts = [s for s in starts if s.index < sig]
    header = blocks[: starts[0].index]
    toc = next((i for i, b in enumerate(header) if b.cells is None and vocab.toc_heading(b.text)), None)
    header = header if toc is None else header[:toc]
    HeaderReader(meeting, typo, content, warnings).read([b for b in header if not _toc_entry(b, starts)])
    sections = _Sections(blocks, typo)
    public_part = True
    for position, start in enumerate(starts, start=1):
        end = starts[position].index if position < len(starts) else sig
        _join_title(blocks, start, end, typo)
        body: list[TextBlock] = []
        part: bool | None = None
        for b in blocks[start.index + start.span: end]:
            pm = PART.match(norm(b.text))
            if pm:
                part = pm.group("kind").lower().startswith("å")
                continue
            body.append(b)
        title, closed = vocab.closed_title(start.title)
        item = build_item(start.number, position, title, _paras(body, sections, content),
                          public=public_part and not closed, page=blocks[start.index].page, marked_headings=True)
        meeting.items.append(item)
        if part is not None:
            public_part = part
    if sig < len(blocks):
        people, other = signature_page([b.text for b in blocks[sig + 1:]])
        meeting.signatories.extend(people)
        for text in other:
            warnings.append(f"line on the signature page not understood: {text[:80]}")
            content.append(text)
    if not meeting.committee:
        warnings.append("no committee name found in the header")
    if meeting.start is None:
        warnings.append("no meeting date found in the header")
    return ParseResult(meeting=meeting, content=content, pages=pages, warnings=warnings)
