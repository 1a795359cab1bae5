"""The ``vcid`` command: keys, DIDs, issuing, presenting and verifying.

Exit codes: 0 success (verified), 1 not verified (or DID not resolved),
2 usage error or unreadable input; errors are one line on stderr, never a
traceback. The CLI is the only place that builds real fetchers, stores and
clocks. Each command group lives in its own module with a ``register``
function.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vcid.cli import core
from vcid.cli._common import EXIT_USAGE, Parser
from vcid.errors import VcidError

#: The modules whose ``register(commands)`` adds a command group.
COMMAND_GROUPS = (core,)


def build_parser() -> argparse.ArgumentParser:
    """The ``vcid`` argument parser."""
    parser = Parser(prog="vcid", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in COMMAND_GROUPS:
        group.register(commands)
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


__all__ = ["COMMAND_GROUPS", "build_parser", "main"]
