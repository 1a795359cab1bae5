"""Byte encodings: base58btc, base64url, base16, multibase, varint, multicodec.

Every decoder is strict: it accepts exactly one spelling of each byte string
(no padding, no whitespace, no alternative alphabets, no spare bits), so a
signed value cannot be re-encoded into a second accepted form.

References: the Multibase draft (draft-multiformats-multibase-08), the
multiformats unsigned-varint and multicodec specifications, RFC 4648 section 5
(base64url) and section 8 (base16), and Controlled Identifiers 1.0 section
2.2.2 (Multikey).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection
from enum import IntEnum
from typing import Final, Literal

import base58

from vcid.errors import EncodingError

#: The longest base58btc text accepted; base58 is quadratic in its length.
MAX_BASE58_CHARS: Final = 16 * 1024
_BASE58_ALPHABET: Final = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_DIGITS: Final = bytes.maketrans(_BASE58_ALPHABET, bytes(range(58)))
#: The longest varint accepted, in bytes (the multiformats limit, 2**63 - 1).
MAX_VARINT_BYTES: Final = 9

_BASE58_RE: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]*")
_BASE64URL_RE: Final = re.compile(r"[A-Za-z0-9_-]*")
_BASE16_RE: Final = re.compile(r"(?:[0-9a-f]{2})*")
_HEX_DIGITS_RE: Final = re.compile(r"[0-9a-f]*")

MultibaseCode = Literal["z", "u", "f"]


def _require_str(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise EncodingError(f"{what} must be a string, not {type(text).__name__}")
    return text


def _require_bytes(data: object, what: str) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EncodingError(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)


# --- base58btc ----------------------------------------------------------------


def base58btc_encode(data: bytes) -> str:
    """Encode bytes as base58btc (the Bitcoin alphabet), without a prefix.

    :param data: the bytes to encode.
    :raises EncodingError: if ``data`` is not bytes.
    """
    return base58.b58encode(_require_bytes(data, "base58btc input")).decode("ascii")


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc text (the Bitcoin alphabet), without a prefix.

    Each leading ``1`` stands for one zero byte, so every byte string has
    exactly one spelling.

    :param text: the base58btc characters.
    :raises EncodingError: for a character outside the alphabet (including
        whitespace) or text longer than :data:`MAX_BASE58_CHARS`.
    """
    text = _require_str(text, "base58btc input")
    if len(text) > MAX_BASE58_CHARS:
        raise EncodingError(f"base58btc text longer than {MAX_BASE58_CHARS} chars")
    if _BASE58_RE.fullmatch(text) is None:
        position = _first_bad(text, _BASE58_RE)
        raise EncodingError(f"invalid base58btc character at position {position}")
    # The digits as bytes 0..57 (C-speed translate), then one big integer.
    number = 0
    for digit in text.encode("ascii").translate(_BASE58_DIGITS):
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


# --- base64url ----------------------------------------------------------------


