"""The composed Ledger: anchoring checkpoints through a sink and recording the references."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ledger.test_receipt import MemorySink
from vcid.errors import AnchorMismatch, LogEntryNotFound, LogInconsistent, UsageError
from vcid.keys import KeyType, PrivateKey
from vcid.ledger import Ledger, NoAnchor, SQLiteLog
from vcid.ledger.note import Checkpoint, sign_checkpoint

ORIGIN = "registry.example/births"
NOW = datetime(2026, 3, 1, tzinfo=UTC)
KEY = PrivateKey.generate(KeyType.ED25519)


def commitment(i: int) -> bytes:
    return hashlib.sha256(b"%d" % i).digest()


@pytest.fixture
def log(tmp_path: Path) -> SQLiteLog:
    log = SQLiteLog(tmp_path / "log.db", origin=ORIGIN)
    for i in range(6):
        log.append_credential(commitment(i), issued_at=NOW)
    return log


def test_the_default_sink_anchors_nothing_but_records_the_checkpoint(log: SQLiteLog) -> None:
    ledger = Ledger(log)
    assert isinstance(ledger.sink, NoAnchor)
    with pytest.raises(LogEntryNotFound):
        ledger.anchor()
    head = log.checkpoint(KEY, now=NOW).checkpoint
    ref = ledger.anchor()
    assert (ref.kind, ref.tree_size, ref.root) == ("none", 6, head.root)
    assert ledger.anchor_status(ref).final is False
    assert ledger.find_anchor(6) is None
    assert ledger.receipt(commitment(2)).anchors == (ref,)


def test_one_anchor_per_checkpoint_however_many_entries(log: SQLiteLog) -> None:
    sink = MemorySink()
    ledger = Ledger(log, sink)
    log.checkpoint(KEY, now=NOW)
    first = ledger.anchor()
    assert ledger.anchor() == first  # found, not anchored twice
    assert len(sink.anchors) == 1
    for i in range(6, 500):
        log.append_credential(commitment(i), issued_at=NOW)
    log.checkpoint(KEY, now=NOW + timedelta(hours=1))
    second = ledger.anchor()
    assert len(sink.anchors) == 2
    assert second.tree_size == 500
    assert ledger.find_anchor(500) == second
    assert ledger.receipt(commitment(3)).anchors == (second,)


def test_anchoring_refuses_a_checkpoint_the_log_does_not_have(log: SQLiteLog) -> None:
    ledger = Ledger(log, MemorySink())
    foreign = sign_checkpoint(
        Checkpoint(origin="other.example/log", tree_size=6, root=log.root(6), timestamp=NOW), KEY
    )
    with pytest.raises(UsageError):
        ledger.anchor(foreign)
    forged = sign_checkpoint(
        Checkpoint(origin=ORIGIN, tree_size=6, root=b"\x01" * 32, timestamp=NOW), KEY
    )
    with pytest.raises(LogInconsistent):
        ledger.anchor(forged)
    too_big = sign_checkpoint(
        Checkpoint(origin=ORIGIN, tree_size=7, root=log.root(6), timestamp=NOW), KEY
    )
    with pytest.raises(LogInconsistent):
        ledger.anchor(too_big)


def test_a_sink_holding_another_root_for_the_size_is_a_mismatch(log: SQLiteLog) -> None:
    sink = MemorySink()
    sink.anchor(origin=ORIGIN, tree_size=6, root=b"\x09" * 32)
    log.checkpoint(KEY, now=NOW)
    with pytest.raises(AnchorMismatch):
        Ledger(log, sink).anchor()
    assert log.anchors(6, log.root(6)) == ()
