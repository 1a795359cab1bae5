"""Registrar commands: ``registrar issue-batch``.

``vcid registrar issue-batch --key KEYFILE --input FILE.csv|FILE.jsonl
--out DIR|FILE.jsonl`` issues one birth credential per row (see
``docs/registrar.md``); run it again with the same arguments to resume
after a crash. A progress bar with the rate and an ETA is drawn on stderr
when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from vcid.cli._common import EXIT_OK, Subcommands
from vcid.cli._keys import read_key_option
from vcid.ledger import SQLiteLog
from vcid.proofs import SUPPORTED_SUITES
from vcid.registrar import BatchProgress, Registrar, issue_batch
from vcid.status import StatusListAllocator, open_sqlite_store

#: The progress bar's width in cells.
_BAR_CELLS = 30
#: Redraw the bar at most this often, in seconds.
_REDRAW = 0.1


#: The registrar's transparency log and status store, beside its key file.
DEFAULT_LEDGER = "ledger.db"
DEFAULT_STATUS_DB = "status.db"


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_progress(progress: BatchProgress) -> str:
    """One line: a bar, the count, the rate and the ETA (no personal data)."""
    total = max(progress.total, 1)
    filled = min(_BAR_CELLS, progress.done * _BAR_CELLS // total)
    bar = "#" * filled + "-" * (_BAR_CELLS - filled)
    rate = progress.rate
    left = progress.total - progress.done
    eta = _duration(left / rate) if rate > 0 else "?"
    line = f"[{bar}] {progress.done:,}/{progress.total:,}  {rate:,.0f}/s  ETA {eta}"
    if progress.rejected:
        line += f"  rejected {progress.rejected:,}"
    return line


class _Bar:
    """Draws :func:`format_progress` on a terminal, in place."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last = 0.0
        self._drawn = False

    def __call__(self, progress: BatchProgress) -> None:
        now = time.monotonic()
        if progress.done < progress.total and now - self._last < _REDRAW:
            return
        self._last = now
        self._stream.write("\r" + format_progress(progress) + "\x1b[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a whole number") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError("must be from 1 to 64")
    return workers


def _open_ledger(args: argparse.Namespace, issuer: str) -> SQLiteLog | None:
    """The registrar's transparency log: on by default, beside the key file."""
    if args.no_ledger:
        return None
    path = Path(args.ledger) if args.ledger else Path(args.key).parent / DEFAULT_LEDGER
    if path.exists():
        return SQLiteLog(path, create=False)
    return SQLiteLog(path, origin=args.origin or f"{issuer}/births")


def _open_allocator(args: argparse.Namespace) -> StatusListAllocator | None:
    """Status entries for every credential, when the lists' base URL is given."""
    if args.status_base_url is None:
        return None
    path = Path(args.status_db) if args.status_db else Path(args.key).parent / DEFAULT_STATUS_DB
    return StatusListAllocator(open_sqlite_store(path), base_url=args.status_base_url)


def _issue_batch(args: argparse.Namespace, out: TextIO) -> int:
    key = read_key_option(args.key)
    with contextlib.ExitStack() as stack:
        log = _open_ledger(args, key.controller)
        if log is not None:
            stack.enter_context(log)
        allocator = _open_allocator(args)
        registrar = Registrar(
            key,
            cryptosuite=args.cryptosuite,
            status_allocator=allocator,
            commitment_log=log,
        )
        return _run_batch(args, registrar, out, log)


def _run_batch(
    args: argparse.Namespace, registrar: Registrar, out: TextIO, log: SQLiteLog | None
) -> int:
    bar = _Bar(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = issue_batch(
            args.input,
            registrar=registrar,
            out=args.out,
            rejects=args.rejects,
            state=args.state,
            workers=args.workers or min(os.cpu_count() or 1, 64),
            now=datetime.now(UTC),
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    out.write(
        f"issued {result.issued:,}, rejected {result.rejected:,}, "
        f"already done {result.resumed:,} of {result.total:,} rows "
        f"in {result.elapsed:.1f} s ({result.rate:,.0f}/s, "
        f"{result.workers} worker{'s' if result.workers > 1 else ''})\n"
    )
    if log is not None:
        out.write(f"ledger {log.path}: {log.size:,} entries (origin {log.origin})\n")
    if result.rejected:
        sys.stderr.write(f"vcid: {result.rejected:,} rows rejected: see {result.rejects}\n")
    return EXIT_OK


def register(commands: Subcommands) -> None:
    """Add the registrar commands."""
    registrar = commands.add_parser("registrar", help="a civil registrar's bulk issuance")
    registrar_commands = registrar.add_subparsers(dest="registrar_command", required=True)
    batch = registrar_commands.add_parser(
        "issue-batch",
        help="issue one birth credential per row of a CSV or JSON Lines file (resumable)",
    )
    batch.add_argument(
        "--key",
        required=True,
        help="the registrar's key file (passphrase from VCID_KEY_PASSPHRASE or a prompt)",
    )
    batch.add_argument("--input", required=True, help="the registrations, .csv or .jsonl")
    batch.add_argument(
        "--out", required=True, help="a .jsonl file, or a folder for one file per credential"
    )
    batch.add_argument("--rejects", help="the rejects file (default: <out>.rejects.jsonl)")
    batch.add_argument(
        "--cryptosuite", choices=sorted(SUPPORTED_SUITES), help="default: by key type"
    )
    batch.add_argument(
        "--workers", type=_workers, help="signing processes (default: the CPU count)"
    )
    batch.add_argument("--state", help="the resume journal (default: <out>.state); rerun to resume")
    batch.add_argument(
        "--ledger",
        help=f"the registrar's transparency log (default: {DEFAULT_LEDGER} beside the key file)",
    )
    batch.add_argument("--origin", help="the log's origin when creating it (default: <DID>/births)")
    batch.add_argument(
        "--no-ledger", action="store_true", help="do not record commitments (not recommended)"
    )
    batch.add_argument(
        "--status-base-url",
        help="give every credential status entries in lists published under this URL",
    )
    batch.add_argument(
        "--status-db", help=f"the status store (default: {DEFAULT_STATUS_DB} beside the key file)"
    )
    batch.set_defaults(handler=_issue_batch)


__all__ = ["format_progress", "register"]
