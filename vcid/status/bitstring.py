"""The status bitstring of Bitstring Status List v1.0 §3 (encode and decode).

A list holds ``length`` entries of ``status_size`` bits each. Entry ``i``
occupies bits ``i * status_size`` to ``(i + 1) * status_size - 1``, where bit
0 is the left-most (most significant) bit of the first byte (§3.1 "Bitstring
Generation Algorithm": "the first index ... is located at the left-most
bit"); a multi-bit entry is read most significant bit first. The published
form, ``encodedList``, is the GZIP-compressed (RFC 1952) bitstring as
multibase base64url without padding (prefix ``u``, §2.2).

Decoding is bounded: the text, the compressed bytes and the decompressed
output are capped, and decompression streams with a maximum output size, so
a decompression bomb is rejected after at most :data:`MAX_DECOMPRESSED_BYTES`
of output, whatever it claims.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Final

from vcid.encoding import multibase_decode, multibase_encode
from vcid.errors import (
    EncodingError,
    StatusListError,
    StatusListLengthError,
    StatusRangeError,
    UsageError,
)

#: The fewest entries a list may have, for herd privacy (§2.2, §6.1: 16 KB of 1-bit entries).
MIN_ENTRIES: Final = 131_072
#: The largest decompressed bitstring accepted (16 MiB: 134 million 1-bit entries).
MAX_DECOMPRESSED_BYTES: Final = 16 * 1024 * 1024
#: The largest ``statusSize`` accepted (256 distinct status messages).
MAX_STATUS_SIZE: Final = 8
#: The longest ``encodedList`` text accepted (4/3 of the decompressed cap, plus slack).
MAX_ENCODED_CHARS: Final = MAX_DECOMPRESSED_BYTES * 4 // 3 + 1024
_CHUNK: Final = 64 * 1024


def _check_status_size(status_size: int) -> int:
    if (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise UsageError(f"status_size must be an integer from 1 to {MAX_STATUS_SIZE}")
    return status_size


class StatusBitstring:
    """A mutable status bitstring: ``length`` entries of ``status_size`` bits.

    Build one with :meth:`zeros` or :meth:`decode`. It is a working buffer,
    not a value: :meth:`set` changes it in place.
    """

    __slots__ = ("_bits", "_length", "_status_size")

    def __init__(self, data: bytes | bytearray, *, status_size: int = 1) -> None:
        """Wrap ``data`` (copied); the length is every whole entry it holds.

        :param data: the uncompressed bitstring.
        :param status_size: bits per entry (1 to :data:`MAX_STATUS_SIZE`).
        :raises UsageError: for a bad ``status_size`` or non-bytes data.
        """
        _check_status_size(status_size)
        if not isinstance(data, bytes | bytearray):
            raise UsageError("data must be bytes")
        self._bits = bytearray(data)
        self._status_size = status_size
        self._length = len(self._bits) * 8 // status_size

    @classmethod
    def zeros(cls, length: int, *, status_size: int = 1) -> StatusBitstring:
        """A list of ``length`` entries, all 0, padded to whole bytes.

        :param length: the number of entries (at least 1).
        :param status_size: bits per entry.
        :raises UsageError: for a bad length or status size, or a list over
            :data:`MAX_DECOMPRESSED_BYTES`.
        """
        _check_status_size(status_size)
        if not isinstance(length, int) or isinstance(length, bool) or length < 1:
            raise UsageError("length must be a positive integer")
        size = -(-length * status_size // 8)
        if size > MAX_DECOMPRESSED_BYTES:
            raise UsageError("the status list would exceed the largest accepted size")
        return cls(bytes(size), status_size=status_size)

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        min_entries: int = MIN_ENTRIES,
        max_bytes: int = MAX_DECOMPRESSED_BYTES,
    ) -> StatusBitstring:
        """Decode an ``encodedList`` (§3.2 "Bitstring Expansion Algorithm").

        :param encoded: multibase base64url (``u``) of the GZIP-compressed bitstring.
        :param status_size: bits per entry, from the status entry.
        :param min_entries: the fewest entries accepted (131,072 by the spec).
        :param max_bytes: the largest decompressed size accepted.
        :raises StatusListError: for a bad prefix or base64url, data that is not
            one complete GZIP member, or output over ``max_bytes`` (a bomb).
        :raises StatusListLengthError: for fewer than ``min_entries`` entries.
        """
        _check_status_size(status_size)
        data = decode_bitstring(encoded, max_bytes=max_bytes)
        bitstring = cls(data, status_size=status_size)
        if bitstring.length < min_entries:
            raise StatusListLengthError(
                f"the status list has {bitstring.length} entries; at least {min_entries} "
                "are required"
            )
        return bitstring

    @property
    def length(self) -> int:
        """The number of entries."""
        return self._length

    @property
    def status_size(self) -> int:
        """Bits per entry."""
        return self._status_size

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` text (§3.1 "Bitstring Generation Algorithm")."""
        return encode_bitstring(bytes(self._bits))

    def _check_index(self, index: int) -> int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise UsageError("a status index must be an integer")
        if not 0 <= index < self._length:
            raise StatusRangeError(f"status index is outside the list of {self._length} entries")
        return index * self._status_size

    def get(self, index: int) -> int:
        """The status value of entry ``index`` (0 to 2**status_size - 1).

        :raises StatusRangeError: if ``index`` is outside the list (RANGE_ERROR).
        """
        start = self._check_index(index)
        if self._status_size == 1:
            return (self._bits[start >> 3] >> (7 - (start & 7))) & 1
        value = 0
        for bit in range(start, start + self._status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        """Set entry ``index`` to ``value``.

        :raises StatusRangeError: if ``index`` is outside the list.
        :raises UsageError: if ``value`` does not fit in ``status_size`` bits.
        """
        start = self._check_index(index)
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value < 1 << self._status_size
        ):
            raise UsageError(f"a status value must fit in {self._status_size} bits")
        for offset in range(self._status_size):
            bit = start + offset
            mask = 1 << (7 - (bit & 7))
            if (value >> (self._status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def __repr__(self) -> str:
        return f"StatusBitstring(length={self._length}, status_size={self._status_size})"


def encode_bitstring(data: bytes) -> str:
    """GZIP-compress ``data`` and encode it as multibase base64url (``u``).

    The GZIP header carries no timestamp, so equal bitstrings encode equally.
    Level 6: for a million entries with 10,000 set it is ten times faster
    than level 9 for a list about 15% larger.

    :param data: the uncompressed bitstring.
    :raises UsageError: for non-bytes data.
    """
    if not isinstance(data, bytes | bytearray):
        raise UsageError("data must be bytes")
    return multibase_encode(gzip.compress(bytes(data), compresslevel=6, mtime=0), "u")


def decode_bitstring(encoded: str, *, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Decode an ``encodedList`` into the uncompressed bitstring, boundedly.

    :param encoded: multibase base64url of one GZIP member.
    :param max_bytes: the largest output accepted; decompression stops as
        soon as it would produce more.
    :raises StatusListError: for a non-string, an over-long text, a prefix
        other than ``u``, bad base64url, data that is not GZIP, a truncated
        stream, trailing data, or output over ``max_bytes``.
    """
    if not isinstance(encoded, str):
        raise StatusListError("encodedList must be a string")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise StatusListError("encodedList is too long")
    try:
        compressed = multibase_decode(encoded, bases={"u"})
    except EncodingError as exc:
        raise StatusListError(f"encodedList is not multibase base64url: {exc}") from None
    return _gunzip(compressed, max_bytes)


def _gunzip(compressed: bytes, max_bytes: int) -> bytes:
    """Decompress one GZIP member, never producing more than ``max_bytes``."""
    if compressed[:2] != b"\x1f\x8b":
        raise StatusListError("encodedList is not GZIP data")
    stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = bytearray()
    pending = memoryview(compressed)
    try:
        while pending and not stream.eof:
            room = max_bytes + 1 - len(out)
            out += stream.decompress(pending[:_CHUNK], room)
            consumed = min(len(pending), _CHUNK) - len(stream.unconsumed_tail)
            pending = pending[consumed:]
            if len(out) > max_bytes:
                raise StatusListError(
                    f"the status list expands to more than {max_bytes} bytes "
                    "(a decompression bomb?)"
                )
        if not stream.eof:
            raise StatusListError("the GZIP data of encodedList is truncated")
    except zlib.error:
        raise StatusListError("encodedList is not valid GZIP data") from None
    if stream.unused_data or pending:
        raise StatusListError("encodedList has data after its GZIP member")
    return bytes(out)


__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "MAX_ENCODED_CHARS",
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "StatusBitstring",
    "decode_bitstring",
    "encode_bitstring",
]
