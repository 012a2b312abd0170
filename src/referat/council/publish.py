"""Publication into the archive: the agenda (dagsorden) and, once approved, the minutes (referat).

What goes out is an ordinary ``ImportedMeeting`` (document format
``council``), saved with ``Store.save``, so the portal, search, feeds and the
renderer show it like any imported document.  Only public content leaves:

* a closed item goes out as its number and neutral title (``closed_title``)
  with ``public=False`` and nothing else: no real title, case ids, sections,
  decision, absences or attachments;
* an attachment goes out (as a title and its hash) only when its item is open,
  it is public and it is not marked not-for-publication.

Re-publishing replaces the archive's copy (same meeting key); the minutes
are published from the frozen, approved text plus corrections, with the
signatures so far.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from .. import canonical
from ..model import AgendaItem, ImportedMeeting, Person, Section
from ..render.signatures import Signature
from .agenda import MeetingInfo


def public_record(record: ImportedMeeting, meeting: MeetingInfo) -> ImportedMeeting:
    """``record`` with only what may be public (``meeting`` gives each closed item's neutral title)."""
    items = []
    for item in record.meeting.items:
        if not item.public:
            neutral = next((i.closed_title for i in meeting.items if i.number == item.number), "Lukket punkt")
            items.append(AgendaItem(number=item.number, position=item.position, title=neutral, public=False))
            continue
        published = [a for a in item.attachments if a.public]
        sections = [sec for sec in item.sections if sec.role != "attachments"]
        if published:
            heading = next((sec.heading for sec in item.sections if sec.role == "attachments"), "Bilag")
            sections.insert(_attachments_at(item), Section("attachments", heading,
                                                           "\n\n".join(a.title for a in published)))
        items.append(replace(item, sections=sections, attachments=published,
                             attachment_count=len(published) or None,
                             recommended_attachment_count=sum(a.recommended for a in published) or None))
    return replace(record, meeting=replace(record.meeting, items=items))


def _attachments_at(item: AgendaItem) -> int:
    """Where the attachment list stood among the item's sections (kept in place when filtered)."""
    kept = 0
    for sec in item.sections:
        if sec.role == "attachments":
            return kept
        kept += 1
    return kept


def finish(record: ImportedMeeting, signatures: list[Signature] | None = None) -> ImportedMeeting:
    """Add signatories and status, and name the document by the SHA-256 of what is published (of its content:
    the same for the record read back from the archive, whose hash and size ``verify`` recomputes)."""
    meeting = record.meeting
    if signatures:
        meeting = replace(meeting, status="Godkendt",
                          signatories=[Person(sig.name, sig.party, sig.role) for sig in signatures])
    out = replace(record, meeting=meeting, document=replace(record.document, sha256="", size=0))
    text = canonical.dumps(out)
    return replace(out, document=replace(out.document, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                                         size=len(text.encode("utf-8"))))
