"""How the benchmark groups time an operation (one way for all of them)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(action: Callable[[], object], seconds: float, rounds: int = 5) -> float:
    """Median operations per second over ``rounds`` batches of about ``seconds / 4``.

    One warm-up call first; the batch size doubles until a batch takes a
    quarter of ``seconds`` (so slow operations are not repeated needlessly).
    """
    action()
    count = 1
    while True:
        start = time.perf_counter()
        for _ in range(count):
            action()
        if time.perf_counter() - start >= seconds / 4 or count >= 1 << 20:
            break
        count *= 2
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(count):
            action()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)
