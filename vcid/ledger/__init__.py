"""Transparency logs of credential commitments, and their anchors on a chain.

An issuer appends a 32-byte commitment per credential (and per status list
or DID document version) to its append-only Merkle log (RFC 9162 §2.1),
signs checkpoints (C2SP tlog-checkpoint), anchors some of them elsewhere,
and hands out receipts that a verifier checks offline. Nothing personal is
ever written: entries hold hashes of signed documents and times.

The SQLite log (:mod:`vcid.ledger.sqlite`) is the embedded default;
:mod:`vcid.ledger.postgres` (psycopg) and :mod:`vcid.ledger.evm` (web3.py)
are optional and imported on their own.
"""

from __future__ import annotations

from vcid.ledger.anchor import AnchorRef, AnchorSink, AnchorStatus, NoAnchor
from vcid.ledger.entry import EntryType, LogEntry, credential_commitment
from vcid.ledger.ledger import Ledger
from vcid.ledger.log import LeafRef, TransparencyLog
from vcid.ledger.merkle import verify_consistency, verify_inclusion
from vcid.ledger.note import Checkpoint, NoteKey, SignedCheckpoint, sign_checkpoint
from vcid.ledger.receipt import RECEIPT_TYPE, Receipt, check_receipt, receipt_for
from vcid.ledger.sqlite import SQLiteLog

__all__ = [
    "RECEIPT_TYPE",
    "AnchorRef",
    "AnchorSink",
    "AnchorStatus",
    "Checkpoint",
    "EntryType",
    "LeafRef",
    "Ledger",
    "LogEntry",
    "NoAnchor",
    "NoteKey",
    "Receipt",
    "SQLiteLog",
    "SignedCheckpoint",
    "TransparencyLog",
    "check_receipt",
    "credential_commitment",
    "receipt_for",
    "sign_checkpoint",
    "verify_consistency",
    "verify_inclusion",
]
