"""Tests for vcid.jwk: the JSON shape of OKP and EC JSON Web Keys."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.encoding import base64url_encode
from vcid.errors import KeyFormatError, UnsupportedError
from vcid.jwk import JwkFields, build_jwk, jwk_thumbprint, parse_jwk

# RFC 8037 appendix A.1 and A.2: an Ed25519 key pair.
RFC8037_PRIVATE = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_PUBLIC = {k: v for k, v in RFC8037_PRIVATE.items() if k != "d"}
# RFC 8037 appendix A.3: its thumbprint.
RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

B32 = base64url_encode(bytes(range(32)))
B48 = base64url_encode(bytes(range(48)))
EC256 = {"kty": "EC", "crv": "P-256", "x": B32, "y": B32}


def test_parse_okp_public() -> None:
    fields = parse_jwk(RFC8037_PUBLIC, private=False)
    assert fields.crv == "Ed25519"
    assert fields.kty == "OKP"
    assert len(fields.x) == 32
    assert fields.y is None
    assert fields.d is None


def test_parse_okp_private() -> None:
    fields = parse_jwk(RFC8037_PRIVATE, private=True)
    assert fields.d is not None
    assert len(fields.d) == 32
    assert parse_jwk(RFC8037_PRIVATE, private=None).d == fields.d


def test_parse_ec() -> None:
    fields = parse_jwk(EC256, private=False)
    assert (fields.kty, fields.crv, fields.x, fields.y) == (
        "EC",
        "P-256",
        bytes(range(32)),
        bytes(range(32)),
    )
    p384 = parse_jwk({"kty": "EC", "crv": "P-384", "x": B48, "y": B48}, private=None)
    assert len(p384.x) == 48


def test_thumbprint_rfc8037() -> None:
    assert jwk_thumbprint(RFC8037_PUBLIC) == RFC8037_THUMBPRINT
    # The private key has the thumbprint of its public half.
    assert jwk_thumbprint(RFC8037_PRIVATE) == RFC8037_THUMBPRINT
    # Members outside the required set do not change it.
    assert jwk_thumbprint({**RFC8037_PUBLIC, "kid": "k1"}) == RFC8037_THUMBPRINT


def test_thumbprint_ec_depends_on_y() -> None:
    other = {**EC256, "y": base64url_encode(bytes(32))}
    assert jwk_thumbprint(EC256) != jwk_thumbprint(other)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({**RFC8037_PUBLIC, "kty": "EC"}, "needs kty 'OKP'"),
        ({**EC256, "kty": "OKP"}, "needs kty 'EC'"),
        ({**EC256, "crv": "P-384"}, "must be 48 bytes"),
        ({**EC256, "crv": "p-256"}, "unknown JWK curve"),
        ({**EC256, "x": B48}, "must be 32 bytes"),
        ({**EC256, "y": base64url_encode(bytes(31))}, "must be 32 bytes"),
        ({**RFC8037_PUBLIC, "x": base64url_encode(bytes(31))}, "must be 32 bytes"),
        ({**EC256, "x": B32 + "="}, "not base64url"),
        ({**EC256, "x": "/" + B32[1:]}, "not base64url"),
        ({**EC256, "x": 5}, "must be a string"),
        ({"kty": "EC", "crv": "P-256", "x": B32}, "'y' is missing"),
        ({"kty": "OKP", "crv": "Ed25519"}, "'x' is missing"),
        ({"crv": "Ed25519", "x": B32}, "'kty' is missing"),
        ({"kty": "OKP", "x": B32}, "'crv' is missing"),
        ({**RFC8037_PUBLIC, "y": B32}, "no 'y'"),
        ({**RFC8037_PUBLIC, "alg": "ES256"}, "'alg'"),
        ({**EC256, "alg": "ES384"}, "'alg'"),
        ({**EC256, "alg": ["ES256"]}, "'alg'"),
        ({**RFC8037_PUBLIC, "d": B32}, "private member 'd'"),
        ({**EC256, "p": B32}, "private member 'p'"),
    ],
)
def test_parse_public_rejects(jwk: dict[str, object], message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        parse_jwk(jwk, private=False)


def test_parse_accepts_matching_alg() -> None:
    parse_jwk({**RFC8037_PUBLIC, "alg": "EdDSA"}, private=False)
    parse_jwk({**EC256, "alg": "ES256"}, private=False)


def test_parse_private_requires_d() -> None:
    with pytest.raises(KeyFormatError, match="'d'"):
        parse_jwk(RFC8037_PUBLIC, private=True)
    with pytest.raises(KeyFormatError, match="must be 32 bytes"):
        parse_jwk({**RFC8037_PUBLIC, "d": B48}, private=True)


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "oct", "k": B32},
        {"kty": "OKP", "crv": "X25519", "x": B32},
        {"kty": "OKP", "crv": "Ed448", "x": B32},
        {"kty": "EC", "crv": "P-521", "x": B32, "y": B32},
        {"kty": "EC", "crv": "secp256k1", "x": B32, "y": B32},
    ],
)
def test_parse_unsupported(jwk: dict[str, object]) -> None:
    with pytest.raises(UnsupportedError):
        parse_jwk(jwk, private=None)


@pytest.mark.parametrize("value", [None, "{}", ["kty"], 3])
def test_parse_rejects_non_objects(value: object) -> None:
    with pytest.raises(KeyFormatError, match="JSON object"):
        parse_jwk(value, private=None)  # type: ignore[arg-type]


def test_build_jwk() -> None:
    assert build_jwk("Ed25519", bytes(range(32))) == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": B32,
    }
    jwk = build_jwk("P-384", bytes(range(48)), y=bytes(range(48)), d=bytes(range(48)))
    assert list(jwk) == ["kty", "crv", "x", "y", "d"]
    with pytest.raises(KeyFormatError):
        build_jwk("P-256", bytes(32))  # no y
    with pytest.raises(KeyFormatError):
        build_jwk("Ed25519", bytes(32), y=bytes(32))
    with pytest.raises(KeyFormatError):
        build_jwk("P-256", bytes(31), y=bytes(32))
    with pytest.raises(KeyFormatError):
        build_jwk("Ed25519", bytes(32), d=bytes(31))
    with pytest.raises(KeyFormatError):
        build_jwk("X25519", bytes(32))


@given(
    st.sampled_from(["Ed25519", "P-256", "P-384"]),
    st.data(),
    st.booleans(),
)
def test_build_parse_round_trip(crv: str, data: st.DataObject, private: bool) -> None:
    size = 48 if crv == "P-384" else 32
    member = st.binary(min_size=size, max_size=size)
    x = data.draw(member)
    y = None if crv == "Ed25519" else data.draw(member)
    d = data.draw(member) if private else None
    fields = parse_jwk(build_jwk(crv, x, y=y, d=d), private=private)
    assert (fields.crv, fields.x, fields.y, fields.d) == (crv, x, y, d)


def test_fields_hide_d() -> None:
    fields = parse_jwk(RFC8037_PRIVATE, private=True)
    assert RFC8037_PRIVATE["d"] not in repr(fields)
    assert "nWGx" not in repr(fields)
    assert fields.d is not None
    assert fields.d.hex() not in repr(fields)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(fields)
    assert fields == JwkFields(crv=fields.crv, x=fields.x, y=None)
