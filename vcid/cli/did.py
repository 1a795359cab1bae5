"""DID commands: ``vcid did resolve|create|update|witness|deactivate``.

``create``, ``update`` and ``deactivate`` write the ``did.jsonl`` a
registrar publishes for its did:webvh DID (did:webvh 1.0). Update keys are
key files (encrypted ones are opened with ``VCID_KEY_PASSPHRASE`` or a
prompt); ``--next-key`` commits to the keys of the next update
(pre-rotation); ``--assertion-key-out`` writes a new signing key bound to
the DID's next ``#key-N``, for ``vcid issue``. Each new entry's commitment
can go on the registrar's transparency log (``--ledger``), and the parallel
did:web document can be written beside the log (``--did-web``). ``witness``
adds a witness's approval of the latest entry to ``did-witness.json``
(publish it before the log).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from vcid._json import JsonObject, JsonValue
from vcid.cli._common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Subcommands,
    datetime_option,
    print_json,
)
from vcid.cli._keys import obtain_passphrase, read_key_option
from vcid.did import DIDWebvhMethod, StaticFetcher, default_resolver, parse_did
from vcid.did.resolution import ResolutionResult
from vcid.did.resolver import ResolverRegistry
from vcid.did.web import did_web_fetcher
from vcid.did.webvh import did_webvh_fetcher, webvh_base_url, webvh_log_url, webvh_witness_url
from vcid.did.webvh_log import (
    LogVersion,
    WitnessRule,
    create_entry,
    deactivate_entry,
    did_web_document,
    next_key_hash,
    update_entry,
    verify_log,
    witness_proof,
)
from vcid.errors import DIDSyntaxError, UsageError, VcidError
from vcid.keyfile import KeyFile, write_key_file
from vcid.keys import KeyType, PrivateKey
from vcid.ledger.entry import EntryType, LogEntry, did_log_commitment
from vcid.ledger.sqlite import SQLiteLog

_MAX_LOG_BYTES = 4 * 1024 * 1024
_CONTEXTS: list[JsonValue] = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
]


# --- helpers ----------------------------------------------------------------------


def _now(value: str | None, name: str) -> datetime:
    given = datetime_option(value, name)
    return given if given is not None else datetime.now(UTC).replace(microsecond=0)


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_LOG_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror}") from None
    if len(data) > _MAX_LOG_BYTES:
        raise UsageError(f"{what} {path} is larger than {_MAX_LOG_BYTES} bytes")
    return data


def _witness_path(log: Path) -> Path:
    return log.with_name("did-witness.json")


def _read_log(path: str, now: datetime) -> list[LogVersion]:
    """The verified versions of a local ``did.jsonl`` (refused if any entry fails)."""
    log = Path(path)
    witness = _witness_path(log)
    witness_body = _read_bytes(witness, "witness file") if witness.exists() else None
    verified = verify_log(_read_bytes(log, "log"), now=now, witness_file=witness_body)
    if verified.error is not None:
        raise verified.error
    return list(verified.versions)


def _ed25519(key_file: KeyFile, option: str) -> PrivateKey:
    if key_file.key.key_type is not KeyType.ED25519:
        raise UsageError(f"{option}: did:webvh 1.0 update keys are Ed25519")
    return key_file.key


def _update_key(path: str, option: str = "--update-key") -> PrivateKey:
    return _ed25519(read_key_option(path), option)


def _multikey(key: PrivateKey) -> str:
    return key.public_key.to_multibase()


def _next_hashes(paths: list[str]) -> list[str]:
    return [next_key_hash(_multikey(_update_key(p, "--next-key"))) for p in paths]


def _new_assertion_keys(
    paths: list[str], document: JsonObject, *, plaintext: bool
) -> list[tuple[str, KeyFile]]:
    """New Ed25519 keys bound to the document's next free ``#key-N`` ids."""
    did = str(document["id"])
    taken = {
        str(m.get("id"))
        for m in document.get("verificationMethod") or []  # type: ignore[union-attr]
        if isinstance(m, dict)
    }
    out: list[tuple[str, KeyFile]] = []
    number = 1
    for path in paths:
        if Path(path).exists():
            raise UsageError(f"refusing to overwrite existing key file {path}")
        while f"{did}#key-{number}" in taken:
            number += 1
        vm_id = f"{did}#key-{number}"
        taken.add(vm_id)
        out.append(
            (
                path,
                KeyFile(
                    key=PrivateKey.generate(KeyType.ED25519),
                    verification_method=vm_id,
                    controller=did,
                ),
            )
        )
    return out


