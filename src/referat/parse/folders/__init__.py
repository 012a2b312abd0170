"""Publication folders read as one meeting: what a case system delivers to a portal, recognised and read.

A case system does not publish one file but a delivery: an eDoc meeting folder (``eDocAgendaPublishing.xml``
and PDFs by document number), an SBSYS zip or folder (``Publication*.xml`` and ``Enclosures/``), an Acadre
manifest (``XML_*.xml``) with its ``Files_*`` folder, a Fujitsu export tree (the latest export time is the
current version).  ``read_publications(path)`` finds every delivery in a folder (or reads one zip or
manifest) and returns one ``Publication`` per meeting: its documents (each read by ``parse_bytes``), the
per-item documents, and the attachments as ``AttachmentFile`` values matched to their items, with their text
read within ``Limits`` per file.  Nothing here touches the store: ``referat import FOLDER`` stores what this
returns.
"""

from __future__ import annotations

from pathlib import Path

from ...attach import AttachmentFile, Limits
from ...errors import InputError, NotMinutes
from . import acadre, edoc, fujitsu, sbsys
from .common import MAX_FILES, Files, Publication

__all__ = ["AttachmentFile", "Limits", "Publication", "read_publication", "read_publications"]

MAX_DEPTH = 10


def read_publication(path: str | Path, limits: Limits | None = None) -> Publication:
    """The one meeting the delivery at ``path`` holds; InputError when it holds none or several."""
    found = read_publications(path, limits)
    if len(found) != 1:
        raise InputError(f"{Path(path).name}: the folder holds {len(found)} publications, not one")
    return found[0]


def read_publications(path: str | Path, limits: Limits | None = None) -> list[Publication]:
    """Every delivery at ``path`` (a folder of them, one delivery's folder, an SBSYS zip, an Acadre
    manifest), one ``Publication`` per meeting, each file's text read within ``limits`` (default
    ``Limits()``); NotMinutes when there is none."""
    limits = limits or Limits()
    root = Path(path)
    if not root.exists():
        raise InputError(f"{root}: no such file or folder")
    out: list[Publication] = []
    fujitsu_dirs: list[Path] = []
    if root.is_file():
        if root.name.upper().startswith("XML_") and root.suffix.lower() == ".xml":
            _read_dir(root.parent, out, fujitsu_dirs, limits, only=root.name)
        else:
            _read_zip(root, out, limits)
    else:
        _walk(root, 0, out, fujitsu_dirs, limits, [0])
    out.extend(_read_fujitsu(fujitsu_dirs, limits))
    for pub in out:
        pub.sort()
    if not out:
        raise NotMinutes(f"{root.name}: no publication found (an eDoc meeting folder, an SBSYS zip or folder, "
                         "an Acadre manifest with its files folder, or a Fujitsu export)")
    return out


def _walk(folder: Path, depth: int, out: list[Publication], fujitsu_dirs: list[Path], limits: Limits,
          seen: list[int]) -> None:
    if _read_dir(folder, out, fujitsu_dirs, limits):
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(f"{folder}: cannot be read: {exc.strerror or exc}") from None
    for entry in entries:
        seen[0] += 1
        if seen[0] > MAX_FILES * 4:
            raise InputError(f"{folder}: more than {MAX_FILES * 4} files and folders to look through; the limit")
        if entry.is_symlink():
            continue
        if entry.is_dir() and depth < MAX_DEPTH:
            _walk(entry, depth + 1, out, fujitsu_dirs, limits, seen)
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            try:
                _read_zip(entry, out, limits)
            except NotMinutes:
                continue  # (a zip that is no SBSYS publication is not a delivery)


def _read_dir(folder: Path, out: list[Publication], fujitsu_dirs: list[Path], limits: Limits,
              only: str | None = None) -> bool:
    """Read ``folder`` when it is one delivery (its own files decide); False when it is none."""
    try:
        names = {p.name: p for p in folder.iterdir() if p.is_file()}
    except OSError as exc:
        raise InputError(f"{folder}: cannot be read: {exc.strerror or exc}") from None
    lower = {n.lower(): n for n in names}
    manifests = [n for n in names if n.upper().startswith("XML_") and n.lower().endswith(".xml")
                 and (only is None or n == only)]
    if edoc.XML_NAME in lower and only is None:
        files = Files(folder)
        try:
            out.append(edoc.read(files, lower[edoc.XML_NAME], limits))
        finally:
            files.close()
        return True
    for name in manifests:
        with names[name].open("rb") as fh:
            if b"producedAgenda" not in fh.read(16384):
                continue
        files = Files(folder)
        try:
            out.append(acadre.read(files, name, limits))
        finally:
            files.close()
        return True
    if only is not None:
        raise NotMinutes(f"{only}: not an Acadre publication manifest")
    xmls = [n for n in names if n.lower().endswith(".xml")]
    if any(n.lower().startswith("publication") for n in xmls):
        files = Files(folder)
        try:
            rel = sbsys.is_sbsys(files)
            if rel is not None and "/" not in rel:
                out.append(sbsys.read(files, rel, limits))
                return True
        finally:
            files.close()
    for n in xmls:
        with names[n].open("rb") as fh:
            head = fh.read(16384)
        if fujitsu_xml_like(head):
            fujitsu_dirs.append(folder)
            return True
    return False


def fujitsu_xml_like(head: bytes) -> bool:
    from .. import fujitsu_xml

    return fujitsu_xml.looks_like(head) or (fujitsu_xml.NS.encode() in head and b"<" in head[:200])


def _read_zip(path: Path, out: list[Publication], limits: Limits) -> None:
    files = Files(path)
    try:
        rel = sbsys.is_sbsys(files)
        if rel is None:
            raise NotMinutes(f"{path.name}: the zip holds no SBSYS publication (Publication*.xml)")
        out.append(sbsys.read(files, rel, limits))
    finally:
        files.close()


def _read_fujitsu(dirs: list[Path], limits: Limits) -> list[Publication]:
    """Fujitsu export folders, read per meeting folder (``<committee>/<yyyy-mm-dd hh.mm>``) so that every
    export of a meeting is compared and the latest read."""
    meetings: dict[Path, None] = {}
    for d in dirs:
        meeting = next((p for p in [d, *d.parents] if fujitsu.MEETING_DIR.match(p.name)), None)
        meetings.setdefault(meeting if meeting is not None else d.parent.parent, None)
    out: list[Publication] = []
    for folder in meetings:
        files = Files(folder)
        try:
            out.extend(fujitsu.read_all(files, fujitsu.exports(files), limits, one_meeting=True))
        finally:
            files.close()
    return out
