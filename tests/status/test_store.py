"""The status store and allocator: random, unique, idempotent, crash-safe allocation."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from vcid.errors import StatusNotAllocated, UsageError
from vcid.status import (
    MIN_ENTRIES,
    StatusListAllocator,
    StatusStore,
    open_postgres_store,
    open_sqlite_store,
)
from vcid.status.store import ListSpec, SignedList, ValueChange

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://registrar.example/status"


def _indexes(allocator: StatusListAllocator, ids: list[str]) -> list[tuple[str, int]]:
    found = allocator.allocate_many(ids)
    return [
        (str(e["statusListCredential"]), int(str(e["statusListIndex"])))
        for cid in ids
        for e in found[cid]
    ]


def test_allocation_is_idempotent_per_credential(store: StatusStore) -> None:
    allocator = StatusListAllocator(store, base_url=BASE)
    first = allocator.allocate("urn:uuid:a")
    assert [e["statusPurpose"] for e in first] == ["revocation", "suspension", "message"]
    assert allocator.allocate("urn:uuid:a") == first
    assert allocator.allocate_many(["urn:uuid:a", "urn:uuid:a"])["urn:uuid:a"] == first
    assert allocator.allocate("urn:uuid:b") != first


def test_indexes_are_random_not_sequential(store: StatusStore) -> None:
    allocator = StatusListAllocator(store, base_url=BASE, purposes=["revocation"])
    indexes = [i for _, i in _indexes(allocator, [f"urn:c:{n}" for n in range(300)])]
    assert len(set(indexes)) == 300
    assert indexes != sorted(indexes)
    assert max(indexes) - min(indexes) > MIN_ENTRIES // 2
    # not clustered at the start: about half should land in the upper half
    upper = sum(i >= MIN_ENTRIES // 2 for i in indexes)
    assert 90 < upper < 210


def test_a_full_list_is_closed_and_the_next_one_opened(store: StatusStore) -> None:
    allocator = StatusListAllocator(
        store,
        base_url=BASE,
        purposes=["revocation"],
        list_size=10,
        allow_small_lists_for_testing=True,
    )
    pairs = _indexes(allocator, [f"urn:d:{n}" for n in range(12)])
    pairs += [p for n in range(12, 25) for p in _indexes(allocator, [f"urn:d:{n}"])]
    by_list: dict[str, list[int]] = {}
    for url, index in pairs:
        by_list.setdefault(url, []).append(index)
    assert sorted(by_list) == [f"{BASE}/revocation/{n}" for n in (1, 2, 3)]
    assert sorted(by_list[f"{BASE}/revocation/1"]) == list(range(10))
    assert sorted(by_list[f"{BASE}/revocation/2"]) == list(range(10))
    assert len(set(by_list[f"{BASE}/revocation/3"])) == 5
    records = store.lists()
    assert [r.full for r in records] == [True, True, False]


def test_lists_below_the_minimum_need_the_test_only_switch(store: StatusStore) -> None:
    with pytest.raises(UsageError, match="131072"):
        StatusListAllocator(store, base_url=BASE, list_size=MIN_ENTRIES - 1)
    StatusListAllocator(store, base_url=BASE, list_size=MIN_ENTRIES)


@pytest.mark.parametrize(
    "options",
    [
        {"base_url": "not a url"},
        {"base_url": BASE + "?q=1"},
        {"purposes": []},
        {"purposes": ["revocation", "revocation"]},
        {"purposes": ["expiry"]},
        {"purposes": "revocation"},
        {"message_status_size": 2},  # the default messages are for one bit
    ],
)
def test_bad_allocator_options_are_usage_errors(
    store: StatusStore, options: dict[str, object]
) -> None:
    with pytest.raises(UsageError):
        StatusListAllocator(store, **{"base_url": BASE, **options}).allocate("urn:x")  # type: ignore[arg-type]


@pytest.mark.parametrize("credential_id", ["", "x" * 2049, 42])
def test_bad_credential_ids_are_usage_errors(store: StatusStore, credential_id: object) -> None:
    allocator = StatusListAllocator(store, base_url=BASE)
    with pytest.raises(UsageError):
        allocator.allocate(credential_id)  # type: ignore[arg-type]


def test_the_database_refuses_an_index_given_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_sqlite_store(path) as opened:
        StatusListAllocator(opened, base_url=BASE, purposes=["revocation"]).allocate("urn:a")
    connection = sqlite3.connect(path)
    list_id, index = connection.execute(
        "SELECT list_id, idx FROM vcid_status_allocations"
    ).fetchone()
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute(
            "INSERT INTO vcid_status_allocations (credential_id, purpose, list_id, idx)"
            " VALUES ('urn:b', 'revocation', ?, ?)",
            (list_id, index),
        )
    connection.close()


def test_a_failed_change_leaves_the_store_as_it_was(store: StatusStore) -> None:
    StatusListAllocator(store, base_url=BASE).allocate("urn:a")

    def crash(*_: object) -> SignedList:
        raise RuntimeError("power cut while signing")

    with pytest.raises(RuntimeError):
        store.change(
            [ValueChange(credential_id="urn:a", purpose="revocation", value=1)], sign=crash
        )
    assert all(a.value == 0 for a in store.allocations("urn:a"))
    assert store.latest_versions() == ()
    assert all(r.version == 0 for r in store.lists())


def test_a_change_for_an_unallocated_credential_is_refused(store: StatusStore) -> None:
    def never(*_: object) -> SignedList:
        raise AssertionError("not signed")

    with pytest.raises(StatusNotAllocated):
        store.change(
            [ValueChange(credential_id="urn:zz", purpose="revocation", value=1)], sign=never
        )


def test_opening_a_missing_store_without_create_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no status store"):
        open_sqlite_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_list_spec_is_validated() -> None:
    with pytest.raises(UsageError):
        ListSpec(purpose="revocation", capacity=0)
    with pytest.raises(UsageError):
        ListSpec(purpose="message", capacity=10, status_size=9)


def test_postgres_store_allocates_idempotently(pg_dsn: str) -> None:
    with open_postgres_store(pg_dsn) as opened:
        allocator = StatusListAllocator(opened, base_url=BASE)
        first = allocator.allocate("urn:uuid:a")
        assert allocator.allocate("urn:uuid:a") == first
        assert len(first) == 3


def test_postgres_store_unreachable_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot connect"):
        open_postgres_store("host=127.0.0.1 port=1 dbname=x connect_timeout=2")


# --- several processes at once ------------------------------------------------------

_WORKER = """
import json, sys
from vcid.status import StatusListAllocator, open_postgres_store, open_sqlite_store
kind, target, worker, count, batch, size = sys.argv[1:7]
count, batch, size = int(count), int(batch), int(size)
store = open_sqlite_store(target) if kind == "sqlite" else open_postgres_store(target)
allocator = StatusListAllocator(
    store, base_url="https://registrar.example/status", purposes=["revocation"],
    list_size=size, allow_small_lists_for_testing=True,
)
ids = [f"urn:w{worker}:{n}" for n in range(count)]
pairs = []
# a few single allocations first, interleaving small and large transactions
steps = [(n, n + 1) for n in range(20)] + [
    (s, min(s + batch, count)) for s in range(20, count, batch)
]
for start, end in steps:
    found = allocator.allocate_many(ids[start:end])
    for cid in ids[start:end]:
        entry = found[cid][0]
        pairs.append([entry["statusListCredential"], int(entry["statusListIndex"])])
