"""The transparency log protocol, and what its stored backends share.

A :class:`TransparencyLog` is an append-only Merkle log of
:class:`~vcid.ledger.entry.LogEntry` records (RFC 9162 §2.1) with signed
checkpoints (C2SP tlog-checkpoint). Backends: :class:`vcid.ledger.sqlite.SQLiteLog`
(embedded, one file) and :class:`vcid.ledger.postgres.PostgresLog` (several
writers). The anchor half lives in :mod:`vcid.ledger.anchor`; the two are
composed by :class:`vcid.ledger.ledger.Ledger`.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from vcid.errors import LogInconsistent, UsageError
from vcid.ledger import merkle
from vcid.ledger.anchor import AnchorRef
from vcid.ledger.entry import EntryType, LogEntry
from vcid.ledger.note import (
    Checkpoint,
    NoteSigner,
    SignedCheckpoint,
    check_key_name,
    sign_checkpoint,
)
from vcid.model import require_aware

__all__ = [
    "MAX_BATCH",
    "LeafRef",
    "StoredLog",
    "TransparencyLog",
    "check_entries",
    "next_checkpoint",
]

#: The most entries one :meth:`TransparencyLog.append` call takes (one transaction).
MAX_BATCH = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class LeafRef:
    """Where an entry is in the log: its index and leaf hash."""

    index: int
    leaf_hash: bytes


class TransparencyLog(Protocol):
    """The log half of a ledger: append, checkpoint, look up, prove."""

    @property
    def origin(self) -> str:
        """The log's identity: checkpoint origin line and signing key name."""
        ...

    @property
    def size(self) -> int:
        """The number of entries appended (a checkpoint may cover fewer)."""
        ...

    def append(self, entries: Sequence[LogEntry]) -> list[LeafRef]:
        """Append entries in one transaction; durable when this returns.

        Idempotent by leaf hash: an entry already in the log keeps its index.

        :raises UsageError: for an empty or too large batch, or a non-entry.
        """
        ...

    def append_credential(self, commitment: bytes, *, issued_at: datetime) -> int:
        """Append a credential entry (:func:`~vcid.ledger.entry.credential_commitment`)."""
        ...

    def append_credentials(self, commitments: Sequence[bytes], *, issued_at: datetime) -> list[int]:
        """Append several credential entries in one transaction (a batch)."""
        ...

    def append_status_list(self, commitment: bytes, *, issued_at: datetime) -> int:
        """Append a status list version entry (SHA-256 of the signed status list credential)."""
        ...

    def checkpoint(self, signer: NoteSigner, *, now: datetime) -> SignedCheckpoint:
        """Sign and store a checkpoint of the whole log; the size never decreases.

        :raises UsageError: if ``now`` is naive or before the latest checkpoint.
        """
        ...

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        """The newest stored checkpoint, if any."""
        ...

    def entry(self, index: int) -> LogEntry:
        """The entry at ``index``.

        :raises UsageError: if there is no such index.
        """
        ...

    def index_of(self, leaf_hash: bytes) -> int | None:
        """The index of the entry with this leaf hash, if any."""
        ...

    def index_of_commitment(self, commitment: bytes) -> int | None:
        """The lowest index of an entry with this commitment, if any."""
        ...

    def root(self, tree_size: int) -> bytes:
        """MTH of the first ``tree_size`` entries (RFC 9162 §2.1.1)."""
        ...

    def inclusion_proof(self, index: int, tree_size: int) -> tuple[bytes, ...]:
        """PATH(index, D[tree_size]) (RFC 9162 §2.1.3.1)."""
        ...

    def consistency_proof(self, old_size: int, new_size: int) -> tuple[bytes, ...]:
        """PROOF(old_size, D[new_size]) (RFC 9162 §2.1.4.1)."""
        ...

    def record_anchor(self, ref: AnchorRef) -> None:
        """Keep an anchor reference of one of this log's checkpoints (for receipts)."""
        ...

    def anchors(self, tree_size: int, root: bytes) -> tuple[AnchorRef, ...]:
        """The recorded anchors of the checkpoint ``(tree_size, root)``."""
        ...


