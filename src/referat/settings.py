"""Every setting of referat in one place: what it is, its environment variable, its default.

Why: settings used to be read from ``os.environ`` in six modules (some at import time) and the CLI wrote
``os.environ`` to pass its options on.  Now ``Settings.from_env(**overrides)`` reads the environment once,
the command line's options override it, and the object is passed to what needs it (``open_store``,
``create_app``, the server's worker processes).  Library callers that pass nothing get
``Settings.from_env()`` at the point where the store or app is made, so ``REFERAT_*`` variables keep
working for tests and for processes started with them.

Each field's ``metadata`` names its environment variable and says what it does; the README's table of
settings is checked against it (tests/test_settings.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["ConfigError", "Settings"]


def _doc(env: str, doc: str) -> dict[str, str]:
    """A field's metadata: its environment variable and what it does."""
    return {"env": env, "doc": doc}


@dataclass(frozen=True)
class Settings:
    """referat's settings; immutable, so one object can be shared by threads and handed to processes."""

    db: str = field(default="referat.db", metadata=_doc(
        "REFERAT_DB", "the archive: a SQLite file or a postgresql:// URL"))
    index_dir: Path | None = field(default=None, metadata=_doc(
        "REFERAT_INDEX_DIR", "where PostgreSQL archives keep their local search index"
        " (default $XDG_CACHE_HOME/referat/indexes, else ~/.cache/referat/indexes)"))
    page_cache_dir: Path | None = field(default=None, metadata=_doc(
        "REFERAT_PAGE_CACHE", "folder of the rendered pages shared by the server's processes"
        " (default <temporary folder>/referat-pages-<uid>, private to the user)"))
    cache: bool = field(default=True, metadata=_doc(
        "REFERAT_CACHE", "the portal's page cache: 0 turns it off (every request computed)"))
    computing: int = field(default=2, metadata=_doc("REFERAT_COMPUTING", "pages one server process computes at once"))
    index_workers: int | None = field(default=None, metadata=_doc(
        "REFERAT_INDEX_WORKERS", "processes analysing text for the search index (default: one per CPU, at most 4)"))
    base_url: str | None = field(default=None, metadata=_doc(
        "REFERAT_BASE_URL", "the portal's public address (https://host/prefix) for links that leave the site"
        " (feeds, mail); unset: nothing is derived from the request's Host header"))
    smtp_host: str | None = field(default=None, metadata=_doc(
        "REFERAT_SMTP_HOST", "mail server for notices; unset: no mail is sent"))
    smtp_port: int = field(default=25, metadata=_doc("REFERAT_SMTP_PORT", "mail server port"))
    smtp_sender: str | None = field(default=None, metadata=_doc(
        "REFERAT_SMTP_SENDER", "From address of the mail referat sends"))
    data_dir: Path | None = field(default=None, metadata=_doc(
        "REFERAT_DATA_DIR", "folder (mode 0700) of the key that signs approved minutes and the record of every"
        " signature, kept outside the database (default $XDG_DATA_HOME/referat, else ~/.local/share/referat)"))

    # -- reading ---------------------------------------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings from ``environ`` (default ``os.environ``), then ``overrides`` (``None`` = not given,
        as a command-line option left out).  A value that cannot be read is a ``ConfigError`` naming it."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is not None and raw.strip() != "":
                values[f.name] = _parse(f.name, f.metadata["env"], raw.strip())
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("index_dir", "page_cache_dir", "data_dir"):
            if isinstance(values.get(name), str):
                values[name] = Path(values[name])
        settings = cls(**values)
        settings._check()
        return settings

    def with_(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (``None`` values ignored, as in ``from_env``)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def _check(self) -> None:
        if self.computing < 1:
            raise ConfigError(f"REFERAT_COMPUTING must be at least 1, not {self.computing}")
        if self.index_workers is not None and self.index_workers < 1:
            raise ConfigError(f"REFERAT_INDEX_WORKERS must be at least 1, not {self.index_workers}")
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(f"REFERAT_BASE_URL must start with http:// or https://, not {self.base_url!r}")
        if not 0 < self.smtp_port < 65536:
            raise ConfigError(f"REFERAT_SMTP_PORT must be a port number, not {self.smtp_port}")

    # -- derived values --------------------------------------------------------------------------------
    def index_root(self) -> Path:
        """Where local indexes of PostgreSQL archives live (one folder per archive below it)."""
        if self.index_dir is not None:
            return self.index_dir
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(cache) / "referat" / "indexes"

    def data_folder(self) -> Path:
        """Where the signing key and the approval record live (``council/signing.py``): never the database."""
        if self.data_dir is not None:
            return self.data_dir
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(data) / "referat"

    def page_cache_folder(self) -> Path:
        # one folder per user: another local user cannot create ours first (web/sharedcache.py checks it)
        return self.page_cache_dir or Path(tempfile.gettempdir()) / f"referat-pages-{os.getuid()}"

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables: for processes that can only be told by their environment
        (uvicorn's own ``--workers`` fallback, which imports the app factory by name)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[f.metadata["env"]] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out

    @classmethod
    def documented(cls) -> list[tuple[str, str, str, str]]:
        """(field, environment variable, default, what it does) of every setting, for the README's table."""
        return [(f.name, f.metadata["env"], "" if f.default is None else str(f.default), f.metadata["doc"])
                for f in fields(cls)]


_INTS = {"computing", "index_workers", "smtp_port"}
_BOOLS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


def _parse(name: str, env: str, raw: str) -> Any:
    if name == "cache":
        if raw.lower() not in _BOOLS:
            raise ConfigError(f"{env} must be 0 or 1, not {raw!r}")
        return _BOOLS[raw.lower()]
    if name in _INTS:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{env} must be a whole number, not {raw!r}") from None
    if name in ("index_dir", "page_cache_dir", "data_dir"):
        return Path(raw)
    return raw
