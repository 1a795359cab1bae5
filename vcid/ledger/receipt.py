"""Receipts: offline proof that a credential is recorded in its issuer's log.

A receipt holds the leaf (index and entry), its inclusion proof, the signed
checkpoint the proof leads to, and the checkpoint's anchors::

    {"type": "VcidLogReceipt/v1", "logId": "registry.example/births",
     "leaf": {"index": 41, "entry": "<base64>", "hash": "<base64>"},
     "inclusion": {"treeSize": 100, "hashes": ["<base64>", ...]},
     "checkpoint": "registry.example/births\\n100\\n<base64 root>\\ntime ...\\n\\n— ...\\n",
     "anchors": [{"kind": "evm", ...}]}

Base64 is standard and padded (RFC 4648 §4), as in the checkpoint.
:func:`check_receipt` checks one against a credential and returns named
checks; it never raises for a bad receipt.

**Which key signs the checkpoint.** The checkpoint's signature line is named
by the log origin (C2SP tlog-checkpoint §Signatures) and made with an
Ed25519 key listed under ``assertionMethod`` in the issuer's DID document:
the same keys that may sign the issuer's credentials may sign its log.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from vcid._json import JsonObject, JsonValue
from vcid.did import DIDDocument
from vcid.environment import VerificationEnvironment
from vcid.errors import (
    AnchorMismatch,
    AnchorNotFinal,
    ControllerMismatch,
    InvalidConsistencyProof,
    InvalidError,
    InvalidSignature,
    LeafMismatch,
    LedgerFormatError,
    LogEntryNotFound,
    LogInconsistent,
    NotYetValid,
    UsageError,
    VcidError,
)
from vcid.keys import KeyType, PublicKey
from vcid.ledger import merkle
from vcid.ledger.anchor import AnchorRef, AnchorStatus
from vcid.ledger.entry import EntryType, LogEntry, credential_commitment
from vcid.ledger.log import TransparencyLog
from vcid.ledger.note import SignedCheckpoint
from vcid.model import require_aware
from vcid.report import Check

__all__ = [
    "MAX_ANCHORS",
    "RECEIPT_TYPE",
    "AnchorReader",
    "Receipt",
    "check_receipt",
    "receipt_for",
]

RECEIPT_TYPE: Final = "VcidLogReceipt/v1"
#: The most anchor references a receipt may carry.
MAX_ANCHORS: Final = 16
_KEYS: Final = frozenset({"type", "logId", "leaf", "inclusion", "checkpoint", "anchors"})


class AnchorReader(Protocol):
    """Reads anchors (an :class:`~vcid.ledger.anchor.AnchorSink` is one)."""

    def status(self, ref: AnchorRef) -> AnchorStatus: ...

    def find_anchor(self, *, origin: str, tree_size: int) -> AnchorRef | None: ...


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, what: str) -> bytes:
    if not isinstance(value, str) or len(value) > 4096:
        raise LedgerFormatError(f"{what} must be a base64 string")
    try:
        data = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise LedgerFormatError(f"{what} is not base64") from None
    if _b64(data) != value:
        raise LedgerFormatError(f"{what} is not canonical base64")
    return data


def _object(value: object, what: str, keys: frozenset[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise LedgerFormatError(f"{what} must be a JSON object")
    if set(value) != keys:
        raise LedgerFormatError(f"{what} must have exactly the members {', '.join(sorted(keys))}")
    return value


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LedgerFormatError(f"{what} must be a non-negative integer")
    if value > merkle.MAX_TREE_SIZE:
        raise LedgerFormatError(f"{what} is out of range")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """A leaf, its inclusion proof, the signed checkpoint and its anchors.

    :raises UsageError: if the parts do not fit together (origin, size,
        index out of the tree, too many hashes or anchors).
    """

    index: int
    entry: LogEntry
    inclusion: tuple[bytes, ...]
    checkpoint: SignedCheckpoint
    anchors: tuple[AnchorRef, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.entry, LogEntry):
            raise UsageError("entry must be a LogEntry")
        if not isinstance(self.checkpoint, SignedCheckpoint):
            raise UsageError("checkpoint must be a SignedCheckpoint")
        size = self.checkpoint.checkpoint.tree_size
        if isinstance(self.index, bool) or not isinstance(self.index, int):
            raise UsageError("index must be an int")
        if not 0 <= self.index < size:
            raise UsageError("the leaf index is not inside the checkpoint's tree")
        object.__setattr__(self, "inclusion", tuple(self.inclusion))
        if len(self.inclusion) > merkle.MAX_PROOF_HASHES or not all(
            isinstance(h, bytes) and len(h) == merkle.HASH_SIZE for h in self.inclusion
        ):
            raise UsageError("an inclusion proof is at most 64 hashes of 32 bytes")
        object.__setattr__(self, "anchors", tuple(self.anchors))
        if len(self.anchors) > MAX_ANCHORS or not all(
            isinstance(a, AnchorRef) for a in self.anchors
        ):
            raise UsageError(f"a receipt has at most {MAX_ANCHORS} AnchorRef values")

    @property
    def origin(self) -> str:
        return self.checkpoint.checkpoint.origin

    @property
    def leaf_hash(self) -> bytes:
        return self.entry.leaf_hash

    def to_json(self) -> JsonObject:
        """The receipt as JSON (see the module docstring)."""
        hashes: list[JsonValue] = [_b64(h) for h in self.inclusion]
        anchors: list[JsonValue] = [a.to_json() for a in self.anchors]
        return {
            "type": RECEIPT_TYPE,
            "logId": self.origin,
            "leaf": {
                "index": self.index,
                "entry": _b64(self.entry.to_bytes()),
                "hash": _b64(self.leaf_hash),
            },
            "inclusion": {"treeSize": self.checkpoint.checkpoint.tree_size, "hashes": hashes},
            "checkpoint": self.checkpoint.text,
            "anchors": anchors,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, object]) -> Receipt:
        """Parse a receipt strictly: exact members, canonical base64, parts that agree.

        :raises LedgerFormatError: for anything else.
        """
        doc = _object(value, "receipt", _KEYS)
        if doc["type"] != RECEIPT_TYPE:
            raise LedgerFormatError(f"receipt type must be {RECEIPT_TYPE}")
        if not isinstance(doc["checkpoint"], str):
            raise LedgerFormatError("receipt checkpoint must be a signed note string")
        checkpoint = SignedCheckpoint.parse(doc["checkpoint"])
        if doc["logId"] != checkpoint.checkpoint.origin:
            raise LedgerFormatError("receipt logId differs from the checkpoint origin")
        leaf = _object(doc["leaf"], "receipt leaf", frozenset({"index", "entry", "hash"}))
        entry = LogEntry.from_bytes(_unb64(leaf["entry"], "leaf entry"))
        if _unb64(leaf["hash"], "leaf hash") != entry.leaf_hash:
            raise LedgerFormatError("leaf hash is not the hash of the leaf entry")
        inclusion = _object(
            doc["inclusion"], "receipt inclusion", frozenset({"treeSize", "hashes"})
        )
        if _int(inclusion["treeSize"], "treeSize") != checkpoint.checkpoint.tree_size:
            raise LedgerFormatError("inclusion treeSize differs from the checkpoint size")
        hashes = inclusion["hashes"]
        if not isinstance(hashes, list) or len(hashes) > merkle.MAX_PROOF_HASHES:
            raise LedgerFormatError("inclusion hashes must be a list of at most 64 hashes")
        proof = tuple(_unb64(h, "inclusion hash") for h in hashes)
        if any(len(h) != merkle.HASH_SIZE for h in proof):
            raise LedgerFormatError("inclusion hashes are 32 bytes")
        anchors = doc["anchors"]
        if not isinstance(anchors, list) or len(anchors) > MAX_ANCHORS:
            raise LedgerFormatError(f"anchors must be a list of at most {MAX_ANCHORS}")
        refs = []
        for item in anchors:
            if not isinstance(item, Mapping):
                raise LedgerFormatError("an anchor must be a JSON object")
            try:
                refs.append(AnchorRef.from_json(item))
            except VcidError as exc:
                raise LedgerFormatError(f"anchor: {exc}") from None
        try:
            return cls(
                index=_int(leaf["index"], "leaf index"),
                entry=entry,
                inclusion=proof,
                checkpoint=checkpoint,
                anchors=tuple(refs),
            )
        except UsageError as exc:
            raise LedgerFormatError(str(exc)) from None


def receipt_for(
    log: TransparencyLog, commitment: bytes, *, checkpoint: SignedCheckpoint | None = None
) -> Receipt:
    """The receipt of ``commitment`` against ``checkpoint`` (default: the latest).

    The first entry with this commitment is used; the log's recorded anchors
    of that checkpoint are included.

    :raises LogEntryNotFound: if the commitment is not in the log, or the
        checkpoint does not cover it yet.
    :raises LogInconsistent: if the log's proof does not verify (a broken store).
    :raises UsageError: for a commitment that is not 32 bytes, or a
        checkpoint of another log.
    """
    if not isinstance(commitment, bytes) or len(commitment) != 32:
        raise UsageError("a commitment is 32 bytes")
    index = log.index_of_commitment(commitment)
    if index is None:
        raise LogEntryNotFound("the commitment is not in the log")
    signed = checkpoint if checkpoint is not None else log.latest_checkpoint()
    if signed is None or signed.checkpoint.tree_size <= index:
        raise LogEntryNotFound("no checkpoint covers the entry yet")
    head = signed.checkpoint
    if head.origin != log.origin:
        raise UsageError("the checkpoint is of another log")
    entry = log.entry(index)
    proof = log.inclusion_proof(index, head.tree_size)
    try:
        merkle.verify_inclusion(entry.leaf_hash, index, head.tree_size, proof, head.root)
    except InvalidError:
        raise LogInconsistent("the log's own inclusion proof does not verify") from None
    return Receipt(
        index=index,
        entry=entry,
        inclusion=proof,
        checkpoint=signed,
        anchors=log.anchors(head.tree_size, head.root),
    )


# --- checking a receipt ---------------------------------------------------------------


def _issuer_id(credential: Mapping[str, object]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _assertion_keys(document: DIDDocument) -> list[PublicKey]:
    keys = []
    for vm_id in document.relationship("assertionMethod"):
        try:
            method = document.verification_method(vm_id, relationship="assertionMethod")
        except VcidError:
            continue  # another DID's method, or one that cannot verify
        if method.public_key.key_type is KeyType.ED25519:
            keys.append(method.public_key)
    return keys


def _run(name: str, step: Callable[[], str]) -> Check:
    """One check: passed with ``step``'s detail, or failed/indeterminate from its error."""
    try:
        return Check.passed(name, step())
    except VcidError as exc:
        return Check.from_error(name, exc)


