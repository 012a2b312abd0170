"""FirstAgenda Publication API answers (JSON): ``GET /api/agenda/dagsorden/{id}``, the one meeting
behind a FirstAgenda portal page (about 90 of the 98 municipalities publish through such portals).

One answer is one meeting: ``Udvalg`` (the committee), ``Moede`` (date, place, title, whether it is
closed, the attendance list ``Moededeltagere``) and ``Dagsordenpunkter``, the items, each with its
order (``Sorting``), printed number, title, case number, attachments (``Bilag``), item-level
attendance (``ExternalAgendaItemAttendees``) and its text as HTML in ``Felter[].Html``.  Portals
answer with Danish or English field names (``Punktnummer``/``Number``, ``Navn``/``Caption``,
``SagsNummer``/``CaseNumber``) and leave many of them null; every field is looked up by any of its
names, case-insensitively.

Reading choices, from Greve's answers:

* ``IsOpen`` is False for every item, public ones included, so it does not mark a closed item; the
  title does ("Lukket: Køb af ejendom"), as in FirstAgenda's PDFs.  A closed item keeps the neutral
  part of its title; the portal publishes only its decision, which becomes the item's decision.
  (When an answer does set ``IsOpen`` True for some items, the others are taken as closed too.)
* ``Moede.Navn`` is "Dagsorden" even for a held meeting whose items carry decisions: the kind
  (agenda or minutes) comes from the decisions (``Beslutning`` sections, ``ItemDecision``), the
  name is the meeting's title.  A supplementary agenda is noted in ``Meeting.status``.
* ``MeetingBeginUtc`` holds local time with its offset despite its name; times are stored as
  Danish wall-clock time without a zone, as every parser stores them.
* The item HTML marks headings with ``<h2>``-``<h4>`` (``Beslutning``, ``Fremstilling``, then
  ``Sagsprocedure``, ``Resume``, ``Indstilling`` ...); some older items write them as a bold
  paragraph, which counts as a heading only when it is a known one (never "Beslutning", so a
  decision is only ever a marked one); long sentences typed in a heading style stay text.
* ``Sagens forløb`` lists earlier treatments as "25-05-2023 Klima-, Teknik- og Miljøudvalget"
  lines, each followed by what was decided: they become the item's ``case_history``.
* Attendance: ``ParticipationCancelled`` is Afbud, ``Absent`` Fraværende; an item's
  ``ExternalAgendaItemAttendees`` and the "Afbud: ..." lines of its decision are its ``absences``
  (an inhabil member there has role "inhabil" and stays present at the meeting, noted "inhabil under
  punkt N" as names.py reads it); a member absent from every decided item was not at the meeting.
* Attachments are the answer's ``Bilag`` in order, numbered as their names print it ("Bilag 2. ...")
  or by place; ``reference`` is the portal address that serves the PDF itself.
* The municipality is the one the portal's host names (dagsordener.greve.dk), else the one the
  text names most, else the file name's.

The portal's other answers (the committee list ``udvalgsliste``, one committee's meetings, a
search answer) and the HTML viewer page of an attachment are refused saying what they are.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .. import tables
from ..errors import InputError, NotMinutes
from ..model import AgendaItem, Attachment, CaseId, Decision, Meeting, Participant, Person, Treatment
from ..vocab import headings, municipality
from ..vocab.caseids import parse_case_id, scheme_of
from ..vocab.dates import parse_date
from ..vocab.names import parse_person, split_list
from .base import ParseResult
from .firstagenda_html import clean, join_wrapped
from .items import Para, build_item

NAME = "firstagenda-json"

# Keys only FirstAgenda's publication API uses, near the start of an answer (also of a truncated one).
_MARKER = re.compile(rb'"(?:Dagsordenpunkter|Moede|Moeder|Moededeltagere|Udvalg|Dagsordner|AntalResultater|'
                     rb'Punktnummer|TillaegsDagsorden|IsSupplementaryAgenda|MoreToBeSearched)"\s*:', re.I)
_VIEWER = re.compile(rb'<iframe[^>]*\bid=["\']pdfframe["\']', re.I)

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {"div", "p", "li", "blockquote", "section", "article", "header", "footer", "pre", "dl", "dt", "dd",
           "hr", "address", "figure", "figcaption", "center", "tr", "tbody", "thead", "tfoot"}
_SKIP = {"script", "style", "noscript", "template", "button", "input", "select", "textarea", "img", "svg",
         "iframe", "object", "video", "audio"}
_BOLD = {"b", "strong"}
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
# A heading typed as a sentence ("Der er ikke høringspligt i denne sag.") or a lead-in
# ("Administrationen indstiller:") is text, not a section heading.
_NOT_HEADING = re.compile(r"[.,;:!?]\s*$|^\W*\d")
_MAX_HEADING = 80
_LIST_STYLE = re.compile(r"list-style-type\s*:\s*([a-z-]+)", re.I)
# "Lukket: Køb af ejendom", "Lukket punkt: ...": closed, the prefix is not part of the title
# (text.py's _CLOSED_PREFIX); "Lukket punkt" alone is the whole title of a closed item.
_CLOSED_PREFIX = re.compile(r"^(?:lukket|fortroligt?)\s*(?:punkt)?\s*:\s*", re.I)
_CLOSED_TITLE = re.compile(r"^\s*(?:lukket punkt|lukket sag|fortroligt punkt)\s*$", re.I)
# "25-05-2023 Klima-, Teknik- og Miljøudvalget", "03/02/2025   Social- og Handicapudvalget"
_TREATMENT_HEAD = re.compile(r"^(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4})\s+(?P<body>\S.{0,150})$")
# "Afbud: Lone Mortensen, Liselott Blixt" at the end of a decision (also run on after its sentence)
_ABSENT_LINE = re.compile(r"(?:^|(?<=[.!?])\s*|\s)(?P<label>Afbud|Fraværende|Ikke til stede|Inhabil)\s*:\s*"
                          r"(?P<names>[^:;]+?)\.?\s*$", re.I)
_BILAG_NUMBER = re.compile(r"^\s*(?:Bilag|Bialg)\s*(?P<num>\d+(?:\.\d+)*[a-z]?)\b", re.I)
_INHABIL = re.compile(r"inhabil", re.I)


# -- reading the answer ----------------------------------------------------------------------------


def looks_like(data: bytes) -> bool:
    """A FirstAgenda API answer (its field names, even in a truncated file), or the HTML page the portal
    wraps around an attachment's PDF."""
    head = data[:65536]
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _MARKER.search(head) is not None
    return _VIEWER.search(head) is not None and b"dagsordenDetaljer" not in head


