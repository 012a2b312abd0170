"""Several server processes on one port, each with a listening socket of its own (``SO_REUSEPORT``).

Why not uvicorn's ``--workers``: its processes share one listening socket, and whichever is first in
``accept`` takes the connection.  Browsers and proxies keep connections open, so the first burst decides
for good: under load 45 of 50 keep-alive connections went to one of two processes, whose clients then
waited for nine times the work of the other's (search p99 335 ms at p50 138 ms with the cache off).
With a socket per process, Linux spreads new connections over the processes by a hash of their
addresses, and evens out the keep-alive connections that hash leaves uneven (``balance``).  The
parent only supervises: it starts the processes (fresh interpreters, each opening the
archive itself), starts a new one if one dies, and stops them all on SIGINT/SIGTERM.  Where the platform
has no ``SO_REUSEPORT`` (``available``), ``referat serve`` falls back to uvicorn's workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import MutableSequence
from types import FrameType

from ..errors import ReferatError
from ..settings import Settings
from .balance import Balancer
from .balance import server as balanced_server

log = logging.getLogger("referat.serve")
#: a process that dies sooner than this after its start is not restarted (it would only die again)
MIN_LIFETIME = 5.0


def available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) in the port's reuse group; uvicorn starts listening on it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ReferatError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _worker(settings: Settings, host: str, port: int, access_log: bool, counts: MutableSequence[int],
            slot: int) -> None:
    import uvicorn

    from .app import app_from_settings

    sock = listening_socket(host, port)
    counts[slot] = 0
    balancer = Balancer(app_from_settings(settings), counts, slot)  # connections kept even over the processes
    config = uvicorn.Config(balancer, host=host, port=port, log_level="info", access_log=access_log)
    balanced_server(config, balancer).run(sockets=[sock])


def serve(settings: Settings, host: str, port: int, workers: int, *, access_log: bool) -> None:
    """Run ``workers`` server processes over the archive ``settings.db`` until SIGINT/SIGTERM (each process
    is given the settings: they are picklable)."""
    listening_socket(host, port).close()  # a clear message now if the address cannot be had
    context = multiprocessing.get_context("spawn")
    counts = context.Array("i", workers, lock=False)  # connections each process holds (``balance``)
    stopping = False

    def start(slot: int) -> tuple[multiprocessing.process.BaseProcess, float]:
        process = context.Process(target=_worker, args=(settings, host, port, access_log, counts, slot),
                                  name="referat-serve")
        process.start()
        return process, time.monotonic()

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    running = [start(slot) for slot in range(workers)]
    log.info("serving on http://%s:%d with %d processes (one socket each)", host, port, workers)
    try:
        while not stopping and running:
            time.sleep(0.2)
            for n, (process, started) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if time.monotonic() - started < MIN_LIFETIME:
                    raise ReferatError(f"a server process stopped at its start (exit code {process.exitcode});"
                                       " see the messages above")
                log.warning("server process %s ended (exit code %s): starting another", process.pid,
                            process.exitcode)
                running[n] = start(n)
    finally:
        for process, _ in running:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)  # uvicorn finishes its requests and stops
        for process, _ in running:
            process.join(30)
            if process.is_alive():
                process.kill()
        for s, handler in previous.items():
            signal.signal(s, handler)