def next_checkpoint(
    *,
    origin: str,
    previous: SignedCheckpoint | None,
    size: int,
    root: bytes,
    previous_root: bytes | None,
    signer: NoteSigner,
    now: datetime,
) -> SignedCheckpoint:
    """Sign the checkpoint that follows ``previous`` (a backend calls this under its lock).

    :param previous_root: the root the store computes now at ``previous``'s
        size; it must equal the root ``previous`` signed.
    :raises UsageError: if ``now`` is naive or earlier than ``previous``.
    :raises LogInconsistent: if the store no longer matches ``previous``, or
        would shrink.
    """
    require_aware(now, "now")
    if previous is not None:
        if previous.checkpoint.origin != origin:
            raise LogInconsistent("the stored checkpoint is for another origin")
        if size < previous.checkpoint.tree_size:
            raise LogInconsistent("the log is smaller than its latest checkpoint")
        if previous_root != previous.checkpoint.root:
            raise LogInconsistent("the stored tree no longer matches the latest checkpoint")
        if int(now.timestamp()) < previous.checkpoint.time:
            raise UsageError("now is before the latest checkpoint's time")
    checkpoint = Checkpoint(origin=origin, tree_size=size, root=root, timestamp=now)
    return sign_checkpoint(checkpoint, signer)


def check_entries(entries: Sequence[LogEntry]) -> list[LogEntry]:
    """Validate one batch; duplicates (same leaf hash) are kept once, first wins.

    :raises UsageError: for an empty or too large batch or a non-entry.
    """
    value: object = entries
    if isinstance(value, (bytes, str)) or not isinstance(value, Sequence):
        raise UsageError("entries must be a sequence of LogEntry")
    if not value:
        raise UsageError("append needs at least one entry")
    if len(value) > MAX_BATCH:
        raise UsageError(f"append takes at most {MAX_BATCH} entries at a time")
    batch: list[LogEntry] = []
    for entry in value:
        if not isinstance(entry, LogEntry):
            raise UsageError("entries must be LogEntry values")
        batch.append(entry)
    return batch


class StoredLog(abc.ABC):
    """What the SQL-backed logs share: conveniences and proofs over stored nodes."""

    def __init__(self, origin: str) -> None:
        self._origin = check_key_name(origin, "origin")

    @property
    def origin(self) -> str:
        return self._origin

    @property
    @abc.abstractmethod
    def size(self) -> int: ...

    @abc.abstractmethod
    def append(self, entries: Sequence[LogEntry]) -> list[LeafRef]: ...

    @abc.abstractmethod
    def nodes(self, keys: Sequence[merkle.NodeKey]) -> Mapping[merkle.NodeKey, bytes]: ...

    @abc.abstractmethod
    def checkpoint(self, signer: NoteSigner, *, now: datetime) -> SignedCheckpoint: ...

    @abc.abstractmethod
    def latest_checkpoint(self) -> SignedCheckpoint | None: ...

    @abc.abstractmethod
    def entry(self, index: int) -> LogEntry: ...

    @abc.abstractmethod
    def index_of(self, leaf_hash: bytes) -> int | None: ...

    @abc.abstractmethod
    def index_of_commitment(self, commitment: bytes) -> int | None: ...

    @abc.abstractmethod
    def record_anchor(self, ref: AnchorRef) -> None: ...

    @abc.abstractmethod
    def anchors(self, tree_size: int, root: bytes) -> tuple[AnchorRef, ...]: ...

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def append_credential(self, commitment: bytes, *, issued_at: datetime) -> int:
        entry = LogEntry.at(EntryType.CREDENTIAL, commitment, issued_at)
        return self.append([entry])[0].index

    def append_credentials(self, commitments: Sequence[bytes], *, issued_at: datetime) -> list[int]:
        if not commitments:
            return []
        entries = [LogEntry.at(EntryType.CREDENTIAL, c, issued_at) for c in commitments]
        return [ref.index for ref in self.append(entries)]

    def append_status_list(self, commitment: bytes, *, issued_at: datetime) -> int:
        entry = LogEntry.at(EntryType.STATUS_LIST, commitment, issued_at)
        return self.append([entry])[0].index

    def _check_tree_size(self, tree_size: int, name: str = "tree_size") -> int:
        if isinstance(tree_size, bool) or not isinstance(tree_size, int):
            raise UsageError(f"{name} must be an int")
        if not 0 <= tree_size <= self.size:
            raise UsageError(f"{name} must be between 0 and the log size")
        return tree_size

    def root(self, tree_size: int) -> bytes:
        return merkle.tree_root(self, self._check_tree_size(tree_size))

    def inclusion_proof(self, index: int, tree_size: int) -> tuple[bytes, ...]:
        return merkle.inclusion_proof(self, index, self._check_tree_size(tree_size))

    def consistency_proof(self, old_size: int, new_size: int) -> tuple[bytes, ...]:
        return merkle.consistency_proof(
            self,
            self._check_tree_size(old_size, "old_size"),
            self._check_tree_size(new_size, "new_size"),
        )

    @staticmethod
    def _missing(keys: Sequence[merkle.NodeKey], found: Mapping[merkle.NodeKey, bytes]) -> None:
        if len(found) != len(set(keys)):
            raise LogInconsistent("the log store is missing a tree node")
