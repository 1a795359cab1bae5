"""Tests for vcid.encoding: strict base58btc, base64url, base16, multibase,
unsigned varint and multicodec."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.encoding import (
    MAX_BASE58_CHARS,
    Multicodec,
    base16_decode,
    base16_encode,
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_base,
    multibase_decode,
    multibase_encode,
    multicodec_unwrap,
    multicodec_wrap,
    varint_decode,
    varint_encode,
)
from vcid.errors import EncodingError, MalformedInputError

BASES = ("z", "u", "f")

# --- known answers --------------------------------------------------------------


def test_multibase_spec_examples() -> None:
    # The Multibase draft's "yes mani !" examples.
    data = b"yes mani !"
    assert multibase_encode(data, "z") == "z7paNL19xttacUY"
    assert multibase_encode(data, "u") == "ueWVzIG1hbmkgIQ"
    assert multibase_encode(data, "f") == "f796573206d616e692021"
    for text in ("z7paNL19xttacUY", "ueWVzIG1hbmkgIQ", "f796573206d616e692021"):
        assert multibase_decode(text) == data


def test_multibase_default_base_is_base58btc() -> None:
    assert multibase_encode(b"yes mani !") == "z7paNL19xttacUY"


def test_base58btc_leading_zero_bytes_are_ones() -> None:
    assert base58btc_encode(b"\x00\x00yes mani !") == "117paNL19xttacUY"
    assert base58btc_decode("117paNL19xttacUY") == b"\x00\x00yes mani !"
    assert base58btc_encode(b"") == ""
    assert base58btc_decode("") == b""
    assert base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (1, b"\x01"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (255, b"\xff\x01"),
        (300, b"\xac\x02"),
        (16384, b"\x80\x80\x01"),
        ((1 << 63) - 1, b"\xff" * 8 + b"\x7f"),
    ],
)
def test_varint_known_values(value: int, encoded: bytes) -> None:
    assert varint_encode(value) == encoded
    assert varint_decode(encoded) == (value, len(encoded))


@pytest.mark.parametrize(
    ("codec", "prefix"),
    [
        (Multicodec.ED25519_PUB, b"\xed\x01"),
        (Multicodec.X25519_PUB, b"\xec\x01"),
        (Multicodec.P256_PUB, b"\x80\x24"),
        (Multicodec.P384_PUB, b"\x81\x24"),
        (Multicodec.SECP256K1_PUB, b"\xe7\x01"),
        (Multicodec.ED25519_PRIV, b"\x80\x26"),
        (Multicodec.P256_PRIV, b"\x86\x26"),
        (Multicodec.P384_PRIV, b"\x87\x26"),
    ],
)
def test_multicodec_prefixes(codec: Multicodec, prefix: bytes) -> None:
    assert multicodec_wrap(codec, b"key") == prefix + b"key"
    assert multicodec_unwrap(prefix + b"key") == (codec, b"key")


def test_multikey_prefixes_give_familiar_text() -> None:
    # did:key / Multikey: z6Mk (Ed25519), zDna (P-256), z82L (P-384).
    assert multibase_encode(multicodec_wrap(Multicodec.ED25519_PUB, bytes(32)))[:4] == ("z6Mk")
    p256 = multibase_encode(multicodec_wrap(Multicodec.P256_PUB, b"\x02" * 33))
    assert p256.startswith("zDn")
    p384 = multibase_encode(multicodec_wrap(Multicodec.P384_PUB, b"\x02" * 49))
    assert p384.startswith("z82")


def test_varint_decode_offset_and_trailing_data() -> None:
    assert varint_decode(b"\xff\xac\x02\x99", 1) == (300, 3)


# --- round trips -----------------------------------------------------------------


@given(st.binary(max_size=200))
def test_base58btc_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data)) == data


@given(st.binary(max_size=200))
def test_base64url_round_trip(data: bytes) -> None:
    text = base64url_encode(data)
    assert "=" not in text
    assert base64url_decode(text) == data


@given(st.binary(max_size=200))
def test_base16_round_trip(data: bytes) -> None:
    text = base16_encode(data)
    assert text == text.lower()
    assert base16_decode(text) == data


@given(st.binary(min_size=1, max_size=200), st.sampled_from(BASES))
def test_multibase_round_trip(data: bytes, base: str) -> None:
    text = multibase_encode(data, base)  # type: ignore[arg-type]
    assert text[0] == base
    assert multibase_base(text) == base
    assert multibase_decode(text) == data
    assert multibase_decode(text, bases={base}) == data


@given(st.integers(min_value=0, max_value=(1 << 63) - 1))
def test_varint_round_trip(value: int) -> None:
    encoded = varint_encode(value)
    assert varint_decode(encoded + b"tail") == (value, len(encoded))


@given(st.sampled_from(list(Multicodec)), st.binary(max_size=64))
def test_multicodec_round_trip(codec: Multicodec, payload: bytes) -> None:
    assert multicodec_unwrap(multicodec_wrap(codec, payload)) == (codec, payload)


# --- canonicity: every accepted text is the one spelling of its bytes -------------


@given(st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"))
def test_base58btc_accepts_only_canonical_text(text: str) -> None:
    assert base58btc_encode(base58btc_decode(text)) == text


@given(st.text(max_size=40))
def test_base64url_decode_is_canonical_or_raises(text: str) -> None:
    try:
        data = base64url_decode(text)
    except EncodingError:
        return
    assert base64url_encode(data) == text


@given(st.text(max_size=40))
def test_base16_decode_is_canonical_or_raises(text: str) -> None:
    try:
        data = base16_decode(text)
    except EncodingError:
        return
    assert base16_encode(data) == text


@given(st.text(max_size=40))
def test_multibase_decode_never_crashes(text: str) -> None:
    try:
        data = multibase_decode(text)
    except EncodingError:
        return
    assert data
    assert multibase_encode(data, multibase_base(text)) == text


@given(st.binary(max_size=12))
def test_varint_decode_is_minimal_or_raises(data: bytes) -> None:
    try:
        value, end = varint_decode(data)
    except EncodingError:
        return
    assert varint_encode(value) == data[:end]


# --- rejection -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["0", "O", "I", "l", "abc def", "abc\n", " abc", "ab+c", "é", "a\x00"]
)
def test_base58btc_rejects_bad_characters(text: str) -> None:
    with pytest.raises(EncodingError, match="base58btc character"):
        base58btc_decode(text)


def test_base58btc_rejects_oversized_text() -> None:
    with pytest.raises(EncodingError, match="longer than"):
        base58btc_decode("2" * (MAX_BASE58_CHARS + 1))


@pytest.mark.parametrize(
    "text",
    [
        "QQ==",  # padding
        "QQ=",
        "a+b/",  # the standard alphabet
        "ab/c",
        "QUJD\n",  # whitespace
        "QU JD",
        " QUJD",
        "QUJD\t",
        "QUJ.",
        "QUJDé",
    ],
)
def test_base64url_rejects_bad_characters(text: str) -> None:
    with pytest.raises(EncodingError, match="base64url character"):
        base64url_decode(text)


@pytest.mark.parametrize("text", ["Q", "QUJDR"])
def test_base64url_rejects_impossible_length(text: str) -> None:
    with pytest.raises(EncodingError, match="impossible length"):
        base64url_decode(text)


@pytest.mark.parametrize("text", ["QR", "QUJ", "QUJDRB", "_-"])
def test_base64url_rejects_non_zero_unused_bits(text: str) -> None:
    with pytest.raises(EncodingError, match="unused bits"):
        base64url_decode(text)


def test_base64url_canonical_neighbours_accepted() -> None:
    assert base64url_decode("QQ") == b"A"
    assert base64url_decode("QUE") == b"AA"
    assert base64url_decode("") == b""


@pytest.mark.parametrize("text", ["ABCD", "0X00", "0x00", "zz", "00 11", "00\n", "\u0660\u0660"])
def test_base16_rejects_non_hex(text: str) -> None:
    with pytest.raises(EncodingError, match="base16 character"):
        base16_decode(text)


def test_base16_rejects_odd_length() -> None:
    with pytest.raises(EncodingError, match="odd"):
        base16_decode("abc")


@pytest.mark.parametrize("text", ["m" + "AAAA", "bAAAA", "FABCD", "Z7paNL", "9abc", " z7"])
def test_multibase_rejects_unknown_prefix(text: str) -> None:
    with pytest.raises(EncodingError, match="unknown multibase prefix"):
        multibase_decode(text)


def test_multibase_rejects_empty() -> None:
    with pytest.raises(EncodingError, match="empty multibase value"):
        multibase_decode("")


@pytest.mark.parametrize("prefix", BASES)
def test_multibase_rejects_empty_payload(prefix: str) -> None:
    with pytest.raises(EncodingError, match="empty multibase payload"):
        multibase_decode(prefix)


def test_multibase_bases_restriction() -> None:
    with pytest.raises(EncodingError, match="not accepted"):
        multibase_decode("ueWVzIG1hbmkgIQ", bases={"z"})
    assert multibase_decode("z7paNL19xttacUY", bases={"z"}) == b"yes mani !"


def test_multibase_bad_payload_is_encoding_error() -> None:
    with pytest.raises(EncodingError, match="base58btc"):
        multibase_decode("z0OIl")
    with pytest.raises(EncodingError, match="base64url"):
        multibase_decode("uQQ==")
    with pytest.raises(EncodingError, match="base16"):
        multibase_decode("fABCD")


def test_multibase_encode_rejects_unknown_base() -> None:
    with pytest.raises(EncodingError, match="unsupported multibase"):
        multibase_encode(b"x", "m")  # type: ignore[arg-type]


def test_error_messages_do_not_echo_long_input() -> None:
    secret = "m" + "Q" * 5000
    with pytest.raises(EncodingError) as info:
        multibase_decode(secret)
    assert len(str(info.value)) < 120
    assert "QQQQ" not in str(info.value)
    with pytest.raises(EncodingError) as info:
        base58btc_decode("z" * 3000 + "0")
    assert "zzzz" not in str(info.value)
    assert "3000" in str(info.value)  # the position, not the text


@pytest.mark.parametrize("value", [b"x", 5, None, [b"z"]])
def test_decoders_reject_non_strings(value: object) -> None:
    for decoder in (
        base58btc_decode,
        base64url_decode,
        base16_decode,
        multibase_decode,
    ):
        with pytest.raises(EncodingError, match="must be a string"):
            decoder(value)  # type: ignore[arg-type]


def test_encoders_reject_non_bytes() -> None:
    for encoder in (base58btc_encode, base64url_encode, base16_encode):
        with pytest.raises(EncodingError, match="must be bytes"):
            encoder("text")  # type: ignore[arg-type]


def test_encoding_error_is_malformed_input() -> None:
    with pytest.raises(MalformedInputError):
        multibase_decode("?")
    assert EncodingError.code == "INVALID_ENCODING"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "truncated"),
        (b"\x80", "truncated"),
        (b"\xff\xff", "truncated"),
        (b"\x80\x00", "non-minimal"),
        (b"\x81\x00", "non-minimal"),
        (b"\xed\x81\x00", "non-minimal"),
        (b"\xff" * 9 + b"\x01", "longer than"),
        (b"\x80" * 9 + b"\x00", "longer than"),
    ],
)
def test_varint_decode_rejects(data: bytes, message: str) -> None:
    with pytest.raises(EncodingError, match=message):
        varint_decode(data)


@pytest.mark.parametrize("value", [-1, 1 << 63, True, 1.0, "1"])
def test_varint_encode_rejects(value: object) -> None:
    with pytest.raises(EncodingError):
        varint_encode(value)  # type: ignore[arg-type]


def test_multicodec_unwrap_rejects_unknown_codec() -> None:
    with pytest.raises(EncodingError, match="unknown multicodec 0x55"):
        multicodec_unwrap(b"\x55abc")
    with pytest.raises(EncodingError, match="unknown multicodec 0x1305"):
        multicodec_unwrap(varint_encode(0x1305) + b"abc")


def test_multicodec_unwrap_rejects_bad_varint() -> None:
    with pytest.raises(EncodingError, match="non-minimal"):
        multicodec_unwrap(b"\xed\x81\x00")  # 0xed with a padded varint
    with pytest.raises(EncodingError, match="truncated"):
        multicodec_unwrap(b"\xed")


@pytest.mark.parametrize("codec", [0x55, 0x1305, -1, True, "ed"])
def test_multicodec_wrap_rejects_unknown_codec(codec: object) -> None:
    with pytest.raises(EncodingError, match="unknown multicodec"):
        multicodec_wrap(codec, b"x")  # type: ignore[arg-type]


def test_multicodec_wrap_accepts_plain_int_of_known_codec() -> None:
    assert multicodec_wrap(0xED, b"k") == b"\xed\x01k"  # type: ignore[arg-type]
