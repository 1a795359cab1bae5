"""The status bitstring codec: spec examples, round trips, and hostile input."""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcid.errors import (
    StatusListError,
    StatusListLengthError,
    StatusRangeError,
    UsageError,
)
from vcid.status import MIN_ENTRIES, StatusBitstring, decode_bitstring, encode_bitstring
from vcid.status.bitstring import MAX_ENCODED_CHARS

SPEC_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _vector_lists(vectors_dir: Path) -> list[str]:
    found = []
    for path in sorted((vectors_dir / "bitstring-status-list").glob("*.json")):
        subject = json.loads(path.read_text()).get("credentialSubject", {})
        if isinstance(subject, dict) and "encodedList" in subject:
            found.append(subject["encodedList"])
    return found


def test_every_spec_example_list_decodes_to_131072_zero_entries(vectors_dir: Path) -> None:
    lists = _vector_lists(vectors_dir)
    assert len(lists) == 2  # §2.2 and appendix A.2
    for encoded in lists:
        bits = StatusBitstring.decode(encoded)
        assert bits.length == MIN_ENTRIES
        assert bits.to_bytes() == bytes(MIN_ENTRIES // 8)
        assert bits.get(0) == 0
        assert bits.get(MIN_ENTRIES - 1) == 0


def test_spec_list_read_with_a_two_bit_status_size_is_too_short() -> None:
    with pytest.raises(StatusListLengthError):
        StatusBitstring.decode(SPEC_LIST, status_size=2)


def test_index_zero_is_the_left_most_bit() -> None:
    bits = StatusBitstring.zeros(MIN_ENTRIES)
    bits.set(0, 1)
    bits.set(9, 1)
    assert bits.to_bytes()[:2] == bytes([0b1000_0000, 0b0100_0000])


def test_multi_bit_entries_are_read_most_significant_bit_first() -> None:
    bits = StatusBitstring.zeros(MIN_ENTRIES, status_size=2)
    bits.set(0, 0b10)
    bits.set(1, 0b01)
    bits.set(3, 0b11)
    assert bits.to_bytes()[0] == 0b10_01_00_11
    three = StatusBitstring.zeros(16, status_size=3)
    three.set(1, 0b101)  # bits 3..5
    assert three.to_bytes()[0] == 0b000_101_00
    assert three.get(1) == 0b101
    assert three.get(0) == 0
    three.set(1, 0)
    assert three.to_bytes()[0] == 0


def test_encoding_is_gzip_in_multibase_base64url() -> None:
    bits = StatusBitstring.zeros(MIN_ENTRIES)
    bits.set(42, 1)
    encoded = bits.encode()
    assert encoded[0] == "u"
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    assert gzip.decompress(raw) == bits.to_bytes()
    assert "=" not in encoded


@settings(max_examples=40, deadline=None)
@given(
    status_size=st.sampled_from([1, 2, 4, 8]),
    data=st.data(),
)
def test_a_list_with_entries_set_round_trips(status_size: int, data: st.DataObject) -> None:
    values = data.draw(
        st.dictionaries(
            st.integers(0, MIN_ENTRIES - 1),
            st.integers(1, (1 << status_size) - 1),
            max_size=64,
        )
    )
    bits = StatusBitstring.zeros(MIN_ENTRIES, status_size=status_size)
    for index, value in values.items():
        bits.set(index, value)
    decoded = StatusBitstring.decode(bits.encode(), status_size=status_size)
    assert decoded.to_bytes() == bits.to_bytes()
    for index, value in values.items():
        assert decoded.get(index) == value
    probe = data.draw(st.integers(0, MIN_ENTRIES - 1))
    assert decoded.get(probe) == values.get(probe, 0)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=64))
def test_arbitrary_text_never_decodes_silently(text: str) -> None:
    try:
        StatusBitstring.decode(text)
    except StatusListError:
        return
    pytest.fail("random text decoded to a valid list")  # pragma: no cover


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=256))
def test_arbitrary_bytes_are_rejected_with_a_typed_error(data: bytes) -> None:
    with pytest.raises(StatusListError):
        decode_bitstring(_u(gzip.compress(data)[:-1] + b"x") if data else _u(data))