def _add_methods(document: JsonObject, keys: list[tuple[str, KeyFile]]) -> None:
    methods = list(document.get("verificationMethod") or [])  # type: ignore[arg-type]
    assertion = list(document.get("assertionMethod") or [])  # type: ignore[arg-type]
    authentication = list(document.get("authentication") or [])  # type: ignore[arg-type]
    for _, key_file in keys:
        methods.append(
            {
                "id": key_file.verification_method,
                "type": "Multikey",
                "controller": key_file.controller,
                "publicKeyMultibase": key_file.public_key.to_multibase(),
            }
        )
        assertion.append(key_file.verification_method)
        authentication.append(key_file.verification_method)
    document["verificationMethod"] = methods
    document["assertionMethod"] = assertion
    document["authentication"] = authentication


def _remove_methods(document: JsonObject, ids: list[str]) -> None:
    did = str(document["id"])
    wanted = {i if not i.startswith("#") else did + i for i in ids}
    methods = [
        m
        for m in document.get("verificationMethod") or []  # type: ignore[union-attr]
        if not (isinstance(m, dict) and m.get("id") in wanted)
    ]
    missing = wanted - {
        str(m.get("id"))
        for m in document.get("verificationMethod") or []  # type: ignore[union-attr]
        if isinstance(m, dict)
    }
    if missing:
        raise UsageError(f"--remove-method: the document has no {sorted(missing)[0]}")
    document["verificationMethod"] = methods
    for name in ("assertionMethod", "authentication", "capabilityInvocation", "keyAgreement"):
        refs = document.get(name)
        if isinstance(refs, list):
            document[name] = [r for r in refs if r not in wanted]


def _edit_services(document: JsonObject, add: list[list[str]], remove: list[str]) -> None:
    did = str(document["id"])
    services = list(document.get("service") or [])  # type: ignore[arg-type]
    unwanted = {i if not i.startswith("#") else did + i for i in remove}
    kept = [s for s in services if not (isinstance(s, dict) and s.get("id") in unwanted)]
    if len(kept) != len(services) - len(unwanted):
        raise UsageError("--remove-service: the document has no such service")
    for ident, kind, endpoint in add:
        full = ident if not ident.startswith("#") else did + ident
        kept.append({"id": full, "type": kind, "serviceEndpoint": endpoint})
    if kept:
        document["service"] = kept
    else:
        document.pop("service", None)


def _write_keys(keys: list[tuple[str, KeyFile]], *, plaintext: bool) -> None:
    for path, key_file in keys:
        passphrase = None if plaintext else obtain_passphrase(path, confirm=True)
        write_key_file(key_file, path, passphrase=passphrase, allow_plaintext=plaintext)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _publish(
    args: argparse.Namespace, path: Path, versions: list[LogVersion], new: list[LogVersion]
) -> None:
    """Write the log; then log each new entry's commitment and the did:web copy."""
    _write_text(path, "".join(v.line + "\n" for v in versions))
    if args.ledger:
        entries = [
            LogEntry.at(EntryType.DID_LOG_ENTRY, did_log_commitment(v.line), v.version_time)
            for v in new
        ]
        with SQLiteLog.open(args.ledger) as ledger:
            ledger.append(entries)
    if args.did_web:
        latest = versions[-1]
        if latest.parameters.deactivated:
            raise UsageError("--did-web: a deactivated DID has no did:web document")
        base = webvh_base_url(parse_did(str(latest.document["id"])))
        _write_text(Path(args.did_web), _dumps(did_web_document(latest, files_url=base)))


