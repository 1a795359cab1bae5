"""Credential status with Bitstring Status List v1.0 (revocation, suspension, alerts).

* Issuer side: :class:`StatusListAllocator` gives each credential its
  ``credentialStatus`` entries (random indexes, lists of at least 131,072
  entries); :class:`StatusRegistry` revokes, suspends, reinstates, flags a
  child as reported missing and clears the flag, or sets any value of a
  multi-bit message entry (``statusSize`` > 1), signing a new list version
  each time and appending its commitment to the issuer's log; lists live in
  a :class:`StatusStore` (SQLite, or PostgreSQL for several writers).
* Verifier side: :class:`BitstringStatusChecker`, passed to
  ``CredentialVerifier(status_checker=...)``.
* Building blocks: :class:`StatusBitstring` (the GZIP + base64url codec),
  :func:`status_entry`, :func:`status_list_credential`,
  :func:`status_list_commitment`.

See https://www.w3.org/TR/vc-bitstring-status-list/ and ``docs/status.md``.
"""

from __future__ import annotations

from vcid.status.allocator import DEFAULT_PURPOSES, StatusListAllocator
from vcid.status.bitstring import (
    MAX_DECOMPRESSED_BYTES,
    MIN_ENTRIES,
    StatusBitstring,
    decode_bitstring,
    encode_bitstring,
)
from vcid.status.checker import (
    BitstringStatusChecker,
    MirrorFetcher,
    StatusListAnchor,
    StatusListFetcher,
    status_list_fetcher,
)
from vcid.status.credential import (
    CHILD_ALERT_MESSAGES,
    DEFAULT_MESSAGES,
    MISSING_CHILD_MESSAGE,
    STATUS_PURPOSES,
    MessageScheme,
    SigningKey,
    StatusEntry,
    StatusMessage,
    StatusPurpose,
    parse_message_scheme,
    parse_status_entry,
    parse_status_list,
    sign_status_list,
    status_entry,
    status_list_commitment,
    status_list_credential,
)
from vcid.status.folder import FolderFetcher
from vcid.status.registry import (
    CredentialStatus,
    StatusAction,
    StatusChange,
    StatusLog,
    StatusRegistry,
)
from vcid.status.store import StatusStore, open_postgres_store, open_sqlite_store

__all__ = [
    "CHILD_ALERT_MESSAGES",
    "DEFAULT_MESSAGES",
    "DEFAULT_PURPOSES",
    "MAX_DECOMPRESSED_BYTES",
    "MIN_ENTRIES",
    "MISSING_CHILD_MESSAGE",
    "STATUS_PURPOSES",
    "BitstringStatusChecker",
    "CredentialStatus",
    "FolderFetcher",
    "MessageScheme",
    "MirrorFetcher",
    "SigningKey",
    "StatusAction",
    "StatusBitstring",
    "StatusChange",
    "StatusEntry",
    "StatusListAllocator",
    "StatusListAnchor",
    "StatusListFetcher",
    "StatusLog",
    "StatusMessage",
    "StatusPurpose",
    "StatusRegistry",
    "StatusStore",
    "decode_bitstring",
    "encode_bitstring",
    "open_postgres_store",
    "open_sqlite_store",
    "parse_message_scheme",
    "parse_status_entry",
    "parse_status_list",
    "sign_status_list",
    "status_entry",
    "status_list_commitment",
    "status_list_credential",
    "status_list_fetcher",
]
