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
