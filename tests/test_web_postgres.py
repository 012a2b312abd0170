"""The portal's tests again, over a PostgreSQL store (``referat --db postgresql://… serve``).

The portal only sees the ``Store`` interface, so its whole test module is
re-collected here with the ``store`` fixture replaced by a PostgreSQL store in
a fresh schema; every page and JSON twin must behave the same.
"""

from __future__ import annotations

import pytest

from . import test_web

for _name in dir(test_web):
    if _name.startswith("test_") or _name == "client":
        globals()[_name] = getattr(test_web, _name)


@pytest.fixture(scope="module")
def store(real_postgres):
    return real_postgres
