"""The embedded SQLite log: appends, proofs, checkpoints, immutability, crash safety."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ledger.writer import entry_for
from vcid.errors import LedgerUnavailable, LogInconsistent, UsageError
from vcid.keys import KeyType, PrivateKey
from vcid.ledger import merkle
from vcid.ledger.anchor import NoAnchor
from vcid.ledger.entry import EntryType, LogEntry
from vcid.ledger.sqlite import SQLiteLog

ROOT = Path(__file__).resolve().parent.parent.parent
ORIGIN = "registry.example/births"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
KEY = PrivateKey.generate(KeyType.ED25519)


def entries(n: int, tag: str = "t") -> list[LogEntry]:
    return [entry_for(tag, i) for i in range(n)]


@pytest.fixture
def log(tmp_path: Path) -> SQLiteLog:
    return SQLiteLog(tmp_path / "log.db", origin=ORIGIN)


def stored_nodes(path: Path) -> dict[tuple[int, int], bytes]:
    with sqlite3.connect(path) as conn:
        nodes = {(0, i): h for i, h in conn.execute("SELECT idx, leaf_hash FROM leaf")}
        nodes.update({(lv, i): h for lv, i, h in conn.execute("SELECT level, idx, hash FROM node")})
    return nodes


def assert_tree_is_sound(path: Path) -> None:
    """Every stored hash equals a recomputation from the entries, and no node is missing."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT idx, leaf_hash, entry FROM leaf ORDER BY idx").fetchall()
    assert [idx for idx, _, _ in rows] == list(range(len(rows)))  # gapless
    for _, digest, data in rows:
        assert digest == merkle.leaf_hash(data)
    reference = merkle.MemoryTree(digest for _, digest, _ in rows)
    stored = stored_nodes(path)
    expected_keys = [
        (level, i)
        for level in range(64)
        if (1 << level) <= len(rows)
        for i in range(len(rows) >> level)
    ]
    assert stored == reference.nodes(expected_keys)


def test_append_returns_consecutive_indexes_and_the_tree_matches(log: SQLiteLog) -> None:
    batch = entries(100)
    refs = log.append(batch[:40])
    for entry in batch[40:60]:
        refs += log.append([entry])
    refs += log.append(batch[60:])
    assert [r.index for r in refs] == list(range(100))
    assert [r.leaf_hash for r in refs] == [e.leaf_hash for e in batch]
    reference = merkle.MemoryTree(e.leaf_hash for e in batch)
    for size in (1, 2, 3, 31, 64, 99, 100):
        assert log.root(size) == reference.root(size)
        for index in range(0, size, 7):
            assert log.inclusion_proof(index, size) == reference.inclusion_proof(index, size)
            assert log.consistency_proof(index + 1, size) == reference.consistency_proof(
                index + 1, size
            )
    assert log.entry(57) == batch[57]
    assert log.index_of(batch[3].leaf_hash) == 3
    assert log.index_of_commitment(batch[4].commitment) == 4
    assert log.index_of(b"\x00" * 32) is None
    assert log.index_of_commitment(b"\x00" * 32) is None
    assert_tree_is_sound(log.path)


def test_append_is_idempotent_by_leaf_hash(log: SQLiteLog) -> None:
    batch = entries(5)
    log.append(batch)
    again = log.append([batch[2], entry_for("t", 5), batch[2], entry_for("t", 5)])
    assert [r.index for r in again] == [2, 5, 2, 5]
    assert log.size == 6
    # The same commitment at another time is another leaf; lookups by commitment find the first.
    later = LogEntry(type=EntryType.CREDENTIAL, commitment=batch[1].commitment, time=9)
    assert log.append([later])[0].index == 6
    assert log.index_of_commitment(batch[1].commitment) == 1


