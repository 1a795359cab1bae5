"""Status commands for registrar operators: ``vcid status ...``.

``allocate`` gives a credential id its status entries (``--message-scheme``
chooses the message entries' ``statusSize``, ``statusMessage`` and
``statusReference``); ``revoke``, ``suspend``, ``reinstate``,
``flag-missing``, ``clear-flag`` and ``set-message`` change a credential's
status (each signs a new version of the list it touches);
``publish`` writes the signed lists to a folder; ``show`` prints a
credential's status; ``serve`` serves a published folder over HTTP(S) on
127.0.0.1, as a border post's local mirror. The store is an SQLite file
(``--db``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TextIO

from vcid.cli._common import (
    EXIT_OK,
    Parser,
    Subcommands,
    datetime_option,
    print_json,
    read_json,
    serve_loopback,
)
from vcid.cli._keys import read_key_option
from vcid.errors import UsageError, VcidError
from vcid.ledger import SQLiteLog
from vcid.status import (
    CHILD_ALERT_MESSAGES,
    DEFAULT_MESSAGES,
    STATUS_PURPOSES,
    MessageScheme,
    StatusAction,
    StatusChange,
    StatusListAllocator,
    StatusRegistry,
    open_sqlite_store,
    parse_message_scheme,
)
from vcid.status.registry import credential_status, export_path

_ACTIONS = {
    "revoke": (StatusAction.REVOKE, "revoke a credential (permanent)"),
    "suspend": (StatusAction.SUSPEND, "suspend a credential"),
    "reinstate": (StatusAction.REINSTATE, "lift a credential's suspension"),
    "flag-missing": (
        StatusAction.FLAG_MISSING,
        "flag a credential's child as reported missing (an alert at borders)",
    ),
    "clear-flag": (StatusAction.CLEAR_FLAG, "clear a missing-child flag"),
}
#: The message schemes ``allocate --message-scheme`` knows by name.
_SCHEMES = {
    "missing-child": MessageScheme(status_size=1, messages=DEFAULT_MESSAGES),
    "child-alerts": MessageScheme(status_size=2, messages=CHILD_ALERT_MESSAGES),
}
#: The largest file ``serve`` sends.
_MAX_SERVED_BYTES = 32 * 1024 * 1024


def _registry(args: argparse.Namespace) -> StatusRegistry:
    key = read_key_option(args.key)
    store = open_sqlite_store(args.db)
    log = None
    if args.ledger is not None:
        # Each new list version's commitment goes to the issuer's log.
        path = Path(args.ledger)
        log = SQLiteLog(path, create=False) if path.exists() else None
        if log is None:
            raise UsageError(f"no ledger at {path}: create it with 'vcid ledger init'")
    return StatusRegistry(store, key=key, base_url=args.base_url, log=log)


def _change(action: StatusAction, args: argparse.Namespace, out: TextIO) -> int:
    now = datetime_option(args.now, "--now")
    registry = _registry(args)
    _print_change(registry.apply([(args.credential_id, action)], now=now)[0], args, out)
    return EXIT_OK


def _set_message(args: argparse.Namespace, out: TextIO) -> int:
    text = args.status.strip().lower()
    try:
        status = int(text, 16) if text.startswith("0x") else int(text, 10)
    except ValueError:
        raise UsageError("--status must be a number, decimal or 0x-prefixed hexadecimal") from None
    now = datetime_option(args.now, "--now")
    registry = _registry(args)
    _print_change(registry.set_message(args.credential_id, status, now=now), args, out)
    return EXIT_OK


def _print_change(change: StatusChange, args: argparse.Namespace, out: TextIO) -> None:
    version = change.version
    print_json(
        {
            "credentialId": change.credential_id,
            "action": args.command_name,
            "changed": change.changed,
            "statusListCredential": change.list_url,
            "version": None if version is None else version.version,
            "commitment": None if version is None else version.commitment.hex(),
        },
        out,
    )


def _message_scheme(name: str | None) -> MessageScheme:
    """A scheme by name, or read from a JSON file with the entry's terms."""
    if name is None:
        return _SCHEMES["missing-child"]
    if name in _SCHEMES:
        return _SCHEMES[name]
    try:
        return parse_message_scheme(read_json(name))
    except UsageError:
        raise
    except VcidError as exc:
        raise UsageError(f"{name}: not a message scheme: {exc}") from None


def _allocate(args: argparse.Namespace, out: TextIO) -> int:
    scheme = _message_scheme(args.message_scheme)
    references = tuple(args.status_reference or ()) or scheme.reference
    store = open_sqlite_store(args.db)
    purposes = tuple(args.purpose) if args.purpose else ("revocation", "suspension", "message")
    allocator = StatusListAllocator(
        store,
        base_url=args.base_url,
        purposes=purposes,
        message_status_size=scheme.status_size,
        messages=scheme.messages,
        message_reference=(
            None if not references else references[0] if len(references) == 1 else references
        ),
    )
    print_json(list(allocator.allocate(args.credential_id)), out)
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO) -> int:
    store = open_sqlite_store(args.db, create=False)
    try:
        print_json(credential_status(store, args.credential_id).to_json(), out)
    finally:
        store.close()
    return EXIT_OK


