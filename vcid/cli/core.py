"""Core commands: ``key generate``, ``did resolve``, ``issue``, ``present``, ``verify``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from vcid.cli._common import (
    CONTEXT_HELP,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Subcommands,
    context_file_bytes,
    datetime_option,
    jsonld_processor,
    print_json,
    read_json,
)
from vcid.cli._keys import obtain_passphrase, read_key_option
from vcid.cli.trust import ANCHOR_HELP, TRUST_HELP, trust_registry
from vcid.did import default_resolver, did_web_fetcher
from vcid.errors import UsageError
from vcid.issuer import issue, present
from vcid.keyfile import KeyFile, write_key_file
from vcid.keys import KeyType
from vcid.proofs import SUPPORTED_SUITES
from vcid.status import BitstringStatusChecker, FolderFetcher, status_list_fetcher
from vcid.verifier import CredentialVerifier, VerificationEnvironment

# --- commands ---------------------------------------------------------------


def _key_generate(args: argparse.Namespace, out: TextIO) -> int:
    if Path(args.out).exists():  # before asking for a passphrase
        raise UsageError(f"refusing to overwrite existing key file {args.out}")
    passphrase = None if args.plaintext else obtain_passphrase(args.out, confirm=True)
    key_file = KeyFile.generate(KeyType(args.type))
    write_key_file(key_file, args.out, passphrase=passphrase, allow_plaintext=args.plaintext)
    out.write(f"{key_file.verification_method}\n")
    return EXIT_OK


def _did_resolve(args: argparse.Namespace, out: TextIO) -> int:
    result = default_resolver(web_fetcher=did_web_fetcher()).resolve(args.did)
    if result.did_document is None:
        sys.stderr.write(f"vcid: cannot resolve DID: {result.error}\n")
        return EXIT_NOT_VERIFIED
    print_json(
        {
            "didDocument": result.did_document.to_json(),
            "didDocumentMetadata": result.document_metadata,
            "didResolutionMetadata": result.resolution_metadata,
        },
        out,
    )
    return EXIT_OK


def _issue(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_option(args.key)
    credential = read_json(args.file)
    if "issuer" not in credential:
        credential = {**credential, "issuer": key.controller}
    signed = issue(
        credential,
        key=key,
        cryptosuite=args.cryptosuite,
        created=datetime_option(args.created, "--created"),
        jsonld=jsonld_processor(args.context),
        related=context_file_bytes(args.context),
    )
    print_json(signed, out)
    return EXIT_OK


def _present(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_option(args.key)
    credentials = [read_json(path) for path in args.files]
    signed = present(
        credentials,
        key=key,
        challenge=args.challenge,
        domain=args.domain,
        cryptosuite=args.cryptosuite,
        created=datetime_option(args.created, "--created"),
        jsonld=jsonld_processor(args.context),
    )
    print_json(signed, out)
    return EXIT_OK


def _status_checker(args: argparse.Namespace) -> BitstringStatusChecker | None:
    """Status checking from an offline folder, or online over HTTPS, if asked."""
    if args.status_dir is not None:
        if args.status_base_url is None:
            raise UsageError("--status-dir needs --status-base-url (the lists' URL)")
        if not Path(args.status_dir).is_dir():
            raise UsageError(f"--status-dir: no folder {args.status_dir}")
        fetcher = FolderFetcher(args.status_dir, base_url=args.status_base_url)
        return BitstringStatusChecker(fetcher=fetcher)
    if args.status_online:
        return BitstringStatusChecker(fetcher=status_list_fetcher())
    return None


def _environment(
    args: argparse.Namespace, status_checker: BitstringStatusChecker | None
) -> VerificationEnvironment:
    """The one environment every check of this run uses (credentials, lists,
    receipts, trust lists); accreditation status uses the same status lists."""
    return VerificationEnvironment(
        resolver=default_resolver(web_fetcher=did_web_fetcher()),
        jsonld=jsonld_processor(args.context),
        trust=trust_registry(args.trust, args.trust_anchor, status_checker=status_checker),
    )


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    document = read_json(args.file)
    if args.challenge is not None and args.no_challenge:
        raise UsageError("give --challenge or --no-challenge, not both")
    status_checker = _status_checker(args)
    verifier = CredentialVerifier(
        environment=_environment(args, status_checker),
        status_checker=status_checker,
    )
    report = verifier.verify(
        document,
        challenge=args.challenge,
        domain=args.domain,
        no_challenge=args.no_challenge,
        now=datetime_option(args.now, "--now"),
    )
    if args.json:
        print_json(report.to_json(), out)
    else:
        out.write(report.to_text())
    return EXIT_OK if report.verified else EXIT_NOT_VERIFIED


def register(commands: Subcommands) -> None:
    """Add the core commands: key, did, issue, present, verify."""

    key = commands.add_parser("key", help="signing keys")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    generate = key_commands.add_parser("generate", help="write a new key file")
    generate.add_argument(
        "--type", choices=[t.value for t in KeyType], default=KeyType.ED25519.value
    )
    generate.add_argument("--out", required=True, help="the key file to create")
    generate.add_argument(
        "--plaintext",
        action="store_true",
        help="write the key unencrypted (default: encrypted with a passphrase from "
        "VCID_KEY_PASSPHRASE or a prompt)",
    )
    generate.set_defaults(handler=_key_generate)

    did = commands.add_parser("did", help="DIDs")
    did_commands = did.add_subparsers(dest="did_command", required=True)
    resolve = did_commands.add_parser("resolve", help="resolve a DID")
    resolve.add_argument("did")
    resolve.set_defaults(handler=_did_resolve)

    suites = sorted(SUPPORTED_SUITES)

    issue_cmd = commands.add_parser("issue", help="sign a credential")
    issue_cmd.add_argument("--key", required=True, help="the issuer's key file")
    issue_cmd.add_argument("--cryptosuite", choices=suites, help="default: by key type")
    issue_cmd.add_argument("--created", help="the proof's creation time")
    issue_cmd.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    issue_cmd.add_argument("file", help="the unsigned credential (JSON, - for stdin)")
    issue_cmd.set_defaults(handler=_issue)

    present_cmd = commands.add_parser("present", help="sign a presentation")
    present_cmd.add_argument("--key", required=True, help="the holder's key file")
    present_cmd.add_argument("--challenge", required=True)
    present_cmd.add_argument("--domain")
    present_cmd.add_argument("--cryptosuite", choices=suites, help="default: by key type")
    present_cmd.add_argument("--created", help="the proof's creation time")
    present_cmd.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    present_cmd.add_argument("files", nargs="+", help="the credentials to present")
    present_cmd.set_defaults(handler=_present)

    verify_cmd = commands.add_parser("verify", help="verify a credential or presentation")
    verify_cmd.add_argument(
        "--challenge",
        help="the challenge the presentation must carry (required for a presentation)",
    )
    verify_cmd.add_argument(
        "--no-challenge",
        action="store_true",
        help="expect no challenge (replay protection is then yours); a presentation "
        "whose proof carries one fails",
    )
    verify_cmd.add_argument("--domain", help="the domain the presentation must carry")
    verify_cmd.add_argument("--now", help="verify as of this time (default: now)")
    verify_cmd.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    verify_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    verify_cmd.add_argument(
        "--status-dir", help="check status against lists in this exported folder (offline)"
    )
    verify_cmd.add_argument("--status-base-url", help="the URL the folder's lists stand for")
    verify_cmd.add_argument(
        "--status-online", action="store_true", help="fetch status lists over HTTPS"
    )
    verify_cmd.add_argument("--trust", action="append", default=[], help=TRUST_HELP)
    verify_cmd.add_argument("--trust-anchor", action="append", default=[], help=ANCHOR_HELP)
    verify_cmd.add_argument("file", help="the credential or presentation (- for stdin)")
    verify_cmd.set_defaults(handler=_verify)


__all__ = ["register"]
