"""Fujitsu eDoc agenda exports: ``<committee>/<yyyy-mm-dd hh.mm>/<kind>/<kind>/<publisher>/<export time>/``
holding ``<guid>.xml``, its rendering ``<guid>.html`` and, when there are any, ``Attachments/``.

Every re-export of a meeting is a new folder with a later export time: the latest is the current version
and the older ones are listed as superseded, not read.  One publication per meeting folder: the XML and
HTML of the latest export of each kind (agenda, minutes) are its documents; the attachments the XML lists
(``Link``) are looked up beside the XML, then by name in ``Attachments/``.
"""

from __future__ import annotations

import posixpath
import re
from datetime import datetime

from ...attach import Limits
from .. import fujitsu_xml
from .common import Files, Publication, attachment, leftovers, read_document

_EXPORT_TIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[ T_](\d\d)[.:](\d\d)(?:[.:](\d\d))?$")
MEETING_DIR = re.compile(r"^\d{4}-\d\d-\d\d[ T_]\d\d[.:]\d\d$")


def looks_like_head(head: bytes) -> bool:
    """Whether the first bytes of an XML file are a Fujitsu export's (its namespace at the root)."""
    return fujitsu_xml.looks_like(head) or fujitsu_xml.NS.encode() in head[:2048]


def exports(files: Files) -> list[str]:
    """The Fujitsu export XMLs of the delivery."""
    return [rel for rel in files.names() if rel.lower().endswith(".xml") and looks_like_head(files.head(rel))]


def _export_time(folder: str) -> tuple[datetime, str]:
    name = posixpath.basename(folder)
    m = _EXPORT_TIME.match(name)
    if m:
        try:
            y, mo, d, h, mi, sec = (int(g or 0) for g in m.groups())
            return datetime(y, mo, d, h, mi, sec), name
        except ValueError:
            pass
    return datetime.min, name


def _meeting_key(rel: str) -> str:
    """The meeting folder of an export (``<committee>/<yyyy-mm-dd hh.mm>``), else its publisher folder."""
    parts = rel.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if MEETING_DIR.match(parts[i]):
            return "/".join(parts[:i + 1])
    return posixpath.dirname(posixpath.dirname(rel))


def read_all(files: Files, xmls: list[str], limits: Limits, *, one_meeting: bool = False) -> list[Publication]:
    """One publication per meeting of ``xmls`` (all one meeting when ``one_meeting``: the delivery's root is
    the meeting folder)."""
    meetings: dict[str, dict[str, list[str]]] = {}
    for rel in xmls:
        publisher = posixpath.dirname(posixpath.dirname(rel))
        key = "" if one_meeting else _meeting_key(rel)
        meetings.setdefault(key, {}).setdefault(publisher, []).append(rel)
    out = []
    for key, publishers in sorted(meetings.items()):
        pub = Publication(system="fujitsu", source=str(files.root / key) if key else str(files.root))
        used: set[str] = set()
        latest_folders = []
        for publisher, rels in sorted(publishers.items()):
            folders = sorted({posixpath.dirname(r) for r in rels}, key=_export_time)
            latest = folders[-1]
            latest_folders.append(latest)
            pub.superseded.extend(folders[:-1])
            if folders[:-1]:
                pub.warnings.append(f"{len(folders) - 1} older export(s) of {publisher or 'the meeting'} superseded "
                                    f"by {posixpath.basename(latest)}; not read")
            for rel in sorted(r for r in rels if posixpath.dirname(r) == latest):
                used.add(rel)
                read_document(files, rel, pub)
                html = files.find(rel[:-4] + ".html") or files.find(rel[:-4] + ".htm")
                if html:
                    used.add(html)
                    read_document(files, html, pub)
        if pub.documents:
            _attachments(files, latest_folders, pub, used, limits)
        for folder in latest_folders:
            leftovers(files, used, pub, limits, under=folder + "/")
        pub.warnings.extend(files.warnings)
        out.append(pub)
    return out


def _attachments(files: Files, folders: list[str], pub: Publication, used: set[str], limits: Limits) -> None:
    for item in pub.meeting.items:
        for index, entry in enumerate(item.attachments):
            rel = None
            for folder in folders:
                if entry.reference:
                    rel = (files.find(entry.reference, folder)
                           or files.find(posixpath.basename(entry.reference), folder + "/Attachments"))
                rel = rel or files.find(entry.title, folder + "/Attachments")
                if rel:
                    break
            if rel is None:
                pub.warnings.append(f"item {item.number}: attachment {entry.title!r} is not in the export")
                continue
            used.add(rel)
            att = attachment(files, rel, limits, title=entry.title, number=entry.number, order=index + 1,
                             item=item.number, public=entry.public and item.public, reference=entry.reference)
            if att is not None:
                att.attachment_index = index
                pub.attachments.append(att)