def _load(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the FirstAgenda API answer is not UTF-8 (byte {exc.start}): not a JSON answer "
                         "as the portal serves it") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the FirstAgenda API answer is not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}): the file is truncated or damaged; fetch it again") from None
    except RecursionError:
        raise InputError("the FirstAgenda API answer is nested too deeply to be a real answer") from None


def _get(obj: Any, *names: str) -> Any:
    """The first of ``names`` that ``obj`` holds with a value (not null), matched case-insensitively."""
    if not isinstance(obj, dict):
        return None
    for name in names:
        if obj.get(name) is not None:
            return obj[name]
    folded = {k.casefold(): v for k, v in obj.items() if isinstance(k, str)}
    for name in names:
        value = folded.get(name.casefold())
        if value is not None:
            return value
    return None


def _has(obj: Any, *names: str) -> bool:
    return isinstance(obj, dict) and any(n.casefold() in {k.casefold() for k in obj if isinstance(k, str)}
                                         for n in names)


def _str(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_HARVEST = "harvest the portal instead (each meeting is its own /api/agenda/dagsorden/<id> answer)"


def _refuse(answer: Any) -> None:
    """Raise NotMinutes saying what ``answer`` is when it is not one meeting's agenda or minutes."""
    if isinstance(answer, list):
        raise NotMinutes(f"a list of {len(answer)} FirstAgenda records, not one meeting's agenda or minutes: "
                         + _HARVEST)
    if not isinstance(answer, dict):
        raise NotMinutes("this JSON is not a FirstAgenda meeting answer (expected an object with "
                         "Dagsordenpunkter, Moede and Udvalg)")
    if _has(answer, "Dagsordenpunkter", "Moede"):
        return
    groups = _get(answer, "Udvalg")
    if isinstance(groups, dict) and groups and all(isinstance(v, list) for v in groups.values()):
        committees = [c for v in groups.values() for c in v if isinstance(c, dict)]
        meetings = sum(len(_list(_get(c, "Moeder"))) for c in committees)
        raise NotMinutes(f"a FirstAgenda committee list (udvalgsliste: {len(committees)} committees in "
                         f"{len(groups)} groups, {meetings} meetings), not one meeting's agenda or minutes: "
                         + _HARVEST)
    if _has(answer, "Moeder"):
        name = _str(_get(answer, "Navn", "Name"))
        meetings = len(_list(_get(answer, "Moeder")))
        raise NotMinutes(f"a FirstAgenda committee's meeting list (udvalg {name!r}, {meetings} meetings), not one "
                         "meeting's agenda or minutes: " + _HARVEST)
    if _has(answer, "Dagsordner", "AntalResultater"):
        found = _get(answer, "AntalResultater")
        raise NotMinutes(f"a FirstAgenda search answer (søg: {found if found is not None else '?'} results), not "
                         "one meeting's agenda or minutes: " + _HARVEST)
    keys = ", ".join(sorted(str(k) for k in answer)[:8])
    raise NotMinutes(f"a JSON answer referat does not read as a FirstAgenda meeting (its fields: {keys}); "
                     "a meeting is the answer of /api/agenda/dagsorden/<id>")


# -- the item HTML ---------------------------------------------------------------------------------


class _Reader:
    """The paragraphs and headings of one item's HTML in reading order: blocks and <br> end a
    paragraph, inline markup does not (its <br> still does); a <table> gives one row paragraph per
    <tr>; list items get their bullet or number."""

    def __init__(self) -> None:
        self.out: list[Para] = []
        self.run: list[tuple[str, bool]] = []
        self.collect = False  # reading a table cell: no headings, remember which paragraphs are bold
        self.bold_runs: list[bool] = []

    def flush(self) -> None:
        raw = "".join(t for t, _ in self.run)
        text = clean(raw)
        bold = bool(text) and all(b for t, b in self.run if t.strip())
        self.run.clear()
        if not text or not re.search(r"\w", text):
            return
        if self.collect:
            self.out.append(Para(text))
            self.bold_runs.append(bold)
            return
        if bold and len(text) <= _MAX_HEADING:
            known = headings.match_heading(text)
            # decisions only ever from markup, attachments from the answer's Bilag
            if known and known.role not in ("decision", "attachments"):
                self.out.append(Para(text.rstrip(":").strip(), heading=True))
                return
        self.out.append(Para(text))

    def walk(self, el: Tag, bold: bool = False) -> None:
        for child in el.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.run.append((str(child), bold))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP:
                continue
            name = child.name
            inner_bold = bold or name in _BOLD or bool(_BOLD_STYLE.search(str(child.get("style") or "")))
            if name == "br":
                self.flush()
            elif name in _HEADINGS:
                self.heading(child)
            elif name == "table":
                self.flush()
                self.table(child)
            elif name in ("ul", "ol"):
                self.flush()
                self.listing(child)
            elif name in _BLOCKS or (name == "u" and _TREATMENT_HEAD.match(clean(child.get_text())) is not None):
                # "<u>25-05-2023 Økonomiudvalget</u>" opens a treatment in "Sagens forløb"
                self.flush()
                self.walk(child, inner_bold)
                self.flush()
            else:
                self.walk(child, inner_bold)

    def heading(self, el: Tag) -> None:
        self.flush()
        if self.collect:  # a heading style inside a table cell is bold text
            self.walk(el, True)
            self.flush()
            return
        if el.find(["table", "ul", "ol", *_HEADINGS]) is not None:
            self.walk(el)  # a heading wrapped round a table or another heading: read what is inside
            self.flush()
            return
        text = clean(el.get_text(" "))
        joined = clean(el.get_text(""))  # "<b>I</b><span>ndstilling</span>"
        if text != joined and not headings.match_heading(text) and headings.match_heading(joined):
            text = joined
        if not text or not re.search(r"\w", text):
            return  # an empty heading is a blank line
        if headings.match_heading(text) or (len(text) <= _MAX_HEADING and not _NOT_HEADING.search(text)):
            self.out.append(Para(text.rstrip(":").strip(), heading=True))
        else:
            self.walk(el)  # a sentence typed in a heading style
            self.flush()

    def table(self, table: Tag) -> None:
        cap = table.find("caption")
        caption = clean(cap.get_text(" ")) if isinstance(cap, Tag) and cap.find_parent("table") is table else ""
        if caption:
            self.out.append(Para(caption))
        rows: list[Para] = []
        bold_rows: list[bool] = []
        for tr in table.find_all("tr"):
            if tr.find_parent("table") is not table:
                continue
            tags = tr.find_all(["td", "th"], recursive=False)
            read = [_cell(c) for c in tags]
            cells = [text for text, _ in read]
            if not any(cells):
                continue
            head = tr.find_parent("thead") is not None or all(c.name == "th" for c in tags)
            rows.append(Para(tables.row_text(cells), cells=cells, table=id(table), head=head,
                             caption=caption or None))
            bold_rows.append(all(bold for text, bold in read if text))
        if not all(bold_rows):  # a table set bold throughout says nothing about its header
            for row, bold in zip(rows, bold_rows, strict=True):
                row.head = row.head or bold
        self.out.extend(rows)

    def listing(self, lst: Tag) -> None:
        ordered = lst.name == "ol"
        style = _LIST_STYLE.search(str(lst.get("style") or ""))
        kind = style.group(1).lower() if style else {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman",
                                                       "I": "upper-roman"}.get(str(lst.get("type") or ""), "")
        start = str(lst.get("start", ""))
        n = int(start) if ordered and start.isdigit() else 1
        for child in lst.children:
            if not isinstance(child, Tag):
                if isinstance(child, NavigableString) and not isinstance(child, Comment) and clean(str(child)):
                    self.out.append(Para(clean(str(child))))
                continue
            if child.name in ("ul", "ol"):  # a list nested straight in a list (no <li> around it)
                self.listing(child)
                continue
            first = len(self.out)
            if child.name == "li":
                self.walk(child)
                self.flush()
            else:
                self.walk(child)
                self.flush()
                continue
            if len(self.out) > first and not self.out[first].heading and self.out[first].cells is None:
                self.out[first].text = (f"{_marker(n, kind)} " if ordered else "- ") + self.out[first].text
            n += 1


def _marker(n: int, kind: str) -> str:
    """The number a browser prints before the n-th item of an ordered list of ``list-style-type`` ``kind``."""
    if kind.endswith("alpha") or kind.endswith("latin"):
        letters = ""
        while n > 0:
            n, rest = divmod(n - 1, 26)
            letters = chr(97 + rest) + letters
        return (letters.upper() if kind.startswith("upper") else letters) + "."
    if kind.endswith("roman") and 0 < n < 40:
        numeral = ""
        for value, sym in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            numeral += sym * (n // value)
            n %= value
        return (numeral.upper() if kind.startswith("upper") else numeral) + "."
    return f"{n}."


def _cell(cell: Tag) -> tuple[str, bool]:
    """A table cell's text (its paragraphs joined; inline markup adds no blanks) and whether all of it is bold."""
    reader = _Reader()
    reader.collect = True
    reader.walk(cell)
    reader.flush()
    return " ".join(p.text for p in reader.out), bool(reader.out) and all(reader.bold_runs)


def _paras(html: str) -> list[Para]:
    if "<" not in html:
        return [Para(clean(line)) for line in html.splitlines() if clean(line)]
    soup = BeautifulSoup(html, "lxml")
    reader = _Reader()
    reader.walk(soup.body or soup)
    reader.flush()
    return join_wrapped(reader.out)


# -- the meeting -----------------------------------------------------------------------------------


def _local(value: Any) -> datetime | None:
    """An API timestamp as Danish wall-clock time without a zone (how every parser stores times)."""
    text = _str(value)
    if not text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo

            dt = dt.astimezone(ZoneInfo("Europe/Copenhagen"))
        except Exception:  # no time zone data: the offset the portal gave is local time already
            pass
        dt = dt.replace(tzinfo=None)
    return dt


def _hosts(answer: dict[str, Any]) -> Counter[str]:
    """The hosts of the links in the answer (the portal's own: dagsordener.greve.dk)."""
    found: Counter[str] = Counter()

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            host = urlsplit(value).hostname
            if host:
                found[host.lower()] += 1

    visit(_get(answer, "Dagsordenpunkter"))
    return found


def _municipality_of_host(host: str) -> str:
    """"dagsordener.greve.dk" -> Greve (a label of the host names a known municipality)."""
    portal = ("www", "dagsorden", "dagsordener", "dagsordner")
    labels = [label for label in host.split(".")[:-1] if label not in portal]
    for label in reversed(labels):  # the registered name before the subdomains
        for stem in (label, re.sub(r"-?kommune$", "", label)):
            found = municipality.detect("", stem)
            if found != municipality.UNKNOWN:
                return found
    return municipality.UNKNOWN


def _participants(moede: Any) -> list[Participant]:
    out: list[Participant] = []
    for entry in _list(_get(moede, "Moededeltagere", "Participants", "Attendees")):
        person, present, note = parse_person(_str(_get(entry, "Name", "Navn")))
        if not person.name:
            continue
        if _get(entry, "ParticipationCancelled") is True:
            present, note = False, note or "Afbud"
        elif _get(entry, "Absent", "Fravaerende") is True:
            present, note = False, note or "Fraværende"
        out.append(Participant(person, present, note))
    return out


def parse(data: bytes, name: str) -> ParseResult:
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        if _VIEWER.search(data[:65536]) is None:
            raise NotMinutes("this page is not a FirstAgenda API answer")
        raise NotMinutes("the FirstAgenda viewer page of an attachment (what /vis/pdf/bilag/<id> answers "
                         "without ?redirectDirectlyToPdf=true): it only frames the PDF; fetch the attachment "
                         "with redirectDirectlyToPdf=true, and import the meeting's /api/agenda/dagsorden/<id> "
                         "answer")
    answer = _load(data)
    _refuse(answer)
    warnings: list[str] = []
    udvalg = _get(answer, "Udvalg", "Committee")
    moede = _get(answer, "Moede", "Meeting") or {}
    committee = _str(_get(udvalg, "Navn", "Name")) if isinstance(udvalg, dict) else _str(udvalg)
    title = _str(_get(moede, "Navn", "Name", "Title"))
    start = _local(_get(moede, "MeetingBeginUtc", "Dato", "Date"))
    meeting = Meeting(municipality="", committee=committee, kind="referat", title=title or None,
                      start=start, end=_local(_get(moede, "MeetingEndUtc", "Slut")),
                      place=_str(_get(moede, "Sted", "Location")) or None)
    if _get(answer, "TillaegsDagsorden") is True or _get(moede, "IsSupplementaryAgenda") is True:
        meeting.status = "Tillægsdagsorden"
    if not committee:
        warnings.append("no committee name in the answer (Udvalg.Navn)")
    if start is None:
        warnings.append("no meeting date in the answer (Moede.Dato / MeetingBeginUtc)")
    content = [s for s in (committee, title, meeting.place) if s]
    meeting.participants = _participants(moede)

    raw_items = [i for i in _list(_get(answer, "Dagsordenpunkter", "AgendaItems")) if isinstance(i, dict)]
    if not raw_items:
        raise NotMinutes("a FirstAgenda meeting answer with no agenda items (Dagsordenpunkter is empty or not a "
                         f"list): {committee or 'committee unknown'}, {title or 'untitled'}; nothing to import")
    order = sorted(range(len(raw_items)), key=lambda i: (_sort(raw_items[i]), i))
    # IsOpen is False on every item of answers that do not use it (Greve's public items too); only
    # when some item is open does False mean closed.
    open_flag_used = any(_get(i, "IsOpen") is True for i in raw_items)
    host = (_hosts(answer).most_common(1) or [("", 0)])[0][0]
    built: list[tuple[AgendaItem, list[Para]]] = []
    for position, index in enumerate(order, start=1):
        built.append(_item(raw_items[index], position, host, open_flag_used, warnings))
    decided = any(item.decisions for item, _ in built)
    closed = _get(moede, "Afsluttet", "Closed") is True
    if decided:
        meeting.kind = "referat"
    elif re.match(r"^\s*referat", title, re.I):
        meeting.kind = "referat"
        warnings.append(f"the meeting is titled {title!r} but no item carries a decision")
    else:
        meeting.kind = "dagsorden"
        if closed:
            warnings.append("the meeting is closed (Afsluttet) but no item carries a decision: read as its agenda")
    numbers: set[str] = set()
    texts: list[str] = []
    for item, paras in built:
        if meeting.kind == "referat":
            _closed_decision(item)
            for decision in item.decisions:
                decision.body = decision.body or committee or None
                decision.date = decision.date or (start.date() if start else None)
        if item.number in numbers:
            warnings.append(f"item number {item.number} occurs more than once")
        numbers.add(item.number)
        _note_inhabil(meeting, item)
        meeting.items.append(item)
        content.append(item.title)
        content.extend(p.text for p in paras)
        content.extend(a.title for a in item.attachments)
        texts.extend(p.text for p in paras)
    if meeting.kind == "referat":
        _absent_throughout(meeting)
        for item, _ in built:
            if item.public and not item.decisions and item.sections:
                warnings.append(f"item {item.number}: minutes without a decision section")
    meeting.municipality = _municipality_of_host(host) if host else municipality.UNKNOWN
    if meeting.municipality == municipality.UNKNOWN:
        meeting.municipality = municipality.detect("\n".join(texts), name)
    return ParseResult(meeting=meeting, content=content, warnings=warnings)


def _sort(raw: dict[str, Any]) -> float:
    value = _get(raw, "Sorting", "Sortering", "Order")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    number = _str(_get(raw, "Punktnummer", "Number"))
    return float(number) if number.isdigit() else float("inf")


def _item(raw: dict[str, Any], position: int, host: str, open_flag_used: bool,
          warnings: list[str]) -> tuple[AgendaItem, list[Para]]:
    number = _str(_get(raw, "Punktnummer", "Number", "Nummer"))
    if not number:
        number = str(position)
        warnings.append(f"item at position {position} has no printed number; used its position")
    title = _str(_get(raw, "Navn", "Caption", "Titel", "Title"))
    public = not (_CLOSED_PREFIX.match(title) or _CLOSED_TITLE.match(title))
    if open_flag_used and _get(raw, "IsOpen") is False:
        public = False
    title = _CLOSED_PREFIX.sub("", title).strip()
    if not title:
        warnings.append(f"item {number} has no title")
    paras: list[Para] = []
    for field in _list(_get(raw, "Felter", "Fields")):
        html = _get(field, "Html")
        body = _paras(html) if isinstance(html, str) else _paras(_str(_get(field, "Tekst", "Text")))
        label = _str(_get(field, "Navn", "Name"))
        if label and body and not body[0].heading:
            paras.append(Para(label, heading=True))
        paras.extend(body)
    decision = _get(raw, "ItemDecision", "Beslutning")
    if decision is not None and not any(p.heading and _role(p.text) == "decision" for p in paras):
        text = decision if isinstance(decision, str) else _get(decision, "Html", "Text", "Tekst", "Beslutning")
        body = _paras(text) if isinstance(text, str) else []
        if body:
            paras = [Para("Beslutning", heading=True), *body, *paras]
    item = build_item(number, position, title, paras, public=public, marked_headings=True)
    case = _case_id(_str(_get(raw, "SagsNummer", "CaseNumber", "Sagsnummer")))
    if case and case.value not in {c.value for c in item.case_ids}:
        item.case_ids.insert(0, case)
    _case_history(item)
    _absences(item, raw)
    _attachments(item, raw, host)
    return item, paras


def _role(text: str) -> str | None:
    found = headings.match_heading(text)
    return found.role if found else None


def _case_id(value: str) -> CaseId | None:
    """The item's case number: a field that holds nothing else, so a value of no known scheme
    ("21-014439", Greve's) is still the case number."""
    if not value:
        return None
    return parse_case_id(value) or CaseId(value, scheme_of(value) or "other")


def _closed_decision(item: AgendaItem) -> None:
    """A closed item of the minutes publishes only its decision, without a heading: that text is the
    item's decision (the portal shows it where an open item shows "Beslutning")."""
    if item.public or item.decisions or len(item.sections) != 1 or item.sections[0].role != "body":
        return
    section = item.sections[0]
    section.role = "decision"
    text = section.text
    item.decisions.append(Decision(text=text, outcome=headings.classify_outcome(text)))
    for para in tables.paragraphs(text):
        _absent_line(item, para)


def _case_history(item: AgendaItem) -> None:
    """"Sagens forløb" as Greve prints it: "25-05-2023 Klima-, Teknik- og Miljøudvalget", then what that
    body decided, for each earlier treatment."""
    if item.case_history:
        return
    for section in item.sections:
        if section.role != "case_history":
            continue
        current: Treatment | None = None
        texts: list[str] = []
        for para in tables.paragraphs(section.text):
            m = _TREATMENT_HEAD.match(" ".join(para.split()))
            if m:
                if current:
                    current.text = "\n\n".join(texts)
                    item.case_history.append(current)
                current, texts = Treatment(body=m.group("body").strip(), date=parse_date(m.group("date")),
                                           item_number=None, text=""), []
            elif current:
                texts.append(para)
        if current:
            current.text = "\n\n".join(texts)
            item.case_history.append(current)


def _add_absent(item: AgendaItem, person: Person) -> None:
    for known in item.absences:
        if known.name == person.name:
            if person.role and not known.role:
                known.role = person.role
            if person.party and not known.party:
                known.party = person.party
            return
    item.absences.append(person)


def _absent_line(item: AgendaItem, text: str) -> None:
    """"Afbud: Lone Mortensen, Liselott Blixt" (or Fraværende/Ikke til stede/Inhabil) in a decision."""
    m = _ABSENT_LINE.search(" ".join(text.split()))
    if not m or m.group("names").strip().casefold() in ("ingen", "ingen."):
        return
    inhabil = m.group("label").casefold() == "inhabil"
    for chunk in split_list(m.group("names")):
        person = parse_person(chunk)[0]
        if person.name and re.fullmatch(r"(?:[A-ZÆØÅ][\w.'-]*\s?){1,6}", person.name):
            _add_absent(item, Person(person.name, person.party, "inhabil" if inhabil else person.role))


def _absences(item: AgendaItem, raw: dict[str, Any]) -> None:
    """Who was not there for the item: the portal's item attendance (Reason "Fraværende", "Inhabil" ...)
    and the "Afbud:"/"Fraværende:" lines of the decision.  An inhabil member has role "inhabil"."""
    for entry in _list(_get(raw, "ExternalAgendaItemAttendees", "AgendaItemAttendees")):
        person = parse_person(_str(_get(entry, "Name", "Navn")))[0]
        if not person.name:
            continue
        reason = _str(_get(entry, "Reason", "Aarsag", "Årsag"))
        _add_absent(item, Person(person.name, person.party, "inhabil" if _INHABIL.search(reason) else person.role))
    for section in item.sections:
        if section.role == "decision":
            for para in tables.paragraphs(section.text):
                _absent_line(item, para)


def _note_inhabil(meeting: Meeting, item: AgendaItem) -> None:
    """An inhabil member stays present at the meeting, with the note names.py reads ("inhabil under punkt 3")."""
    for person in item.absences:
        if person.role != "inhabil":
            continue
        for p in meeting.participants:
            if p.person.name == person.name:
                note = f"inhabil under punkt {item.number}"
                p.note = f"{p.note}; {note}" if p.note and note not in p.note else (p.note or note)


def _absent_throughout(meeting: Meeting) -> None:
    """A member the portal lists as absent (not inhabil) for every item with a decision was not at the
    meeting, whatever its attendance list says (Greve marks them so only item by item)."""
    decided = [i for i in meeting.items if i.decisions]
    if not decided:
        return
    away = set.intersection(*({p.name for p in i.absences if p.role != "inhabil"} for i in decided))
    for p in meeting.participants:
        if p.present and p.person.name in away:
            p.present, p.note = False, p.note or "Fraværende"


def _attachments(item: AgendaItem, raw: dict[str, Any], host: str) -> None:
    entries = [b for b in _list(_get(raw, "Bilag", "Attachments")) if isinstance(b, dict)]
    if entries:
        item.attachments = []  # the answer's list, not lines of the text that name the same files
    ordered = sorted(enumerate(entries), key=lambda t: (_order(t[1]), t[0]))
    for n, (_, entry) in enumerate(ordered, start=1):
        title = _str(_get(entry, "Navn", "Name", "Titel", "Title"))
        if not title:
            continue
        printed = _BILAG_NUMBER.match(title)
        order = _order(entry)
        number = printed.group("num") if printed else (str(order) if 0 < order < 10**9 else str(n))
        ident = _str(_get(entry, "Id", "DocumentId"))
        link = _str(_get(entry, "Link", "Url"))
        reference = link or (f"https://{host}/vis/pdf/bilag/{ident}?redirectDirectlyToPdf=true" if host and ident
                             else ident or None)
        public = True
        for key, open_value in (("IsPublic", True), ("Offentlig", True), ("Public", True), ("Lukket", False),
                                ("IsClosed", False)):
            flag = _get(entry, key)
            if isinstance(flag, bool):
                public = flag is open_value
                break
        item.attachments.append(Attachment(title=title, number=number, public=public, reference=reference))
    if entries:
        item.attachment_count = len(item.attachments)


def _order(entry: dict[str, Any]) -> int:
    value = _get(entry, "Order", "Sortering", "Sorting")
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0

