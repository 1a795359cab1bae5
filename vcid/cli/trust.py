"""Trust list commands for authorities and border posts: ``vcid trust list ...``.

``create`` writes a new, empty, unsigned list; ``add`` and ``remove`` edit
one entry (dropping any proof: sign again); ``sign`` signs it with the
authority's key file; ``check`` verifies lists against the trust anchors
(each list's proof, validity and authority) and ``query`` asks whether a DID
may issue a credential type, as ``vcid verify --trust`` does. Lists are
files (a border kit carries them, no network is needed) or https URLs.
``vcid trust serve`` answers TRQP v2 queries from lists on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TextIO

from vcid import _json
from vcid._json import JsonObject
from vcid.accreditation import TrustQuery
from vcid.cli._common import (
    CONTEXT_HELP,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Subcommands,
    datetime_option,
    jsonld_processor,
    print_json,
    read_json,
    serve_loopback,
)
from vcid.cli._keys import read_key_option
from vcid.cli._verifying import ANCHOR_HELP, TRUST_HELP, trust_registry
from vcid.cli._verifying import environment as build_environment
from vcid.environment import system_clock
from vcid.errors import UsageError
from vcid.model import format_datetime
from vcid.proofs import SUPPORTED_SUITES
from vcid.status import BitstringStatusChecker, FolderFetcher
from vcid.trust import (
    Accreditation,
    sign_trust_list,
    trust_list_credential,
    with_accreditation,
    without_accreditation,
)
from vcid.trust.trqp import TRQPService, trqp_handler


def _write(path: str, document: JsonObject) -> None:
    """Write ``document`` to ``path`` atomically (a kit never holds half a list)."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(_json.dumps(document) + "\n")
        Path(temp).replace(target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


# --- commands -------------------------------------------------------------------


def _create(args: argparse.Namespace, out: TextIO) -> int:
    if Path(args.file).exists():
        raise UsageError(f"refusing to overwrite existing file {args.file}")
    valid_from = datetime_option(args.valid_from, "--valid-from")
    if valid_from is None:
        raise UsageError("--valid-from is required")
    document = trust_list_credential(
        issuer=args.issuer,
        accreditations=[],
        list_id=args.id,
        valid_from=valid_from,
        valid_until=datetime_option(args.valid_until, "--valid-until"),
    )
    _write(args.file, document)
    out.write(f"{args.file}\n")
    return EXIT_OK


def _add(args: argparse.Namespace, out: TextIO) -> int:
    document = read_json(args.file)
    status = read_json(args.status_entry) if args.status_entry else None
    accreditation = Accreditation(
        entity=args.entity,
        credential_types=frozenset(args.type),
        jurisdictions=frozenset(args.jurisdiction),
        valid_from=datetime_option(args.valid_from, "--valid-from"),
        valid_until=datetime_option(args.valid_until, "--valid-until"),
        status=status,
    )
    _write(args.file, with_accreditation(document, accreditation))
    out.write(f"{args.entity} added; the list is unsigned until 'vcid trust list sign'\n")
    return EXIT_OK


def _remove(args: argparse.Namespace, out: TextIO) -> int:
    document = read_json(args.file)
    _write(args.file, without_accreditation(document, args.entity))
    out.write(f"{args.entity} removed; the list is unsigned until 'vcid trust list sign'\n")
    return EXIT_OK


def _sign(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_option(args.key)
    document = read_json(args.file)
    created = datetime_option(args.created, "--created") or system_clock()
    signed = sign_trust_list(
        document,
        key=key,
        jsonld=jsonld_processor(args.context),
        created=created,
        cryptosuite=args.cryptosuite,
    )
    _write(args.out or args.file, signed)
    out.write(f"signed by {key.verification_method}\n")
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    environment = build_environment(args, with_trust=False)
    registry = trust_registry(args.files, args.trust_anchor)
    assert registry is not None
    now = datetime_option(args.now, "--now") or environment.moment()
    results = registry.check_lists(now=now, environment=environment)
    for result in results:
        print_json(
            {
                "id": result.trust_list.id,
                "issuer": result.trust_list.issuer,
                "accreditations": len(result.trust_list.accreditations),
                "usable": result.problem is None,
                "problem": result.problem,
            },
            out,
        )
    return EXIT_OK if all(r.problem is None for r in results) else EXIT_NOT_VERIFIED


def _query(args: argparse.Namespace, out: TextIO) -> int:
    environment = build_environment(args, with_trust=False)
    registry = trust_registry(args.trust, args.trust_anchor, status_checker=_status(args))
    assert registry is not None
    now = datetime_option(args.now, "--now") or environment.moment()
    time = datetime_option(args.time, "--time") or now
    query = TrustQuery(
        entity=args.entity,
        credential_type=args.type,
        jurisdiction=args.jurisdiction,
        time=time,
    )
    answer = registry.query(query, now=now, environment=environment)
    print_json(
        {
            "authorized": answer.authorised,
            "reason": answer.reason.value,
            "chain": answer.describe_chain(),
            "detail": answer.detail,
            "time_evaluated": format_datetime(now),
        },
        out,
    )
    return EXIT_OK if answer.authorised else EXIT_NOT_VERIFIED


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    registry = trust_registry(args.trust, args.trust_anchor, status_checker=_status(args))
    assert registry is not None  # --trust and --trust-anchor are required
    service = TRQPService(
        registry,
        environment=build_environment(args, with_trust=False),
        authority_id=args.trust_anchor[0],
    )
    return serve_loopback(
        trqp_handler(service),
        port=args.port,
        cert=args.cert,
        key=args.key,
        banner="TRQP v2",
        out=out,
    )


def _status(args: argparse.Namespace) -> BitstringStatusChecker | None:
    if args.status_dir is None:
        return None
    if args.status_base_url is None:
        raise UsageError("--status-dir needs --status-base-url (the lists' URL)")
    return BitstringStatusChecker(
        fetcher=FolderFetcher(args.status_dir, base_url=args.status_base_url)
    )


def register(commands: Subcommands) -> None:
    """Add ``vcid trust list create|add|remove|sign|check|query`` and ``vcid trust serve``."""
    trust = commands.add_parser("trust", help="trust lists: who may issue what")
    trust_commands = trust.add_subparsers(dest="trust_command", required=True)
    lists = trust_commands.add_parser("list", help="build, sign, check and query trust lists")
    list_commands = lists.add_subparsers(dest="list_command", required=True)

    create = list_commands.add_parser("create", help="write a new, empty, unsigned trust list")
    create.add_argument("--issuer", required=True, help="the authority's DID")
    create.add_argument("--id", required=True, help="the list's id (URL or urn:uuid:)")
    create.add_argument("--valid-from", required=True, help="start of the list's validity")
    create.add_argument(
        "--valid-until", help="end of the list's validity (when kits need a new one)"
    )
    create.add_argument("file", help="the list file to create")
    create.set_defaults(handler=_create)

    add = list_commands.add_parser("add", help="add or replace an accreditation")
    add.add_argument("--entity", required=True, help="the accredited party's DID")
    add.add_argument(
        "--type",
        action="append",
        required=True,
        help="a credential type it may issue (repeatable; TrustListCredential to accredit others)",
    )
    add.add_argument(
        "--jurisdiction",
        action="append",
        required=True,
        help="an ISO 3166-1 alpha-2 or ISO 3166-2 code (repeatable)",
    )
    add.add_argument("--valid-from", help="start of the accreditation")
    add.add_argument("--valid-until", help="end of the accreditation")
    add.add_argument(
        "--status-entry", help="a BitstringStatusListEntry (JSON file) to revoke it by"
    )
    add.add_argument("file", help="the list file (edited in place, proof dropped)")
    add.set_defaults(handler=_add)

    remove = list_commands.add_parser("remove", help="remove an accreditation")
    remove.add_argument("--entity", required=True, help="the party's DID")
    remove.add_argument("file", help="the list file (edited in place, proof dropped)")
    remove.set_defaults(handler=_remove)

    sign = list_commands.add_parser("sign", help="sign a trust list with the authority's key")
    sign.add_argument("--key", required=True, help="the authority's key file")
    sign.add_argument(
        "--cryptosuite", choices=sorted(SUPPORTED_SUITES), help="default: by key type"
    )
    sign.add_argument("--created", help="the proof's creation time (default: now)")
    sign.add_argument("--out", help="write the signed list here (default: in place)")
    sign.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    sign.add_argument("file", help="the list file")
    sign.set_defaults(handler=_sign)

    check = list_commands.add_parser("check", help="verify trust lists against the anchors")
    check.add_argument("--trust-anchor", action="append", required=True, help=ANCHOR_HELP)
    check.add_argument("--now", help="check as of this time (default: now)")
    check.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    check.add_argument("files", nargs="+", help="the trust list files")
    check.set_defaults(handler=_check)

    query = list_commands.add_parser(
        "query", help="may a DID issue a credential type (TRQP authorization)?"
    )
    query.add_argument("--trust", action="append", required=True, help=TRUST_HELP)
    query.add_argument("--trust-anchor", action="append", required=True, help=ANCHOR_HELP)
    query.add_argument("--entity", required=True, help="the issuer's DID")
    query.add_argument("--type", required=True, help="the credential type")
    query.add_argument("--jurisdiction", help="the ISO 3166 code (default: any)")
    query.add_argument("--time", help="the issuance time asked about (default: now)")
    query.add_argument("--now", help="the verification time (default: now)")
    query.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    query.add_argument("--status-dir", help="accreditation status lists in this folder")
    query.add_argument("--status-base-url", help="the URL the folder's lists stand for")
    query.set_defaults(handler=_query)

    serve = trust_commands.add_parser(
        "serve", help="answer TRQP v2 /authorization and /recognition from trust lists"
    )
    serve.add_argument("--trust", action="append", required=True, help=TRUST_HELP)
    serve.add_argument(
        "--trust-anchor",
        action="append",
        required=True,
        help=ANCHOR_HELP + "; the first is the authority_id served",
    )
    serve.add_argument("--port", type=int, default=8444, help="the port (0: any free port)")
    serve.add_argument("--cert", help="TLS certificate chain (PEM); without it, plain HTTP")
    serve.add_argument("--key", help="TLS private key (PEM)")
    serve.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    serve.add_argument("--status-dir", help="accreditation status lists in this folder")
    serve.add_argument("--status-base-url", help="the URL the folder's lists stand for")
    serve.set_defaults(handler=_serve)


__all__ = ["register"]
