"""In CI the PostgreSQL tests must run: an unreachable PostgreSQL fails them; only locally do they skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ONE_PG_TEST = "tests/test_store.py::test_unknown_meeting[postgres]"


def _run(ci: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": ci, "REFERAT_TEST_PG": "postgresql://127.0.0.1:1/nowhere?connect_timeout=2"}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-rs",
                           ONE_PG_TEST], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("ci", ["true", "1"])
def test_unreachable_postgres_fails_in_ci(ci):
    out = _run(ci)
    assert out.returncode == 1, out.stdout
    assert "CI needs PostgreSQL" in out.stdout and "SKIPPED" not in out.stdout


def test_unreachable_postgres_skips_locally():
    out = _run("")
    assert out.returncode == 0, out.stdout
    assert "SKIPPED" in out.stdout and "not reachable" in out.stdout