def base64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 section 5).

    :param data: the bytes to encode.
    :raises EncodingError: if ``data`` is not bytes.
    """
    raw = _require_bytes(data, "base64url input")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Decode unpadded base64url (RFC 4648 section 5), strictly.

    :param text: the base64url characters, without ``=`` padding.
    :raises EncodingError: for padding, ``+``, ``/``, whitespace or any other
        character outside the alphabet, an impossible length, or non-zero
        unused bits in the last character (a non-canonical spelling).
    """
    text = _require_str(text, "base64url input")
    if _BASE64URL_RE.fullmatch(text) is None:
        position = _first_bad(text, _BASE64URL_RE)
        raise EncodingError(f"invalid base64url character at position {position}")
    if len(text) % 4 == 1:
        raise EncodingError("base64url text has an impossible length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error:  # pragma: no cover - excluded by the checks above
        raise EncodingError("malformed base64url text") from None
    if base64url_encode(data) != text:
        raise EncodingError("base64url text has non-zero unused bits")
    return data


# --- base16 -------------------------------------------------------------------


def base16_encode(data: bytes) -> str:
    """Encode bytes as lowercase hexadecimal (RFC 4648 section 8).

    :raises EncodingError: if ``data`` is not bytes.
    """
    return _require_bytes(data, "base16 input").hex()


def base16_decode(text: str) -> bytes:
    """Decode lowercase hexadecimal with an even number of digits.

    :raises EncodingError: for uppercase or non-hex characters, whitespace or
        an odd length.
    """
    text = _require_str(text, "base16 input")
    if _BASE16_RE.fullmatch(text) is None:
        position = _first_bad(text, _HEX_DIGITS_RE)
        if position < len(text):
            raise EncodingError(f"invalid base16 character at position {position}")
        raise EncodingError("base16 text has an odd number of digits")
    return bytes.fromhex(text)


def _first_bad(text: str, allowed: re.Pattern[str]) -> int:
    match = allowed.match(text)
    return match.end() if match is not None else 0


# --- multibase ----------------------------------------------------------------

_ENCODERS: Final = {
    "z": base58btc_encode,
    "u": base64url_encode,
    "f": base16_encode,
}
_DECODERS: Final = {
    "z": base58btc_decode,
    "u": base64url_decode,
    "f": base16_decode,
}
_BASE_NAMES: Final = {"z": "base58btc", "u": "base64url", "f": "base16"}


def multibase_encode(data: bytes, base: MultibaseCode = "z") -> str:
    """Encode bytes as multibase text: a one-character prefix, then the data.

    :param data: the bytes to encode.
    :param base: ``"z"`` base58btc, ``"u"`` base64url (no padding) or ``"f"``
        lowercase base16.
    :raises EncodingError: for another base or non-bytes data.
    """
    encoder = _ENCODERS.get(base) if isinstance(base, str) else None
    if encoder is None:
        raise EncodingError("unsupported multibase prefix; use 'z', 'u' or 'f'")
    return base + encoder(data)


def multibase_base(text: str) -> MultibaseCode:
    """Return the multibase prefix of ``text`` (``"z"``, ``"u"`` or ``"f"``).

    :raises EncodingError: for empty text or an unknown prefix.
    """
    text = _require_str(text, "multibase value")
    if not text:
        raise EncodingError("empty multibase value")
    prefix = text[0]
    if prefix == "z":
        return "z"
    if prefix == "u":
        return "u"
    if prefix == "f":
        return "f"
    raise EncodingError("unknown multibase prefix; expected 'z', 'u' or 'f'")


def multibase_decode(text: str, *, bases: Collection[str] | None = None) -> bytes:
    """Decode multibase text (Multibase draft section 2).

    :param text: the prefixed text, e.g. ``"z6Mk..."``.
    :param bases: if given, the prefixes accepted (e.g. ``{"z"}`` where a
        specification demands base58btc); others raise.
    :raises EncodingError: for an unknown or unaccepted prefix, an empty
        payload, or a payload that is not valid in its base.
    """
    base = multibase_base(text)
    if bases is not None and base not in bases:
        allowed = ", ".join(repr(b) for b in sorted(bases))
        raise EncodingError(
            f"multibase prefix {base!r} ({_BASE_NAMES[base]}) not accepted here; expected {allowed}"
        )
    if len(text) == 1:
        raise EncodingError("empty multibase payload")
    return _DECODERS[base](text[1:])


# --- unsigned varint ------------------------------------------------------------


def varint_encode(value: int) -> bytes:
    """Encode a non-negative integer as a multiformats unsigned varint.

    :param value: an integer from 0 to 2**63 - 1.
    :raises EncodingError: for a negative or too large value.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise EncodingError("varint value must be an int")
    if value < 0 or value >= 1 << 63:
        raise EncodingError("varint value out of range 0 .. 2**63-1")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_decode(data: bytes, offset: int = 0) -> tuple[int, int]:
    """Decode a multiformats unsigned varint from ``data[offset:]``.

    :param data: the bytes holding the varint.
    :param offset: where the varint starts.
    :returns: the value and the offset just past the varint.
    :raises EncodingError: for a truncated, non-minimal or overlong varint
        (more than :data:`MAX_VARINT_BYTES` bytes).
    """
    data = _require_bytes(data, "varint input")
    value = 0
    for index in range(MAX_VARINT_BYTES):
        position = offset + index
        if position >= len(data):
            raise EncodingError("truncated varint")
        byte = data[position]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise EncodingError("non-minimal varint encoding")
            return value, position + 1
    raise EncodingError(f"varint longer than {MAX_VARINT_BYTES} bytes")


# --- multicodec -----------------------------------------------------------------


class Multicodec(IntEnum):
    """The multicodec key codes vcid knows (the multicodec table, "key")."""

    ED25519_PUB = 0xED
    X25519_PUB = 0xEC
    P256_PUB = 0x1200
    P384_PUB = 0x1201
    SECP256K1_PUB = 0xE7
    ED25519_PRIV = 0x1300
    P256_PRIV = 0x1306
    P384_PRIV = 0x1307


_CODECS: Final = {int(codec): codec for codec in Multicodec}


def multicodec_wrap(codec: Multicodec, payload: bytes) -> bytes:
    """Prefix ``payload`` with the varint of ``codec``.

    :raises EncodingError: for a codec vcid does not know.
    """
    try:
        known = _CODECS[int(codec)]
    except (KeyError, TypeError, ValueError):
        raise EncodingError("unknown multicodec") from None
    return varint_encode(known) + _require_bytes(payload, "multicodec payload")


def multicodec_unwrap(data: bytes) -> tuple[Multicodec, bytes]:
    """Split multicodec-prefixed bytes into the codec and the payload.

    :raises EncodingError: for a malformed varint or a codec vcid does not
        know (the code is named in hex).
    """
    value, end = varint_decode(data)
    codec = _CODECS.get(value)
    if codec is None:
        raise EncodingError(f"unknown multicodec 0x{value:x}")
    return codec, bytes(data[end:])


__all__ = [
    "MAX_BASE58_CHARS",
    "MAX_VARINT_BYTES",
    "MultibaseCode",
    "Multicodec",
    "base16_decode",
    "base16_encode",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "multibase_base",
    "multibase_decode",
    "multibase_encode",
    "multicodec_unwrap",
    "multicodec_wrap",
    "varint_decode",
    "varint_encode",
]
