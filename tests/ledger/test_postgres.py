"""The PostgreSQL log on a real server: several writer processes, gapless and sound."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.ledger.writer import entry_for
from vcid.errors import LogInconsistent, UsageError
from vcid.keys import KeyType, PrivateKey
from vcid.ledger import merkle
from vcid.ledger.anchor import NoAnchor
from vcid.ledger.entry import EntryType
from vcid.ledger.receipt import receipt_for

psycopg = pytest.importorskip("psycopg")

from vcid.ledger.postgres import PostgresLog  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
NOW = datetime(2026, 3, 1, tzinfo=UTC)
KEY = PrivateKey.generate(KeyType.ED25519)


def origin() -> str:
    return f"registry.example/{uuid.uuid4().hex}"


def test_append_proofs_and_checkpoints_match_the_reference(postgres_dsn: str) -> None:
    name = origin()
    with PostgresLog(postgres_dsn, origin=name) as log:
        batch = [entry_for("p", i) for i in range(70)]
        refs = log.append(batch[:30])
        for entry in batch[30:40]:
            refs += log.append([entry])
        refs += log.append(batch[40:])
        assert [r.index for r in refs] == list(range(70))
        assert log.append([batch[5], batch[5]])[0].index == 5  # idempotent
        reference = merkle.MemoryTree(e.leaf_hash for e in batch)
        for size in (1, 2, 33, 64, 70):
            assert log.root(size) == reference.root(size)
            for index in range(0, size, 5):
                assert log.inclusion_proof(index, size) == reference.inclusion_proof(index, size)
                assert log.consistency_proof(index + 1, size) == reference.consistency_proof(
                    index + 1, size
                )
        assert log.entry(9) == batch[9]
        assert log.index_of(batch[9].leaf_hash) == 9
        assert log.index_of_commitment(batch[11].commitment) == 11
        signed = log.checkpoint(KEY, now=NOW)
        assert signed.checkpoint.root == reference.root()
        assert log.latest_checkpoint() == signed
        assert log.append_status_list(b"\x07" * 32, issued_at=NOW) == 70
        assert log.entry(70).type is EntryType.STATUS_LIST
        ref = NoAnchor().anchor(origin=name, tree_size=70, root=signed.checkpoint.root)
        log.record_anchor(ref)
        log.record_anchor(ref)
        assert receipt_for(log, batch[9].commitment).anchors == (ref,)
        with pytest.raises(UsageError):
            log.checkpoint(KEY, now=datetime(2026, 2, 1, tzinfo=UTC))  # before the latest
        with pytest.raises(UsageError):
            log.entry(71)
    # Another origin on the same server is another log.
    with PostgresLog(postgres_dsn, origin=origin()) as other:
        assert other.size == 0
    with PostgresLog(postgres_dsn, origin=name) as again:
        assert again.size == 71


def test_rows_are_immutable_and_the_size_never_shrinks(postgres_dsn: str) -> None:
    with PostgresLog(postgres_dsn, origin=origin()) as log:
        log.append([entry_for("i", i) for i in range(4)])
        log.checkpoint(KEY, now=NOW)
        with psycopg.connect(postgres_dsn, autocommit=True) as conn:
            for statement in (
                "UPDATE vcid_leaf SET entry = entry",
                "DELETE FROM vcid_leaf",
                "UPDATE vcid_node SET hash = hash",
                "DELETE FROM vcid_checkpoint",
                "UPDATE vcid_log SET size = 0",
                "DELETE FROM vcid_log",
            ):
                with pytest.raises(psycopg.errors.RaiseException):
                    conn.execute(statement)
        assert log.size == 4


def test_a_checkpoint_larger_than_the_log_is_refused_by_the_database(postgres_dsn: str) -> None:
    with PostgresLog(postgres_dsn, origin=origin()) as log:
        log.append([entry_for("c", 0)])
        with pytest.raises(LogInconsistent), log._write() as cur:
            cur.execute(
                "INSERT INTO vcid_checkpoint (log_id, tree_size, time, text)"
                " VALUES (%s, 5, 0, 'x')",
                (log._log_id,),
            )


def test_four_writer_processes_append_10000_entries_gapless(postgres_dsn: str) -> None:
    name = origin()
    PostgresLog(postgres_dsn, origin=name).close()
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ledger.writer",
                "postgres",
                postgres_dsn,
                name,
                tag,
                "2500",
                "25",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("w0", "w1", "w2", "w3")
    ]
    acknowledged: dict[int, bytes] = {}
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-500:]
        for line in out.splitlines():
            index, digest = line.split()
            assert int(index) not in acknowledged  # no duplicate index
            acknowledged[int(index)] = bytes.fromhex(digest)
    assert sorted(acknowledged) == list(range(10_000))  # no gap
    with PostgresLog(postgres_dsn, origin=name) as log:
        assert log.size == 10_000
        with psycopg.connect(postgres_dsn) as conn:
            rows = conn.execute(
                "SELECT l.idx, l.leaf_hash, l.entry FROM vcid_leaf l JOIN vcid_log g"
                " ON g.id = l.log_id WHERE g.origin = %s ORDER BY l.idx",
                (name,),
            ).fetchall()
        assert [r[0] for r in rows] == list(range(10_000))
        assert {bytes(r[1]) for r in rows} == set(acknowledged.values())
        for index, digest, data in rows[::97]:
            assert bytes(digest) == merkle.leaf_hash(bytes(data)) == acknowledged[index]
        reference = merkle.MemoryTree(bytes(r[1]) for r in rows)
        signed = log.checkpoint(KEY, now=NOW)
        assert signed.checkpoint.root == reference.root()
        for position in (0, 1, 4999, 9998, 9999):
            merkle.verify_inclusion(
                acknowledged[position],
                position,
                10_000,
                log.inclusion_proof(position, 10_000),
                signed.checkpoint.root,
            )
        merkle.verify_consistency(
            3, 10_000, log.consistency_proof(3, 10_000), reference.root(3), reference.root()
        )
