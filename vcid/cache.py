"""One bounded, thread-safe cache: least recently used, with an optional TTL.

Used wherever vcid keeps results between calls (did:web documents, did:key
and did:jwk documents, the status checker's verified lists), so each has the
same bound, the same locking and the same clock handling. Time comes from an
injectable monotonic clock, so tests expire entries without sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from vcid.errors import UsageError

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    """A map of at most ``maxsize`` entries; the least recently used go first.

    :param maxsize: the most entries kept; 0 keeps nothing (a disabled cache).
    :param ttl: seconds an entry may be served after it was stored; None for
        no expiry. An expired entry is never returned and is dropped when met.
    :param clock: a monotonic clock in seconds (injectable for tests).
    :raises UsageError: for a negative ``maxsize`` or a non-positive ``ttl``.
    """

    __slots__ = ("_clock", "_data", "_lock", "_maxsize", "_ttl")

    def __init__(
        self,
        maxsize: int,
        *,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 0:
            raise UsageError("maxsize must be a non-negative integer")
        if ttl is not None and not ttl > 0:
            raise UsageError("ttl must be positive or None")
        self._maxsize = maxsize
        self._ttl = ttl
        self._clock = clock
        self._data: OrderedDict[K, tuple[float | None, V]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def maxsize(self) -> int:
        """The most entries kept."""
        return self._maxsize

    def get(self, key: K) -> V | None:
        """The value stored under ``key``, or None if absent or expired."""
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires is not None and self._clock() >= expires:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Store ``value`` under ``key`` (as the most recently used entry)."""
        if self._maxsize == 0:
            return
        expires = None if self._ttl is None else self._clock() + self._ttl
        with self._lock:
            self._data[key] = (expires, value)
            self._data.move_to_end(key)
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)

    def discard(self, key: K) -> None:
        """Forget ``key`` if it is stored."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        """The number of entries held, expired ones not yet dropped included."""
        with self._lock:
            return len(self._data)

    def __repr__(self) -> str:
        return f"LRUCache(maxsize={self._maxsize}, ttl={self._ttl})"


__all__ = ["LRUCache"]
