"""How the benchmark groups time an operation (one way for all of them)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

Clock = Callable[[], float]


def calibrate(
    action: Callable[[], object], seconds: float, clock: Clock = time.perf_counter
) -> int:
    """How many calls make a batch of about ``seconds / 4`` (after one warm-up call).

    The batch size doubles until a batch takes that long, so slow operations
    are not repeated needlessly.
    """
    action()
    count = 1
    while True:
        start = clock()
        for _ in range(count):
            action()
        if clock() - start >= seconds / 4 or count >= 1 << 20:
            return count
        count *= 2


def batch(action: Callable[[], object], count: int, clock: Clock = time.perf_counter) -> float:
    """Calls per second (of ``clock``) over one batch of ``count`` calls."""
    start = clock()
    for _ in range(count):
        action()
    return count / (clock() - start)


def measure(
    action: Callable[[], object],
    seconds: float,
    rounds: int = 5,
    clock: Clock = time.perf_counter,
) -> float:
    """Median operations per second over ``rounds`` batches of about ``seconds / 4``.

    ``clock`` is wall time by default; ``time.process_time`` counts only the
    CPU time this process gets (what the core group uses on a shared machine).
    """
    count = calibrate(action, seconds, clock)
    return statistics.median(batch(action, count, clock) for _ in range(rounds))
