"""Ledger commands for registrar operators: ``vcid ledger ...``.

The log is an SQLite file (``--db``). ``init`` creates it; ``append`` adds
commitments (of credentials given as files, or as hex); ``checkpoint`` signs
the tree head with an Ed25519 key file; ``prove`` prints a credential's
receipt; ``verify-receipt`` checks one offline; ``consistency`` proves that
the log still extends an older checkpoint; ``anchor`` puts the latest
checkpoint on an EVM chain (needs the ``evm`` extra); ``info`` prints the
log's size and latest checkpoint.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TextIO

from vcid._json import JsonValue
from vcid.cli._common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Subcommands,
    datetime_option,
    print_json,
    read_json,
)
from vcid.cli._keys import read_key_option
from vcid.did import default_resolver, did_web_fetcher
from vcid.environment import VerificationEnvironment
from vcid.errors import InvalidError, UsageError, VcidError
from vcid.ledger import merkle
from vcid.ledger.entry import EntryType, LogEntry, credential_commitment
from vcid.ledger.ledger import Ledger
from vcid.ledger.note import MAX_NOTE_BYTES, SignedCheckpoint
from vcid.ledger.receipt import check_receipt, receipt_for
from vcid.ledger.sqlite import SQLiteLog
from vcid.report import VerificationReport

_TYPES: Final = {
    "credential": EntryType.CREDENTIAL,
    "status-list": EntryType.STATUS_LIST,
    "did-document": EntryType.DID_DOCUMENT,
    "key-event": EntryType.KEY_EVENT,
    "did-log-entry": EntryType.DID_LOG_ENTRY,
}
_HEX32: Final = re.compile(r"[0-9a-f]{64}")
_MAX_ETH_KEY_BYTES: Final = 4096


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _open(path: str) -> SQLiteLog:
    return SQLiteLog.open(path)


def _now(value: str | None, name: str) -> datetime:
    given = datetime_option(value, name)
    return given if given is not None else datetime.now(UTC)


def _commitment(text: str) -> bytes:
    value = text.lower().removeprefix("0x")
    if not _HEX32.fullmatch(value):
        raise UsageError("--commitment must be 64 hex digits (a SHA-256 hash)")
    return bytes.fromhex(value)


def _commitments(args: argparse.Namespace) -> list[bytes]:
    values = [_commitment(text) for text in args.commitment or ()]
    values += [credential_commitment(read_json(path)) for path in args.credential or ()]
    if not values:
        raise UsageError("give --credential FILE or --commitment HEX")
    return values


def _read_checkpoint(path: str) -> SignedCheckpoint:
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return SignedCheckpoint.parse(data)
    except VcidError as exc:
        raise type(exc)(f"{path}: {exc}") from None


# --- commands ---------------------------------------------------------------------


def _init(args: argparse.Namespace, out: TextIO) -> int:
    with SQLiteLog.create(args.db, origin=args.origin) as log:
        print_json({"origin": log.origin, "size": log.size}, out)
    return EXIT_OK


def _append(args: argparse.Namespace, out: TextIO) -> int:
    commitments = _commitments(args)
    issued_at = _now(args.time, "--time")
    entries = [LogEntry.at(_TYPES[args.type], c, issued_at) for c in commitments]
    with _open(args.db) as log:
        refs = log.append(entries)
    for ref in refs:
        print_json({"index": ref.index, "leafHash": _b64(ref.leaf_hash)}, out)
    return EXIT_OK


def _checkpoint(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_option(args.key)
    with _open(args.db) as log:
        signed = log.checkpoint(key.signer, now=_now(args.now, "--now"))
    out.write(signed.text)
    return EXIT_OK


def _prove(args: argparse.Namespace, out: TextIO) -> int:
    commitments = _commitments(args)
    if len(commitments) != 1:
        raise UsageError("prove takes one --credential or --commitment")
    with _open(args.db) as log:
        checkpoint = None
        if args.tree_size is not None:
            checkpoint = log.checkpoint_at(args.tree_size)
            if checkpoint is None:
                raise UsageError("the log has no checkpoint of that size")
        receipt = receipt_for(log, commitments[0], checkpoint=checkpoint)
    print_json(receipt.to_json(), out)
    return EXIT_OK


def _verify_receipt(args: argparse.Namespace, out: TextIO) -> int:
    credential = read_json(args.credential)
    receipt = read_json(args.receipt)
    issuer = args.issuer
    if issuer is None:
        value = credential.get("issuer")
        issuer = value.get("id") if isinstance(value, dict) else value
        if not isinstance(issuer, str):
            raise UsageError("the credential has no issuer id: give --issuer DID")
    trusted = [_read_checkpoint(path) for path in args.trusted or ()]
    now = _now(args.now, "--now")
    environment = VerificationEnvironment(resolver=default_resolver(web_fetcher=did_web_fetcher()))
    if args.db is not None:
        with _open(args.db) as log:
            checks = check_receipt(
                credential,
                receipt,
                environment=environment,
                issuer=issuer,
                trusted_checkpoints=trusted,
                consistency=log.consistency_proof,
                now=now,
            )
    else:
        checks = check_receipt(
            credential,
            receipt,
            environment=environment,
            issuer=issuer,
            trusted_checkpoints=trusted,
            now=now,
        )
    report = VerificationReport("receipt", checks)
    if args.json:
        print_json(report.to_json(), out)
    else:
        out.write(report.to_text() + "\n")
    return EXIT_OK if report.verified else EXIT_NOT_VERIFIED


def _consistency(args: argparse.Namespace, out: TextIO) -> int:
    old = _read_checkpoint(args.old)
    with _open(args.db) as log:
        new = _read_checkpoint(args.new) if args.new else log.latest_checkpoint()
        if new is None:
            raise UsageError("the log has no checkpoint yet")
        for head in (old, new):
            if head.checkpoint.origin != log.origin:
                raise UsageError("a checkpoint is of another log")
        a, b = old.checkpoint, new.checkpoint
        if a.tree_size > b.tree_size:
            a, b = b, a
        if b.tree_size > log.size:
            raise UsageError("a checkpoint is larger than the log")
        proof = log.consistency_proof(a.tree_size, b.tree_size)
    result: dict[str, JsonValue] = {
        "oldSize": a.tree_size,
        "newSize": b.tree_size,
        "proof": [_b64(h) for h in proof],
    }
    try:
        merkle.verify_consistency(a.tree_size, b.tree_size, proof, a.root, b.root)
    except InvalidError as exc:
        result["consistent"] = False
        result["reason"] = f"{exc.code}: {exc}"
        print_json(result, out)
        return EXIT_NOT_VERIFIED
    result["consistent"] = True
    print_json(result, out)
    return EXIT_OK


def _anchor(args: argparse.Namespace, out: TextIO) -> int:
    try:
        evm = importlib.import_module("vcid.ledger.evm")
        web3_module = importlib.import_module("web3")
        account_module = importlib.import_module("eth_account")
    except (ImportError, VcidError):
        raise UsageError("anchoring needs the evm extra: pip install 'vcid[evm]'") from None
    try:
        with Path(args.eth_key).open("rb") as handle:
            secret = handle.read(_MAX_ETH_KEY_BYTES + 1).decode("ascii").strip()
        account = account_module.Account.from_key(secret)
    except OSError as exc:
        raise UsageError(f"cannot read {args.eth_key}: {exc.strerror}") from None
    except Exception:  # never echo anything about a secret
        raise UsageError(f"{args.eth_key} is not a hex secp256k1 private key") from None
    web3 = web3_module.Web3(web3_module.Web3.HTTPProvider(args.rpc))
    sink = evm.EVMAnchor(web3, contract_address=args.contract.lower(), account=account)
    with _open(args.db) as log:
        ref = Ledger(log, sink).anchor()
    print_json(ref.to_json(), out)
    return EXIT_OK


def _info(args: argparse.Namespace, out: TextIO) -> int:
    with _open(args.db) as log:
        latest = log.latest_checkpoint()
        print_json(
            {
                "origin": log.origin,
                "size": log.size,
                "checkpoint": None if latest is None else latest.text,
            },
            out,
        )
    return EXIT_OK


# --- registration ------------------------------------------------------------------


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="the log's SQLite file")


def _inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--credential", action="append", metavar="FILE", help="a signed credential (repeatable)"
    )
    parser.add_argument(
        "--commitment", action="append", metavar="HEX", help="a 32-byte commitment in hex"
    )


def register(commands: Subcommands) -> None:
    """Add ``vcid ledger ...`` to the ``vcid`` parser."""
    group = commands.add_parser("ledger", help="the issuer's transparency log", description=__doc__)
    sub = group.add_subparsers(dest="ledger_command", required=True, parser_class=type(group))

    p = sub.add_parser("init", help="create a log file")
    _db(p)
    p.add_argument("--origin", required=True, help="the log's origin, e.g. registry.example/births")
    p.set_defaults(handler=_init)

    p = sub.add_parser("append", help="append commitments (one transaction)")
    _db(p)
    _inputs(p)
    p.add_argument("--type", choices=sorted(_TYPES), default="credential")
    p.add_argument("--time", help="the entry time (default: now)")
    p.set_defaults(handler=_append)

    p = sub.add_parser("checkpoint", help="sign a checkpoint of the whole log")
    _db(p)
    p.add_argument("--key", required=True, help="an Ed25519 key file of the issuer")
    p.add_argument("--now", help="the checkpoint time (default: now)")
    p.set_defaults(handler=_checkpoint)

    p = sub.add_parser("prove", help="print the receipt of a credential")
    _db(p)
    _inputs(p)
    p.add_argument("--tree-size", type=int, help="prove against this checkpoint size")
    p.set_defaults(handler=_prove)

    p = sub.add_parser("verify-receipt", help="check a receipt offline")
    p.add_argument("--receipt", required=True, help="the receipt JSON file")
    p.add_argument("--credential", required=True, help="the signed credential")
    p.add_argument("--issuer", help="the issuer DID (default: the credential's issuer)")
    p.add_argument(
        "--trusted", action="append", metavar="FILE", help="a checkpoint already trusted"
    )
    p.add_argument("--db", help="a copy of the log, to prove consistency with --trusted")
    p.add_argument("--now", help="the verification time (default: now)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=_verify_receipt)

    p = sub.add_parser("consistency", help="prove the log extends an older checkpoint")
    _db(p)
    p.add_argument("--old", required=True, help="the older signed checkpoint file")
    p.add_argument("--new", help="the newer checkpoint file (default: the latest)")
    p.set_defaults(handler=_consistency)

    p = sub.add_parser("anchor", help="anchor the latest checkpoint on an EVM chain")
    _db(p)
    p.add_argument("--rpc", required=True, help="the node's JSON-RPC URL")
    p.add_argument("--contract", required=True, help="the VcidAnchor contract address")
    p.add_argument("--eth-key", required=True, help="a file holding the submitter's hex key")
    p.set_defaults(handler=_anchor)

    p = sub.add_parser("info", help="print the log's origin, size and latest checkpoint")
    _db(p)
    p.set_defaults(handler=_info)


__all__ = ["register"]
