"""Log entries: a versioned, fixed-size binary record of one commitment.

Wire format (42 bytes)::

    0x01 (version) || type (1 byte) || commitment (32 bytes) || time (uint64 BE, seconds)

The time is inside the leaf, so it is covered by the Merkle tree and cannot
be changed without detection (unlike Rekor's ``integratedTime``). A
commitment is a SHA-256 hash of high-entropy bytes, never of bare
attributes: nothing in an entry identifies a person.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from vcid._json import JsonValue
from vcid.canon.jcs import canonicalize
from vcid.errors import LedgerFormatError, UsageError
from vcid.ledger.merkle import leaf_hash
from vcid.model import require_aware

__all__ = [
    "ENTRY_SIZE",
    "ENTRY_VERSION",
    "EntryType",
    "LogEntry",
    "credential_commitment",
    "did_log_commitment",
]

ENTRY_VERSION: Final = 1
ENTRY_SIZE: Final = 1 + 1 + 32 + 8
_MAX_TIME: Final = 2**64 - 1


class EntryType(enum.IntEnum):
    """What an entry's commitment stands for."""

    CREDENTIAL = 1
    STATUS_LIST = 2
    DID_DOCUMENT = 3
    KEY_EVENT = 4
    #: One did:webvh log entry: ``SHA-256`` of its published line (see
    #: :func:`did_log_commitment`), so a rewritten DID history is detected.
    DID_LOG_ENTRY = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class LogEntry:
    """One log record: its type, 32-byte commitment and time (Unix seconds).

    :raises UsageError: for a commitment that is not 32 bytes, an unknown
        type or a time outside uint64.
    """

    type: EntryType
    commitment: bytes
    time: int

    def __post_init__(self) -> None:
        kind: object = self.type
        if not isinstance(kind, EntryType):
            if isinstance(kind, bool) or not isinstance(kind, int):
                raise UsageError("unknown log entry type")
            try:
                object.__setattr__(self, "type", EntryType(kind))
            except ValueError:
                raise UsageError("unknown log entry type") from None
        if not isinstance(self.commitment, bytes) or len(self.commitment) != 32:
            raise UsageError("a commitment is 32 bytes")
        if isinstance(self.time, bool) or not isinstance(self.time, int):
            raise UsageError("an entry time is an int (Unix seconds)")
        if not 0 <= self.time <= _MAX_TIME:
            raise UsageError("an entry time must fit in uint64")

    @classmethod
    def at(cls, type: EntryType, commitment: bytes, issued_at: datetime) -> LogEntry:
        """An entry for ``commitment`` at ``issued_at`` (truncated to seconds).

        :raises UsageError: for a naive or pre-1970 datetime.
        """
        require_aware(issued_at, "issued_at")
        seconds = int(issued_at.timestamp())
        if seconds < 0:
            raise UsageError("issued_at must not be before 1970")
        return cls(type=type, commitment=commitment, time=seconds)

    @property
    def issued_at(self) -> datetime:
        """The entry time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time, UTC)

    def to_bytes(self) -> bytes:
        """The 42-byte wire form."""
        return (
            bytes((ENTRY_VERSION, int(self.type))) + self.commitment + self.time.to_bytes(8, "big")
        )

    @property
    def leaf_hash(self) -> bytes:
        """``SHA-256(0x00 || entry bytes)`` (RFC 9162 §2.1.1)."""
        return leaf_hash(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> LogEntry:
        """Parse the wire form strictly: exact length, known version and type.

        :raises LedgerFormatError: for any other input.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise UsageError("a log entry is bytes")
        raw = bytes(data)
        if len(raw) != ENTRY_SIZE:
            raise LedgerFormatError(f"a log entry is {ENTRY_SIZE} bytes")
        if raw[0] != ENTRY_VERSION:
            raise LedgerFormatError("unknown log entry version")
        try:
            kind = EntryType(raw[1])
        except ValueError:
            raise LedgerFormatError("unknown log entry type") from None
        return cls(type=kind, commitment=raw[2:34], time=int.from_bytes(raw[34:], "big"))


def credential_commitment(signed_credential: Mapping[str, JsonValue]) -> bytes:
    """``SHA-256(JCS(signed credential))``: the commitment logged for a credential.

    The signed credential includes its proof, so the hash has the entropy of
    a signature and cannot be found by guessing a child's name or birth date.

    :raises UsageError: if ``signed_credential`` is not a mapping.
    :raises CanonicalizationError: if it is not JSON (RFC 8785).
    """
    if not isinstance(signed_credential, Mapping):
        raise UsageError("a credential is a JSON object")
    if "proof" not in signed_credential:
        raise UsageError("a commitment is made to a signed credential (it has no proof)")
    return hashlib.sha256(canonicalize(signed_credential)).digest()


def did_log_commitment(line: str | bytes) -> bytes:
    """``SHA-256`` of one published did:webvh log line (without its newline).

    The commitment logged for a DID version (:attr:`EntryType.DID_LOG_ENTRY`).
    The line is signed and public, and holds no personal data; a verifier
    holding a checkpoint can prove that each line of a ``did.jsonl`` was
    logged, so a history rewritten later (even with the update keys) shows.

    :raises UsageError: for a line with a newline in it.
    """
    data = line.encode("utf-8") if isinstance(line, str) else bytes(line)
    if b"\n" in data:
        raise UsageError("a did:webvh log line has no newline")
    return hashlib.sha256(data).digest()
