"""Rendered pages shared by the portal's server processes (and kept across restarts).

``referat serve --workers N`` runs N processes, each with its own in-memory
response cache (``cache.ResponseCache``); without sharing, every popular page
is computed N times and a cold server pays every miss N times.  Behind the
in-memory caches sits one small SQLite file per archive: a page computed by any
process is found by the others.  Entries are keyed by page and by the archive's
generation (its id and change counter, equal in every process, see
``Store.generation``), so a page of an older state of the archive is never
served; rows of older generations are dropped as new pages arrive.

The file is a cache, never a source of truth: any failure to read or write it
(locked, disk full, removed) is a miss, never an error for the visitor.  It
lives in ``REFERAT_PAGE_CACHE`` (a folder) or ``referat-pages-<uid>`` in the
system's temporary folder, named by the archive id, so two archives never share
one; the folder must be this user's own, mode 0700 (``private_folder``), or the
file is not used.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

from ..settings import Settings

log = logging.getLogger(__name__)

#: rows kept (the newest); a results page is ~10-60 kB, so ~0.5-1 GB at most
MAX_ROWS = 20_000
#: prune (older generations, excess rows) once every this many pages written
PRUNE_EVERY = 256
#: files of archives not served for this long are removed when another one is opened
STALE_DAYS = 7


def cache_folder(settings: Settings | None = None) -> Path:
    return (settings or Settings.from_env()).page_cache_folder()


class SharedPages:
    """One archive's shared page file; thread-safe, every failure a miss."""

    def __init__(self, path: Path, max_rows: int = MAX_ROWS) -> None:
        self.path = path
        self.max_rows = max_rows
        self.lock = threading.Lock()
        self.db: sqlite3.Connection | None = None
        self.writes = 0
        self.broken = False

    @classmethod
    def for_archive(cls, archive_id: str, settings: Settings | None = None) -> SharedPages:
        folder = cache_folder(settings)
        try:
            private_folder(folder)
            _remove_stale(folder)
        except OSError:
            pass  # not ours: nothing is removed there, and the first page read says why it is not used
        return cls(folder / f"{archive_id}.sqlite")

    def _connect(self) -> sqlite3.Connection | None:
        if self.db is None and not self.broken:
            try:
                private_folder(self.path.parent)
                db = sqlite3.connect(self.path, isolation_level=None, timeout=0.05, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a cache: losing the last pages in a crash is harmless
                db.execute("CREATE TABLE IF NOT EXISTS pages(key TEXT NOT NULL, generation TEXT NOT NULL,"
                           " status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,"
                           " PRIMARY KEY(key, generation))")
                self.db = db
            except (sqlite3.Error, OSError) as exc:
                log.warning("shared page cache %s not used: %s", self.path, exc)
                self.broken = True
        return self.db

    def get(self, key: str, generation: str) -> tuple[bytes, int, tuple[tuple[str, str], ...]] | None:
        with self.lock:
            db = self._connect()
            if db is None:
                return None
            try:
                row = db.execute("SELECT body, status, headers FROM pages WHERE key=? AND generation=?",
                                 (key, generation)).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        return bytes(row[0]), int(row[1]), tuple((k, v) for k, v in json.loads(row[2]))

    def put(self, key: str, generation: str, body: bytes, status: int,
            headers: tuple[tuple[str, str], ...]) -> None:
        with self.lock:
            db = self._connect()
            if db is None:
                return
            try:
                db.execute("INSERT OR REPLACE INTO pages VALUES(?, ?, ?, ?, ?)",
                           (key, generation, status, json.dumps(headers), body))
                self.writes += 1
                if self.writes % PRUNE_EVERY == 0:
                    self._prune(db, generation)
            except sqlite3.Error:
                pass

    def _prune(self, db: sqlite3.Connection, generation: str) -> None:
        db.execute("DELETE FROM pages WHERE generation != ?", (generation,))
        db.execute("DELETE FROM pages WHERE rowid <= (SELECT max(rowid) FROM pages) - ?", (self.max_rows,))

    def close(self) -> None:
        with self.lock:
            if self.db is not None:
                self.db.close()
                self.db = None


def private_folder(folder: Path) -> None:
    """Make ``folder`` (mode 0700) or check it is ours alone: a real directory (not a link), owned by this
    user, that no one else may write or read.  Raises ``OSError`` otherwise: pages read from a file another
    local user planted there would be served as ours (any HTML, under the portal's address)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{folder} is not a directory (a link or a file)")
    if info.st_uid != os.getuid():
        raise OSError(f"{folder} belongs to another user (uid {info.st_uid})")
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)  # ours, but open to others: close it before any file is read from it


def _remove_stale(folder: Path) -> None:
    """Best effort: files of archives nobody has served for ``STALE_DAYS`` (tests, deleted archives)."""
    try:
        horizon = time.time() - STALE_DAYS * 86400
        for f in folder.glob("*.sqlite*"):
            if f.stat().st_mtime < horizon:
                f.unlink(missing_ok=True)
    except OSError:
        pass
