"""Shared fixtures: where the real documents are, and the --update-goldens flag."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# PostgreSQL stores keep their search index in a local folder per archive: tests keep theirs in a temporary
# folder (inherited by the CLI subprocesses tests start), never in the user's cache.
if "REFERAT_INDEX_DIR" not in os.environ:
    os.environ["REFERAT_INDEX_DIR"] = tempfile.mkdtemp(prefix="referat-test-indexes-")
    atexit.register(shutil.rmtree, os.environ["REFERAT_INDEX_DIR"], True)
# ...and the key that signs approved minutes with its record of signatures (council/signing.py)
if "REFERAT_DATA_DIR" not in os.environ:
    os.environ["REFERAT_DATA_DIR"] = tempfile.mkdtemp(prefix="referat-test-data-")
    atexit.register(shutil.rmtree, os.environ["REFERAT_DATA_DIR"], True)
# ...and the portal's shared page files (web/sharedcache.py) likewise
if "REFERAT_PAGE_CACHE" not in os.environ:
    os.environ["REFERAT_PAGE_CACHE"] = tempfile.mkdtemp(prefix="referat-test-pages-")
    atexit.register(shutil.rmtree, os.environ["REFERAT_PAGE_CACHE"], True)

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REFERAT_SHARED", ROOT.parent / "shared"))
GOLDEN = Path(__file__).resolve().parent / "golden"


def real_documents() -> list[Path]:
    """The flat documents (seeds and corpus): the synthetic archive's vocabulary and the render round trip."""
    docs = sorted((SHARED / "seeds").glob("*")) + sorted((SHARED / "corpus").glob("*"))
    return [p for p in docs if p.is_file()]


def _documents_table() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((Path(__file__).resolve().parent / "documents.toml").read_text("utf-8"))


def more_documents() -> list[Path]:
    """The documents of the drops and API answers that import to a golden (``tests/documents.toml``)."""
    return [SHARED / p for p in _documents_table().get("golden", [])]


def refused_documents() -> dict[Path, str]:
    """Real files in ../shared that are not minutes or agendas, each with what its refusal must say."""
    return {SHARED / p: text for p, text in _documents_table().get("refused", {}).items()}


def all_documents() -> list[Path]:
    """Every real document with a golden: the flat ones, then the drops' and API answers'."""
    return real_documents() + more_documents()


def golden_name(doc: Path) -> str:
    """The golden's file name: the document's own for the flat files (as first reviewed), else its path
    under ../shared with "/" as "__" and spaces as "_" (drops repeat names such as 1552814.PDF)."""
    rel = doc.relative_to(SHARED)
    if rel.parts[0] in ("seeds", "corpus"):
        return doc.name + ".json"
    return "__".join(rel.parts).replace(" ", "_") + ".json"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from the current importer (review the diff!)")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"the real documents are missing: {SHARED} (set REFERAT_SHARED)")
    return SHARED


# Every real document in one store per backend, built once per test session (per xdist worker) and shared by the
# test modules that only read it; a module that writes builds its own (``backends.real_archive``).
@pytest.fixture(scope="session")
def real_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from .backends import real_archive

    with real_archive("sqlite", tmp_path_factory.mktemp("real-sqlite")) as store:
        yield store


@pytest.fixture(scope="session")
def real_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from .backends import real_archive

    with real_archive("postgres", tmp_path_factory.mktemp("real-postgres")) as store:
        yield store


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def real_store(request: pytest.FixtureRequest) -> Any:
    """The shared real archive of each backend, read only."""
    return request.getfixturevalue(f"real_{request.param}")


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A new, empty store of each backend for one test."""
    from referat.store import open_store

    from .backends import target

    with target(request.param, tmp_path) as where:
        store = open_store(where)
        try:
            yield store
        finally:
            store.close()
