"""A KMD eDoc meeting folder: ``eDocAgendaPublishing.xml`` and PDFs named by document number.

The XML names every file: per agenda (``MeetingAgendaType``: open and closed) the whole minutes
(``PDFDocument``), per item its own PDF, and per item its attachments with their titles, publishing type and
PDF.  So the meeting is the XML and the minutes PDF (both read by their importers), each item's PDF is that
item's document, and each attachment is matched to its item from the XML.  An attachment of a closed item,
or one the XML does not mark for publication, is not public; a closed item's attachment keeps its neutral
title only; the closed agenda's whole minutes PDF is listed in ``closed_documents``.  Files the XML does not
name are kept as attachments of no item, not public.
"""

from __future__ import annotations

import re

from lxml import etree

from ...attach import AttachmentFile, Limits
from .. import xmlutil
from .common import Files, Publication, attachment, leftovers, match_item, read_document

XML_NAME = "edocagendapublishing.xml"


def _t(el: etree._Element | None, path: str) -> str:
    return " ".join(xmlutil.text_of(el.find(path) if el is not None else None).split())


def is_edoc(files: Files) -> str | None:
    """The path of the folder's eDoc XML, or None."""
    return next((n for n in files.names() if n.rsplit("/", 1)[-1].lower() == XML_NAME), None)


def read(files: Files, xml_rel: str, limits: Limits) -> Publication:
    pub = Publication(system="edoc", source=str(files.root))
    base = xml_rel.rsplit("/", 1)[0] if "/" in xml_rel else ""
    data = files.read(xml_rel)
    if data is None:
        pub.warnings.append(f"{xml_rel}: cannot be read")
        return pub
    used = {xml_rel}
    read_document(files, xml_rel, pub, data)
    try:
        root, _ = xmlutil.load(data, "eDoc XML")
    except Exception as exc:  # the importer already said why in its warning; the files are still kept
        pub.warnings.append(f"{xml_rel}: its file list cannot be read: {exc}")
        leftovers(files, used, pub, limits, under=base, documents=True)
        return pub
    plan: list[tuple[str, str, bool]] = []  # (item number, its PDF, closed)
    found: list[tuple[AttachmentFile, list[str]]] = []  # (attachment, the titles the XML gives it)
    for mat in root.findall("MeetingAgendaTypes/MeetingAgendaType"):
        closed = "lukket" in _t(mat, "AgendaType").lower()
        whole = _t(mat, "PDFDocument")
        if whole:
            rel = files.find(whole, base)
            if rel is None:
                pub.warnings.append(f"the minutes {whole} ({_t(mat, 'AgendaType')}) are not in the folder")
            else:
                used.add(rel)
                whole_doc = read_document(files, rel, pub)
                if whole_doc is not None and closed:  # (the closed minutes: never for the public)
                    pub.closed_documents.append(whole_doc.document.sha256)
        for el in mat.findall("MeetingAgendaItems/MeetingAgendaItem"):
            plan.append((_t(el, "AgendaItemNumber"), _t(el, "PDFDocument"), closed))
            found.extend(_attachments(files, base, el, closed, pub, used, limits))
    pub.attachments.extend(att for att, _ in found)
    if not pub.documents:
        leftovers(files, used, pub, limits, under=base, documents=True)
        return pub
    meeting = pub.meeting
    for number, pdf, closed in plan:
        if not pdf:
            continue
        rel = files.find(pdf, base)
        if rel is None:
            pub.warnings.append(f"item {number}: its PDF {pdf} is not in the folder")
            continue
        used.add(rel)
        item = next((i for i in meeting.items if i.number == number), None)
        title = item.title if item is not None else f"Punkt {number}"
        doc = attachment(files, rel, limits, title=title, item=number, order=0, reference=pdf,
                         public=not closed and (item is None or item.public))
        if doc is not None:
            pub.item_documents.append(doc)
    for att, titles in found:
        match_item(meeting, att, titles)
    leftovers(files, used, pub, limits, under=base)
    pub.warnings.extend(files.warnings)
    return pub


def _attachments(files: Files, base: str, el: etree._Element, closed: bool, pub: Publication, used: set[str],
                 limits: Limits) -> list[tuple[AttachmentFile, list[str]]]:
    found: list[tuple[AttachmentFile, list[str]]] = []
    number = _t(el, "AgendaItemNumber")
    records = el.findall("Document/Attachments/Attachment")
    for order, rec in enumerate(records, start=1):
        pdf = _t(rec, "PDFDocument")
        publishing = _t(rec, "PublishingType").upper()
        public = not closed and not re.search(r"\bIKKE\b|LUKKET|FORTROLIG", publishing)
        neutral, title = _t(rec, "NeutralTitle"), _t(rec, "Title")
        shown = neutral if closed or not public else (title or neutral)
        if not pdf:
            pub.warnings.append(f"item {number}: attachment {shown!r} has no file in the export")
            continue
        rel = files.find(pdf, base)
        if rel is None:
            pub.warnings.append(f"item {number}: attachment {shown!r} ({pdf}) is not in the folder")
            continue
        used.add(rel)
        att = attachment(files, rel, limits, title=shown or pdf, item=number, order=order, public=public,
                         reference=pdf.rsplit(".", 1)[0])
        if att is not None:
            found.append((att, [t for t in (shown, title) if t]))
    return found
