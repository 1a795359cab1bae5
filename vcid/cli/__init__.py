"""The ``vcid`` command: keys, DIDs, issuing, presenting and verifying.

Exit codes: 0 success (verified), 1 not verified (or DID not resolved),
2 usage error or unreadable input; errors are one line on stderr, never a
traceback. The CLI is the only place that builds real fetchers, stores and
clocks. Each command group lives in its own module with a ``register``
function.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from vcid.cli._common import EXIT_USAGE, Parser
from vcid.errors import VcidError

#: Exit code for a bug in vcid (BSD sysexits EX_SOFTWARE).
EXIT_INTERNAL = 70

#: The modules whose ``register(commands)`` adds a command group, in order.
COMMAND_GROUPS = ("core", "did", "registrar", "ledger", "status", "trust", "border")


def _group_modules() -> list[ModuleType]:
    modules = []
    for name in COMMAND_GROUPS:
        qualified = f"vcid.cli.{name}"
        try:
            modules.append(importlib.import_module(qualified))
        except ModuleNotFoundError as exc:
            if exc.name != qualified:  # a real missing dependency, not a group
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    """The ``vcid`` argument parser."""
    parser = Parser(prog="vcid", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for group in _group_modules():
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
    except Exception as exc:
        # A bug, not bad input: one line without the message (it could carry
        # document data); VCID_DEBUG=1 shows the traceback.
        if os.environ.get("VCID_DEBUG"):
            raise
        sys.stderr.write(
            f"vcid: internal error ({type(exc).__name__}); run with VCID_DEBUG=1 for details\n"
        )
        return EXIT_INTERNAL
    return code


__all__ = ["COMMAND_GROUPS", "build_parser", "main"]
