"""Border post commands: ``vcid border challenge`` and ``vcid border check``.

``challenge`` issues a single-use challenge for the post's domain and
prints the presentation request (JSON) to hand to the holder; ``check``
verifies the holder's presentation against it, accepting the challenge
once (the same presentation submitted again is a replay, exit 1, even
after a restart), and checks that the adult presenting is bound to the
child's credentials (a parent, guardian or named companion; see
:mod:`vcid.border.binding`); it prints ADMIT, REFER or DENY with the checks
that decided it, then every check, and exits 0 only for ADMIT. The
challenges live in an SQLite file (``--store``, owner-only), of which only
digests are kept.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TextIO

from vcid.border import (
    DEFAULT_CHALLENGE_TTL,
    ChallengeStore,
    Ruling,
    bind,
    decide,
    verify_response,
)
from vcid.cli._common import (
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Parser,
    Subcommands,
    datetime_option,
    print_json,
    read_json,
)
from vcid.cli._verifying import add_verifier_options, build_verifier
from vcid.errors import UsageError


def _ttl(value: str) -> timedelta:
    try:
        seconds = int(value)
    except ValueError:
        raise UsageError(f"--ttl: not a whole number of seconds: {value!r}") from None
    if not 0 < seconds <= 86_400:
        raise UsageError("--ttl must be between 1 and 86400 seconds")
    return timedelta(seconds=seconds)


def _challenge(args: argparse.Namespace, out: TextIO) -> int:
    with ChallengeStore(args.store) as store:
        request = store.issue(
            domain=args.domain, ttl=_ttl(args.ttl), now=datetime_option(args.now, "--now")
        )
    print_json(request.to_json(), out)
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    presentation = read_json(args.file)
    verifier = build_verifier(args)
    with ChallengeStore(args.store) as store:
        report = verify_response(
            presentation,
            store=store,
            domain=args.domain,
            verifier=verifier,
            now=datetime_option(args.now, "--now"),
        )
    if not args.no_binding:
        report = bind(presentation, report)
    decision = decide(report)
    if args.json:
        print_json(decision.to_json(), out)
    else:
        out.write(decision.to_text())
    return EXIT_OK if decision.ruling is Ruling.ADMIT else EXIT_NOT_VERIFIED


def register(commands: Subcommands) -> None:
    """Add ``vcid border challenge`` and ``vcid border check``."""
    border = commands.add_parser("border", help="a border post's presentation requests")
    actions = border.add_subparsers(dest="border_command", required=True, parser_class=Parser)

    challenge = actions.add_parser("challenge", help="issue a single-use presentation request")
    challenge.add_argument("--store", required=True, help="the challenge store (SQLite file)")
    challenge.add_argument("--domain", required=True, help="this post's domain")
    challenge.add_argument(
        "--ttl",
        default=str(int(DEFAULT_CHALLENGE_TTL.total_seconds())),
        help="seconds the challenge is good for (default 300)",
    )
    challenge.add_argument("--now", help="issue as of this time (default: now)")
    challenge.set_defaults(handler=_challenge)

    check = actions.add_parser("check", help="verify a presentation, accepting its challenge once")
    check.add_argument("--store", required=True, help="the challenge store (SQLite file)")
    check.add_argument("--domain", required=True, help="this post's domain")
    check.add_argument(
        "--no-binding",
        action="store_true",
        help="skip the child-crossing binding checks (for presentations of other credentials)",
    )
    add_verifier_options(check)
    check.add_argument("file", help="the presentation (- for stdin)")
    check.set_defaults(handler=_check)


__all__ = ["register"]