def _dumps(value: JsonObject) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _report(versions: list[LogVersion], new: list[LogVersion], out: TextIO) -> None:
    for version in new:
        print_json(
            {
                "id": version.document.get("id"),
                "versionId": version.version_id,
                "versionTime": version.version_time_text,
                "commitment": did_log_commitment(version.line).hex(),
            },
            out,
        )
    del versions


# --- commands ---------------------------------------------------------------------


def _create(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.out)
    if path.exists():
        raise UsageError(f"refusing to overwrite existing log {path}")
    did = f"did:webvh:{{SCID}}:{args.domain}"
    try:
        webvh_base_url(parse_did(did.replace("{SCID}", "Q" * 46)))
    except (DIDSyntaxError, VcidError) as exc:
        raise UsageError(f"--domain: {exc}") from None
    signer = _update_key(args.update_key)
    witness = None
    if args.witness:
        threshold = args.witness_threshold or len(args.witness)
        witness = WitnessRule(threshold, tuple(args.witness))
    document: JsonObject = {"@context": list(_CONTEXTS), "id": did}
    keys = _new_assertion_keys(args.assertion_key_out, document, plaintext=args.plaintext)
    _add_methods(document, keys)
    first = create_entry(
        document,
        signer=signer,
        next_key_hashes=_next_hashes(args.next_key),
        witness=witness,
        portable=args.portable,
        version_time=_now(args.time, "--time"),
    )
    real_did = str(first.document["id"])
    bound = [
        (
            p,
            KeyFile(
                key=k.key,
                verification_method=k.verification_method.replace(did, real_did),
                controller=real_did,
            ),
        )
        for p, k in keys
    ]
    _write_keys(bound, plaintext=args.plaintext)
    _publish(args, path, [first], [first])
    _report([first], [first], out)
    return EXIT_OK


def _update(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.log)
    moment = _now(args.time, "--time")
    versions = _read_log(args.log, moment)
    previous = versions[-1]
    signer = _update_key(args.update_key)
    parameters: JsonObject = {}
    new_update_keys: list[JsonValue] = [
        _multikey(_update_key(p, "--new-update-key")) for p in args.new_update_key
    ]
    if previous.parameters.next_key_hashes:
        # Pre-rotation: each entry names its update keys and commits to the next.
        parameters["updateKeys"] = [_multikey(signer), *new_update_keys]
        parameters["nextKeyHashes"] = list[JsonValue](_next_hashes(args.next_key))
    else:
        if new_update_keys:
            parameters["updateKeys"] = new_update_keys
        if args.next_key:
            parameters["nextKeyHashes"] = list[JsonValue](_next_hashes(args.next_key))
    document = dict(previous.document)
    if args.replace_assertion_keys:
        existing = [
            str(m.get("id"))
            for m in document.get("verificationMethod") or []  # type: ignore[union-attr]
            if isinstance(m, dict)
        ]
        _remove_methods(document, existing)
    if args.remove_method:
        _remove_methods(document, args.remove_method)
    keys = _new_assertion_keys(args.assertion_key_out, document, plaintext=args.plaintext)
    _add_methods(document, keys)
    _edit_services(document, args.add_service, args.remove_service)
    version = update_entry(
        previous, signer=signer, document=document, parameters=parameters, version_time=moment
    )
    _write_keys(keys, plaintext=args.plaintext)
    _publish(args, path, [*versions, version], [version])
    _report(versions, [version], out)
    return EXIT_OK


def _deactivate(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.log)
    moment = _now(args.time, "--time")
    versions = _read_log(args.log, moment + timedelta(seconds=1))
    new = list(
        deactivate_entry(versions[-1], signer=_update_key(args.update_key), version_time=moment)
    )
    args.did_web = None
    _publish(args, path, [*versions, *new], new)
    _report(versions, new, out)
    return EXIT_OK