def _publish(args: argparse.Namespace, out: TextIO) -> int:
    now = datetime_option(args.now, "--now")
    registry = _registry(args)
    for path in registry.export(args.out, now=now):
        out.write(f"{path}\n")
    return EXIT_OK


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "vcid-status"
        sys_version = ""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            try:
                relative = export_path("https://mirror.invalid" + path, "https://mirror.invalid")
            except UsageError:
                self._send(404, b"not found\n", "text/plain")
                return
            target = root.joinpath(*relative.parts)
            target = target.with_name(target.name + ".json")
            try:
                with target.open("rb") as handle:
                    body = handle.read(_MAX_SERVED_BYTES + 1)
            except OSError:
                self._send(404, b"not found\n", "text/plain")
                return
            if len(body) > _MAX_SERVED_BYTES:
                self._send(500, b"list too large\n", "text/plain")
                return
            self._send(200, body, "application/vc+ld+json")

        def _send(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # no request log: it would record which lists a post fetched, and when

    return Handler


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        raise UsageError(f"no such folder: {args.dir}")
    return serve_loopback(
        _handler(root),
        port=args.port,
        cert=args.cert,
        key=args.key,
        banner=f"serving {root}",
        out=out,
    )


def _with_name(
    name: str, handler: Callable[[argparse.Namespace, TextIO], int]
) -> Callable[[argparse.Namespace, TextIO], int]:
    def run(args: argparse.Namespace, out: TextIO) -> int:
        args.command_name = name
        return handler(args, out)

    return run


def register(commands: Subcommands) -> None:
    """Add ``vcid status ...`` to the ``vcid`` command."""
    group = commands.add_parser(
        "status", help="revoke, suspend, flag and publish status lists (registrar)"
    )
    sub = group.add_subparsers(dest="status_command", required=True, parser_class=Parser)

    def store_options(parser: argparse.ArgumentParser, *, signing: bool) -> None:
        parser.add_argument("--db", required=True, help="the SQLite status store")
        if signing:
            parser.add_argument("--key", required=True, help="the issuer's key file")
            parser.add_argument(
                "--base-url", required=True, help="the URL the lists are published under"
            )
            parser.add_argument("--now", help="the time of the change (default: now)")
            parser.add_argument(
                "--ledger", help="append each new list version to this transparency log"
            )

    for name, (action, text) in _ACTIONS.items():
        parser = sub.add_parser(name, help=text)
        parser.add_argument("credential_id", help="the credential's id")
        store_options(parser, signing=True)
        parser.set_defaults(handler=_with_name(name, partial(_change, action)))

    allocate = sub.add_parser("allocate", help="give a credential id its status entries")
    allocate.add_argument("credential_id")
    allocate.add_argument("--db", required=True, help="the SQLite status store")
    allocate.add_argument("--base-url", required=True, help="the URL lists are published under")
    allocate.add_argument(
        "--purpose", action="append", choices=STATUS_PURPOSES, help="a purpose (repeatable)"
    )
    allocate.add_argument(
        "--message-scheme",
        help="the message entries' scheme: 'missing-child' (1 bit, the default),"
        " 'child-alerts' (2 bits), or a JSON file with statusSize, statusMessage"
        " and optionally statusReference",
    )
    allocate.add_argument(
        "--status-reference",
        action="append",
        help="a URL explaining the messages (statusReference; repeatable)",
    )
    allocate.set_defaults(handler=_with_name("allocate", _allocate))

    set_message = sub.add_parser(
        "set-message", help="set a credential's message entry to a value of its scheme"
    )
    set_message.add_argument("credential_id", help="the credential's id")
    set_message.add_argument(
        "--status", required=True, help="the value, e.g. 0x2 (0x0 clears the alert)"
    )
    store_options(set_message, signing=True)
    set_message.set_defaults(handler=_with_name("set-message", _set_message))

    publish = sub.add_parser("publish", help="sign and export the current lists to a folder")
    store_options(publish, signing=True)
    publish.add_argument("--out", required=True, help="the folder to write the lists to")
    publish.set_defaults(handler=_with_name("publish", _publish))

    show = sub.add_parser("show", help="print a credential's current status")
    show.add_argument("credential_id")
    show.add_argument("--db", required=True, help="the SQLite status store")
    show.set_defaults(handler=_with_name("show", _show))

    serve = sub.add_parser("serve", help="serve a published folder on 127.0.0.1")
    serve.add_argument("--dir", required=True, help="the folder written by publish")
    serve.add_argument("--port", type=int, default=8443, help="the port (0: any free port)")
    serve.add_argument("--cert", help="TLS certificate chain (PEM); without it, plain HTTP")
    serve.add_argument("--key", help="TLS private key (PEM)")
    serve.set_defaults(handler=_with_name("serve", _serve))


__all__ = ["register"]
