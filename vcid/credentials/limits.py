"""The value rules of the vcid schemas, read from ``schemas/vcid-defs-v1.json``.

The JSON Schema is the one place a length or pattern of a credential value
is set: the builders check values with the rules read here (so their
messages can name the rule), ``docs/registrar.md`` states them (a test
compares), and :func:`vcid.issuer.issue` checks the whole credential
against the schema again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Final

from vcid._json import JsonValue, load_object
from vcid.errors import UsageError

#: The bundled file of shared definitions.
DEFS_FILE: Final = "vcid-defs-v1.json"
_LOCAL_REF: Final = "#/$defs/"
_MAX_DEPTH: Final = 8


@dataclass(frozen=True, slots=True)
class StringRule:
    """A string type of the schema: its length range and its patterns.

    :param min_length: the fewest characters (code points).
    :param max_length: the most characters, or ``None`` for no limit.
    :param patterns: each (pattern, what a value that fails it "is"), all of
        which must match somewhere in the value (JSON Schema ``pattern``).
    """

    min_length: int
    max_length: int | None
    patterns: tuple[tuple[re.Pattern[str], str], ...]

    def failed(self, value: str) -> str | None:
        """The description of the first pattern ``value`` fails, if any."""
        for pattern, description in self.patterns:
            if pattern.search(value) is None:
                return description
        return None


@functools.cache
def _defs() -> Mapping[str, JsonValue]:
    data = (resources.files("vcid") / "schemas" / DEFS_FILE).read_bytes()
    defs = load_object(data).get("$defs")
    if not isinstance(defs, dict):  # pragma: no cover - the bundled file has them
        raise UsageError(f"{DEFS_FILE} has no $defs")
    return defs


def _collect(
    schema: Mapping[str, JsonValue],
    lengths: tuple[list[int], list[int]],
    patterns: list[tuple[re.Pattern[str], str]],
    depth: int,
) -> None:
    if depth > _MAX_DEPTH:  # pragma: no cover - the bundled file nests less
        raise UsageError(f"{DEFS_FILE}: $ref nested too deeply")
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_LOCAL_REF):
        target = _defs().get(ref[len(_LOCAL_REF) :])
        if isinstance(target, dict):
            _collect(target, lengths, patterns, depth + 1)
    for keyword, found in (("minLength", lengths[0]), ("maxLength", lengths[1])):
        value = schema.get(keyword)
        if isinstance(value, int) and not isinstance(value, bool):
            found.append(value)
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        description = schema.get("description")
        patterns.append(
            (re.compile(pattern), description if isinstance(description, str) else "is malformed")
        )
    parts = schema.get("allOf")
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict):
            _collect(part, lengths, patterns, depth + 1)


@functools.cache
def string_rule(name: str) -> StringRule:
    """The rule of the string type ``name`` in ``$defs``, following local ``$ref``.

    Lengths combine as JSON Schema combines them (the tightest wins).

    :raises UsageError: if there is no such definition.
    """
    schema = _defs().get(name)
    if not isinstance(schema, dict):
        raise UsageError(f"{DEFS_FILE} defines no {name!r}")
    lengths: tuple[list[int], list[int]] = ([], [])
    patterns: list[tuple[re.Pattern[str], str]] = []
    _collect(schema, lengths, patterns, 0)
    return StringRule(
        min_length=max(lengths[0], default=0),
        max_length=min(lengths[1], default=None),
        patterns=tuple(patterns),
    )


def max_length(name: str) -> int:
    """The most characters the string type ``name`` allows.

    :raises UsageError: if it sets no maximum.
    """
    limit = string_rule(name).max_length
    if limit is None:
        raise UsageError(f"{DEFS_FILE}: {name!r} sets no maxLength")
    return limit


#: Names (given, family, additional): at most this many characters.
MAX_NAME: Final = max_length("name")
#: Other free text (places, authorities, courts, relationships).
MAX_TEXT: Final = max_length("text")
#: Registration numbers, references and postal codes.
MAX_IDENTIFIER: Final = max_length("identifier")

__all__ = [
    "DEFS_FILE",
    "MAX_IDENTIFIER",
    "MAX_NAME",
    "MAX_TEXT",
    "StringRule",
    "max_length",
    "string_rule",
]
