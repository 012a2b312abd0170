"""Versioned schema migrations, one small runner for every backend.

A store's schema changes over time; an archive written by an older referat
must open in a newer one without losing anything.  Each backend lists its
numbered steps (SQL text or a Python function), the runner applies the ones
not yet applied, in order, in one transaction, and records the version in the
store's ``meta`` table (key ``schema_version``).  A store opened by an older
referat than the one that wrote it is refused instead of misread.

Backends adapt the runner to their connection through ``MigrationTarget``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from ..errors import StoreError


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    sql: str = ""
    run: Callable[[Any], None] | None = None  # gets the backend's connection, inside the transaction


@dataclass(frozen=True)
class MigrationReport:
    backend: str
    before: int
    after: int
    applied: list[int] = field(default_factory=list)

    def describe(self) -> str:
        if not self.applied:
            return f"{self.backend} schema is up to date at version {self.after}"
        steps = ", ".join(str(v) for v in self.applied)
        return f"{self.backend} schema migrated from version {self.before} to {self.after} (applied: {steps})"


class MigrationTarget(ABC):
    """What the runner needs from a backend."""

    backend: str = "?"

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One exclusive transaction (other migrators wait); rolled back on error."""

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run one SQL statement."""

    @abstractmethod
    def read_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def write_meta(self, key: str, value: str) -> None: ...

    @property
    @abstractmethod
    def connection(self) -> Any: ...


META_DDL = "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def statements(sql: str) -> Iterator[str]:
    """Split a step's SQL on ';' at line ends (our steps contain no ';' inside statements)."""
    for stmt in sql.split(";\n"):
        if stmt.strip() and not all(line.strip().startswith("--") or not line.strip()
                                    for line in stmt.splitlines()):
            yield stmt.strip().rstrip(";")


def latest(steps: Sequence[Step]) -> int:
    return steps[-1].version if steps else 0


def migrate(target: MigrationTarget, steps: Sequence[Step]) -> MigrationReport:
    """Bring the store to the latest version; a no-op when it is already there."""
    for n, step in enumerate(steps, start=1):
        if step.version != n:
            raise StoreError(f"{target.backend} migration steps are misnumbered at {step.description!r}")
    with target.transaction():
        target.execute(META_DDL)
        raw = target.read_meta("schema_version")
        before = int(raw) if raw is not None else 0
        if before > latest(steps):
            raise StoreError(f"the {target.backend} store was written by a newer referat (schema {before},"
                             f" this referat knows up to {latest(steps)})")
        applied = []
        for step in steps[before:]:
            for stmt in statements(step.sql):
                target.execute(stmt)
            if step.run is not None:
                step.run(target.connection)
            target.write_meta("schema_version", str(step.version))
            applied.append(step.version)
    return MigrationReport(target.backend, before, latest(steps) if applied else before, applied)