def _witness(args: argparse.Namespace, out: TextIO) -> int:
    log = Path(args.log)
    moment = _now(args.time, "--time")
    verified = verify_log(_read_bytes(log, "log"), now=moment, check_witnesses=False)
    if verified.error is not None:
        raise verified.error
    latest = verified.latest
    signer = _update_key(args.key, "--key")
    ident = f"did:key:{_multikey(signer)}"
    if latest.witness is None or ident not in latest.witness.witnesses:
        raise UsageError(f"--key: {ident} is not a witness of the latest entry")
    path = Path(args.witness_file) if args.witness_file else _witness_path(log)
    items: list[dict[str, object]] = []
    if path.exists():
        loaded = json.loads(_read_bytes(path, "witness file"))
        if not isinstance(loaded, list):
            raise UsageError(f"{path} is not a did-witness.json list")
        items = [i for i in loaded if isinstance(i, dict)]
    # Keep one proof per witness: its newest approval covers every earlier entry.
    for item in items:
        proofs = item.get("proof")
        if isinstance(proofs, list):
            item["proof"] = [
                p
                for p in proofs
                if not (
                    isinstance(p, dict)
                    and str(p.get("verificationMethod", "")).startswith(ident + "#")
                )
            ]
    items = [i for i in items if i.get("proof")]
    proof = witness_proof(latest, signer, created=moment)
    entry = next((i for i in items if i.get("versionId") == latest.version_id), None)
    if entry is None:
        items.append({"versionId": latest.version_id, "proof": [proof]})
    else:
        entry["proof"] = [*entry["proof"], proof]  # type: ignore[misc]
    _write_text(path, json.dumps(items, indent=2) + "\n")
    print_json({"versionId": latest.version_id, "witness": ident}, out)
    return EXIT_OK


def _resolver(args: argparse.Namespace) -> ResolverRegistry:
    if args.log is None:
        return default_resolver(web_fetcher=did_web_fetcher(), webvh_fetcher=did_webvh_fetcher())
    try:
        did = parse_did(args.did)
        url, witness_url = webvh_log_url(did), webvh_witness_url(did)
    except VcidError as exc:
        raise UsageError(f"--log is for did:webvh DIDs: {exc}") from None
    log = Path(args.log)
    files = {url: _read_bytes(log, "log")}
    witness = Path(args.witness_file) if args.witness_file else _witness_path(log)
    if witness.exists():
        files[witness_url] = _read_bytes(witness, "witness file")
    return ResolverRegistry([DIDWebvhMethod(StaticFetcher(files), cache_ttl=0)])


def _did_resolve(args: argparse.Namespace, out: TextIO) -> int:
    version_time = datetime_option(args.version_time, "--version-time")
    result = _resolver(args).resolve(
        args.did, version_id=args.version_id, version_time=version_time
    )
    if result.did_document is None:
        message = result.resolution_metadata.get("errorMessage")
        detail = f" ({message})" if isinstance(message, str) and message else ""
        sys.stderr.write(f"vcid: cannot resolve DID: {result.error}{detail}\n")
        if args.json_errors:
            print_json(_result_json(None, result), out)
        return EXIT_NOT_VERIFIED
    print_json(_result_json(result.did_document.to_json(), result), out)
    return EXIT_OK


def _result_json(document: JsonObject | None, result: ResolutionResult) -> JsonObject:
    return {
        "didDocument": document,
        "didDocumentMetadata": result.document_metadata,
        "didResolutionMetadata": result.resolution_metadata,
    }


# --- parser -----------------------------------------------------------------------


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--time", help="the entry's versionTime (default: now)")
    parser.add_argument(
        "--ledger", help="append each new entry's commitment to this transparency log (SQLite)"
    )
    parser.add_argument("--did-web", help="also write the parallel did:web document here")


