"""Receipts: building them, their JSON form, and every check of check_receipt."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vcid._json import JsonObject
from vcid.demo import sample_birth_credential
from vcid.environment import VerificationEnvironment
from vcid.errors import LogEntryNotFound, UsageError
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.ledger.anchor import AnchorRef, AnchorStatus, log_id_hash
from vcid.ledger.entry import EntryType, LogEntry, credential_commitment
from vcid.ledger.ledger import Ledger
from vcid.ledger.note import sign_checkpoint
from vcid.ledger.receipt import RECEIPT_TYPE, Receipt, check_receipt, receipt_for
from vcid.ledger.sqlite import SQLiteLog
from vcid.report import Check, Outcome, Verdict, VerificationReport

ORIGIN = "registry.example/births"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=1)
REGISTRAR = KeyFile.generate(KeyType.ED25519)
PARENT = KeyFile.generate(KeyType.ED25519)
CREDENTIAL = issue(
    sample_birth_credential(REGISTRAR.controller, PARENT.controller),
    key=REGISTRAR,
    cryptosuite="eddsa-jcs-2022",
)
ENVIRONMENT = VerificationEnvironment()


def filler(i: int) -> bytes:
    return hashlib.sha256(b"other credential %d" % i).digest()


def build_log(
    path: Path, *, before: int = 5, after: int = 4, key: KeyFile = REGISTRAR
) -> SQLiteLog:
    """A log with ``before`` fillers, the credential, ``after`` fillers, one checkpoint at T0."""
    log = SQLiteLog(path, origin=ORIGIN)
    for i in range(before):
        log.append_credential(filler(i), issued_at=T0 - timedelta(hours=1))
    log.append_credential(credential_commitment(CREDENTIAL), issued_at=T0 - timedelta(minutes=5))
    for i in range(before, before + after):
        log.append_credential(filler(i), issued_at=T0 - timedelta(minutes=1))
    log.checkpoint(key.signer, now=T0)
    return log


@pytest.fixture
def log(tmp_path: Path) -> SQLiteLog:
    return build_log(tmp_path / "log.db")


def by_name(checks: tuple[Check, ...]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def check(
    receipt: Receipt | JsonObject,
    *,
    credential: JsonObject = CREDENTIAL,
    issuer: str = REGISTRAR.controller,
    **options: object,
) -> dict[str, Check]:
    return by_name(
        check_receipt(
            credential,
            receipt,
            environment=ENVIRONMENT,
            issuer=issuer,
            now=options.pop("now", NOW),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )
    )


def assert_fails(checks: dict[str, Check], name: str, code: str) -> None:
    assert checks[name].outcome is Outcome.FAILED, checks[name]
    assert checks[name].code == code


# --- building receipts ------------------------------------------------------------------


def test_a_receipt_holds_the_leaf_proof_and_checkpoint(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    assert receipt.index == 5
    assert receipt.entry.type is EntryType.CREDENTIAL
    assert receipt.entry.commitment == credential_commitment(CREDENTIAL)
    assert receipt.checkpoint == log.latest_checkpoint()
    assert receipt.anchors == ()
    data = receipt.to_json()
    assert data["type"] == RECEIPT_TYPE
    assert data["logId"] == ORIGIN
    assert Receipt.from_json(json.loads(json.dumps(data))) == receipt


def test_no_receipt_before_a_checkpoint_covers_the_entry(log: SQLiteLog) -> None:
    late = hashlib.sha256(b"issued after the checkpoint").digest()
    log.append_credential(late, issued_at=T0)
    with pytest.raises(LogEntryNotFound, match="no checkpoint covers"):
        receipt_for(log, late)
    with pytest.raises(LogEntryNotFound, match="not in the log"):
        receipt_for(log, hashlib.sha256(b"never logged").digest())
    with pytest.raises(UsageError):
        receipt_for(log, b"short")
    log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(minutes=1))
    assert receipt_for(log, late).index == 10


def test_a_receipt_against_an_older_checkpoint(log: SQLiteLog) -> None:
    first = log.latest_checkpoint()
    log.append_credential(filler(99), issued_at=T0)
    log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(minutes=1))
    receipt = receipt_for(log, credential_commitment(CREDENTIAL), checkpoint=first)
    assert receipt.checkpoint == first
    assert all(c.outcome in (Outcome.PASSED, Outcome.SKIPPED) for c in check(receipt).values())


# --- the positive path -------------------------------------------------------------------


def test_a_valid_receipt_passes_every_check(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    checks = check(receipt.to_json())
    assert list(checks) == [
        "ledger.receipt",
        "ledger.leaf",
        "ledger.inclusion",
        "ledger.time",
        "ledger.checkpoint_signature",
        "ledger.consistency",
        "ledger.anchor",
    ]
    assert {n: c.outcome for n, c in checks.items()} == {
        "ledger.receipt": Outcome.PASSED,
        "ledger.leaf": Outcome.PASSED,
        "ledger.inclusion": Outcome.PASSED,
        "ledger.time": Outcome.PASSED,
        "ledger.checkpoint_signature": Outcome.PASSED,
        "ledger.consistency": Outcome.SKIPPED,
        "ledger.anchor": Outcome.SKIPPED,
    }
    assert VerificationReport("receipt", tuple(checks.values())).verdict is Verdict.VALID


def test_check_receipt_does_not_mutate_its_inputs(log: SQLiteLog) -> None:
    data = receipt_for(log, credential_commitment(CREDENTIAL)).to_json()
    before, credential = copy.deepcopy(data), copy.deepcopy(CREDENTIAL)
    check(data)
    assert data == before
    assert credential == CREDENTIAL


# --- each negative -------------------------------------------------------------------------


def test_another_credential_fails_the_leaf_check(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    unsigned = sample_birth_credential(REGISTRAR.controller, PARENT.controller)
    unsigned["validFrom"] = "2026-01-06T09:00:00Z"
    other = issue(unsigned, key=REGISTRAR, cryptosuite="eddsa-jcs-2022")
    checks = check(receipt, credential=other)
    assert_fails(checks, "ledger.leaf", "LEAF_MISMATCH")
    assert checks["ledger.inclusion"].outcome is Outcome.PASSED


def test_a_leaf_of_another_type_fails_the_leaf_check(log: SQLiteLog) -> None:
    commitment = credential_commitment(CREDENTIAL)
    log.append([LogEntry(type=EntryType.STATUS_LIST, commitment=commitment, time=0)])
    receipt = receipt_for(log, commitment)
    as_status = replace(receipt, entry=replace(receipt.entry, type=EntryType.STATUS_LIST))
    assert_fails(check(as_status), "ledger.leaf", "LEAF_MISMATCH")


def test_an_altered_inclusion_proof_fails(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    flipped = bytes([receipt.inclusion[0][0] ^ 1]) + receipt.inclusion[0][1:]
    for proof in (
        (flipped, *receipt.inclusion[1:]),
        receipt.inclusion[:-1],
        (*receipt.inclusion, receipt.inclusion[0]),
    ):
        checks = check(replace(receipt, inclusion=proof))
        assert_fails(checks, "ledger.inclusion", "INVALID_INCLUSION_PROOF")
    assert_fails(check(replace(receipt, index=4)), "ledger.inclusion", "INVALID_INCLUSION_PROOF")


def test_a_wrong_root_fails_inclusion_and_signature(log: SQLiteLog) -> None:
    data = receipt_for(log, credential_commitment(CREDENTIAL)).to_json()
    head = log.latest_checkpoint()
    assert head is not None
    old_root = base64.b64encode(head.checkpoint.root).decode()
    data["checkpoint"] = str(data["checkpoint"]).replace(
        old_root, base64.b64encode(b"\x42" * 32).decode()
    )
    checks = check(data)
    assert_fails(checks, "ledger.inclusion", "INVALID_INCLUSION_PROOF")
    assert_fails(checks, "ledger.checkpoint_signature", "INVALID_SIGNATURE")


def test_a_forged_checkpoint_fails_the_signature_check(tmp_path: Path) -> None:
    """Someone else builds the same log and signs it with their own key."""
    forger = KeyFile.generate(KeyType.ED25519)
    forged = build_log(tmp_path / "forged.db", key=forger)
    checks = check(receipt_for(forged, credential_commitment(CREDENTIAL)))
    assert checks["ledger.inclusion"].outcome is Outcome.PASSED
    assert_fails(checks, "ledger.checkpoint_signature", "INVALID_SIGNATURE")


def test_a_checkpoint_signed_under_another_name_fails(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    head = receipt.checkpoint.checkpoint
    renamed = sign_checkpoint(head, REGISTRAR.signer, name="another.example/name")
    assert_fails(
        check(replace(receipt, checkpoint=renamed)),
        "ledger.checkpoint_signature",
        "INVALID_SIGNATURE",
    )


def test_the_issuer_must_be_the_credential_issuer_and_resolvable(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    other = KeyFile.generate(KeyType.ED25519).controller
    assert_fails(check(receipt, issuer=other), "ledger.checkpoint_signature", "CONTROLLER_MISMATCH")
    web = check(receipt, issuer="did:web:registry.example")
    assert web["ledger.checkpoint_signature"].outcome is Outcome.FAILED  # not the credential's
    credential = {**CREDENTIAL, "issuer": "did:web:registry.example"}
    unresolved = by_name(
        check_receipt(
            credential,
            receipt,
            environment=ENVIRONMENT,
            issuer="did:web:registry.example",
            now=NOW,
        )
    )
    assert unresolved["ledger.checkpoint_signature"].outcome is Outcome.INDETERMINATE


def test_a_checkpoint_from_the_future_fails_the_time_check(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    assert_fails(check(receipt, now=T0 - timedelta(hours=1)), "ledger.time", "NOT_YET_VALID")
    assert check(receipt, now=T0 - timedelta(minutes=4))["ledger.time"].outcome is Outcome.PASSED


def test_an_entry_dated_after_its_checkpoint_fails_the_time_check(tmp_path: Path) -> None:
    log = SQLiteLog(tmp_path / "log.db", origin=ORIGIN)
    log.append_credential(credential_commitment(CREDENTIAL), issued_at=T0 + timedelta(hours=2))
    log.checkpoint(REGISTRAR.signer, now=T0)
    checks = check(receipt_for(log, credential_commitment(CREDENTIAL)))
    assert_fails(checks, "ledger.time", "LOG_INCONSISTENT")


# --- consistency with checkpoints the verifier already holds -------------------------------


def test_a_newer_consistent_trusted_checkpoint_passes(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    log.append_credential(filler(50), issued_at=T0)
    newer = log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(hours=1))
    checks = check(receipt, trusted_checkpoints=[newer], consistency=log.consistency_proof)
    assert checks["ledger.consistency"].outcome is Outcome.PASSED
    # An older trusted checkpoint works the other way round.
    fresh = receipt_for(log, credential_commitment(CREDENTIAL))
    older = receipt.checkpoint
    checks = check(fresh, trusted_checkpoints=[older], consistency=log.consistency_proof)
    assert checks["ledger.consistency"].outcome is Outcome.PASSED
    # The same checkpoint is trivially consistent; another log's is ignored.
    assert check(receipt, trusted_checkpoints=[older])["ledger.consistency"].outcome is (
        Outcome.PASSED
    )


def test_without_a_proof_source_other_sizes_are_indeterminate(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    log.append_credential(filler(50), issued_at=T0)
    newer = log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(hours=1))
    checks = check(receipt, trusted_checkpoints=[newer])
    assert checks["ledger.consistency"].outcome is Outcome.INDETERMINATE


def test_a_fork_fails_consistency(tmp_path: Path, log: SQLiteLog) -> None:
    """The issuer signs two different trees of the same size: a split view."""
    trusted = log.latest_checkpoint()
    assert trusted is not None
    fork = build_log(tmp_path / "fork.db", before=3, after=6)  # same size, another order
    receipt = receipt_for(fork, credential_commitment(CREDENTIAL))
    assert receipt.checkpoint.checkpoint.tree_size == trusted.checkpoint.tree_size
    checks = check(receipt, trusted_checkpoints=[trusted])
    assert checks["ledger.checkpoint_signature"].outcome is Outcome.PASSED
    assert_fails(checks, "ledger.consistency", "LOG_INCONSISTENT")
    assert "fork" in checks["ledger.consistency"].detail


def test_a_shrunk_tree_fails_consistency(tmp_path: Path, log: SQLiteLog) -> None:
    """A later checkpoint with fewer entries (history rewritten) fails."""
    trusted = log.latest_checkpoint()
    assert trusted is not None
    shrunk = SQLiteLog(tmp_path / "shrunk.db", origin=ORIGIN)
    for i in range(5):
        shrunk.append_credential(filler(i), issued_at=T0 - timedelta(hours=1))
    shrunk.append_credential(credential_commitment(CREDENTIAL), issued_at=T0 - timedelta(minutes=5))
    shrunk.checkpoint(REGISTRAR.signer, now=T0 + timedelta(hours=2))  # later, 6 < 10 entries
    receipt = receipt_for(shrunk, credential_commitment(CREDENTIAL))
    checks = check(receipt, trusted_checkpoints=[trusted], consistency=log.consistency_proof)
    assert checks["ledger.inclusion"].outcome is Outcome.PASSED
    assert checks["ledger.checkpoint_signature"].outcome is Outcome.PASSED
    assert_fails(checks, "ledger.consistency", "LOG_INCONSISTENT")
    assert "shrank" in checks["ledger.consistency"].detail


def test_an_inconsistent_history_fails_the_consistency_proof(
    tmp_path: Path, log: SQLiteLog
) -> None:
    """A larger, later tree that does not extend the trusted one: no proof can join them."""
    trusted = log.latest_checkpoint()
    assert trusted is not None
    rewritten = build_log(tmp_path / "rewritten.db", before=2, after=12)
    receipt = receipt_for(rewritten, credential_commitment(CREDENTIAL))
    checks = check(receipt, trusted_checkpoints=[trusted], consistency=rewritten.consistency_proof)
    assert_fails(checks, "ledger.consistency", "INVALID_CONSISTENCY_PROOF")


def test_a_failing_proof_source_is_indeterminate(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    log.append_credential(filler(50), issued_at=T0)
    newer = log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(hours=1))

    def offline(old: int, new: int) -> list[bytes]:
        raise OSError("network unreachable")

    checks = check(receipt, trusted_checkpoints=[newer], consistency=offline)
    assert checks["ledger.consistency"].outcome is Outcome.INDETERMINATE


# --- anchors -----------------------------------------------------------------------------------


@dataclass
class MemorySink:
    """An in-process AnchorSink: a dict of anchors and a finality switch."""

    final: bool = True
    anchors: dict[tuple[str, int], AnchorRef] = field(default_factory=dict)

    def anchor(self, *, origin: str, tree_size: int, root: bytes) -> AnchorRef:
        ref = AnchorRef(
            kind="memory",
            chain_id=1,
            contract="0x" + "11" * 20,
            tx_hash="0x" + hashlib.sha256(root).hexdigest(),
            block_number=len(self.anchors) + 1,
            log_index=0,
            submitter="0x" + "22" * 20,
            log_id_hash=log_id_hash(origin),
            tree_size=tree_size,
            root=root,
        )
        self.anchors[(ref.log_id_hash, tree_size)] = ref
        return ref

    def status(self, ref: AnchorRef) -> AnchorStatus:
        return AnchorStatus(confirmations=3 if self.final else 1, final=self.final)

    def find_anchor(self, *, origin: str, tree_size: int) -> AnchorRef | None:
        return self.anchors.get((log_id_hash(origin), tree_size))


def anchored(log: SQLiteLog, sink: MemorySink) -> Receipt:
    Ledger(log, sink).anchor()
    return receipt_for(log, credential_commitment(CREDENTIAL))


def test_an_anchored_final_checkpoint_passes_the_anchor_check(log: SQLiteLog) -> None:
    sink = MemorySink()
    receipt = anchored(log, sink)
    assert len(receipt.anchors) == 1
    assert Receipt.from_json(receipt.to_json()) == receipt
    checks = check(receipt.to_json(), anchor_reader=sink)
    assert checks["ledger.anchor"].outcome is Outcome.PASSED


def test_an_anchor_that_is_not_final_is_indeterminate(log: SQLiteLog) -> None:
    sink = MemorySink(final=False)
    checks = check(anchored(log, sink), anchor_reader=sink)
    assert checks["ledger.anchor"].outcome is Outcome.INDETERMINATE
    assert checks["ledger.anchor"].code == "ANCHOR_NOT_FINAL"


def test_an_unanchored_checkpoint_is_indeterminate(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    checks = check(receipt, anchor_reader=MemorySink())
    assert checks["ledger.anchor"].outcome is Outcome.INDETERMINATE


def test_an_anchor_claimed_but_absent_on_chain_fails(log: SQLiteLog) -> None:
    receipt = anchored(log, MemorySink())
    assert_fails(check(receipt, anchor_reader=MemorySink()), "ledger.anchor", "ANCHOR_MISMATCH")


def test_an_anchor_of_another_root_fails(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    sink = MemorySink()
    sink.anchor(origin=ORIGIN, tree_size=10, root=b"\x13" * 32)  # someone anchored another root
    assert_fails(check(receipt, anchor_reader=sink), "ledger.anchor", "ANCHOR_MISMATCH")
    forged_ref = replace(anchored(log, MemorySink()).anchors[0], root=b"\x14" * 32)
    with_forged = replace(receipt, anchors=(forged_ref,))
    assert_fails(check(with_forged, anchor_reader=MemorySink()), "ledger.anchor", "ANCHOR_MISMATCH")


# --- malformed receipts ----------------------------------------------------------------------


def _mutations() -> list[tuple[str, Callable[[JsonObject], None]]]:
    def set_path(path: list[str], value: object) -> Callable[[JsonObject], None]:
        def apply(doc: JsonObject) -> None:
            target: dict[str, object] = doc  # type: ignore[assignment]
            for key in path[:-1]:
                target = target[key]  # type: ignore[assignment]
            target[path[-1]] = value

        return apply

    def delete(key: str) -> Callable[[JsonObject], None]:
        def apply(doc: JsonObject) -> None:
            del doc[key]

        return apply

    return [
        ("type", set_path(["type"], "VcidLogReceipt/v2")),
        ("no type", delete("type")),
        ("extra member", set_path(["extra"], 1)),
        ("logId", set_path(["logId"], "other.example/log")),
        ("index type", set_path(["leaf", "index"], "5")),
        ("negative index", set_path(["leaf", "index"], -1)),
        ("index beyond the tree", set_path(["leaf", "index"], 10)),
        ("bool index", set_path(["leaf", "index"], True)),
        ("entry not base64", set_path(["leaf", "entry"], "***")),
        ("entry short", set_path(["leaf", "entry"], base64.b64encode(b"\x01" * 41).decode())),
        ("hash mismatch", set_path(["leaf", "hash"], base64.b64encode(b"\x00" * 32).decode())),
        ("treeSize mismatch", set_path(["inclusion", "treeSize"], 11)),
        ("hashes not a list", set_path(["inclusion", "hashes"], "x")),
        ("short hash", set_path(["inclusion", "hashes"], [base64.b64encode(b"x").decode()])),
        (
            "too many hashes",
            set_path(["inclusion", "hashes"], [base64.b64encode(b"x" * 32).decode()] * 65),
        ),
        ("checkpoint not text", set_path(["checkpoint"], 5)),
        ("checkpoint unsigned", set_path(["checkpoint"], "registry.example/births\n1\n")),
        ("anchors not a list", set_path(["anchors"], {})),
        ("bad anchor", set_path(["anchors"], [{"kind": "evm"}])),
        ("unpadded base64", set_path(["leaf", "hash"], "AAAA" * 10 + "AAA")),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations())
def test_a_malformed_receipt_fails_the_receipt_check_only(
    log: SQLiteLog, name: str, mutate: Callable[[JsonObject], None]
) -> None:
    data = copy.deepcopy(receipt_for(log, credential_commitment(CREDENTIAL)).to_json())
    mutate(data)
    checks = check(data)
    assert list(checks) == ["ledger.receipt"], name
    assert checks["ledger.receipt"].outcome is Outcome.FAILED
    assert checks["ledger.receipt"].code in ("INVALID_LEDGER_DATA", "MALFORMED_INPUT")


def test_misuse_raises(log: SQLiteLog) -> None:
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    with pytest.raises(UsageError):
        check(receipt, now=datetime(2026, 3, 1))  # naive
    with pytest.raises(UsageError):
        check(receipt, trusted_checkpoints=["text"])
    with pytest.raises(UsageError):
        Receipt(index=0, entry=receipt.entry, inclusion=(), checkpoint="x")  # type: ignore[arg-type]


def test_reports_name_fields_never_personal_data(tmp_path: Path) -> None:
    forger = KeyFile.generate(KeyType.ED25519)
    forged = build_log(tmp_path / "forged.db", key=forger)
    receipt = receipt_for(forged, credential_commitment(CREDENTIAL))
    text = VerificationReport("receipt", tuple(check(receipt).values())).to_text()
    for value in ("Amara", "Okafor", "2019-04-12", "Chisinau", "MD-2019-004512"):
        assert value not in text