json.dump(pairs, sys.stdout)
"""


def _run_workers(
    kind: str, target: str, *, total: int, workers: int, size: int
) -> list[tuple[str, int]]:
    per = total // workers
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, kind, target, str(w), str(per), "5000", str(size)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for w in range(workers)
    ]
    pairs: list[tuple[str, int]] = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()[-2000:]
        pairs.extend((url, index) for url, index in json.loads(out))
    return pairs


def _check_no_duplicates(
    pairs: list[tuple[str, int]], size: int, count_rows: Callable[[], int], total: int
) -> None:
    assert len(pairs) == total
    assert len(set(pairs)) == total  # no index given twice
    assert all(0 <= index < size for _, index in pairs)
    lists = {url for url, _ in pairs}
    assert len(lists) == -(-total // size)  # lists filled before new ones open
    assert count_rows() == total


def test_four_processes_allocate_100000_indexes_without_duplicates_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_sqlite_store(path).close()
    size = 30_000
    pairs = _run_workers("sqlite", str(path), total=100_000, workers=4, size=size)

    def rows() -> int:
        with sqlite3.connect(path) as connection:
            return int(
                connection.execute("SELECT COUNT(*) FROM vcid_status_allocations").fetchone()[0]
            )

    _check_no_duplicates(pairs, size, rows, 100_000)


def test_four_processes_allocate_100000_indexes_without_duplicates_postgres(pg_dsn: str) -> None:
    import psycopg  # noqa: PLC0415 - an optional dependency, only when PostgreSQL runs

    open_postgres_store(pg_dsn).close()
    size = 30_000
    pairs = _run_workers("postgres", pg_dsn, total=100_000, workers=4, size=size)

    def rows() -> int:
        with psycopg.connect(pg_dsn) as connection:
            row = connection.execute("SELECT COUNT(*) FROM vcid_status_allocations").fetchone()
            assert row is not None
            return int(row[0])

    _check_no_duplicates(pairs, size, rows, 100_000)


# --- statusReference, and stores made before it existed ----------------------------

#: vcid_status_lists as releases before statusReference created it.
_OLD_LISTS_TABLE = """CREATE TABLE vcid_status_lists (
    list_id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    seq INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    status_size INTEGER NOT NULL CHECK (status_size BETWEEN 1 AND 8),
    messages TEXT NOT NULL,
    allocated INTEGER NOT NULL DEFAULT 0,
    is_full INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (purpose, seq)
)"""
_OLD_ALLOCATIONS_TABLE = """CREATE TABLE vcid_status_allocations (
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    list_id INTEGER NOT NULL REFERENCES vcid_status_lists (list_id),
    idx INTEGER NOT NULL CHECK (idx >= 0),
    value INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (credential_id, purpose),
    UNIQUE (list_id, idx)
)"""
REFERENCE = "https://registrar.example/status-messages"
_OLD_MESSAGES = '[[0, "no alert"], [1, "reported missing: refer to child-protection authorities"]]'


def _old_rows(run: Callable[[str], object]) -> None:
    run(
        "INSERT INTO vcid_status_lists (url, purpose, seq, capacity, status_size, messages,"
        f" allocated) VALUES ('{BASE}/message/1', 'message', 1, {MIN_ENTRIES}, 1,"
        f" '{_OLD_MESSAGES}', 1)"
    )
    run(
        "INSERT INTO vcid_status_allocations (credential_id, purpose, list_id, idx, value)"
        " VALUES ('urn:old', 'message', 1, 42, 1)"
    )


def _check_migrated(opened: StatusStore) -> None:
    (old,) = opened.allocations("urn:old")
    assert (old.list_url, old.index, old.value, old.reference) == (f"{BASE}/message/1", 42, 1, None)
    plain = StatusListAllocator(opened, base_url=BASE, purposes=["message"])
    (entry,) = plain.allocate("urn:new")
    assert entry["statusListCredential"] == f"{BASE}/message/1"  # the old list, still open
    assert "statusReference" not in entry
    referenced = StatusListAllocator(
        opened, base_url=BASE, purposes=["message"], message_reference=REFERENCE
    )
    (entry,) = referenced.allocate("urn:newer")
    assert entry["statusListCredential"] == f"{BASE}/message/2"  # another scheme, another list
    assert entry["statusReference"] == REFERENCE


def test_an_sqlite_store_made_before_status_reference_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute(_OLD_LISTS_TABLE)
        old.execute(_OLD_ALLOCATIONS_TABLE)
        _old_rows(old.execute)
    with open_sqlite_store(path) as opened:
        _check_migrated(opened)
    with open_sqlite_store(path) as reopened:  # a second open finds the column there
        assert len(reopened.lists()) == 2


def test_a_postgres_store_made_before_status_reference_is_migrated_on_open(pg_dsn: str) -> None:
    import psycopg  # noqa: PLC0415 - optional dependency

    with psycopg.connect(pg_dsn, autocommit=True) as old:
        for statement in (_OLD_LISTS_TABLE, _OLD_ALLOCATIONS_TABLE):
            old.execute(
                statement.replace(
                    "INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
                ).replace("INTEGER", "BIGINT")
            )
        _old_rows(old.execute)
    with open_postgres_store(pg_dsn) as opened:
        _check_migrated(opened)
    with open_postgres_store(pg_dsn) as reopened:
        assert len(reopened.lists()) == 2


@pytest.mark.parametrize(
    "reference",
    [REFERENCE, (REFERENCE, "https://registrar.example/more")],
)
def test_a_status_reference_is_stored_with_its_list(
    store: StatusStore, reference: str | tuple[str, ...]
) -> None:
    allocator = StatusListAllocator(
        store, base_url=BASE, purposes=["message"], message_reference=reference
    )
    (entry,) = allocator.allocate("urn:a")
    assert entry["statusReference"] == (
        reference if isinstance(reference, str) else list(reference)
    )
    assert [r.reference for r in store.lists()] == [reference]
    assert store.allocations("urn:a")[0].reference == reference


@pytest.mark.parametrize("reference", ["not a url", ()])
def test_a_bad_status_reference_is_a_usage_error(reference: str | tuple[str, ...]) -> None:
    with pytest.raises(UsageError):
        ListSpec(purpose="message", capacity=10, reference=reference)
