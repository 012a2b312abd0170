"""The open API's tests again, over a PostgreSQL store: the API only sees the ``Store`` interface
(``meeting_times`` for ``modified_since`` included), so every test must pass the same."""

from __future__ import annotations

import pytest

from . import test_api

for _name in dir(test_api):
    if _name.startswith("test_") or _name in ("client", "objects"):
        globals()[_name] = getattr(test_api, _name)


@pytest.fixture(scope="module")
def store(real_postgres):
    return real_postgres
