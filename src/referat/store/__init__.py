"""Stores behind one interface (``base.Store``); ``open_store`` picks the backend from a URL or path."""

from __future__ import annotations

from .base import Store


def open_store(target: str) -> Store:
    if target.startswith(("postgresql://", "postgres://")):
        from ..errors import StoreError

        raise StoreError("the PostgreSQL store is not available yet")
    from .sqlite import SQLiteStore

    return SQLiteStore(target.removeprefix("sqlite:///"))
