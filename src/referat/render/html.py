"""Minutes and agendas as one standalone, accessible HTML document.

The same page serves the screen (the portal's "Referat som HTML") and print:
WeasyPrint renders it to PDF with the print rules of ``minutes.css`` (A4,
running header with municipality, committee and date, "Side X af Y", page
numbers in the table of contents through ``target-counter``).  Structure for
assistive technology: ``lang="da"``, one ``h1``, an ``h2`` per item, sections as
``h3``, the recommendation as an ordered list, a labelled table of contents.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .layout import Layout

#: characters a CSS string in the print style keeps as they are; every other one is written as a CSS escape
_CSS_SAFE = frozenset(" .,-_()/·–—:")


def _cssstr(value: str) -> Markup:
    """A CSS string's content, safe inside ``"..."`` in <style>: any run of white space (CR, LF, tab, form feed,
    Unicode line separators, which end or break a CSS string) becomes one space; letters, digits and a few
    punctuation marks stay; every other character is a CSS escape (``\\22 `` for ``"``, ``\\3c `` for ``<``,
    ``\\5c `` for a backslash), so nothing in the value can close the string, the rule or the <style>."""
    text = " ".join(value.split())
    return Markup("".join(ch if (ch.isalnum() and ch.isprintable()) or ch in _CSS_SAFE else f"\\{ord(ch):x} "
                          for ch in text))


# A word with a hyphen or slash inside ("A-dagpengene", "Afvist/Henvist", a URL), or a
# suspended compound with the word after it ("Beskæftigelses- og"): pdfium reads a line
# that ends in a hyphen as one line with a soft hyphen, and a break after a slash comes
# back as a space, so these stay on one line.
_JOINED = re.compile(r"(?<!\S)(\S*\w[-/](?:\w\S*|[ \t]+\S+))")


def _nobr(value: str) -> Markup:
    out = []
    pos = 0
    for m in _JOINED.finditer(value):
        if len(m.group(1)) > 80:
            continue
        out.append(str(escape(value[pos:m.start()])))
        out.append(f'<span class="nobr">{escape(m.group(1))}</span>')
        pos = m.end()
    out.append(str(escape(value[pos:])))
    return Markup("".join(out))


def _para(value: str) -> Markup:
    """A paragraph's text for print: as ``_nobr``, then an empty box (``.end`` in
    minutes.css) joined to the last word by a word joiner, so the paragraph's last line always
    ends well short of the right margin (the last word moves down with the box when they do
    not fit).  A line that stops short after a full stop is the cue the PDF importer
    (pdftext.continues) reads as a paragraph's end; without it a paragraph whose last line
    happens to be full, at the foot of a page, runs into the next one.  (A nowrap span around
    the last word would do the same on screen, but WeasyPrint then breaks the line before it
    too early.)"""
    if not value.strip():
        return _nobr(value)
    return Markup(f'{_nobr(value.rstrip())}\u2060<span class="end" aria-hidden="true"></span>')


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("referat.render", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # templates ship with the package: no stat of each file per page
    env.filters["cssstr"] = _cssstr
    env.filters["nobr"] = _nobr
    env.filters["para"] = _para
    return env


@cache
def stylesheet() -> str:
    return resources.files("referat.render").joinpath("templates", "minutes.css").read_text("utf-8")


def municipality_name(layout: Layout) -> str:
    m = layout.municipality
    return f"{m} Kommune" if m and m != "ukendt" else ""


def render_html(layout: Layout) -> str:
    municipality = municipality_name(layout)
    right = " · ".join(x for x in (layout.committee, layout.date_short) if x)
    return _env().get_template("minutes.html").render(
        doc=layout, css=stylesheet(), municipality=municipality,
        running_left=municipality + ("" if layout.public else " · INTERN UDGAVE"), running_right=right)
