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
from .. import sbsys_xml
from . import acadre, edoc, fujitsu, sbsys
from .common import MAX_FILES, Files, Publication

__all__ = ["AttachmentFile", "Limits", "Publication", "delivery_kind", "read_publication", "read_publications"]

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
        pub.agree()
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


def _head(path: Path, n: int = 16384) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def delivery_kind(path: str | Path) -> tuple[str, str] | None:
    """What delivery ``path`` itself is, judged from its own files only (nothing below is searched):
    ``(system, the file that says so)`` with system ``edoc``, ``acadre``, ``sbsys`` or ``fujitsu``, or None.
    Cheap (reads at most a few heads): ``referat import`` can ask it to tell a delivery from a folder of
    loose documents."""
    p = Path(path)
    if p.is_file():
        if p.name.upper().startswith("XML_") and p.suffix.lower() == ".xml" and b"producedAgenda" in _head(p):
            return "acadre", p.name
        if p.suffix.lower() == ".zip" or _head(p, 4).startswith(b"PK"):
            try:
                files = Files(p)
            except InputError:
                return None
            try:
                rel = sbsys.is_sbsys(files)
            finally:
                files.close()
            return ("sbsys", rel) if rel else None
        return None
    try:
        names = sorted(c.name for c in p.iterdir() if c.is_file())
    except OSError as exc:
        raise InputError(f"{p}: cannot be read: {exc.strerror or exc}") from None
    lower = {n.lower(): n for n in names}
    if edoc.XML_NAME in lower:
        return "edoc", lower[edoc.XML_NAME]
    for n in names:
        if n.upper().startswith("XML_") and n.lower().endswith(".xml") and b"producedAgenda" in _head(p / n):
            return "acadre", n
    xmls = [n for n in names if n.lower().endswith(".xml")]
    for n in xmls:
        if n.lower().startswith("publication") and sbsys_xml.looks_like(_head(p / n, 4096)):
            return "sbsys", n
    for n in xmls:
        if fujitsu.looks_like_head(_head(p / n)):
            return "fujitsu", n
    return None


def _read_dir(folder: Path, out: list[Publication], fujitsu_dirs: list[Path], limits: Limits,
              only: str | None = None) -> bool:
    """Read ``folder`` when it is one delivery (its own files decide); False when it is none."""
    kind = delivery_kind(folder / only) if only else delivery_kind(folder)
    if kind is None:
        if only is not None:
            raise NotMinutes(f"{only}: not an Acadre publication manifest")
        return False
    system, rel = kind
    if system == "fujitsu":
        fujitsu_dirs.append(folder)
        return True
    files = Files(folder)
    try:
        if system == "edoc":
            out.append(edoc.read(files, rel, limits))
        elif system == "acadre":
            out.append(acadre.read(files, rel, limits))
        else:
            out.append(sbsys.read(files, rel, limits))
    finally:
        files.close()
    return True


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
