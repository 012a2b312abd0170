"""Stores behind one interface (``base.Store``); ``open_store`` picks the backend from a URL or path."""

from __future__ import annotations

from ..settings import Settings
from .base import Store


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str, settings: Settings | None = None, *, rebuild_index: bool = False) -> Store:
    """A ``postgresql://`` URL opens PostgreSQL; anything else is a SQLite file (``sqlite:///`` optional).
    ``settings`` (default: from the environment) say where PostgreSQL's local search index lives;
    ``rebuild_index`` throws the search index away unread, for ``reindex`` (also of a damaged index)."""
    if is_postgres(target):
        from .postgres import PostgresStore

        return PostgresStore(target, index_dir=(settings or Settings.from_env()).index_root(),
                             rebuild_index=rebuild_index)
    from .sqlite import SQLiteStore

    return SQLiteStore(target.removeprefix("sqlite:///"), rebuild_index=rebuild_index)
