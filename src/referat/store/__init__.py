"""Stores behind one interface (``base.Store``); ``open_store`` picks the backend from a URL or path."""

from __future__ import annotations

from ..settings import Settings
from .base import Store


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str, settings: Settings | None = None) -> Store:
    """A ``postgresql://`` URL opens PostgreSQL; anything else is a SQLite file (``sqlite:///`` optional).
    ``settings`` (default: from the environment) say where PostgreSQL's local search index lives."""
    if is_postgres(target):
        from .postgres import PostgresStore

        return PostgresStore(target, index_dir=(settings or Settings.from_env()).index_root())
    from .sqlite import SQLiteStore

    return SQLiteStore(target.removeprefix("sqlite:///"))