def test_conveniences_append_typed_entries(log: SQLiteLog) -> None:
    commitment = hashlib.sha256(b"status list v1").digest()
    assert log.append_status_list(commitment, issued_at=NOW) == 0
    assert log.append_credential(hashlib.sha256(b"vc").digest(), issued_at=NOW) == 1
    assert log.entry(0).type is EntryType.STATUS_LIST
    assert log.entry(1).type is EntryType.CREDENTIAL
    assert log.entry(0).issued_at == NOW
    with pytest.raises(UsageError):
        log.append_credential(commitment, issued_at=datetime(2026, 1, 1))  # naive


def test_bad_input_is_a_usage_error(log: SQLiteLog) -> None:
    log.append(entries(3))
    for call in (
        lambda: log.append([]),
        lambda: log.append(["not an entry"]),  # type: ignore[list-item]
        lambda: log.entry(3),
        lambda: log.entry(-1),
        lambda: log.root(4),
        lambda: log.inclusion_proof(3, 3),
        lambda: log.consistency_proof(2, 4),
        lambda: log.consistency_proof(3, 2),
    ):
        with pytest.raises(UsageError):
            call()
    assert log.size == 3


def test_checkpoints_are_signed_stored_and_never_shrink(log: SQLiteLog) -> None:
    assert log.latest_checkpoint() is None
    log.append(entries(10))
    first = log.checkpoint(KEY, now=NOW)
    assert first.checkpoint.tree_size == 10
    assert first.checkpoint.root == log.root(10)
    assert first.verify_log_key([KEY.public_key]) == KEY.public_key
    assert log.latest_checkpoint() == first
    log.append(entries(15)[10:])
    second = log.checkpoint(KEY, now=NOW + timedelta(hours=1))
    assert second.checkpoint.tree_size == 15
    assert log.checkpoint_at(10) == first
    merkle.verify_consistency(
        10, 15, log.consistency_proof(10, 15), first.checkpoint.root, second.checkpoint.root
    )
    with pytest.raises(UsageError, match="before the latest"):
        log.checkpoint(KEY, now=NOW)
    with pytest.raises(UsageError):
        log.checkpoint(KEY, now=datetime(2027, 1, 1))  # naive


