"""The generic reader for HTML minutes and agendas in a layout no dedicated parser knows.

The page is parsed with lxml and walked in reading order into ``TextBlock``s: ``<h1>``-``<h6>``
give their level, a paragraph whose text is all ``<b>``/``<strong>`` (or ``font-weight: bold``)
is bold, a table row whose cells hold only text is a table row (``<th>``/``<thead>`` rows its
header), while a table used for layout (cells holding paragraphs or headings) is read cell by
cell as ordinary flow.  What a browser does not show (scripts, styles, forms, navigation, hidden
elements, dialogs) is left out.  ``blocks.read`` does the rest.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ...errors import InputError, NotMinutes
from ..base import ParseResult
from .blocks import LastRead, TextBlock, norm, read

NAME = "generic-html"

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "input", "select", "textarea", "option",
         "iframe", "svg", "img", "form", "object", "embed", "canvas", "video", "audio", "map"}
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead", "tfoot",
          "section", "article", "header", "footer", "main", "aside", "blockquote", "pre", "caption", "figure",
          "figcaption", "address", "center", "fieldset", "details", "summary", "body", "hr", "h1", "h2", "h3",
          "h4", "h5", "h6"}
# ARIA roles of page furniture: menus, dialogs, toolbars (what the reader of minutes never reads as text)
_UI_ROLES = {"dialog", "alertdialog", "menu", "menubar", "toolbar", "navigation", "search", "tooltip"}
_HEADING = re.compile(r"^h([1-6])$")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _hidden(el: etree._Element) -> bool:
    classes = (el.get("class") or "").split()
    return el.get("hidden") is not None or el.get("aria-hidden") == "true" or el.get("role") in _UI_ROLES \
        or "modal" in classes or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _has_block(el: etree._Element) -> bool:
    return any(_tag(d) in _BLOCK for d in el.iterdescendants())


def _is_bold(el: etree._Element) -> bool:
    return _tag(el) in ("b", "strong") or bool(_BOLD_STYLE.search(el.get("style") or ""))


class _Walker:
    def __init__(self) -> None:
        self.out: list[TextBlock] = []
        self.tables = 0
        self.pieces: list[tuple[str, bool, bool]] = []  # text, bold, inside a link

    def flush(self, style: str = "") -> None:
        text = "".join(t for t, _, _ in self.pieces)
        seen = [(b, a) for t, b, a in self.pieces if norm(t)]
        for line in text.split("\n"):
            if norm(line):
                self.out.append(TextBlock(norm(line), bold=bool(seen) and all(b for b, _ in seen), style=style,
                                          link=bool(seen) and all(a for _, a in seen)))
        self.pieces = []

    def inline(self, el: etree._Element, bold: bool, link: bool) -> None:
        """Text of an inline element and its inline children."""
        bold = bold or _is_bold(el)
        link = link or _tag(el) == "a"
        if el.text:
            self.pieces.append((el.text, bold, link))
        for child in el:
            self.child(child, bold, link)

    def child(self, child: etree._Element, bold: bool, link: bool = False) -> None:
        tag = _tag(child)
        if tag and tag not in _SKIP and not _hidden(child):
            if tag == "br":
                self.pieces.append(("\n", bold, link))
            elif tag in _BLOCK or _has_block(child):
                self.flush()
                self.block(child)
            else:
                self.inline(child, bold, link)
        if child.tail:
            self.pieces.append((child.tail, bold, link))

    def block(self, el: etree._Element) -> None:
        tag = _tag(el)
        m = _HEADING.match(tag)
        style = " ".join((el.get("class") or "").split())
        if m:
            self.out.append(TextBlock(norm(el.text_content()), level=int(m.group(1)), style=style))
            return
        if tag == "table":
            self.table(el)
            return
        if tag in ("ol", "ul"):
            self.list(el, tag == "ol")
            return
        bold = _is_bold(el)
        self.flush()
        if el.text:
            self.pieces.append((el.text, bold, False))
        for child in el:
            self.child(child, bold)
        self.flush(style)

    def list(self, el: etree._Element, ordered: bool) -> None:
        """A list's items; an ordered list's numbers (``start``, ``value``) put before each item's text
        as a browser prints them, also where the item holds a heading ("<li><h2>Budget</h2>...")."""
        start = el.get("start", "1")
        n = int(start) - 1 if start.isdigit() else 0
        for child in el:
            if _tag(child) != "li" or _hidden(child):
                if _tag(child) in ("ol", "ul"):
                    self.list(child, _tag(child) == "ol")
                continue
            value = child.get("value", "")
            n = int(value) if value.isdigit() else n + 1
            first = len(self.out)
            self.block(child)
            if ordered and len(self.out) > first and self.out[first].cells is None:
                self.out[first].text = f"{n}. {self.out[first].text}"

    def table(self, el: etree._Element) -> None:
        self.tables += 1
        number = self.tables
        for row in el.iter("tr"):
            if _hidden(row):
                continue
            cells = [c for c in row if _tag(c) in ("td", "th") and not _hidden(c)]
            if not cells:
                continue
            if any(_has_block(c) for c in cells) or len(cells) == 1:
                for c in cells:
                    self.block(c)
                continue
            texts = [norm(c.text_content()) for c in cells]
            if not any(texts):
                continue
            head = all(_tag(c) == "th" for c in cells) or _tag(row.getparent()) == "thead"
            self.out.append(TextBlock(" | ".join(texts), cells=texts, table=number, head=head))


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _blocks_of(data: bytes) -> list[TextBlock]:
    text = _decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"the HTML cannot be read ({exc})") from None
    body = root.find("body")
    walker = _Walker()
    walker.block(body if body is not None else root)
    return walker.out


blocks_of = LastRead(_blocks_of)


def looks_like(data: bytes) -> bool:
    """An HTML page with at least one recognisable agenda item."""
    try:
        return bool(parse(data, "").meeting.items)
    except InputError:
        return False


def parse(data: bytes, name: str) -> ParseResult:
    result = read(blocks_of(data), name)
    if not result.meeting.items:
        raise NotMinutes("no agenda items found in this HTML page: no numbered headings set apart from the text")
    return result
