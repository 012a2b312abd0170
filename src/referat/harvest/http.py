"""A polite, robust HTTP client for harvesting one host.

Why not plain ``httpx.get``: a harvester runs unattended against ~90 municipal servers for
years.  It must identify itself, keep to one connection per host with a pause between
requests, honour robots.txt and ``Retry-After``, retry what is transient (5xx, 429, time-outs,
resets, a body cut short) with exponential backoff and jitter (tenacity), ask conditionally
(ETag / Last-Modified) where the server offers it, and never read more than a bound into memory.
Everything else (4xx, a body over the bound, robots.txt refusing) is a ``HarvestError`` at once.
"""

from __future__ import annotations

import json
import random
import time
import urllib.robotparser
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from .. import __version__
from ..errors import HarvestError

USER_AGENT = f"referat/{__version__} (+https://github.com/referat-dk/referat; harvester of public minutes)"
#: bytes one answer may have (a meeting's JSON is ~0.1-2 MB; an attachment may be a long report)
MAX_BYTES = 100 * 1024 * 1024
#: the longest ``Retry-After`` honoured; a server asking for more is given up on for this run
MAX_RETRY_AFTER = 300.0


class Transient(Exception):
    """A failure worth trying again (the server or the network, not the request)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class Answer:
    status: int  # 200, or 304 when a conditional request found nothing new
    content: bytes = b""
    etag: str | None = None
    modified: str | None = None
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.content)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    bytes: int = 0
    failures: list[str] = field(default_factory=list)  # what was retried, one line each


class Client:
    """HTTP to one host: one connection, ``delay`` seconds between requests, retries, bounded bodies."""

    def __init__(self, base_url: str, *, delay: float = 1.0, timeout: float = 30.0, attempts: int = 5,
                 backoff: float = 1.0, max_bytes: int = MAX_BYTES, robots: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.delay, self.attempts, self.backoff, self.max_bytes = delay, attempts, backoff, max_bytes
        self.stats = Stats()
        self._last = 0.0
        self._robots: urllib.robotparser.RobotFileParser | None = None
        self._check_robots = robots
        self.http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    # -- politeness -------------------------------------------------------------------------
    def _pause(self) -> None:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets referat fetch ``url`` (read once; none, or unreadable, allows all)."""
        if not self._check_robots or urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            return True
        if self._robots is None:
            parser = urllib.robotparser.RobotFileParser()
            try:
                answer = self._get_once(self.url("/robots.txt"), {}, limit=512 * 1024)
                text = answer.content.decode("utf-8", "replace") if answer.status == 200 else ""
            except (Transient, HarvestError):
                text = ""
            parser.parse(text.splitlines())
            self._robots = parser
        return self._robots.can_fetch(USER_AGENT, url)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = exc.retry_after if isinstance(exc, Transient) else None
        if asked is not None:
            if asked > MAX_RETRY_AFTER:
                raise HarvestError(f"the server asks to wait {asked:.0f} s (Retry-After); trying again next run")
            return asked
        return self.backoff * 2 ** (state.attempt_number - 1) * (0.5 + random.random())  # exponential, jitter

    def _note(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        self.stats.failures.append(f"{exc} (attempt {state.attempt_number} of {self.attempts})")

    # -- requests ---------------------------------------------------------------------------
    def get(self, path: str, *, etag: str | None = None, modified: str | None = None,
            accept: str | None = None, check: Any = None, limit: int | None = None) -> Answer:
        """GET ``path`` (relative to the base, or absolute), retried while transient; 304 when the validators
        match.  ``check(answer)`` may raise ``Transient`` for a body that is not whole (a cut-off JSON)."""
        url = self.url(path) if not path.startswith(("http://", "https://")) else path
        if not self.allowed(url):
            raise HarvestError(f"robots.txt of {urlsplit(url).netloc} does not allow {urlsplit(url).path}")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        if accept:
            headers["Accept"] = accept

        def once() -> Answer:
            answer = self._get_once(url, headers, limit=limit or self.max_bytes)
            if check is not None and answer.status == 200:
                check(answer)
            return answer

        retrying = Retrying(stop=stop_after_attempt(self.attempts), wait=self._wait, before_sleep=self._note,
                            retry=retry_if_exception_type(Transient), reraise=True)
        try:
            return retrying(once)
        except Transient as exc:
            raise HarvestError(f"{url}: {exc} (gave up after {self.attempts} attempts)") from None

    def _get_once(self, url: str, headers: dict[str, str], *, limit: int) -> Answer:
        self._pause()
        self.stats.requests += 1
        try:
            with self.http.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in (429,) or status >= 500:
                    raise Transient(f"{url}: HTTP {status}", _retry_after(response.headers.get("retry-after")))
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise HarvestError(f"{url}: the answer is {int(declared) / 2**20:.0f} MB; the limit is"
                                       f" {limit / 2**20:.0f} MB")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise HarvestError(f"{url}: the answer is over the limit of {limit / 2**20:.0f} MB")
                    chunks.append(chunk)
                self.stats.bytes += size
                return Answer(status, b"".join(chunks), response.headers.get("etag"),
                              response.headers.get("last-modified"), str(response.url),
                              {k.lower(): v for k, v in response.headers.items()})
        except httpx.TimeoutException:
            raise Transient(f"{url}: timed out") from None
        except httpx.TransportError as exc:  # connection refused or reset, the body cut short
            raise Transient(f"{url}: {type(exc).__name__}: {exc or 'connection failed'}") from None


def whole_json(answer: Answer) -> None:
    """``check`` for JSON answers: a body that does not parse was cut short (or garbled): try again; one that
    is not JSON at all (a log-in or error page) is not what was asked for."""
    if answer.content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"{", b"["):
        kind = answer.headers.get("content-type", "?").split(";")[0]
        raise HarvestError(f"{answer.url}: the answer is not JSON ({kind}): not a FirstAgenda portal's API?")
    try:
        answer.json()
    except ValueError:
        raise Transient(f"{answer.url}: the JSON answer is incomplete ({len(answer.content)} bytes)") from None
