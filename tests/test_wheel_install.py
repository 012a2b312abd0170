"""The package as a user installs it: a built wheel in a fresh virtual environment outside the repository.

An editable install reads templates and data straight from ``src/``, so a file left out of the package data
(the secretariat's templates under ``web/templates/office/`` once were) only shows up here: the wheel is
built, installed in a new venv in a temporary folder, and the installed ``referat`` imports a real document,
searches it and serves one page of every kind, the office login included.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SHARED

# One page of each kind the portal serves (path -> a text the page must hold).
PAGES = {
    "/": "<html",
    "/soeg?q=strategi": "<html",
    "/moede/1": "<html",
    "/moede/1/punkt/1": "<html",
    "/moede/1/referat.html": "<html",
    "/log-ind": "<form",
    "/static/style.css": "{",
    "/static/office.css": "{",
    "/oparl/v1": "oparl",
    "/openapi.json": "openapi",
    "/moeder.ics": "BEGIN:VCALENDAR",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the wheel built from this checkout installed in it."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("referat-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=900)
    return venv / "bin"


def test_wheel_holds_every_template_and_data_file() -> None:
    """Every non-Python file under src/referat is in the wheel (checked against the tree, not a list)."""
    dist = ROOT / "build" / "wheel-check"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    wheel = max(dist.glob("referat-*.whl"), key=lambda p: p.stat().st_mtime)
    names = set(zipfile.ZipFile(wheel).namelist())
    src = ROOT / "src"
    wanted = {str(p.relative_to(src)) for p in (src / "referat").rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix not in {".pyc"}}
    assert wanted - names == set()
    assert "referat/web/templates/office/login.html" in names
    assert any(n.endswith("LICENSE") for n in names)


def test_installed_wheel_imports_searches_and_serves(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFERAT_")}
    env["REFERAT_INDEX_DIR"] = str(tmp_path / "indexes")
    env["REFERAT_PAGE_CACHE"] = str(tmp_path / "pages")
    referat = str(installed / "referat")
    db = str(tmp_path / "archive.db")

    def run(*args: str) -> str:
        done = subprocess.run([referat, "--db", db, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("import", str(SHARED / "seeds"))
    assert "beskæftigelsesstrategi" in run("search", "beskæftigelsesstrategi").lower()
    port = _free_port()
    server = subprocess.Popen([referat, "--db", db, "serve", "--port", str(port), "--no-access-log"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the installed server did not start"
                time.sleep(0.2)
        failures = []
        for path, expected in PAGES.items():
            status, body = _get(base + path)
            if status != 200 or expected.lower() not in body.lower():
                failures.append((path, status, body[:200]))
        assert failures == []
    finally:
        server.terminate()
        server.wait(timeout=30)
