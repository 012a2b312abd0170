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


def _serve_two(tmp_path: Path) -> tuple[subprocess.Popen[str], int, bytes]:
    """``referat serve --workers 2`` over one real seed, both processes listening: (process, port, first answer)."""
    root = Path(__file__).resolve().parent.parent
    shared = Path(os.environ.get("REFERAT_SHARED", root.parent / "shared"))
    cli = [str(Path(sys.executable).with_name("referat")), "--db", str(tmp_path / "a.db")]
    subprocess.run(cli + ["import", str(next((shared / "seeds").glob("*.txt")))], check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen(cli + ["serve", "--port", str(port), "--workers", "2", "--no-access-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = _get(port, time.monotonic() + 60)
        deadline = time.monotonic() + 30
        while _listening_sockets(port) < 2:  # the second process may still be starting
            assert time.monotonic() < deadline
            time.sleep(0.2)
    except BaseException:
        proc.kill()
        proc.communicate(timeout=60)
        raise
    return proc, port, first


def test_each_process_listens_is_replaced_when_it_dies_and_all_stop(tmp_path):
    proc, port, first = _serve_two(tmp_path)
    try:
        assert b'"total"' in first
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


def _asgi_headers(balancer) -> list[tuple[bytes, bytes]]:
    """The response headers ``balancer`` sends for one GET."""
    import asyncio

    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    balancer.app = app
    asyncio.run(balancer({"type": "http", "method": "GET", "path": "/"}, None, send))
    return sent[0]["headers"]


def test_a_process_over_its_share_of_connections_closes_them_until_it_is_not():
    from referat.web.balance import Balancer

    counts = [0, 0]
    busy, idle = Balancer(None, counts, 0), Balancer(None, counts, 1)
    busy.publish(31)
    idle.publish(19)
    closing = [(b"connection", b"close") in _asgi_headers(busy) for _ in range(10)]
    assert closing == [True] * 6 + [False] * 4  # 31 down to the fair 25, then no more
    assert all((b"connection", b"close") not in _asgi_headers(idle) for _ in range(5))
    busy.publish(27)  # the next tick: four of the six closed came back to the busy process, two to the other
    idle.publish(23)
    assert [(b"connection", b"close") in _asgi_headers(busy) for _ in range(3)] == [True, True, False]


def _held_connections(pid: int, port: int) -> int:
    """ESTABLISHED connections to ``port`` whose sockets process ``pid`` holds."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "01" and int(fields[1].split(":")[1], 16) == port:
            inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        held += target.startswith("socket:[") and target[8:-1] in inodes
    return held


def test_keep_alive_connections_end_up_even_over_the_processes(tmp_path):
    import http.client

    proc, port, _ = _serve_two(tmp_path)
    try:
        clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(24)]
        closed = 0
        end = time.monotonic() + 3
        while time.monotonic() < end:  # keep-alive clients, as browsers and proxies are
            for c in clients:
                c.request("GET", "/soeg.json?q=udvalget")
                response = c.getresponse()
                response.read()
                if response.getheader("connection", "").lower() == "close":
                    c.close()  # the next request connects again
                    closed += 1
        servers = [p for p in _children(proc.pid) if "spawn_main" in Path(f"/proc/{p}/cmdline").read_text()]
        held = sorted(_held_connections(p, port) for p in servers)
        for c in clients:
            c.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert sum(held) == 24
    assert held[1] - held[0] <= 2, (held, closed)
