"""vcid.cache.LRUCache: bound, recency, TTL on a fake clock, threads."""

from __future__ import annotations

import threading

import pytest

from vcid.cache import LRUCache
from vcid.errors import UsageError


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
    assert len(cache) == 2


def test_putting_again_replaces_and_refreshes() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("a", 10)
    cache.put("c", 3)
    assert cache.get("a") == 10
    assert cache.get("b") is None


def test_size_zero_keeps_nothing() -> None:
    cache: LRUCache[str, int] = LRUCache(0)
    cache.put("a", 1)
    assert cache.get("a") is None
    assert len(cache) == 0


def test_entries_expire_after_the_ttl() -> None:
    clock = FakeClock()
    cache: LRUCache[str, int] = LRUCache(8, ttl=60, clock=clock)
    cache.put("a", 1)
    clock.now += 59.9
    assert cache.get("a") == 1
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0  # dropped when met
    cache.put("a", 2)  # a new put starts a new lifetime
    clock.now += 30
    assert cache.get("a") == 2


def test_without_a_ttl_entries_never_expire() -> None:
    clock = FakeClock()
    cache: LRUCache[str, int] = LRUCache(8, clock=clock)
    cache.put("a", 1)
    clock.now += 10**9
    assert cache.get("a") == 1


def test_discard_and_clear() -> None:
    cache: LRUCache[str, int] = LRUCache(8)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.discard("a")
    cache.discard("missing")
    assert cache.get("a") is None
    cache.clear()
    assert len(cache) == 0


@pytest.mark.parametrize(("size", "ttl"), [(-1, None), (True, None), (1.5, None), (1, 0), (1, -5)])
def test_bad_options_are_usage_errors(size: object, ttl: float | None) -> None:
    with pytest.raises(UsageError):
        LRUCache(size, ttl=ttl)  # type: ignore[arg-type]


def test_threads_never_exceed_the_bound() -> None:
    cache: LRUCache[int, int] = LRUCache(50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (offset * 7 + i) % 200
                cache.put(key, i)
                value = cache.get(key)
                assert value is None or isinstance(value, int)
                assert len(cache) <= 50
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 50
