"""The shared page cache lives only in a folder of the serving user's own (issue 13): in a world-writable
temporary folder another local user could create ``referat-pages`` first and plant pages in it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from referat.settings import Settings
from referat.web.sharedcache import SharedPages

PAGE = (b"<p>hei</p>", 200, (("content-type", "text/html"),))


def test_the_default_folder_is_per_user_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    folder = Settings.from_env(environ={}).page_cache_folder()
    assert folder.parent == tmp_path and str(os.getuid()) in folder.name
    pages = SharedPages.for_archive("arkiv", Settings.from_env(environ={}))
    pages.put("k", "g1", *PAGE)
    assert pages.get("k", "g1") == PAGE
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700


def test_an_open_folder_of_ours_is_closed_before_use(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    pages = SharedPages.for_archive("arkiv", Settings.from_env(environ={}, page_cache_dir=folder))
    pages.put("k", "g1", *PAGE)
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700 and pages.get("k", "g1") == PAGE


def test_a_link_planted_in_place_of_the_folder_is_not_used(tmp_path):
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir()
    link = tmp_path / "pages"
    link.symlink_to(elsewhere)
    pages = SharedPages.for_archive("arkiv", Settings.from_env(environ={}, page_cache_dir=link))
    pages.put("k", "g1", *PAGE)
    assert pages.get("k", "g1") is None and pages.broken
    assert list(elsewhere.iterdir()) == []


def test_a_folder_of_another_user_is_not_used(tmp_path):
    """A folder someone else created first (as root the test hands one to "nobody"; otherwise "/" is root's)."""
    if os.getuid() == 0:
        foreign = tmp_path / "pages"
        foreign.mkdir(mode=0o700)
        os.chown(foreign, 65534, 65534)
    else:
        foreign = Path("/")
    pages = SharedPages.for_archive("arkiv", Settings.from_env(environ={}, page_cache_dir=foreign))
    pages.put("k", "g1", *PAGE)
    assert pages.get("k", "g1") is None and pages.broken
    assert not (foreign / "arkiv.sqlite").exists()
