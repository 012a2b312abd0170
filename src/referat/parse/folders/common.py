"""What every publication reader shares: the ``Publication`` it returns, bounded access to the files of a
folder or zip, and matching the files a delivery names to the items and attachments of the meeting read.

A delivery is untrusted input: at most ``MAX_FILES`` files, each at most ``MAX_FILE`` bytes and all of them
at most ``MAX_TOTAL``; a file over a limit is left out with a warning, never read whole.
"""

from __future__ import annotations

import difflib
import posixpath
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ...attach import AttachmentFile, Limits, read_attachment
from ...errors import InputError, ReferatError
from ...model import AgendaItem, ImportedMeeting, Meeting
from ...vocab.municipality import UNKNOWN
from ..importer import MAX_BYTES, parse_bytes

MAX_FILES = 5000
MAX_FILE = MAX_BYTES
MAX_TOTAL = 4 * 1024**3

# which document's structure a meeting is read from when several hold it: minutes over agenda, then the
# structured formats over the printed ones, then the one with more items
_FORMAT_RANK = {"xml": 6, "zip": 6, "json": 5, "html": 4, "docx": 3, "pdf": 2, "text": 1}


@dataclass
class Publication:
    """One meeting as a case system delivered it.

    ``system`` is ``edoc``, ``sbsys``, ``acadre`` or ``fujitsu``; ``source`` the folder or zip read.
    ``documents`` are the meeting's own documents (the XML export, the minutes as PDF/DOCX/HTML), each read
    by ``parse_bytes``, its kind in ``meeting.kind`` and format in ``document.format``, one per distinct
    file (identical bytes under two names are one document).  ``item_documents`` are files of one agenda
    item each (eDoc prints every item again as its own PDF): ``AttachmentFile`` values whose ``item`` says
    which.  ``attachments`` are the bilag, matched to items where the delivery says (``item`` None when it
    does not: such files are not public).  ``superseded`` names older exports this one replaces (Fujitsu),
    ``closed_documents`` the SHA-256 of documents the delivery marks as not for the public (an Acadre
    manifest's access), ``warnings`` what could not be read or matched."""

    system: str
    source: str
    documents: list[ImportedMeeting] = field(default_factory=list)
    item_documents: list[AttachmentFile] = field(default_factory=list)
    attachments: list[AttachmentFile] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    closed_documents: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def primary(self) -> ImportedMeeting:
        """The document the meeting's items are best read from (minutes over agenda, XML over print)."""
        if not self.documents:
            raise InputError(f"{self.source}: no document of the meeting could be read")
        return max(self.documents, key=lambda d: (d.meeting.kind == "referat",
                                                  _FORMAT_RANK.get(d.document.format, 0), len(d.meeting.items)))

    @property
    def meeting(self) -> Meeting:
        return self.primary().meeting

    def agree(self) -> None:
        """One meeting across its documents: a document that could not tell the municipality (a Fujitsu
        XML names none; its HTML rendering does) takes the one the others agree on; documents that
        disagree on the municipality, committee or start are reported, not changed."""
        known = {d.meeting.municipality for d in self.documents if d.meeting.municipality not in ("", UNKNOWN)}
        if len(known) == 1:
            [name] = known
            for d in self.documents:
                if d.meeting.municipality in ("", UNKNOWN):
                    d.meeting.municipality = name
                    self.warnings.append(f"{d.document.source_name}: names no municipality; {name}, as the "
                                         "delivery's other documents say")
        for what in ("municipality", "committee", "start"):
            values = {str(getattr(d.meeting, what)) for d in self.documents if getattr(d.meeting, what)}
            if len(values) > 1:
                self.warnings.append(f"the documents disagree on the meeting's {what}: " + ", ".join(sorted(values)))

    def sort(self) -> None:
        """Attachments and item documents in the order of the meeting's items, then their own order."""
        if not self.documents:
            return
        position = {i.number: i.position for i in self.meeting.items}

        def key(a: AttachmentFile) -> tuple[int, int, str]:
            return position.get(a.item or "", 10**9), a.order, a.name

        self.attachments.sort(key=key)
        self.item_documents.sort(key=key)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """A name or title for comparison: NFC, case-folded, spaces collapsed, typographic apostrophes plain."""
    return " ".join(nfc(text).replace("’", "'").casefold().split())


