"""The key that signs approved minutes, and the record of every signature, both outside the database.

Why: the approval chain (``minutes.py``) hashed its own fields, so anyone able to
write the database could rewrite the frozen text and recompute every hash, drop
the last link, or delete the snapshot and the chain (and the minutes were
editable again) and ``council verify`` still said OK.  Now:

* every chain entry's link hash is signed with an Ed25519 key kept in a file
  (``Settings.data_folder()/signing-key.pem``, made on first use, mode 0600 in a
  0700 folder, never in the database); the public key is published;
* every signature, and every publication of the minutes, is also appended to
  ``approvals.jsonl`` next to the key: a signed line per event naming the
  database, the meeting, the entry's number and link hash (or the published
  document's hash).  What the database lost (a last link, a whole chain) the
  record still holds, so ``verify`` says so, and a meeting the record knows as
  approved stays locked (``locking.ensure_open``) even without its snapshot.

Lines are appended with one ``write`` in append mode, so server processes
sharing the folder do not interleave them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ConfigError

KEY_FILE = "signing-key.pem"
RECORD_FILE = "approvals.jsonl"
ALGORITHM = "Ed25519"
CHAIN_PREFIX = "referat-council-chain-v1:"  # the signed message is this prefix and the link hash (hex)
PUBLISHED_PREFIX = "referat-council-published-v1:"


def chain_message(link_hash: str) -> bytes:
    return (CHAIN_PREFIX + link_hash).encode("ascii")


def published_message(database: str, meeting_id: int, seq: int, link_hash: str, document_sha256: str) -> bytes:
    return f"{PUBLISHED_PREFIX}{database}:{meeting_id}:{seq}:{link_hash}:{document_sha256}".encode()


def database_id(target: str) -> str:
    """Which database a record line is about: from where the server is told to look (its path or URL), never
    from a value in the database, which whoever could tamper with it could change as well."""
    if "://" not in target:
        target = str(Path(target).resolve())
    return hashlib.sha256(target.encode("utf-8")).hexdigest()[:32]


def private_folder(folder: Path) -> None:
    """``folder`` made with mode 0700, or checked to be a real folder of this user's that no one else may use."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise ConfigError(f"{folder} is not a folder of this user's own: the signing key is not kept there")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    private_folder(path.parent)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise ConfigError(f"the signing key {path} must be a file of this user's with mode 0600")
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"the signing key {path} cannot be read: {exc}") from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigError(f"the signing key {path} is not an Ed25519 key")
    return loaded


def public_key_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64 (as published on the verification pages)."""
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def check(public_key: str, signature: str | None, message: bytes) -> bool:
    """Whether ``signature`` (base64) is ``public_key``'s (base64, raw) over ``message``: what anyone can run."""
    if not signature:
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Recorded:
    """One line of the record: an entry signed (``kind`` approval/correction) or a publication."""

    meeting_id: int
    seq: int
    kind: str
    link_hash: str
    document_sha256: str | None = None
    line: str | None = None  # the signed line as recorded (JSON), for anyone to check against the public key


class Signer:
    """The signing key and the record of signatures of one database, in ``folder``."""

    def __init__(self, folder: Path, target: str) -> None:
        self.folder = folder
        self.database = database_id(target)
        self._key: Ed25519PrivateKey | None = None

    @property
    def key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = _load_or_create(self.folder / KEY_FILE)
        return self._key

    @property
    def public_key(self) -> str:
        return public_key_text(self.key.public_key())

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.key.sign(message)).decode("ascii")

    def verify(self, signature: str | None, message: bytes) -> bool:
        return check(self.public_key, signature, message)

    # -- the record ------------------------------------------------------------------------------
    def record(self, line: Recorded) -> None:
        """Append a signed line (after the database transaction that wrote the entry committed)."""
        data: dict[str, Any] = {"db": self.database, "meeting": line.meeting_id, "seq": line.seq,
                                "kind": line.kind, "link": line.link_hash}
        if line.document_sha256 is not None:
            data["document"] = line.document_sha256
        data["sig"] = self.sign(json.dumps(data, sort_keys=True).encode("utf-8"))
        private_folder(self.folder)
        fd = os.open(self.folder / RECORD_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(data, sort_keys=True) + "\n").encode("utf-8"))
        finally:
            os.close(fd)

    def recorded(self, meeting_id: int) -> list[Recorded]:
        """The record's lines about one meeting of this database whose signature holds, oldest first."""
        path = self.folder / RECORD_FILE
        if not path.exists():
            return []
        out = []
        with path.open("r", encoding="utf-8") as f:
            for raw in f:
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError:
                    continue
                if not isinstance(data, dict) or data.get("db") != self.database or data.get("meeting") != meeting_id:
                    continue
                sig = data.pop("sig", None)
                if not self.verify(sig, json.dumps(data, sort_keys=True).encode("utf-8")):
                    continue
                out.append(Recorded(int(data["meeting"]), int(data["seq"]), str(data["kind"]), str(data["link"]),
                                    data.get("document"), raw.strip()))
        return out

    def approved(self, meeting_id: int) -> bool:
        """Whether the record knows an approval of this meeting (its minutes are then locked for good)."""
        return any(r.kind == "approval" for r in self.recorded(meeting_id))