def check_receipt(
    credential: Mapping[str, JsonValue],
    receipt: Mapping[str, object] | Receipt,
    *,
    environment: VerificationEnvironment,
    issuer: str,
    trusted_checkpoints: Sequence[SignedCheckpoint] = (),
    consistency: Callable[[int, int], Sequence[bytes]] | None = None,
    anchor_reader: AnchorReader | None = None,
    now: datetime,
) -> tuple[Check, ...]:
    """Check a log receipt for ``credential``; never raises for a bad receipt.

    Checks, in order: ``ledger.receipt`` (well formed), ``ledger.leaf`` (the
    leaf commits to this credential), ``ledger.inclusion`` (RFC 9162
    §2.1.3.2 against the checkpoint root), ``ledger.time`` (checkpoint not in
    the future, entry not after its checkpoint), ``ledger.checkpoint_signature``
    (signed under the origin's name by an Ed25519 ``assertionMethod`` key of
    ``issuer``), ``ledger.consistency`` (against each trusted checkpoint of
    the same log: no fork, no shrunk tree, a verifying RFC 9162 §2.1.4.2
    proof), ``ledger.anchor`` (the anchor found by ``anchor_reader`` matches
    and is final).

    :param environment: the verification environment: its resolver gives
        the issuer's DID document, its clock skew bounds checkpoint times.
    :param issuer: the credential's issuer DID, as already verified.
    :param trusted_checkpoints: checkpoints the verifier already holds (and
        verified); none means ``ledger.consistency`` is skipped.
    :param consistency: gives PROOF(old, new) between two sizes (for example
        :meth:`TransparencyLog.consistency_proof`, or a fetch from the log).
    :param anchor_reader: reads anchors on a chain or a synced cache; none
        means ``ledger.anchor`` is skipped.
    :raises UsageError: for a naive ``now`` or a bad argument type.
    """
    require_aware(now, "now")
    if not isinstance(credential, Mapping):
        raise UsageError("credential must be a JSON object")
    if not isinstance(issuer, str):
        raise UsageError("issuer must be a DID string")
    if not isinstance(environment, VerificationEnvironment):
        raise UsageError("environment must be a VerificationEnvironment")
    max_clock_skew = environment.max_clock_skew
    resolver = environment.resolver
    trusted = list(trusted_checkpoints)
    if not all(isinstance(cp, SignedCheckpoint) for cp in trusted):
        raise UsageError("trusted_checkpoints must be SignedCheckpoint values")

    if isinstance(receipt, Receipt):
        parsed = receipt
    else:
        try:
            parsed = Receipt.from_json(receipt)
        except VcidError as exc:
            return (Check.from_error("ledger.receipt", exc),)
    head = parsed.checkpoint.checkpoint
    checks = [Check.passed("ledger.receipt", "receipt is well formed")]

    def leaf() -> str:
        if parsed.entry.type is not EntryType.CREDENTIAL:
            raise LeafMismatch("the leaf does not record a credential")
        if credential_commitment(credential) != parsed.entry.commitment:
            raise LeafMismatch("the leaf commits to another credential")
        return "the leaf commits to this credential"

    def inclusion() -> str:
        merkle.verify_inclusion(
            parsed.leaf_hash, parsed.index, head.tree_size, parsed.inclusion, head.root
        )
        return f"leaf {parsed.index} is in the tree of {head.tree_size} entries"

    def time() -> str:
        if head.timestamp > now + max_clock_skew:
            raise NotYetValid("the checkpoint time is in the future")
        if parsed.entry.issued_at > head.timestamp + max_clock_skew:
            raise LogInconsistent("the entry time is after its checkpoint's time")
        return "checkpoint and entry times are in order"

    def signature() -> str:
        if _issuer_id(credential) != issuer:
            raise ControllerMismatch("the credential's issuer is not the given issuer")
        keys = _assertion_keys(resolver.resolve_document(issuer))
        if not keys:
            raise InvalidSignature("the issuer lists no Ed25519 assertionMethod key")
        parsed.checkpoint.verify_log_key(keys)
        return "checkpoint signed by an assertionMethod key of the issuer"

    checks.append(_run("ledger.leaf", leaf))
    checks.append(_run("ledger.inclusion", inclusion))
    checks.append(_run("ledger.time", time))
    checks.append(_run("ledger.checkpoint_signature", signature))
    checks.append(_consistency(parsed.checkpoint, trusted, consistency))
    checks.append(_anchor(parsed, anchor_reader))
    return tuple(checks)


