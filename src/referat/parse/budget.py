"""Reading a file within a time and memory budget, in a worker process the budget can stop.

Why: every file an import meets is untrusted.  The audit's hostile files ran
for minutes (100,000 unclosed ``<b><i><u>``), raised RecursionError out of
the whole batch (200,000 nested ``<div>``), or used 3.2 GB and then killed the
importer with SIGABRT (a 2 MB PDF decompression bomb).  Here a file is read
by ``importer.parse_file`` in a forked worker whose address space is capped
(``resource.setrlimit(RLIMIT_AS)``, ``memory_mb`` beyond what the worker has
at its start) and which is killed after ``seconds``; whatever happens there
comes back as one ``InputError`` line naming the file, and the worker is
replaced for the next file, so the rest of the batch still imports.

The worker lives for many files (forking one per file would cost more than
reading a small one) and only parses: it never touches the store.
``importer.parse_bytes`` stays the in-process path (tests, benchmarks).
"""

from __future__ import annotations

import multiprocessing
import resource
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..errors import InputError, ReferatError
from ..model import ImportedMeeting
from . import importer

#: seconds one file may take to read
SECONDS = 120.0
#: memory (MB) one file may use beyond the worker's own
MEMORY_MB = 2048


def _vm_bytes() -> int:
    """This process's address space now (``VmSize``), 0 when unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _serve(conn: Connection, memory_mb: int) -> None:
    """The worker: read the files it is sent, answer each with a meeting or an error (message, class)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (Ctrl-C is the parent's to handle)
    limit = _vm_bytes() + memory_mb * 2**20
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ValueError, OSError):
        pass  # (a hard limit below ours: the system's limit holds)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        path, max_bytes = job
        answer: Any
        try:
            answer = importer.parse_file(path, max_bytes=max_bytes)
        except ReferatError as exc:
            answer = (str(exc), type(exc))
        except MemoryError:
            answer = (f"{Path(path).name}: reading it needs more than {memory_mb} MB of memory; not imported",
                      InputError)
        except RecursionError:
            answer = (f"{Path(path).name}: the document is nested too deeply to read; not imported", InputError)
        except Exception as exc:  # a reader's bug on hostile input: one line, the batch goes on
            answer = (f"{Path(path).name}: cannot be read ({type(exc).__name__}: {str(exc)[:200]})", InputError)
        try:
            conn.send(answer)
        except MemoryError:
            conn.send((f"{Path(path).name}: the meeting read is too large to hand over (over {memory_mb} MB)",
                       InputError))


class BudgetedReader:
    """Reads files one at a time in a worker with ``seconds`` and ``memory_mb`` per file."""

    def __init__(self, *, seconds: float = SECONDS, memory_mb: int = MEMORY_MB) -> None:
        self.seconds = seconds
        self.memory_mb = memory_mb
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._conn is None or self._proc is None or not self._proc.is_alive():
            self.close()
            ctx = multiprocessing.get_context("fork")
            ours, theirs = ctx.Pipe()
            self._proc = ctx.Process(target=_serve, args=(theirs, self.memory_mb), daemon=True,
                                     name="referat-reader")
            self._proc.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def read(self, path: str | Path, *, max_bytes: int = importer.MAX_BYTES) -> ImportedMeeting:
        """The meeting in ``path`` (as ``importer.parse_file``), or an ``InputError`` saying which budget it broke."""
        name = Path(path).name
        conn = self._start()
        try:
            conn.send((str(path), max_bytes))
            ready = conn.poll(self.seconds)
            answer: Any = conn.recv() if ready else None
        except (EOFError, OSError):
            message = self._died(name)
            self._stop()
            raise InputError(message) from None
        if not ready:
            self._stop()
            raise InputError(f"{name}: reading it took longer than {self.seconds:g} s; not imported")
        if isinstance(answer, ImportedMeeting):
            return answer
        message, kind = answer
        raise kind(message)

    def _died(self, name: str) -> str:
        if self._proc is not None:
            self._proc.join(5)
        code = self._proc.exitcode if self._proc is not None else None
        if code is not None and code < 0:
            how = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
            return (f"{name}: the reader stopped with {how} (likely over its {self.memory_mb} MB memory budget);"
                    " not imported")
        return f"{name}: the reader stopped unexpectedly; not imported"

    def _stop(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
        if self._proc is not None:
            self._proc.join(5)
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
            self._proc = None

    def __enter__(self) -> BudgetedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def parse_file_budgeted(path: str | Path, *, max_bytes: int = importer.MAX_BYTES, seconds: float = SECONDS,
                        memory_mb: int = MEMORY_MB) -> ImportedMeeting:
    """One file read within the budgets (a worker of its own; an import of many files shares a
    ``BudgetedReader``)."""
    with BudgetedReader(seconds=seconds, memory_mb=memory_mb) as reader:
        return reader.read(path, max_bytes=max_bytes)
