"""JSON Canonicalization Scheme, JCS (RFC 8785).

Output is UTF-8 bytes: object members sorted by the UTF-16 code units of
their names (§3.2.3), strings escaped as ECMAScript ``JSON.stringify`` does
(§3.2.2.2), numbers in ECMAScript ``Number.prototype.toString`` form
(§3.2.2.3), no whitespace. Input must be I-JSON (RFC 7493): integers beyond
±(2**53 - 1), NaN, infinities and lone surrogates are refused.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Final

from vcid._json import JsonValue
from vcid.errors import CanonicalizationError

MAX_SAFE_INTEGER: Final = 2**53 - 1
"""The largest integer I-JSON (RFC 7493 §2.2) can carry exactly."""

MAX_DEPTH: Final = 256
"""The deepest nesting of arrays and objects accepted."""


def canonicalize(value: JsonValue | Mapping[str, JsonValue]) -> bytes:
    """Serialize a JSON value in RFC 8785 canonical form.

    :param value: a JSON value (dict with str keys, list, str, int, float,
        bool or None; any Mapping, and tuples, are accepted too).
    :raises CanonicalizationError: for a non-string key, an integer outside
        ±(2**53 - 1), NaN or an infinity, a lone surrogate, a value that is not
        JSON, or nesting deeper than :data:`MAX_DEPTH`.
    """
    out: list[str] = []
    _write(value, out, 0)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError(
            "JSON string contains a lone UTF-16 surrogate (RFC 8785 §3.2.2.2)"
        ) from None


def _utf16_key(name: str) -> bytes:
    # Big-endian UTF-16 bytes compare as the code unit sequence does.
    # surrogatepass lets a lone surrogate through here; encoding the output
    # as UTF-8 refuses it afterwards.
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: object, out: list[str], depth: int) -> None:
    kind = type(value)
    if type(value) is str:
        out.append(encode_basestring(value))
    elif kind is dict or (kind is not list and isinstance(value, Mapping)):
        _write_object(value, out, depth)  # type: ignore[arg-type]
    elif kind is list or kind is tuple:
        if depth >= MAX_DEPTH:
            raise CanonicalizationError(f"JSON nested deeper than {MAX_DEPTH}")
        out.append("[")
        first = True
        for item in value:  # type: ignore[attr-defined]
            if not first:
                out.append(",")
            first = False
            _write(item, out, depth + 1)
        out.append("]")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif value is None:
        out.append("null")
    elif kind is int or (isinstance(value, int) and not isinstance(value, bool)):
        out.append(serialize_integer(value))  # type: ignore[arg-type]
    elif isinstance(value, float):
        out.append(serialize_number(value))
    elif isinstance(value, str):
        out.append(encode_basestring(str(value)))
    else:
        raise CanonicalizationError(
            f"a value of type {kind.__name__} is not JSON (RFC 8785 §3.2.2)"
        )


def _write_object(value: Mapping[object, object], out: list[str], depth: int) -> None:
    if depth >= MAX_DEPTH:
        raise CanonicalizationError(f"JSON nested deeper than {MAX_DEPTH}")
    for key in value:
        if type(key) is not str and not isinstance(key, str):
            raise CanonicalizationError("JSON object keys must be strings")
    names: list[str] = list(value)  # type: ignore[arg-type]
    # Sorting by code points equals sorting by UTF-16 code units unless a
    # name holds a character at or above U+D800 (RFC 8785 §3.2.3).
    if any(not name.isascii() for name in names):
        names.sort(key=_utf16_key)
    else:
        names.sort()
    out.append("{")
    first = True
    for name in names:
        if not first:
            out.append(",")
        first = False
        out.append(encode_basestring(name))
        out.append(":")
        _write(value[name], out, depth + 1)
    out.append("}")


def serialize_integer(value: int) -> str:
    """Serialize an integer in I-JSON range (RFC 8785 §3.2.2.3, RFC 7493 §2.2).

    :raises CanonicalizationError: if it is outside ±(2**53 - 1).
    """
    if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return str(int(value))
    raise CanonicalizationError("integer outside the I-JSON range ±(2**53 - 1) (RFC 8785 §3.2.2.3)")


def serialize_number(value: float) -> str:
    """Serialize a number as ECMAScript ``Number.prototype.toString`` does.

    ECMA-262 §6.1.6.1.20 (Number::toString), as RFC 8785 §3.2.2.3 requires:
    the shortest digits that round-trip, plain notation for exponents in
    [-6, 21), otherwise ``d.ddde±n``; ``-0`` is ``0``.

    :raises CanonicalizationError: for NaN or an infinity.
    """
    if not math.isfinite(value):
        raise CanonicalizationError("NaN and Infinity are not JSON numbers (RFC 8785 §3.2.2.3)")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest round-trip digits (correctly rounded, nearest
    # of the shortest), as ECMAScript requires.
    mantissa, _, exponent_text = repr(abs(value)).partition("e")
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # n: the position of the decimal point relative to the digit string.
    point = len(whole) + exponent - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        text = digits + "0" * (point - k)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = f"0.{'0' * -point}{digits}"
    else:
        e = point - 1
        e_text = f"e+{e}" if e >= 0 else f"e-{-e}"
        text = digits + e_text if k == 1 else f"{digits[0]}.{digits[1:]}{e_text}"
    return sign + text


__all__ = [
    "MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "canonicalize",
    "serialize_integer",
    "serialize_number",
]
