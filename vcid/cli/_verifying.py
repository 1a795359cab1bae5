"""The verifier a command builds from its options: one environment, status, clock.

``vcid verify`` and ``vcid border check`` share these options, so a did:web
registrar, an extra ``--context`` or ``--status-online`` mean the same in
both, and apply to credentials, status lists and receipts alike.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from vcid.cli._common import CONTEXT_HELP, jsonld_processor
from vcid.did import default_resolver, did_web_fetcher, did_webvh_fetcher
from vcid.errors import FetchError, TrustListError, UsageError
from vcid.status import BitstringStatusChecker, FolderFetcher, status_list_fetcher
from vcid.transport import HTTPSClient
from vcid.trust import AccreditationStatusChecker, TrustListRegistry, load_trust_list
from vcid.trust.lists import MAX_LIST_BYTES
from vcid.verifier import CredentialVerifier, VerificationEnvironment

TRUST_HELP = "a signed trust list: a file, or an https URL (repeatable)"
ANCHOR_HELP = "the DID of a trust anchor whose lists need no accreditation (repeatable)"


def trust_registry(
    files: list[str],
    anchors: list[str],
    *,
    status_checker: AccreditationStatusChecker | None = None,
) -> TrustListRegistry | None:
    """The registry of ``--trust FILE`` lists under ``--trust-anchor DID`` anchors.

    :raises UsageError: for lists without an anchor (or the reverse).
    """
    if not files and not anchors:
        return None
    if not files:
        raise UsageError("--trust-anchor needs at least one --trust FILE")
    if not anchors:
        raise UsageError("--trust needs --trust-anchor DID (the root authority this post trusts)")
    lists = []
    for source in files:
        if source.startswith("https://"):
            try:
                with HTTPSClient(max_bytes=MAX_LIST_BYTES) as client:
                    data = client.fetch(source)
            except FetchError as exc:
                raise UsageError(f"cannot fetch trust list {source}: {exc}") from None
            try:
                lists.append(load_trust_list(data))
            except TrustListError as exc:
                raise TrustListError(f"{source}: {exc}") from None
        else:
            lists.extend(TrustListRegistry.from_files([source], anchors=anchors).lists)
    return TrustListRegistry(lists, anchors=anchors, status_checker=status_checker)


def add_verifier_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--now``, ``--context``, ``--json``, the status and the trust options."""
    parser.add_argument("--now", help="verify as of this time (default: now)")
    parser.add_argument("--context", action="append", default=[], help=CONTEXT_HELP)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--status-dir", help="check status against lists in this exported folder (offline)"
    )
    parser.add_argument("--status-base-url", help="the URL the folder's lists stand for")
    parser.add_argument(
        "--status-online", action="store_true", help="fetch status lists over HTTPS"
    )
    parser.add_argument("--trust", action="append", default=[], help=TRUST_HELP)
    parser.add_argument("--trust-anchor", action="append", default=[], help=ANCHOR_HELP)


def status_checker(args: argparse.Namespace) -> BitstringStatusChecker | None:
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


def environment(
    args: argparse.Namespace,
    status: BitstringStatusChecker | None = None,
    *,
    with_trust: bool = True,
) -> VerificationEnvironment:
    """The one environment every check of this run uses (credentials, lists,
    receipts, trust lists); accreditation status uses the same status lists.

    ``with_trust=False`` leaves the trust registry out (commands that build
    or serve trust lists make their own).
    """
    return VerificationEnvironment(
        resolver=default_resolver(web_fetcher=did_web_fetcher(), webvh_fetcher=did_webvh_fetcher()),
        jsonld=jsonld_processor(args.context),
        trust=(
            trust_registry(args.trust, args.trust_anchor, status_checker=status)
            if with_trust
            else None
        ),
    )


def build_verifier(args: argparse.Namespace) -> CredentialVerifier:
    """The verifier for this run, from the options of :func:`add_verifier_options`."""
    status = status_checker(args)
    return CredentialVerifier(environment=environment(args, status), status_checker=status)


__all__ = [
    "ANCHOR_HELP",
    "TRUST_HELP",
    "add_verifier_options",
    "build_verifier",
    "environment",
    "status_checker",
    "trust_registry",
]
