"""Python's cyclic garbage collector while a store bulk-imports (``autoflush`` off).

Why: a bulk import keeps many young container objects alive for a while (the
rows kept for the next index update, the batch being saved, documents made
ahead), so with the default thresholds (700, 10, 10) objects keep surviving into
the oldest generation and the collector rescans the whole heap again and again:
at 300k synthetic items it ran 90 full collections taking 16.6 s of a 75 s
import.  Our rows hold no reference cycles, so reference counting frees them;
the collector only needs to run far less often.  While any store is in bulk
mode the thresholds are raised (``BULK_THRESHOLDS``: a young collection every
100,000 allocations instead of 700) and restored when the last one leaves it.
"""

from __future__ import annotations

import gc
import threading

BULK_THRESHOLDS = (100_000, 50, 100)

_lock = threading.Lock()
_bulk = 0
_saved: tuple[int, ...] = gc.get_threshold()


def enter() -> None:
    """A store starts a bulk import."""
    global _bulk, _saved
    with _lock:
        if _bulk == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLDS)
        _bulk += 1


def leave() -> None:
    """A store's bulk import is over (call once per ``enter``)."""
    global _bulk
    with _lock:
        if _bulk == 0:
            return
        _bulk -= 1
        if _bulk == 0:
            gc.set_threshold(*_saved)


def follow(was_autoflush: bool, autoflush: bool) -> None:
    """A store's ``autoflush`` changed from ``was_autoflush`` to ``autoflush``: enter or leave bulk mode."""
    if was_autoflush and not autoflush:
        enter()
    elif autoflush and not was_autoflush:
        leave()