class Files:
    """The files of a delivery (a folder or a zip), by relative POSIX path, read within the limits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.warnings: list[str] = []
        self.started = time.monotonic()
        self._zip: zipfile.ZipFile | None = None
        self._sizes: dict[str, int] = {}
        if root.is_file():
            try:
                self._zip = zipfile.ZipFile(root)
            except (zipfile.BadZipFile, OSError, zlib.error, EOFError, ValueError):
                raise InputError(f"{root.name}: the zip file is damaged or incomplete") from None
            infos = [i for i in self._zip.infolist() if not i.is_dir()]
            if len(infos) > MAX_FILES:
                raise InputError(f"{root.name}: the zip holds {len(infos)} files; the limit is {MAX_FILES}")
            self._sizes = {i.filename: i.file_size for i in infos}
        else:
            for n, p in enumerate(sorted(root.rglob("*"))):
                if n >= MAX_FILES * 2:
                    raise InputError(f"{root}: the folder holds more than {MAX_FILES} files; the limit")
                if p.is_file() and not p.is_symlink():
                    self._sizes[p.relative_to(root).as_posix()] = p.stat().st_size
            if len(self._sizes) > MAX_FILES:
                raise InputError(f"{root}: the folder holds {len(self._sizes)} files; the limit is {MAX_FILES}")
        if sum(self._sizes.values()) > MAX_TOTAL:
            raise InputError(f"{root.name}: the delivery holds {sum(self._sizes.values()) / 2**30:.1f} GB; "
                             f"the limit is {MAX_TOTAL / 2**30:.0f} GB")
        self._by_fold = {fold(k): k for k in self._sizes}

    def names(self) -> list[str]:
        return sorted(self._sizes)

    def find(self, rel: str, base: str = "") -> str | None:
        """The delivery's path for ``rel`` (relative to the folder ``base``), matched without regard to
        case or Unicode normalisation (deliveries name ``3687982.docx`` a file stored as ``3687982.DOCX``)."""
        path = posixpath.normpath(posixpath.join(base, rel.replace("\\", "/").lstrip("/")))
        return path if path in self._sizes else self._by_fold.get(fold(path))

    def read(self, rel: str) -> bytes | None:
        """The bytes of ``rel``, or None (with a warning) when it is too big or cannot be read."""
        size = self._sizes.get(rel)
        if size is None:
            return None
        if size > MAX_FILE:
            self.warnings.append(f"{rel}: {size / 2**20:.0f} MB, over the limit of {MAX_FILE / 2**20:.0f} MB "
                                 "per file; left out")
            return None
        try:
            if self._zip is not None:
                with self._zip.open(rel) as fh:
                    data = fh.read(MAX_FILE + 1)
            else:
                data = (self.root / rel).read_bytes()
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            self.warnings.append(f"{rel}: cannot be read: {exc}")
            return None
        if len(data) > MAX_FILE:
            self.warnings.append(f"{rel}: over the limit of {MAX_FILE / 2**20:.0f} MB per file; left out")
            return None
        return data

    def head(self, rel: str, n: int = 16384) -> bytes:
        size = self._sizes.get(rel, 0)
        if size > MAX_FILE:
            return b""
        try:
            if self._zip is not None:
                with self._zip.open(rel) as fh:
                    return fh.read(n)
            with (self.root / rel).open("rb") as fh:
                return fh.read(n)
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            return b""

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def read_document(files: Files, rel: str, pub: Publication, data: bytes | None = None, *,
                  quiet: bool = False) -> ImportedMeeting | None:
    """``rel`` read as a meeting document into ``pub.documents`` (once per distinct bytes); None and a
    warning (unless ``quiet``: only trying) when it is not one."""
    data = files.read(rel) if data is None else data
    if data is None:
        return None
    try:
        # (the path as the parser's name: a Fujitsu export's folders name its committee and time)
        imported = parse_bytes(data, rel if files.root.is_file() else str(files.root / rel))
    except ReferatError as exc:
        if not quiet:
            pub.warnings.append(f"{rel}: not read as a document of the meeting: {exc}")
        return None
    if any(d.document.sha256 == imported.document.sha256 for d in pub.documents):
        return None
    pub.documents.append(imported)
    return imported


def attachment(files: Files, rel: str, limits: Limits, **facts: object) -> AttachmentFile | None:
    """The ``AttachmentFile`` of ``rel`` with ``facts`` (title, number, order, item, public, reference)."""
    data = files.read(rel)
    if data is None:
        return None
    return read_in(files, data, rel, limits, **facts)


def read_in(files: Files, data: bytes, rel: str, limits: Limits, **facts: object) -> AttachmentFile:
    """``read_attachment`` within what is left of the delivery's ``max_total_seconds``: a file read after
    it ran out is kept without text, with a warning."""
    late = None
    if limits.text and limits.max_total_seconds is not None:
        left = limits.max_total_seconds - (time.monotonic() - files.started)
        if left <= 0:
            limits = replace(limits, text=False)
            late = (f"text not read: the time limit of {limits.max_total_seconds:g} s for the delivery's files "
                    "ran out")
        else:
            limits = replace(limits, max_seconds=min(limits.max_seconds, left))
    att = read_attachment(data, posixpath.basename(rel), limits=limits, **facts)  # type: ignore[arg-type]
    if late:
        att.complete = False
        att.warnings.append(late)
    return att


def match_item(meeting: Meeting, att: AttachmentFile, titles: list[str] | None = None) -> None:
    """Link ``att`` to its entry in its item's ``attachments`` (by title, 0.75 alike or better), taking the
    printed title and, when the entry is closed, its closedness; an item not in the meeting is a warning."""
    item = next((i for i in meeting.items if i.number == att.item), None)
    if item is None:
        att.warnings.append(f"item {att.item} is not an item of the meeting read")
        att.public = False
        return
    att.public = att.public and item.public
    index = best_title(item, titles or [att.title])
    if index is not None:
        entry = item.attachments[index]
        att.attachment_index = index
        att.title = entry.title if item.public else att.title
        att.public = att.public and entry.public
        if entry.number and not att.number:
            att.number = entry.number
        if entry.reference and not att.reference:
            att.reference = entry.reference


def best_title(item: AgendaItem, titles: list[str]) -> int | None:
    best, best_ratio = None, 0.0
    for i, entry in enumerate(item.attachments):
        for title in titles:
            a, b = fold(entry.title), fold(title)
            ratio = 1.0 if a == b or (len(b) >= 40 and a.startswith(b)) else difflib.SequenceMatcher(None, a, b).ratio()
            if ratio > best_ratio:
                best, best_ratio = i, ratio
    return best if best_ratio >= 0.75 else None


def leftovers(files: Files, used: set[str], pub: Publication, limits: Limits, *, under: str = "",
              skip: tuple[str, ...] = (), documents: bool = False) -> None:
    """Files of the delivery nothing named: read as attachments of no item (not public), with a warning;
    identical bytes to a file already taken are only counted as another name of it.  With ``documents``
    (the delivery's own list could not be read) a file that reads as the meeting is one of its documents."""
    known = {a.sha256: a for a in pub.attachments + pub.item_documents}
    doc_hashes = {d.document.sha256 for d in pub.documents}
    for rel in files.names():
        if rel in used or not rel.startswith(under) or rel.lower().endswith(skip):
            continue
        data = files.read(rel)
        if data is None:
            continue
        if documents and read_document(files, rel, pub, data, quiet=True) is not None:
            doc_hashes.add(pub.documents[-1].document.sha256)
            continue
        att = read_attachment(data, posixpath.basename(rel), public=False, limits=Limits(text=False))
        if att.sha256 in doc_hashes:
            continue
        if att.sha256 in known:
            known[att.sha256].aliases.append(att.name)
            continue
        pub.warnings.append(f"{rel}: named by no item of the delivery; kept as an attachment of no item, not public")
        att = read_in(files, data, rel, limits, public=False)
        pub.attachments.append(att)
        known[att.sha256] = att

