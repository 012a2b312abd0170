"""``referat serve --workers N`` (``web/workers.py``): every process listens on a socket of its own, so the
kernel spreads connections over them; a process that dies is replaced; SIGTERM stops them all; the serving
processes keep their start-up heap out of the garbage collector's scans."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from referat.web import workers

from .test_search_page_fast_paths import _free_port

pytestmark = pytest.mark.skipif(not workers.available(), reason="needs SO_REUSEPORT")


def _listening_sockets(port: int) -> int:
    """LISTEN entries for ``port`` in the kernel's TCP table (one per socket)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        count += state == "0A" and int(local.split(":")[1], 16) == port
    return count


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return found


def _get(port: int, deadline: float) -> bytes:
    while True:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/soeg.json?q=udvalget", timeout=5).read()
        except OSError:
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)


def test_each_process_listens_is_replaced_when_it_dies_and_all_stop(tmp_path):
    root = Path(__file__).resolve().parent.parent
    shared = Path(os.environ.get("REFERAT_SHARED", root.parent / "shared"))
    cli = [str(Path(sys.executable).with_name("referat")), "--db", str(tmp_path / "a.db")]
    subprocess.run(cli + ["import", str(next((shared / "seeds").glob("*.txt")))], check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(cli + ["serve", "--port", str(port), "--workers", "2", "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert b'"total"' in _get(port, time.monotonic() + 60)
        deadline = time.monotonic() + 30
        while _listening_sockets(port) < 2:  # the second process may still be starting
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert _listening_sockets(port) == 2
        servers = [p for p in _children(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        assert len(servers) == 2
        time.sleep(workers.MIN_LIFETIME)
        os.kill(servers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:  # a new process takes the dead one's place
            now = [p for p in _children(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
            if len(now) == 2 and servers[0] not in now and _listening_sockets(port) == 2:
                break
            assert time.monotonic() < deadline, "no process replaced the dead one"
            time.sleep(0.3)
        assert b'"total"' in _get(port, time.monotonic() + 30)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    assert "starting another" in out, out
    assert _listening_sockets(port) == 0


def test_a_port_in_use_is_a_clear_message(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cli = [str(Path(sys.executable).with_name("referat")), "--db", str(tmp_path / "a.db")]
        done = subprocess.run(cli + ["serve", "--port", str(port), "--workers", "2"], capture_output=True,
                              text=True, timeout=60)
    assert done.returncode != 0
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_serving_freezes_the_start_up_heap():
    from starlette.applications import Starlette

    from referat.web.app import serving

    try:
        app = Starlette()
        assert serving(app) is app
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
