"""Posted bodies are bounded before they are read; only the secretariat may send files.

Before, Starlette wrote any multipart body to disk in full before a handler
ran: an anonymous client could post 3 GB (20 files) to ``/log-ind``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from .council_setup import clock, where  # noqa: F401 (fixtures)
from .test_council_web import PASSWORDS, logged_in, site  # noqa: F401 (fixtures)


def _post(app: Any, path: str, headers: dict[str, str], chunks: list[bytes]) -> tuple[int, int]:
    """POST ``chunks`` straight through ASGI (any Content-Length we like); (status, chunks the app read)."""
    sent = {"n": 0, "status": 0}

    async def receive() -> dict[str, Any]:
        n = sent["n"]
        sent["n"] += 1
        if n < len(chunks):
            return {"type": "http.request", "body": chunks[n], "more_body": n + 1 < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]

    scope = {"type": "http", "http_version": "1.1", "method": "POST", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 5000), "app": app,
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return sent["status"], sent["n"]


MULTIPART = "multipart/form-data; boundary=xyz"


def _multipart(size: int) -> bytes:
    return (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + b"%" * size + b"\r\n--xyz--\r\n")


def test_an_announced_giant_is_refused_before_its_body_is_read(site):
    status, read = _post(site.app, "/log-ind", {"content-type": "application/x-www-form-urlencoded",
                                                "content-length": str(3 * 2**30)}, [b"a=1"] * 10)
    assert status == 413 and read == 0


def test_anonymous_files_are_refused_unread(site):
    body = _multipart(1_000_000)
    chunks = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    status, read = _post(site.app, "/log-ind", {"content-type": MULTIPART, "content-length": str(len(body))},
                         chunks)
    assert status == 403 and read == 0


def test_a_body_that_announces_nothing_is_cut_off_at_the_cap(site):
    chunk = b"a=" + b"x" * 65534
    n = 4 * 2**20 // len(chunk)  # (4 MB: twice the cap)
    status, read = _post(site.app, "/log-ind", {"content-type": "application/x-www-form-urlencoded"},
                         [chunk] * n)
    assert status == 413 and read < n


def test_a_member_may_not_send_files_and_a_secretary_may(site):
    member = next(u.username for u in site.setup.users.values())
    client, csrf = logged_in(site, member)
    r = client.post("/log-ud", data={"csrf": csrf}, files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert r.status_code == 403
    client, csrf = logged_in(site, "sek")
    r = client.post("/log-ud", data={"csrf": csrf}, files={"file": ("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert r.status_code in (200, 303)  # (read: the form's own handler answered)
