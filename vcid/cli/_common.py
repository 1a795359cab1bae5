"""What every ``vcid`` subcommand shares: parsing, input, output, exit codes."""

from __future__ import annotations

import argparse
import ssl
import sys
from collections.abc import Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, TypeAlias

from vcid import _json
from vcid._json import JsonObject, JsonValue
from vcid.errors import UsageError, VcidError
from vcid.jsonld import (
    JsonLdProcessor,
    bundled_loader,
    load_context_files,
    parse_context_option,
)
from vcid.model import parse_datetime

if TYPE_CHECKING:
    Subcommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subcommands: TypeAlias = argparse._SubParsersAction

EXIT_OK = 0
EXIT_NOT_VERIFIED = 1
EXIT_USAGE = 2

CONTEXT_HELP = "an extra JSON-LD context, as URL=PATH (repeatable)"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def read_json(path: str) -> JsonObject:
    """Read a strict JSON object from ``path`` (``-`` for stdin).

    :raises UsageError: if the file cannot be read.
    :raises JSONParseError: if it is not a strict JSON object.
    """
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


def datetime_option(value: str | None, name: str) -> datetime | None:
    """Parse an optional XSD dateTime option (no offset means UTC)."""
    if value is None:
        return None
    try:
        return parse_datetime(value)
    except VcidError:
        raise UsageError(f"{name}: not an XML Schema dateTime: {value!r}") from None


def jsonld_processor(contexts: Sequence[str]) -> JsonLdProcessor:
    """A processor with the bundled contexts plus ``--context URL=PATH`` ones."""
    if not contexts:
        return JsonLdProcessor()
    pairs = [parse_context_option(option) for option in contexts]
    loader = bundled_loader().extended(load_context_files(pairs))
    return JsonLdProcessor(loader)


def context_file_bytes(contexts: Sequence[str]) -> dict[str, bytes]:
    """The bytes of each ``--context URL=PATH`` file by URL (for digest checks)."""
    held: dict[str, bytes] = {}
    for option in contexts:
        url, path = parse_context_option(option)
        try:
            held[url] = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise UsageError(f"cannot read context file {str(path)!r}: {reason}") from None
    return held


def serve_loopback(
    handler: type[BaseHTTPRequestHandler],
    *,
    port: int,
    cert: str | None,
    key: str | None,
    banner: str,
    out: TextIO,
) -> int:
    """Serve ``handler`` on 127.0.0.1 (TLS with ``cert`` and ``key``) until interrupted.

    Prints ``banner`` followed by the URL it serves at.

    :raises UsageError: for a bad port, a lone ``cert`` or ``key``, a port in
        use, or an unreadable certificate.
    """
    if (cert is None) != (key is None):
        raise UsageError("--cert and --key go together")
    if not 0 <= port <= 65535:
        raise UsageError("--port must be from 0 to 65535")
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    scheme = "http"
    if cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError):
            server.server_close()
            raise UsageError("cannot read the TLS certificate or key") from None
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    out.write(f"{banner} at {scheme}://127.0.0.1:{server.server_address[1]}/\n")
    out.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def print_json(value: JsonValue, out: TextIO) -> None:
    """Write ``value`` as one line of compact JSON."""
    out.write(_json.dumps(value) + "\n")


__all__ = [
    "CONTEXT_HELP",
    "EXIT_NOT_VERIFIED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "Subcommands",
    "datetime_option",
    "jsonld_processor",
    "print_json",
    "read_json",
    "serve_loopback",
]
