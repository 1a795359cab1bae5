"""Anchors: publishing a log checkpoint's (origin hash, tree size, root) elsewhere.

An :class:`AnchorSink` takes the three public facts of a signed checkpoint
(C2SP signed-note body: origin, tree size, root hash) and records them
somewhere the issuer cannot rewrite: an EVM contract (:mod:`vcid.ledger.evm`),
later OpenTimestamps or a Timestamp service. Only hashes and sizes leave the
issuer: the origin is sent as ``SHA-256(origin)``, never as text, and nothing
from a credential is ever anchored.

:class:`AnchorRef` is the portable reference to one anchor, as it appears in
a receipt; :class:`NoAnchor` is the embedded default, which anchors nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from vcid._json import JsonObject
from vcid.errors import AnchorMismatch, MalformedInputError, UsageError

__all__ = [
    "MAX_ORIGIN_BYTES",
    "MAX_TREE_SIZE",
    "NONE_KIND",
    "AnchorRef",
    "AnchorSink",
    "AnchorStatus",
    "NoAnchor",
    "log_id_hash",
]

#: The ``kind`` of an anchor that anchors nothing (:class:`NoAnchor`).
NONE_KIND = "none"
#: Tree sizes are ``uint64`` on chain (RFC 9162 tree sizes are 64-bit too).
MAX_TREE_SIZE = 2**64 - 1
#: The longest accepted log origin, in UTF-8 bytes.
MAX_ORIGIN_BYTES = 1024
#: Block numbers, chain ids and log indexes are bounded to what a JSON number
#: carries exactly (2**53 - 1), far above any real chain.
_MAX_SAFE_INT = 2**53 - 1

_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")
_ADDRESS = re.compile(r"0x[0-9a-f]{40}")
_HASH32 = re.compile(r"0x[0-9a-f]{64}")
_ZERO_ADDRESS = "0x" + "00" * 20
_ZERO_HASH = "0x" + "00" * 32

_FIELDS = (
    "kind",
    "chainId",
    "contract",
    "txHash",
    "blockNumber",
    "logIndex",
    "submitter",
    "logIdHash",
    "treeSize",
    "root",
)


def log_id_hash(origin: str) -> str:
    """The on-chain log id of a log origin: ``"0x" + SHA-256(origin UTF-8).hex()``.

    :param origin: the checkpoint origin line (C2SP signed-note / tlog-checkpoint).
    :raises UsageError: when ``origin`` is not a non-empty single line of at most
        :data:`MAX_ORIGIN_BYTES` bytes.
    """
    return "0x" + hashlib.sha256(_check_origin(origin).encode("utf-8")).hexdigest()


def _check_origin(origin: object) -> str:
    if not isinstance(origin, str) or not origin:
        raise UsageError("origin must be a non-empty string")
    if "\n" in origin or "\r" in origin:
        raise UsageError("origin must be a single line")
    if len(origin.encode("utf-8", errors="surrogatepass")) > MAX_ORIGIN_BYTES:
        raise UsageError(f"origin is longer than {MAX_ORIGIN_BYTES} bytes")
    return origin


def _check_tree_size(tree_size: object) -> int:
    if isinstance(tree_size, bool) or not isinstance(tree_size, int):
        raise UsageError("tree_size must be an int")
    if not 0 <= tree_size <= MAX_TREE_SIZE:
        raise UsageError("tree_size must be a uint64")
    return tree_size


def _check_root(root: object) -> bytes:
    if not isinstance(root, bytes) or len(root) != 32:
        raise UsageError("root must be 32 bytes")
    return root


@dataclass(frozen=True, slots=True, kw_only=True)
class AnchorRef:
    """Where one checkpoint (log id hash, tree size, root) was anchored.

    Hex values are in one canonical form: ``0x`` and lowercase hex digits
    (addresses 20 bytes, hashes 32 bytes). A :data:`NONE_KIND` reference has
    chain id 0 and all-zero addresses and hashes.

    :param kind: the anchor backend (``"evm"``, ``"none"``).
    :param chain_id: the EIP-155 chain id.
    :param contract: the anchoring contract's address.
    :param tx_hash: the anchoring transaction's hash.
    :param block_number: the block that includes the transaction.
    :param log_index: the ``TreeHead`` event's index in that block.
    :param submitter: the address that signed the transaction (to be matched
        against the issuer's DID document by a verifier).
    :param log_id_hash: ``SHA-256(origin)``, see :func:`log_id_hash`.
    :param tree_size: the checkpoint's tree size.
    :param root: the checkpoint's 32-byte root hash (RFC 9162 §2.1.1).
    :raises MalformedInputError: when a field is out of range or not canonical.
    """

    kind: str
    chain_id: int
    contract: str
    tx_hash: str
    block_number: int
    log_index: int
    submitter: str
    log_id_hash: str
    tree_size: int
    root: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not _KIND.fullmatch(self.kind):
            raise MalformedInputError("anchor kind must match [a-z][a-z0-9-]{0,31}")
        for name in ("chain_id", "block_number", "log_index"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise MalformedInputError(f"anchor {name} must be an integer")
            if not 0 <= value <= _MAX_SAFE_INT:
                raise MalformedInputError(f"anchor {name} is out of range")
        if (
            isinstance(self.tree_size, bool)
            or not isinstance(self.tree_size, int)
            or not 0 <= self.tree_size <= MAX_TREE_SIZE
        ):
            raise MalformedInputError("anchor tree_size must be a uint64")
        for name in ("contract", "submitter"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
                raise MalformedInputError(f"anchor {name} must be 0x and 40 lowercase hex digits")
        for name in ("tx_hash", "log_id_hash"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _HASH32.fullmatch(value):
                raise MalformedInputError(f"anchor {name} must be 0x and 64 lowercase hex digits")
        if not isinstance(self.root, bytes) or len(self.root) != 32:
            raise MalformedInputError("anchor root must be 32 bytes")

    def matches(self, *, origin: str, tree_size: int, root: bytes) -> bool:
        """Whether this reference anchors exactly ``(origin, tree_size, root)``.

        :raises UsageError: for a malformed origin, tree size or root.
        """
        return (
            self.log_id_hash == log_id_hash(origin)
            and self.tree_size == _check_tree_size(tree_size)
            and self.root == _check_root(root)
        )

    def require_match(self, *, origin: str, tree_size: int, root: bytes) -> None:
        """Raise unless this reference anchors exactly ``(origin, tree_size, root)``.

        :raises AnchorMismatch: naming the field that differs (never a value).
        :raises UsageError: for a malformed origin, tree size or root.
        """
        if self.log_id_hash != log_id_hash(origin):
            raise AnchorMismatch("anchor is for another log (log id hash differs)")
        if self.tree_size != _check_tree_size(tree_size):
            raise AnchorMismatch("anchor is for another tree size")
        if self.root != _check_root(root):
            raise AnchorMismatch("anchor root differs from the checkpoint root")

    def to_json(self) -> JsonObject:
        """The JSON form used in receipts (camelCase keys, ``0x`` hex)."""
        return {
            "kind": self.kind,
            "chainId": self.chain_id,
            "contract": self.contract,
            "txHash": self.tx_hash,
            "blockNumber": self.block_number,
            "logIndex": self.log_index,
            "submitter": self.submitter,
            "logIdHash": self.log_id_hash,
            "treeSize": self.tree_size,
            "root": "0x" + self.root.hex(),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, object]) -> AnchorRef:
        """Parse the form :meth:`to_json` writes; unknown or missing keys are errors.

        :raises MalformedInputError: for a missing, unknown or malformed field.
        """
        if not isinstance(value, Mapping):
            raise MalformedInputError("anchor reference must be a JSON object")
        keys = set(value)
        missing = [k for k in _FIELDS if k not in keys]
        if missing:
            raise MalformedInputError(f"anchor reference lacks {', '.join(missing)}")
        unknown = sorted(str(k) for k in keys - set(_FIELDS))
        if unknown:
            raise MalformedInputError(f"anchor reference has unknown keys {', '.join(unknown)}")
        root = value["root"]
        if not isinstance(root, str) or not _HASH32.fullmatch(root):
            raise MalformedInputError("anchor root must be 0x and 64 lowercase hex digits")
        return cls(
            kind=value["kind"],  # type: ignore[arg-type]  # checked in __post_init__
            chain_id=value["chainId"],  # type: ignore[arg-type]
            contract=value["contract"],  # type: ignore[arg-type]
            tx_hash=value["txHash"],  # type: ignore[arg-type]
            block_number=value["blockNumber"],  # type: ignore[arg-type]
            log_index=value["logIndex"],  # type: ignore[arg-type]
            submitter=value["submitter"],  # type: ignore[arg-type]
            log_id_hash=value["logIdHash"],  # type: ignore[arg-type]
            tree_size=value["treeSize"],  # type: ignore[arg-type]
            root=bytes.fromhex(root[2:]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AnchorStatus:
    """How settled an anchor is.

    :param confirmations: blocks on top of the anchoring block, counting it
        (1 once mined); 0 when the anchor is not (or no longer) on the chain.
    :param final: whether the chain can no longer revert it (the ``finalized``
        block tag, or the configured confirmation depth on a dev node).
    """

    confirmations: int
    final: bool

    def __post_init__(self) -> None:
        if isinstance(self.confirmations, bool) or not isinstance(self.confirmations, int):
            raise MalformedInputError("confirmations must be an integer")
        if self.confirmations < 0:
            raise MalformedInputError("confirmations must not be negative")
        if not isinstance(self.final, bool):
            raise MalformedInputError("final must be a bool")

    def to_json(self) -> JsonObject:
        return {"confirmations": self.confirmations, "final": self.final}


class AnchorSink(Protocol):
    """Somewhere checkpoints are anchored (the anchor half of a ledger)."""

    def anchor(self, *, origin: str, tree_size: int, root: bytes) -> AnchorRef:
        """Anchor one checkpoint; returns once the anchor is recorded.

        :raises AnchorRejected: when the anchor is refused (tree size does not grow,
            duplicate).
        :raises AnchorError: when the anchor could not be written.
        :raises UsageError: for a malformed origin, tree size or root.
        """
        ...

    def status(self, ref: AnchorRef) -> AnchorStatus:
        """The confirmations and finality of an anchor.

        :raises AnchorError: when the status cannot be read.
        """
        ...

    def find_anchor(self, *, origin: str, tree_size: int) -> AnchorRef | None:
        """The anchor of ``(origin, tree_size)`` by this sink's submitter, if any.

        :raises AnchorError: when the anchor cannot be looked up.
        """
        ...


@dataclass(frozen=True, slots=True)
class NoAnchor:
    """The embedded default sink: anchors nothing.

    :meth:`anchor` returns a :data:`NONE_KIND` reference (chain id 0, zero
    addresses and hashes) that records the checkpoint but proves nothing;
    :meth:`status` is never final; :meth:`find_anchor` finds nothing.
    """

    def anchor(self, *, origin: str, tree_size: int, root: bytes) -> AnchorRef:
        return AnchorRef(
            kind=NONE_KIND,
            chain_id=0,
            contract=_ZERO_ADDRESS,
            tx_hash=_ZERO_HASH,
            block_number=0,
            log_index=0,
            submitter=_ZERO_ADDRESS,
            log_id_hash=log_id_hash(origin),
            tree_size=_check_tree_size(tree_size),
            root=_check_root(root),
        )

    def status(self, ref: AnchorRef) -> AnchorStatus:
        if not isinstance(ref, AnchorRef):
            raise UsageError("ref must be an AnchorRef")
        return AnchorStatus(confirmations=0, final=False)

    def find_anchor(self, *, origin: str, tree_size: int) -> AnchorRef | None:
        log_id_hash(origin)
        _check_tree_size(tree_size)
        return None
