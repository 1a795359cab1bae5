"""How the benchmark groups time an operation (one way for all of them)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def calibrate(action: Callable[[], object], seconds: float) -> int:
    """How many calls make a batch of about ``seconds / 4`` (after one warm-up call).

    The batch size doubles until a batch takes that long, so slow operations
    are not repeated needlessly.
    """
    action()
    count = 1
    while True:
        start = time.perf_counter()
        for _ in range(count):
            action()
        if time.perf_counter() - start >= seconds / 4 or count >= 1 << 20:
            return count
        count *= 2


def batch(action: Callable[[], object], count: int) -> float:
    """Calls per second over one batch of ``count`` calls."""
    start = time.perf_counter()
    for _ in range(count):
        action()
    return count / (time.perf_counter() - start)


def measure(action: Callable[[], object], seconds: float, rounds: int = 5) -> float:
    """Median operations per second over ``rounds`` batches of about ``seconds / 4``."""
    count = calibrate(action, seconds)
    return statistics.median(batch(action, count) for _ in range(rounds))
