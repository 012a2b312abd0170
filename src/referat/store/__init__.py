"""Stores behind one interface (``base.Store``); ``open_store`` picks the backend from a URL or path."""

from __future__ import annotations

from .base import Store


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str) -> Store:
    """A ``postgresql://`` URL opens PostgreSQL; anything else is a SQLite file (``sqlite:///`` optional)."""
    if is_postgres(target):
        from .postgres import PostgresStore

        return PostgresStore(target)
    from .sqlite import SQLiteStore

    return SQLiteStore(target.removeprefix("sqlite:///"))
