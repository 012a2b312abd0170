"""An SBSYS "eDagsorden" publication, as a zip or unpacked: ``PublicationNN.xml`` and ``Enclosures/``.

The publication XML is the meeting (read by ``sbsys_zip`` from the zip, by ``sbsys_xml`` from a folder) and
lists every item's enclosures with their number, protection and path; each becomes an ``AttachmentFile`` of
its item, public as the parser decided (protected enclosures and those of closed items are not).
Enclosure files nothing references are kept as attachments of no item, not public.
"""

from __future__ import annotations

import posixpath

from ...attach import Limits
from .. import sbsys_xml
from .common import MAX_FILE, Files, Publication, attachment, leftovers, read_document


def is_sbsys(files: Files) -> str | None:
    """The path of the delivery's SBSYS publication XML, or None."""
    for rel in files.names():
        name = rel.rsplit("/", 1)[-1].lower()
        if name.startswith("publication") and name.endswith(".xml") and sbsys_xml.looks_like(files.head(rel, 4096)):
            return rel
    return None


def read(files: Files, xml_rel: str, limits: Limits) -> Publication:
    pub = Publication(system="sbsys", source=str(files.root))
    base = posixpath.dirname(xml_rel)
    used = {xml_rel}
    if files.root.is_file():
        if files.root.stat().st_size > MAX_FILE:
            pub.warnings.append(f"{files.root.name}: over the limit of {MAX_FILE / 2**20:.0f} MB; not read")
            return pub
        read_document(files, files.root.name, pub, files.root.read_bytes())
    else:
        read_document(files, xml_rel, pub)
    if not pub.documents:
        leftovers(files, used, pub, limits, under=base)
        return pub
    for item in pub.meeting.items:
        for index, entry in enumerate(item.attachments):
            if not entry.reference:
                continue
            rel = files.find(entry.reference) or files.find(entry.reference, base)
            if rel is None:
                pub.warnings.append(f"item {item.number}: enclosure {entry.title!r} ({entry.reference}) "
                                    "is not in the delivery")
                continue
            used.add(rel)
            att = attachment(files, rel, limits, title=entry.title, number=entry.number, order=index + 1,
                             item=item.number, public=entry.public and item.public, reference=entry.reference)
            if att is not None:
                att.attachment_index = index
                pub.attachments.append(att)
    leftovers(files, used, pub, limits, under=base)
    pub.warnings.extend(files.warnings)
    return pub
