"""The round-trip comparison: which fields of a meeting must survive render → import.

``view`` projects a meeting onto the fields a rendering carries and an importer
reads back; ``expected`` is that projection of the original after the
publication rules (closed items title only, non-public attachments left out,
no decisions in an agenda).  Fields left out, and why:

* ``title``: the rendering prints the standard first line "REFERAT <udvalg> d. dd-mm-yyyy",
  not the source's own title line ("Ekstraordinært PUK");
* ``status``, ``end``: not printed (the text importer has no field for them);
* ``AgendaItem.position`` is recomputed (1..n) and ``page`` is the rendering's own page;
* whitespace inside a paragraph is compared collapsed (a line is a paragraph in the text layout);
* tables are compared whole (rows, header rows, place), by the index of their section;
* ``Signature.approved_at``/``content_hash`` are printed but the model has no field for them.
"""

from __future__ import annotations

import re
from typing import Any

from referat.model import AgendaItem, Meeting
from referat.parse.items import parse_attachment


def _norm(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _paras(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def item_view(it: AgendaItem, *, shown: bool = True) -> dict[str, Any]:
    base: dict[str, Any] = {"number": it.number, "title": it.title, "public": it.public}
    if not shown:
        return base
    base.update(
        case_ids=[c.value for c in it.case_ids],
        sections=[(s.role, s.heading, _paras(s.text)) for s in it.sections],
        tables=[(k, t.start, t.header_rows, t.rows, t.caption) for k, s in enumerate(it.sections) for t in s.tables],
        recommendation=None if it.recommendation is None else
        (_norm(it.recommendation.proposer), [(p.number, _norm(p.text)) for p in it.recommendation.points]),
        decisions=[(_paras(d.text), d.outcome, d.body, d.date) for d in it.decisions],
        deciding_body=_norm(it.deciding_body),
        absences=[(p.name, p.party) for p in it.absences],
        attachments=[(a.title, a.number, a.recommended, a.public, a.reference) for a in it.attachments],
        attachment_count=it.attachment_count,
        previous_treatments=[(t.body, t.date, t.item_number, _norm(t.text)) for t in it.previous_treatments],
        case_history=[(t.body, t.date, t.item_number, _norm(t.text)) for t in it.case_history],
    )
    return base


def view(m: Meeting) -> dict[str, Any]:
    return {
        "municipality": m.municipality, "committee": m.committee, "kind": m.kind, "start": m.start,
        "place": m.place,
        "participants": [(p.person.name, p.person.party, p.person.role, p.present, p.note) for p in m.participants],
        "signatories": [(p.name, p.party, p.role) for p in m.signatories],
        "items": [item_view(it) for it in m.items],
    }


def expected(m: Meeting, *, public: bool) -> dict[str, Any]:
    """``view`` of what a rendering of ``m`` shows."""
    out = view(m)
    items = []
    for it in m.items:
        if public and not it.public:  # title only: every content field empty
            items.append(item_view(AgendaItem(number=it.number, position=it.position, title=it.title, public=False)))
            continue
        v = item_view(it)
        if public:  # the lines of non-public attachments are left out of the Bilag section too
            v["attachments"] = [a for a in v["attachments"] if a[3]]
            v["sections"] = [(r, h, [p for p in ps if parse_attachment(p).public] if r == "attachments" else ps)
                             for r, h, ps in v["sections"]]
        if m.kind == "dagsorden":
            v["decisions"] = []
            v["sections"] = [s for s in v["sections"] if s[0] != "decision"]
        items.append(v)
    out["items"] = items
    return out


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Readable differences between two views."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in diff(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=False)) for d in diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"[:600]]
