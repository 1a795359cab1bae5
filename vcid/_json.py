"""Strict JSON: the value aliases, and a parser that refuses ambiguity.

RFC 8259 leaves duplicate object keys and non-finite numbers to the
implementation; for signed documents both are attack surface, so they are
errors here. Size and nesting depth are capped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TypeAlias

from vcid.errors import JSONParseError

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64


def _reject_constant(name: str) -> float:
    raise JSONParseError(f"non-finite number {name} is not allowed in JSON")


def _no_duplicates(pairs: list[tuple[str, JsonValue]]) -> JsonObject:
    obj: JsonObject = {}
    for key, value in pairs:
        if key in obj:
            raise JSONParseError(f"duplicate key {key!r} in JSON object")
        obj[key] = value
    return obj


def loads(
    data: str | bytes,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
) -> JsonValue:
    """Parse strict JSON.

    :param data: the JSON text; bytes must be UTF-8.
    :param max_bytes: the largest accepted document, in bytes.
    :param max_depth: the deepest accepted nesting of arrays and objects.
    :raises JSONParseError: for malformed JSON, duplicate keys, NaN or
        Infinity, or a document over the size or depth limit.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise JSONParseError(f"JSON document larger than {max_bytes} bytes")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONParseError("JSON document is not valid UTF-8") from None
    # Nesting is bounded before parsing so that json's recursion cannot be
    # driven to a RecursionError by a crafted document.
    _check_bracket_depth(data, max_depth)
    try:
        value: JsonValue = json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
        )
    except JSONParseError:
        raise
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "too deep"
        raise JSONParseError(f"malformed JSON: {reason}") from None
    return value


def _check_bracket_depth(text: str, limit: int) -> None:
    """Reject text whose brackets nest deeper than ``limit`` (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                raise JSONParseError(f"JSON nesting deeper than {limit} levels")
        elif char in "]}":
            depth -= 1


def load_object(data: str | bytes, **limits: int) -> JsonObject:
    """Parse strict JSON whose top level must be an object.

    :raises JSONParseError: as :func:`loads`, or if the top level is not an
        object.
    """
    value = loads(data, **limits)
    if not isinstance(value, dict):
        raise JSONParseError("expected a JSON object at the top level")
    return value


def dumps(value: JsonValue | Mapping[str, JsonValue]) -> str:
    """Serialize JSON compactly, as UTF-8 text without ASCII escaping."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_BYTES",
    "JsonObject",
    "JsonValue",
    "dumps",
    "load_object",
    "loads",
]
