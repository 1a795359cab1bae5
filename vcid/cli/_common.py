"""What every ``vcid`` subcommand shares: parsing, input, output, exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
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
]
