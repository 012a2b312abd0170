"""Helpers shared by the benchmark scripts: where the real documents are, timing, percentiles."""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("REFERAT_SHARED", ROOT.parent / "shared"))


def real_documents() -> list[Path]:
    return sorted(p for d in ("seeds", "corpus") for p in (SHARED / d).glob("*") if p.is_file())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(values_ms: list[float]) -> str:
    return (f"p50 {percentile(values_ms, 50):7.2f} ms  p99 {percentile(values_ms, 99):7.2f} ms"
            f"  mean {statistics.fmean(values_ms):7.2f} ms  n={len(values_ms)}")


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def documents_with_goldens() -> list[Path]:
    """Every real document the tests hold a golden for (seeds, corpus, drops, API answers)."""
    sys.path.insert(0, str(ROOT))
    from tests.conftest import all_documents

    return all_documents()


def run_facts() -> dict[str, str]:
    """When and at which commit a benchmark ran, for the JSON it writes (docs/benchmarks.md quotes both)."""
    import datetime
    import subprocess

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    return {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "commit": commit,
            "cores": str(os.cpu_count())}


def write_json(path: str | None, name: str, results: dict) -> None:
    """Write ``results`` with the run's facts to ``path`` (default ``var/bench/<name>.json``)."""
    import json

    out = Path(path) if path else ROOT / "var" / "bench" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": name, **run_facts(), "results": results}, indent=2,
                              ensure_ascii=False) + "\n", encoding="utf-8")
    progress(f"wrote {out}")
