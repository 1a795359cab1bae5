"""The ``vcid`` command: keys, DIDs, issuing, presenting and verifying.

Exit codes: 0 success (verified), 1 not verified (or DID not resolved),
2 usage error or unreadable input; errors are one line on stderr, never a
traceback. This is the only module that builds real fetchers and loaders.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn, TextIO

from vcid import _json
from vcid._json import JsonObject, JsonValue
from vcid.did import UrllibFetcher, default_resolver
from vcid.errors import UsageError, VcidError
from vcid.issuer import issue, present
from vcid.jsonld import (
    JsonLdProcessor,
    bundled_loader,
    load_context_files,
    parse_context_option,
)
from vcid.keyfile import KeyFile, read_key_file, write_key_file
from vcid.keys import KeyType
from vcid.model import parse_datetime
from vcid.proofs import SUPPORTED_SUITES
from vcid.verifier import CredentialVerifier

EXIT_OK = 0
EXIT_NOT_VERIFIED = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _read_json(path: str) -> JsonObject:
    try:
        if path == "-":
            data = sys.stdin.buffer.read(_json.MAX_DOCUMENT_BYTES + 1)
        else:
            with Path(path).open("rb") as handle:
                data = handle.read(_json.MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return _json.load_object(data)
    except VcidError as exc:
        raise type(exc)(f"{path}: {exc}") from None


def _datetime_option(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except VcidError:
        raise UsageError(f"{name}: not an XML Schema dateTime: {value!r}") from None


def _jsonld(contexts: Sequence[str]) -> JsonLdProcessor:
    if not contexts:
        return JsonLdProcessor()
    pairs = [parse_context_option(option) for option in contexts]
    loader = bundled_loader().extended(load_context_files(pairs))
    return JsonLdProcessor(loader)


def _print_json(value: JsonValue, out: TextIO) -> None:
    out.write(_json.dumps(value) + "\n")


# --- commands ---------------------------------------------------------------


def _key_generate(args: argparse.Namespace, out: TextIO) -> int:
    key_file = KeyFile.generate(KeyType(args.type))
    write_key_file(key_file, args.out)
    out.write(f"{key_file.verification_method}\n")
    return EXIT_OK


def _did_resolve(args: argparse.Namespace, out: TextIO) -> int:
    result = default_resolver(web_fetcher=UrllibFetcher()).resolve(args.did)
    if result.did_document is None:
        sys.stderr.write(f"vcid: cannot resolve DID: {result.error}\n")
        return EXIT_NOT_VERIFIED
    _print_json(
        {
            "didDocument": result.did_document.to_json(),
            "didDocumentMetadata": result.document_metadata,
            "didResolutionMetadata": result.resolution_metadata,
        },
        out,
    )
    return EXIT_OK


def _issue(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_file(args.key)
    credential = _read_json(args.file)
    if "issuer" not in credential:
        credential = {**credential, "issuer": key.controller}
    signed = issue(
        credential,
        key=key,
        cryptosuite=args.cryptosuite,
        created=_datetime_option(args.created, "--created"),
        jsonld=_jsonld(args.context),
    )
    _print_json(signed, out)
    return EXIT_OK


def _present(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_file(args.key)
    credentials = [_read_json(path) for path in args.files]
    signed = present(
        credentials,
        key=key,
        challenge=args.challenge,
        domain=args.domain,
        cryptosuite=args.cryptosuite,
        created=_datetime_option(args.created, "--created"),
        jsonld=_jsonld(args.context),
    )
    _print_json(signed, out)
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    document = _read_json(args.file)
    verifier = CredentialVerifier(
        resolver=default_resolver(web_fetcher=UrllibFetcher()),
        jsonld=_jsonld(args.context),
    )
    report = verifier.verify(
        document,
        challenge=args.challenge,
        domain=args.domain,
        now=_datetime_option(args.now, "--now"),
    )
    if args.json:
        _print_json(report.to_json(), out)
    else:
        out.write(report.to_text())
    return EXIT_OK if report.verified else EXIT_NOT_VERIFIED


def build_parser() -> argparse.ArgumentParser:
    """The ``vcid`` argument parser."""
    parser = _Parser(prog="vcid", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    key = commands.add_parser("key", help="signing keys")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    generate = key_commands.add_parser("generate", help="write a new key file")
    generate.add_argument(
        "--type", choices=[t.value for t in KeyType], default=KeyType.ED25519.value
    )
    generate.add_argument("--out", required=True, help="the key file to create")
    generate.set_defaults(handler=_key_generate)

    did = commands.add_parser("did", help="DIDs")
    did_commands = did.add_subparsers(dest="did_command", required=True)
    resolve = did_commands.add_parser("resolve", help="resolve a DID")
    resolve.add_argument("did")
    resolve.set_defaults(handler=_did_resolve)

    context_help = "an extra JSON-LD context, as URL=PATH (repeatable)"
    suites = sorted(SUPPORTED_SUITES)

    issue_cmd = commands.add_parser("issue", help="sign a credential")
    issue_cmd.add_argument("--key", required=True, help="the issuer's key file")
    issue_cmd.add_argument("--cryptosuite", choices=suites, help="default: by key type")
    issue_cmd.add_argument("--created", help="the proof's creation time")
    issue_cmd.add_argument("--context", action="append", default=[], help=context_help)
    issue_cmd.add_argument("file", help="the unsigned credential (JSON, - for stdin)")
    issue_cmd.set_defaults(handler=_issue)

    present_cmd = commands.add_parser("present", help="sign a presentation")
    present_cmd.add_argument("--key", required=True, help="the holder's key file")
    present_cmd.add_argument("--challenge", required=True)
    present_cmd.add_argument("--domain")
    present_cmd.add_argument("--cryptosuite", choices=suites, help="default: by key type")
    present_cmd.add_argument("--created", help="the proof's creation time")
    present_cmd.add_argument("--context", action="append", default=[], help=context_help)
    present_cmd.add_argument("files", nargs="+", help="the credentials to present")
    present_cmd.set_defaults(handler=_present)

    verify_cmd = commands.add_parser("verify", help="verify a credential or presentation")
    verify_cmd.add_argument("--challenge", help="the challenge the presentation must carry")
    verify_cmd.add_argument("--domain", help="the domain the presentation must carry")
    verify_cmd.add_argument("--now", help="verify as of this time (default: now)")
    verify_cmd.add_argument("--context", action="append", default=[], help=context_help)
    verify_cmd.add_argument("--json", action="store_true", help="print the report as JSON")
    verify_cmd.add_argument("file", help="the credential or presentation (- for stdin)")
    verify_cmd.set_defaults(handler=_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``vcid`` command; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        code: int = args.handler(args, sys.stdout)
    except VcidError as exc:
        sys.stderr.write(f"vcid: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("vcid: interrupted\n")
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    sys.exit(main())