def test_rows_are_immutable_and_checkpoints_cannot_shrink(log: SQLiteLog) -> None:
    log.append(entries(8))
    log.checkpoint(KEY, now=NOW)
    with sqlite3.connect(log.path) as conn:
        for statement in (
            "UPDATE leaf SET entry = entry WHERE idx = 1",
            "DELETE FROM leaf WHERE idx = 7",
            "UPDATE node SET hash = zeroblob(32)",
            "DELETE FROM node",
            "UPDATE checkpoint SET tree_size = 1",
            "DELETE FROM checkpoint",
            "UPDATE meta SET value = 'other.example' WHERE key = 'origin'",
            "INSERT INTO checkpoint (tree_size, time, text) VALUES (3, 0, 'x')",
            "INSERT INTO checkpoint (tree_size, time, text) VALUES (9, 0, 'x')",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                conn.execute(statement)
    assert_tree_is_sound(log.path)


def test_a_tampered_store_is_detected_at_the_next_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with SQLiteLog(path, origin=ORIGIN) as log:
        log.append(entries(8))
        log.checkpoint(KEY, now=NOW)
    with sqlite3.connect(path) as conn:  # someone with file access drops the triggers
        conn.execute("DROP TRIGGER node_no_update")
        conn.execute("UPDATE node SET hash = zeroblob(32) WHERE level = 3")
    with SQLiteLog(path) as log, pytest.raises(LogInconsistent):
        log.checkpoint(KEY, now=NOW)


def test_opening_checks_the_file_and_the_origin(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    with pytest.raises(UsageError):
        SQLiteLog.open(path)  # missing
    with pytest.raises(UsageError):
        SQLiteLog(path)  # no origin to create with
    with pytest.raises(UsageError):
        SQLiteLog(path, origin="has space")
    assert not path.exists()
    with SQLiteLog.create(path, origin=ORIGIN) as log:
        log.append(entries(2))
    with pytest.raises(UsageError, match="already exists"):
        SQLiteLog.create(path, origin=ORIGIN)
    with pytest.raises(UsageError, match="another origin"):
        SQLiteLog(path, origin="other.example/log")
    with SQLiteLog.open(path) as log:
        assert (log.origin, log.size) == (ORIGIN, 2)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(UsageError, match="not a SQLite database"):
        SQLiteLog.open(garbage)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE unrelated (x)")
    with pytest.raises(UsageError, match="not a vcid log"):
        SQLiteLog.open(other)


def test_a_locked_database_is_unavailable_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    SQLiteLog(path, origin=ORIGIN).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with SQLiteLog(path, busy_timeout=0.05) as log:
            with pytest.raises(LedgerUnavailable):
                log.append(entries(1))
            with pytest.raises(LedgerUnavailable):
                log.checkpoint(KEY, now=NOW)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with SQLiteLog(path) as log:
        assert log.size == 0
        assert log.append(entries(1))[0].index == 0


def test_recorded_anchors_are_returned_for_their_checkpoint(log: SQLiteLog) -> None:
    log.append(entries(4))
    head = log.checkpoint(KEY, now=NOW).checkpoint
    ref = NoAnchor().anchor(origin=ORIGIN, tree_size=4, root=head.root)
    log.record_anchor(ref)
    log.record_anchor(ref)  # idempotent
    assert log.anchors(4, head.root) == (ref,)
    assert log.anchors(4, b"\x00" * 32) == ()
    with pytest.raises(UsageError):
        log.record_anchor(NoAnchor().anchor(origin="other.example", tree_size=4, root=head.root))
    with pytest.raises(UsageError):
        log.record_anchor(NoAnchor().anchor(origin=ORIGIN, tree_size=4, root=b"\x01" * 32))


def test_two_processes_appending_to_one_file_get_distinct_indexes(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    SQLiteLog(path, origin=ORIGIN).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.ledger.writer", "sqlite", str(path), ORIGIN, tag, "60"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert all(w.returncode == 0 for w in writers)
    indexes = sorted(int(line.split()[0]) for out in outputs for line in out.splitlines())
    assert indexes == list(range(120))
    assert_tree_is_sound(path)


# --- crash safety ------------------------------------------------------------------------


def _run_and_kill(path: Path, tag: str, after: int) -> dict[int, bytes]:
    """Start a writer, SIGKILL it after ``after`` acknowledgements; return all acknowledged."""
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.ledger.writer", "sqlite", str(path), ORIGIN, tag, "100000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    acknowledged: dict[int, bytes] = {}
    try:
        for line in writer.stdout:
            index, digest = line.split()
            acknowledged[int(index)] = bytes.fromhex(digest)
            if len(acknowledged) >= after:
                os.kill(writer.pid, signal.SIGKILL)
                break
        for line in writer.stdout.read().splitlines():  # printed before the kill landed
            parts = line.split()
            if len(parts) == 2 and len(parts[1]) == 64:
                acknowledged[int(parts[0])] = bytes.fromhex(parts[1])
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    return acknowledged


def test_a_killed_writer_loses_no_acknowledged_append_and_never_corrupts_the_tree(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crash.db"
    SQLiteLog(path, origin=ORIGIN).close()
    acknowledged: dict[int, bytes] = {}
    for round_number, after in enumerate((150, 233, 97)):
        acknowledged |= _run_and_kill(path, f"round{round_number}", after)
        with SQLiteLog.open(path) as log:
            for index, digest in acknowledged.items():
                assert log.index_of(digest) == index
            size = log.size
            assert size >= len(acknowledged)
            leaves = [digest for _, digest in log.leaves(0, size)]
            signed = log.checkpoint(KEY, now=NOW + timedelta(minutes=round_number))
            assert signed.checkpoint.root == merkle.MemoryTree(leaves).root()
            assert signed.checkpoint.tree_size == size
        assert_tree_is_sound(path)