def _key_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--assertion-key-out",
        action="append",
        default=[],
        metavar="FILE",
        help="write a new Ed25519 signing key here, bound to the DID's next #key-N "
        "(assertionMethod and authentication; repeatable)",
    )
    parser.add_argument(
        "--next-key",
        action="append",
        default=[],
        metavar="FILE",
        help="commit to this key file for the next update (pre-rotation; repeatable)",
    )
    parser.add_argument("--plaintext", action="store_true", help="write new key files unencrypted")


def register(commands: Subcommands) -> None:
    """Add ``vcid did``: resolve, create, update, deactivate."""
    did = commands.add_parser("did", help="DIDs (resolve; did:webvh create, update, deactivate)")
    did_commands = did.add_subparsers(dest="did_command", required=True)

    resolve = did_commands.add_parser("resolve", help="resolve a DID")
    resolve.add_argument("did")
    resolve.add_argument("--version-id", help="resolve this version (did:webvh)")
    resolve.add_argument("--version-time", help="resolve the version in force at this time")
    resolve.add_argument("--log", help="a local did.jsonl for the did:webvh DID (offline)")
    resolve.add_argument(
        "--witness-file", help="its did-witness.json (default: beside --log, if present)"
    )
    resolve.add_argument(
        "--json-errors", action="store_true", help="also print a failed result as JSON"
    )
    resolve.set_defaults(handler=_did_resolve)

    create = did_commands.add_parser("create", help="create a did:webvh DID (a new did.jsonl)")
    create.add_argument(
        "--domain",
        required=True,
        help="where the log is published: example.com, example.com%%3A8443 or "
        "example.com:dids:registrar",
    )
    create.add_argument("--update-key", required=True, help="the Ed25519 key file that signs")
    create.add_argument("--out", required=True, help="the did.jsonl to write")
    create.add_argument(
        "--witness", action="append", default=[], help="a witness did:key (repeatable)"
    )
    create.add_argument("--witness-threshold", type=int, help="approvals needed (default: all)")
    create.add_argument("--portable", action="store_true", help="allow the DID to move later")
    _key_outputs(create)
    _outputs(create)
    create.set_defaults(handler=_create)

    update = did_commands.add_parser("update", help="append a new version to a did.jsonl")
    update.add_argument("--log", required=True, help="the did.jsonl (verified, then appended)")
    update.add_argument(
        "--update-key",
        required=True,
        help="an authorised Ed25519 key file (with pre-rotation: a committed next key)",
    )
    update.add_argument(
        "--new-update-key", action="append", default=[], help="another update key (repeatable)"
    )
    update.add_argument(
        "--replace-assertion-keys",
        action="store_true",
        help="remove every verification method first (a rotation)",
    )
    update.add_argument(
        "--remove-method", action="append", default=[], help="remove this method id (#key-1)"
    )
    update.add_argument(
        "--add-service",
        action="append",
        nargs=3,
        default=[],
        metavar=("ID", "TYPE", "ENDPOINT"),
        help="add a service (repeatable)",
    )
    update.add_argument(
        "--remove-service", action="append", default=[], help="remove this service id"
    )
    _key_outputs(update)
    _outputs(update)
    update.set_defaults(handler=_update)

    witness = did_commands.add_parser(
        "witness", help="approve the latest entry of a did.jsonl as one of its witnesses"
    )
    witness.add_argument("--log", required=True, help="the did.jsonl (verified first)")
    witness.add_argument("--key", required=True, help="the witness's Ed25519 key file")
    witness.add_argument(
        "--witness-file", help="the did-witness.json to update (default: beside --log)"
    )
    witness.add_argument("--time", help="the proof's created time (default: now)")
    witness.set_defaults(handler=_witness)

    deactivate = did_commands.add_parser("deactivate", help="deactivate a did:webvh DID")
    deactivate.add_argument("--log", required=True, help="the did.jsonl")
    deactivate.add_argument("--update-key", required=True, help="an authorised key file")
    deactivate.add_argument("--time", help="the entry's versionTime (default: now)")
    deactivate.add_argument("--ledger", help="append the commitments to this log (SQLite)")
    deactivate.set_defaults(handler=_deactivate)


__all__ = ["register"]
