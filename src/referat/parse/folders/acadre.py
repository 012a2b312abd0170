"""An Acadre publication: the manifest ``XML_<agenda id>.xml`` and its files folder ``Files_<id>_<doc id>``.

The manifest's ``producedAgenda`` rows name, per produced agenda or minutes, the fusion XML, the document
(DOCX or PDF) and the files folder.  The fusion XML is the meeting (``acadre_xml``) and lists each item's
enclosures with their file name (``3525829E1.DOCX``), number and access.  Acadre writes every file twice,
under its document number and under its title, sometimes also as a PDF print: identical bytes are one file
(SHA-256; the other name is an alias), and a file named by an enclosure's title in another format is that
attachment's alternate.  Any other file that reads as the meeting (the minutes PDF, named by the meeting) is
one of its documents; what remains is kept as an attachment of no item, not public.
"""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import PurePosixPath

from ...attach import AttachmentFile, Limits
from .. import acadre_xml, xmlutil
from .common import Files, Publication, fold, leftovers, nfc, read_document, read_in


def is_manifest(files: Files) -> str | None:
    """The path of the delivery's Acadre manifest (``XML_*.xml`` with ``producedAgenda``), or None."""
    for rel in files.names():
        name = rel.rsplit("/", 1)[-1]
        if name.upper().startswith("XML_") and name.lower().endswith(".xml") and "/" not in rel \
                and b"producedAgenda" in files.head(rel):
            return rel
    return None


def _produced(data: bytes) -> list[dict[str, str]]:
    root, _ = xmlutil.load(data, "Acadre manifest")
    rows: list[dict[str, str]] = []
    for table in root.iter("table"):
        if table.get("name") != "producedAgenda":
            continue
        for fields in table.findall("fields"):
            row: dict[str, str] = {}
            for f in fields.findall("field"):
                row.update({k: v.strip() for k, v in f.attrib.items()})
            rows.append(row)
    return rows


def _enclosures(data: bytes) -> list[dict[str, str]]:
    """The fusion XML's enclosure rows (``name``, ``filename``, ``sort``, ``accessname`` ...)."""
    root, _ = xmlutil.load(data, "Acadre XML")
    out = []
    for table in root.iter("table"):
        if table.get("name") == "enclosure":
            fields = table.find("fields")
            if fields is not None:
                out.append({f.get("name", ""): " ".join(xmlutil.text_of(f).split()) for f in fields.findall("field")})
    return out


def read(files: Files, manifest_rel: str, limits: Limits) -> Publication:
    pub = Publication(system="acadre", source=str(files.root))
    used = {manifest_rel}
    data = files.read(manifest_rel)
    try:
        rows = _produced(data or b"")
    except Exception as exc:
        pub.warnings.append(f"{manifest_rel}: the manifest cannot be read: {exc}")
        rows = []
    folders = [r["filesfolder"] for r in rows if r.get("filesfolder")]
    folder = next((f for f in folders if any(n.startswith(f + "/") for n in files.names())), None)
    if folder is None:
        folder = next((n.split("/")[0] for n in files.names() if n.startswith("Files_") and "/" in n), "")
        if folders:
            pub.warnings.append(f"the files folder {folders[0]} named in the manifest is not in the delivery")
    fusions: list[bytes] = []
    for row in rows:
        for key in ("xmlfilename", "docfilename"):
            name = row.get(key, "")
            rel = files.find(name, folder) if name else None
            if name and rel is None:
                if row.get("filesfolder"):
                    pub.warnings.append(f"{name} ({row.get('comment') or 'produced agenda'}) is not in the delivery")
                continue
            if rel is None:
                continue
            used.add(rel)
            blob = files.read(rel)
            doc = read_document(files, rel, pub, blob) if blob is not None else None
            if doc is not None and key == "xmlfilename":
                fusions.append(blob or b"")
            if doc is not None and row.get("access", "Åben").casefold() not in ("åben", "aaben", "open", ""):
                pub.closed_documents.append(doc.document.sha256)
                pub.warnings.append(f"{name}: the manifest marks it {row.get('access')!r}; not public")
    prefix = folder + "/" if folder else ""
    by_hash: dict[str, list[str]] = {}
    for rel in files.names():
        if rel.startswith(prefix) and rel not in used:
            blob = files.read(rel)
            if blob is not None:
                by_hash.setdefault(hashlib.sha256(blob).hexdigest(), []).append(rel)
    doc_hashes = {d.document.sha256 for d in pub.documents}
    for sha, names in by_hash.items():
        if sha in doc_hashes:
            used.update(names)  # (the same minutes under their title)
    if not fusions:  # a fusion XML not named in the manifest: any file of the folder that is one
        for names in by_hash.values():
            blob = files.read(names[0]) or b""
            if acadre_xml.looks_like(blob) and read_document(files, names[0], pub, blob):
                fusions.append(blob)
                used.update(names)
    if pub.documents:
        _attachments(files, folder, fusions, by_hash, used, pub, limits)
    for names in by_hash.values():  # the rest: a meeting document (the minutes PDF), else left over
        if not set(names) & used:
            blob = files.read(names[0])
            before = len(pub.documents)
            if blob is not None:
                read_document(files, names[0], pub, blob, quiet=True)
            if len(pub.documents) > before:
                used.update(names)
    leftovers(files, used, pub, limits, under=prefix)
    pub.warnings.extend(files.warnings)
    return pub


def _attachments(files: Files, folder: str, fusions: list[bytes], by_hash: dict[str, list[str]], used: set[str],
                 pub: Publication, limits: Limits) -> None:
    rows = [r for blob in fusions for r in _enclosures(blob)]
    names_of = {rel: names for names in by_hash.values() for rel in names}
    for item in pub.meeting.items:
        for index, entry in enumerate(item.attachments):
            row = next((r for r in rows if fold(r.get("name", "")) == fold(entry.title)
                        and (r.get("sort") or None) == entry.number), None)
            rel = files.find(row["filename"], folder) if row and row.get("filename") else None
            if rel is None:  # no file name given, or not there: the file named by the title
                rel = next((n for n in names_of if fold(PurePosixPath(n).stem) == fold(entry.title)), None)
            if rel is None:
                pub.warnings.append(f"item {item.number}: the file of attachment {entry.title!r} is not in the folder")
                continue
            blob = files.read(rel)
            if blob is None:
                continue
            same = names_of.get(rel, [rel])
            used.update(same)
            att = read_in(files, blob, rel, limits, title=entry.title, number=entry.number, order=index + 1,
                          item=item.number, public=entry.public and item.public, reference=entry.reference)
            att.attachment_index = index
            att.aliases = sorted({_display_name(n) for n in same if n != rel})
            att.alternates = _alternates(files, entry.title, att, by_hash, used, limits)
            pub.attachments.append(att)


def _display_name(rel: str) -> str:
    return nfc(posixpath.basename(rel))


def _alternates(files: Files, title: str, att: AttachmentFile, by_hash: dict[str, list[str]], used: set[str],
                limits: Limits) -> list[AttachmentFile]:
    """Files named by the attachment's title in another format (its PDF print), one per distinct bytes."""
    out = []
    for sha, names in by_hash.items():
        if sha == att.sha256 or set(names) & used:
            continue
        if any(fold(PurePosixPath(n).stem) == fold(title) for n in names):
            blob = files.read(names[0])
            if blob is None:
                continue
            used.update(names)
            alt = read_in(files, blob, names[0], limits, title=att.title, number=att.number, order=att.order,
                          item=att.item, public=att.public, reference=att.reference)
            alt.aliases = sorted({_display_name(n) for n in names[1:]})
            out.append(alt)
    return out