def test_a_list_shorter_than_131072_entries_is_rejected() -> None:
    short = encode_bitstring(bytes(MIN_ENTRIES // 8 - 1))
    with pytest.raises(StatusListLengthError, match="131072"):
        StatusBitstring.decode(short)
    assert StatusBitstring.decode(short, min_entries=1).length == MIN_ENTRIES - 8


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        ("z" + "1" * 20, "not accepted"),  # base58btc, not base64url
        ("f00ff", "not accepted"),
        ("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", "prefix"),
        ("u", "empty"),
        ("uH4sI+AAA", "base64url"),  # '+' is base64, not base64url
        ("uH4sI=", "base64url"),  # padding
        ("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAA", "truncated"),
        ("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAAA", "base64url"),
        ("", "empty"),
    ],
)
def test_bad_encodings_are_rejected(encoded: str, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        decode_bitstring(encoded)


def test_non_string_is_rejected() -> None:
    with pytest.raises(StatusListError):
        decode_bitstring(b"uH4sI")  # type: ignore[arg-type]


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        pytest.param(zlib.compress(bytes(MIN_ENTRIES // 8)), "not GZIP", id="zlib"),
        pytest.param(bytes(MIN_ENTRIES // 8), "not GZIP", id="uncompressed"),
        pytest.param(_gz(bytes(MIN_ENTRIES // 8))[:-12], "truncated", id="truncated"),
        pytest.param(
            _gz(bytes(MIN_ENTRIES // 8)) + b"\x00junk", "after its GZIP member", id="trailing"
        ),
        pytest.param(_gz(bytes(16)) + _gz(bytes(16)), "after its GZIP member", id="two-members"),
        pytest.param(
            b"\x1f\x8b\x08\x00" + bytes(6) + b"\xff\xff\xff", "not valid GZIP", id="bad-deflate"
        ),
    ],
)
def test_data_that_is_not_one_gzip_member_is_rejected(payload: bytes, reason: str) -> None:
    with pytest.raises(StatusListError, match=reason):
        decode_bitstring(_u(payload))


def test_a_corrupted_gzip_checksum_is_rejected() -> None:
    data = bytearray(gzip.compress(bytes(MIN_ENTRIES // 8)))
    data[-8] ^= 0xFF  # CRC32
    with pytest.raises(StatusListError):
        decode_bitstring(_u(bytes(data)))


@pytest.fixture(scope="module")
def gzip_bomb() -> str:
    """1 GiB of zeros, GZIP-compressed (about 1 MB), as an encodedList."""
    stream = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    parts = [stream.compress(chunk) for _ in range(1024)]
    parts.append(stream.flush())
    return _u(b"".join(parts))


def test_a_decompression_bomb_is_rejected_with_bounded_memory(gzip_bomb: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError, match="decompression bomb"):
            StatusBitstring.decode(gzip_bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the 16 MiB output cap plus the ~1.4 MB input and its decoding, never 1 GiB
    assert peak < 64 * 1024 * 1024


def test_a_smaller_output_cap_is_honoured() -> None:
    encoded = encode_bitstring(bytes(MIN_ENTRIES // 8))
    with pytest.raises(StatusListError, match="more than 1000 bytes"):
        decode_bitstring(encoded, max_bytes=1000)
    assert len(decode_bitstring(encoded, max_bytes=MIN_ENTRIES // 8)) == MIN_ENTRIES // 8


def test_an_over_long_text_is_rejected_before_decoding() -> None:
    with pytest.raises(StatusListError, match="too long"):
        decode_bitstring("u" + "A" * MAX_ENCODED_CHARS)


def test_index_outside_the_list_is_a_range_error() -> None:
    bits = StatusBitstring.zeros(MIN_ENTRIES)
    with pytest.raises(StatusRangeError):
        bits.get(MIN_ENTRIES)
    with pytest.raises(StatusRangeError):
        bits.set(-1, 1)


@pytest.mark.parametrize(("status_size", "value"), [(1, 2), (2, 4), (1, -1), (8, 256), (1, True)])
def test_a_value_that_does_not_fit_is_a_usage_error(status_size: int, value: int) -> None:
    bits = StatusBitstring.zeros(8, status_size=status_size)
    with pytest.raises(UsageError):
        bits.set(0, value)


@pytest.mark.parametrize("status_size", [0, 9, -1, True])
def test_a_bad_status_size_is_a_usage_error(status_size: int) -> None:
    with pytest.raises(UsageError):
        StatusBitstring.zeros(8, status_size=status_size)
    with pytest.raises(UsageError):
        StatusBitstring.decode(SPEC_LIST, status_size=status_size)


def test_equal_bitstrings_encode_equally() -> None:
    assert (
        StatusBitstring.zeros(MIN_ENTRIES).encode() == StatusBitstring.zeros(MIN_ENTRIES).encode()
    )


# --- multi-bit get/set against an independent model ------------------------------------


def _model_get(data: bytes, status_size: int, index: int) -> int:
    """Entry ``index`` read from ``data`` as one big-endian integer (§3.1 bit order)."""
    total = len(data) * 8
    shift = total - (index + 1) * status_size
    return (int.from_bytes(data, "big") >> shift) & ((1 << status_size) - 1)


@settings(max_examples=100, deadline=None)
@given(
    status_size=st.integers(1, 8),
    length=st.integers(1, 300),
    data=st.data(),
)
def test_multi_bit_set_and_get_agree_with_a_big_integer_model(
    status_size: int, length: int, data: st.DataObject
) -> None:
    """After any sequence of sets, every entry reads back as the last value written."""
    bits = StatusBitstring.zeros(length, status_size=status_size)
    assert bits.length >= length
    writes = data.draw(
        st.lists(
            st.tuples(st.integers(0, length - 1), st.integers(0, (1 << status_size) - 1)),
            max_size=50,
        )
    )
    expected: dict[int, int] = {}
    for index, value in writes:
        bits.set(index, value)
        expected[index] = value
    raw = bits.to_bytes()
    for index in range(length):
        assert bits.get(index) == expected.get(index, 0)
        assert _model_get(raw, status_size, index) == expected.get(index, 0)
    # padding bits past the last whole entry are never written
    used = bits.length * status_size
    assert int.from_bytes(raw, "big") & ((1 << (len(raw) * 8 - used)) - 1) == 0


@settings(max_examples=100, deadline=None)
@given(
    status_size=st.integers(1, 8),
    data=st.data(),
)
def test_setting_one_multi_bit_entry_leaves_its_neighbours_alone(
    status_size: int, data: st.DataObject
) -> None:
    length = 64
    top = (1 << status_size) - 1
    start = data.draw(st.lists(st.integers(0, top), min_size=length, max_size=length))
    bits = StatusBitstring.zeros(length, status_size=status_size)
    for index, value in enumerate(start):
        bits.set(index, value)
    index = data.draw(st.integers(0, length - 1))
    value = data.draw(st.integers(0, top))
    bits.set(index, value)
    after = [bits.get(i) for i in range(length)]
    assert after[index] == value
    assert after[:index] + after[index + 1 :] == start[:index] + start[index + 1 :]


@settings(max_examples=30, deadline=None)
@given(status_size=st.integers(1, 8), data=st.data())
def test_a_multi_bit_list_round_trips_through_its_encoding(
    status_size: int, data: st.DataObject
) -> None:
    length = 1000
    values = data.draw(
        st.dictionaries(st.integers(0, length - 1), st.integers(0, (1 << status_size) - 1))
    )
    bits = StatusBitstring.zeros(length, status_size=status_size)
    for index, value in values.items():
        bits.set(index, value)
    decoded = StatusBitstring.decode(bits.encode(), status_size=status_size, min_entries=length)
    assert decoded.to_bytes() == bits.to_bytes()
    assert all(decoded.get(i) == values.get(i, 0) for i in range(length))
