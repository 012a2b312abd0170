"""An SBSYS publication as delivered: a zip of ``PublicationNN/PublicationNN.xml`` and its
``Enclosures/`` folder.

The zip is opened with ``zipfile`` and checked before anything is unpacked: at most
``MAX_MEMBERS`` entries, a declared unpacked size of at most ``MAX_UNPACKED`` in all, and the
publication XML (the only member read) at most ``MAX_XML`` bytes, read with that cap whatever its
header claims.  A zip that breaks a limit (a zip bomb) or cannot be read is refused with one
``InputError``.  The XML is read by ``sbsys_xml``; each enclosure it references becomes an attachment
whose ``reference`` is its path inside the zip (enclosures themselves are not unpacked).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from ..errors import InputError, NotMinutes
from . import sbsys_xml
from .base import ParseResult

NAME = "sbsys-zip"
DELEGATES = (sbsys_xml.NAME,)  # the publication XML inside is read by sbsys_xml

MAX_MEMBERS = 5000
MAX_UNPACKED = 2 * 1024**3
MAX_XML = 64 * 1024**2
_HEAD = 4096


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise InputError("the zip file is damaged or incomplete") from None


def _xml_candidates(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The .xml members, shallowest first (the publication XML sits at the top of its folder)."""
    found = [i for i in zf.infolist() if not i.is_dir() and i.filename.lower().endswith(".xml")]
    return sorted(found, key=lambda i: (i.filename.count("/"), i.filename))


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as fh:
        return fh.read(_HEAD)


def _publication(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    for info in _xml_candidates(zf)[:50]:
        try:
            if sbsys_xml.looks_like(_head(zf, info)):
                return info
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
            continue
    return None


def looks_like(data: bytes) -> bool:
    """A zip with an SBSYS publication XML in it (only the first 4 KB of .xml members are read)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        return False
    with zf:
        if len(zf.infolist()) > MAX_MEMBERS:
            return True  # let parse refuse it with the reason
        return _publication(zf) is not None


def _check_limits(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"the zip holds {len(infos)} files; the limit is {MAX_MEMBERS} "
                         "(refused as a possible zip bomb)")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise InputError(f"the zip unpacks to {unpacked / 2**20:.0f} MB; the limit is {MAX_UNPACKED / 2**20:.0f} MB "
                         "(refused as a possible zip bomb)")


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_XML:
        raise InputError(f"{info.filename} in the zip unpacks to {info.file_size / 2**20:.0f} MB; the limit is "
                         f"{MAX_XML / 2**20:.0f} MB (refused as a possible zip bomb)")
    try:
        with zf.open(info) as fh:
            data = fh.read(MAX_XML + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise InputError(f"{info.filename} in the zip is damaged or incomplete: {exc}") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encrypted member
        raise InputError(f"{info.filename} in the zip cannot be unpacked: {exc}") from None
    if len(data) > MAX_XML:
        raise InputError(f"{info.filename} in the zip unpacks to more than {MAX_XML / 2**20:.0f} MB "
                         "(refused as a possible zip bomb)")
    return data


def parse(data: bytes, name: str) -> ParseResult:
    with _open(data) as zf:
        _check_limits(zf)
        info = _publication(zf)
        if info is None:
            raise NotMinutes("the zip holds no SBSYS publication XML (root <Publication>)")
        xml = _read_capped(zf, info)
        members = {i.filename for i in zf.infolist() if not i.is_dir()}
    base = posixpath.dirname(info.filename)
    used: set[str] = set()

    def locate(rel: str) -> str | None:
        path = posixpath.normpath(posixpath.join(base, rel.lstrip("/")))
        if path in members:
            used.add(path)
            return path
        return None

    result = sbsys_xml.read(xml, name, locate)
    others = sorted(m for m in members if m != info.filename and m not in used)
    if others:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
        result.warnings.append(f"{len(others)} file(s) in the zip are not referenced by the publication: {shown}")
    return result