def _consistency(
    signed: SignedCheckpoint,
    trusted: list[SignedCheckpoint],
    consistency: Callable[[int, int], Sequence[bytes]] | None,
) -> Check:
    name = "ledger.consistency"
    head = signed.checkpoint
    same_log = [cp.checkpoint for cp in trusted if cp.checkpoint.origin == head.origin]
    if not same_log:
        return Check.skipped(name, "no trusted checkpoint of this log")
    try:
        for other in same_log:
            if other.tree_size == head.tree_size:
                if other.root != head.root:
                    raise LogInconsistent(
                        "fork: a trusted checkpoint has the same size, another root"
                    )
                continue
            old, new = (head, other) if head.tree_size < other.tree_size else (other, head)
            if old.timestamp > new.timestamp:
                raise LogInconsistent("the tree shrank: a later checkpoint has fewer entries")
            if consistency is None:
                raise LogEntryNotFound("no consistency proof source for checkpoints of other sizes")
            try:
                proof = consistency(old.tree_size, new.tree_size)
            except VcidError:
                raise  # UsageError is a ValueError: keep its own code
            except (OSError, ValueError):
                raise LogEntryNotFound("the consistency proof could not be fetched") from None
            try:
                merkle.verify_consistency(old.tree_size, new.tree_size, proof, old.root, new.root)
            except UsageError:
                raise InvalidConsistencyProof("the consistency proof is malformed") from None
    except VcidError as exc:
        return Check.from_error(name, exc)
    return Check.passed(name, f"consistent with {len(same_log)} trusted checkpoint(s)")


def _anchor(receipt: Receipt, reader: AnchorReader | None) -> Check:
    name = "ledger.anchor"
    if reader is None:
        return Check.skipped(name, "no anchor reader configured")
    head = receipt.checkpoint.checkpoint
    try:
        for ref in receipt.anchors:
            ref.require_match(origin=head.origin, tree_size=head.tree_size, root=head.root)
        found = reader.find_anchor(origin=head.origin, tree_size=head.tree_size)
        if found is None:
            if receipt.anchors:
                raise AnchorMismatch("the receipt's anchor is not found on the chain")
            raise AnchorNotFinal("the checkpoint is not anchored")
        found.require_match(origin=head.origin, tree_size=head.tree_size, root=head.root)
        status = reader.status(found)
        if not status.final:
            raise AnchorNotFinal(
                f"the anchor is not final yet ({status.confirmations} confirmation(s))"
            )
    except VcidError as exc:
        return Check.from_error(name, exc)
    except (OSError, ValueError):
        return Check.from_error(name, AnchorNotFinal("the anchor could not be read"))
    return Check.passed(name, "the checkpoint is anchored and final")
