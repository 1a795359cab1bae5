"""Tests for vcid.keys: Ed25519, P-256 and P-384 keys, Multikey, JWK, signing,
verification, secret hygiene and the Ed25519 -> X25519 map."""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from vcid.encoding import (
    Multicodec,
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
    multicodec_unwrap,
    multicodec_wrap,
)
from vcid.errors import (
    InvalidSignature,
    KeyFormatError,
    MalformedInputError,
    UnsupportedError,
)
from vcid.keys import (
    KeyType,
    PrivateKey,
    PublicKey,
    Signer,
    Verifier,
    ed25519_to_x25519,
    public_multikey,
)

ALL_TYPES = list(KeyType)
EC_TYPES = [KeyType.P256, KeyType.P384]
ORDERS = {
    KeyType.P256: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    KeyType.P384: int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
}
CURVES: dict[KeyType, ec.EllipticCurve] = {
    KeyType.P256: ec.SECP256R1(),
    KeyType.P384: ec.SECP384R1(),
}
PREFIXES = {KeyType.ED25519: "z6Mk", KeyType.P256: "zDna", KeyType.P384: "z82L"}
P25519 = (1 << 255) - 19
_IDENTITY = (1).to_bytes(32, "little")  # the Ed25519 neutral point (0, 1)

_KEYS: dict[KeyType, PrivateKey] = {}


def key_of(key_type: KeyType) -> PrivateKey:
    """One generated key per type, shared by the tests in this module."""
    if key_type not in _KEYS:
        _KEYS[key_type] = PrivateKey.generate(key_type)
    return _KEYS[key_type]


def load_json(path: Path) -> dict[str, object]:
    value = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def off_curve_compressed(key_type: KeyType) -> bytes:
    """A compressed point whose x has no y on the curve."""
    size = key_type.secret_length
    for x in range(1, 200):
        candidate = b"\x02" + x.to_bytes(size, "big")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(CURVES[key_type], candidate)
        except ValueError:
            return candidate
    raise AssertionError("no off-curve x found")


def non_point_ed25519() -> bytes:
    """An Ed25519 encoding whose y has no x (x^2 is a non-residue)."""
    d = (-121665 * pow(121666, -1, P25519)) % P25519
    for y in range(2, 200):
        x2 = (y * y - 1) * pow(d * y * y + 1, -1, P25519) % P25519
        if pow(x2, (P25519 - 1) // 2, P25519) == P25519 - 1:
            return y.to_bytes(32, "little")
    raise AssertionError("no non-point found")


# --- generate, sign, verify -------------------------------------------------------


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_generate_sign_verify(key_type: KeyType) -> None:
    key = key_of(key_type)
    assert key.key_type is key_type
    signature = key.sign(b"message")
    assert len(signature) == key_type.signature_length
    assert len(signature) == {"Ed25519": 64, "P-256": 64, "P-384": 96}[key_type]
    key.public_key.verify(signature, b"message")


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_signing_is_deterministic(key_type: KeyType) -> None:
    key = key_of(key_type)
    assert key.sign(b"same input") == key.sign(b"same input")
    assert key.sign(b"same input") != key.sign(b"other input")


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_flipped_signature_byte_fails(key_type: KeyType) -> None:
    key = key_of(key_type)
    signature = bytearray(key.sign(b"message"))
    for index in (0, len(signature) // 2, len(signature) - 1):
        flipped = bytearray(signature)
        flipped[index] ^= 0x01
        with pytest.raises(InvalidSignature):
            key.public_key.verify(bytes(flipped), b"message")


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_changed_data_fails(key_type: KeyType) -> None:
    key = key_of(key_type)
    with pytest.raises(InvalidSignature, match="does not verify"):
        key.public_key.verify(key.sign(b"message"), b"messagE")


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_other_key_fails(key_type: KeyType) -> None:
    signature = key_of(key_type).sign(b"message")
    other = PrivateKey.generate(key_type)
    with pytest.raises(InvalidSignature):
        other.public_key.verify(signature, b"message")


@pytest.mark.parametrize("key_type", ALL_TYPES)
@pytest.mark.parametrize("delta", [-1, 1, -64])
def test_wrong_length_signature_is_invalid(key_type: KeyType, delta: int) -> None:
    key = key_of(key_type)
    signature = key.sign(b"message")
    wrong = signature[:delta] if delta < 0 else signature + b"\x00"
    with pytest.raises(InvalidSignature, match="bytes, not"):
        key.public_key.verify(wrong, b"message")
    with pytest.raises(InvalidSignature):
        key.public_key.verify(b"", b"message")


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_ecdsa_out_of_range_r_or_s_is_invalid(key_type: KeyType) -> None:
    key = key_of(key_type)
    size = key_type.secret_length
    signature = key.sign(b"message")
    r, s = signature[:size], signature[size:]
    n = ORDERS[key_type].to_bytes(size, "big")
    zero = bytes(size)
    for bad in (zero + s, r + zero, n + s, r + n, b"\xff" * (2 * size)):
        with pytest.raises(InvalidSignature):
            key.public_key.verify(bad, b"message")


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_high_s_signature_is_accepted(key_type: KeyType) -> None:
    key = key_of(key_type)
    size = key_type.secret_length
    signature = key.sign(b"message")
    r = signature[:size]
    s = int.from_bytes(signature[size:], "big")
    high = (ORDERS[key_type] - s).to_bytes(size, "big")
    key.public_key.verify(r + high, b"message")
    key.public_key.verify(signature, b"message")


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_ecdsa_uses_the_curve_hash(key_type: KeyType) -> None:
    # A signature made with pyca directly over the right hash verifies.
    key = key_of(key_type)
    pyca = key.to_cryptography()
    assert isinstance(pyca, ec.EllipticCurvePrivateKey)
    digest = hashes.SHA384() if key_type is KeyType.P384 else hashes.SHA256()
    r, s = decode_dss_signature(pyca.sign(b"data", ec.ECDSA(digest)))
    size = key_type.secret_length
    key.public_key.verify(r.to_bytes(size, "big") + s.to_bytes(size, "big"), b"data")
    assert key_type.hash_name == ("sha384" if key_type is KeyType.P384 else "sha256")


def test_ed25519_non_canonical_s_is_invalid() -> None:
    key = key_of(KeyType.ED25519)
    signature = key.sign(b"message")
    order = (1 << 252) + 27742317777372353535851937790883648493
    s = int.from_bytes(signature[32:], "little") + order  # same s mod L
    with pytest.raises(InvalidSignature):
        key.public_key.verify(signature[:32] + s.to_bytes(32, "little"), b"message")


def test_verify_and_sign_demand_bytes() -> None:
    key = key_of(KeyType.ED25519)
    with pytest.raises(TypeError):
        key.sign("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        key.public_key.verify("sig", b"x")  # type: ignore[arg-type]


# --- multikey ----------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_public_multikey_round_trip(key_type: KeyType) -> None:
    public = key_of(key_type).public_key
    text = public.to_multibase()
    assert text.startswith(PREFIXES[key_type])
    assert PublicKey.from_multibase(text) == public
    codec, payload = multicodec_unwrap(multibase_decode(text))
    assert codec is key_type.public_codec
    assert payload == public.raw
    assert len(public.raw) == {"Ed25519": 32, "P-256": 33, "P-384": 49}[key_type]


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_secret_multibase_round_trip(key_type: KeyType) -> None:
    key = key_of(key_type)
    secret = key.secret_multibase()
    codec, payload = multicodec_unwrap(multibase_decode(secret))
    assert codec is key_type.private_codec
    assert len(payload) == key_type.secret_length
    again = PrivateKey.from_multibase(secret)
    assert again == key
    assert again.public_key == key.public_key
    assert again.sign(b"x") == key.sign(b"x")


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_from_multikey_round_trip(key_type: KeyType) -> None:
    key = key_of(key_type)
    document = {
        "type": "Multikey",
        "publicKeyMultibase": key.public_key.to_multibase(),
        "secretKeyMultibase": key.secret_multibase(),
    }
    assert PrivateKey.from_multikey(document) == key
    legacy = {"privateKeyMultibase": key.secret_multibase()}
    assert PrivateKey.from_multikey(legacy) == key


def test_from_multikey_rejects_mismatched_public_key() -> None:
    key = key_of(KeyType.ED25519)
    other = PrivateKey.generate(KeyType.ED25519)
    with pytest.raises(KeyFormatError, match="does not match"):
        PrivateKey.from_multikey(
            {
                "publicKeyMultibase": other.public_key.to_multibase(),
                "secretKeyMultibase": key.secret_multibase(),
            }
        )
    with pytest.raises(KeyFormatError, match="does not match"):
        PrivateKey.from_multikey(
            {
                "publicKeyMultibase": key_of(KeyType.P256).public_key.to_multibase(),
                "secretKeyMultibase": key.secret_multibase(),
            }
        )


def test_from_multikey_rejects_two_different_secrets() -> None:
    a, b = key_of(KeyType.P256), PrivateKey.generate(KeyType.P256)
    with pytest.raises(KeyFormatError, match="different keys"):
        PrivateKey.from_multikey(
            {
                "secretKeyMultibase": a.secret_multibase(),
                "privateKeyMultibase": b.secret_multibase(),
            }
        )
    same = {
        "secretKeyMultibase": a.secret_multibase(),
        "privateKeyMultibase": a.secret_multibase(),
    }
    assert PrivateKey.from_multikey(same) == a


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "no secretKeyMultibase"),
        ({"publicKeyMultibase": "z6Mk"}, "no secretKeyMultibase"),
        ({"secretKeyMultibase": 5}, "must be a string"),
        ({"secretKeyMultibase": "zzz", "type": "Multikey"}, "malformed"),
        ({"type": "JsonWebKey", "secretKeyMultibase": "z"}, "'Multikey'"),
    ],
)
def test_from_multikey_rejects_bad_documents(document: dict[str, object], message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        PrivateKey.from_multikey(document)


def test_from_multikey_rejects_non_string_public() -> None:
    key = key_of(KeyType.ED25519)
    with pytest.raises(KeyFormatError, match="publicKeyMultibase must be a string"):
        PrivateKey.from_multikey(
            {"secretKeyMultibase": key.secret_multibase(), "publicKeyMultibase": 1}
        )
    with pytest.raises(KeyFormatError, match="JSON object"):
        PrivateKey.from_multikey(["z"])  # type: ignore[arg-type]


def test_public_multikey_object() -> None:
    public = key_of(KeyType.ED25519).public_key
    did = "did:key:" + public.to_multibase()
    vm = public_multikey(public, id=did + "#" + public.to_multibase(), controller=did)
    assert vm == {
        "id": did + "#" + public.to_multibase(),
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public.to_multibase(),
    }


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_truncated_and_extended_public_keys_rejected(key_type: KeyType) -> None:
    raw = key_of(key_type).public_key.raw
    for payload in (raw[:-1], raw + b"\x00", b""):
        text = multibase_encode(multicodec_wrap(key_type.public_codec, payload))
        with pytest.raises(KeyFormatError):
            PublicKey.from_multibase(text)


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_truncated_secret_keys_rejected(key_type: KeyType) -> None:
    secret = multibase_decode(key_of(key_type).secret_multibase())
    for payload in (secret[:-1], secret + b"\x01"):
        with pytest.raises(KeyFormatError, match="private key is"):
            PrivateKey.from_multibase(multibase_encode(payload))


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_off_curve_points_rejected(key_type: KeyType) -> None:
    bad = off_curve_compressed(key_type)
    with pytest.raises(KeyFormatError, match="not a point on the curve"):
        PublicKey(key_type, bad)
    text = multibase_encode(multicodec_wrap(key_type.public_codec, bad))
    with pytest.raises(KeyFormatError, match="not a point on the curve"):
        PublicKey.from_multibase(text)
    # An uncompressed point with y changed is off the curve too.
    uncompressed = bytearray(b"\x04" + b"".join(_xy(key_of(key_type).public_key)))
    uncompressed[-1] ^= 0x01
    with pytest.raises(KeyFormatError, match="not a point on the curve"):
        PublicKey(key_type, bytes(uncompressed))


def _xy(public: PublicKey) -> tuple[bytes, bytes]:
    jwk = public.to_jwk()
    return base64url_decode(jwk["x"]), base64url_decode(jwk["y"])


def test_ed25519_non_point_rejected() -> None:
    bad = non_point_ed25519()
    with pytest.raises(KeyFormatError, match="not a point"):
        PublicKey(KeyType.ED25519, bad)
    text = multibase_encode(multicodec_wrap(Multicodec.ED25519_PUB, bad))
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase(text)


def test_ed25519_non_canonical_y_rejected() -> None:
    # y = p (a non-reduced encoding of y = 0) is not canonical.
    with pytest.raises(KeyFormatError, match="canonical"):
        PublicKey(KeyType.ED25519, P25519.to_bytes(32, "little"))
    # x = 0 with the sign bit set is not a valid encoding (y = 1 is x = 0).
    with pytest.raises(KeyFormatError, match="not a valid point"):
        PublicKey(KeyType.ED25519, ((1 << 255) | 1).to_bytes(32, "little"))


@pytest.mark.parametrize(
    ("key_type", "raw_of"),
    [
        (KeyType.P256, KeyType.P384),
        (KeyType.P384, KeyType.P256),
        (KeyType.ED25519, KeyType.P256),
        (KeyType.P256, KeyType.ED25519),
    ],
)
def test_wrong_curve_point_rejected(key_type: KeyType, raw_of: KeyType) -> None:
    raw = key_of(raw_of).public_key.raw
    with pytest.raises(KeyFormatError):
        PublicKey(key_type, raw)
    text = multibase_encode(multicodec_wrap(key_type.public_codec, raw))
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase(text)


def test_uncompressed_point_is_stored_compressed() -> None:
    public = key_of(KeyType.P256).public_key
    x, y = _xy(public)
    again = PublicKey(KeyType.P256, b"\x04" + x + y)
    assert again.raw == public.raw
    assert again == public
    assert again.raw[0] in (2, 3)
    # ...but a Multikey must carry the compressed form.
    text = multibase_encode(multicodec_wrap(Multicodec.P256_PUB, b"\x04" + x + y))
    with pytest.raises(KeyFormatError, match="compressed"):
        PublicKey.from_multibase(text)


def test_public_key_type_coercion() -> None:
    raw = key_of(KeyType.ED25519).public_key.raw
    assert PublicKey("Ed25519", raw).key_type is KeyType.ED25519  # type: ignore[arg-type]
    with pytest.raises(UnsupportedError):
        PublicKey("secp256k1", raw)  # type: ignore[arg-type]
    with pytest.raises(KeyFormatError, match="must be bytes"):
        PublicKey(KeyType.ED25519, "text")  # type: ignore[arg-type]


def test_public_from_multibase_rejects_private_codec() -> None:
    secret = key_of(KeyType.ED25519).secret_multibase()
    with pytest.raises(KeyFormatError, match="holds a private key"):
        PublicKey.from_multibase(secret)


def test_private_from_multibase_rejects_public_codec() -> None:
    public = key_of(KeyType.ED25519).public_key.to_multibase()
    with pytest.raises(KeyFormatError, match="holds a public key"):
        PrivateKey.from_multibase(public)


@pytest.mark.parametrize("codec", [Multicodec.X25519_PUB, Multicodec.SECP256K1_PUB])
def test_unsupported_public_codecs(codec: Multicodec) -> None:
    text = multibase_encode(multicodec_wrap(codec, b"\x02" * 33))
    with pytest.raises(UnsupportedError, match="not supported"):
        PublicKey.from_multibase(text)
    with pytest.raises(UnsupportedError):
        PrivateKey.from_multibase(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "z",
        "6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # no prefix
        "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do0",  # bad character
        "u7QEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # base64url, not z
        "z" + base58btc_encode(b"\x55" + bytes(32)),  # unknown codec
    ],
)
def test_malformed_public_multibase(text: str) -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase(text)
    with pytest.raises(KeyFormatError):
        PrivateKey.from_multibase(text)


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_out_of_range_scalar_rejected(key_type: KeyType) -> None:
    size = key_type.secret_length
    for scalar in (0, ORDERS[key_type], (1 << (8 * size)) - 1):
        secret = scalar.to_bytes(size, "big")
        with pytest.raises(KeyFormatError, match="out of range") as info:
            PrivateKey.from_secret_bytes(key_type, secret)
        assert secret.hex() not in str(info.value)
        text = multibase_encode(multicodec_wrap(key_type.private_codec, secret))
        with pytest.raises(KeyFormatError):
            PrivateKey.from_multibase(text)


# --- JWK ------------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_public_jwk_round_trip(key_type: KeyType) -> None:
    public = key_of(key_type).public_key
    jwk = public.to_jwk()
    assert jwk["crv"] == key_type.value
    assert jwk["kty"] == ("OKP" if key_type is KeyType.ED25519 else "EC")
    assert "d" not in jwk
    assert ("y" in jwk) is (key_type is not KeyType.ED25519)
    assert PublicKey.from_jwk(jwk) == public


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_private_jwk_round_trip(key_type: KeyType) -> None:
    key = key_of(key_type)
    assert "d" not in key.to_jwk()
    assert key.to_jwk() == key.public_key.to_jwk()
    jwk = key.to_jwk(include_private=True)
    assert len(base64url_decode(jwk["d"])) == key_type.secret_length
    assert PrivateKey.from_jwk(jwk) == key
    with pytest.raises(KeyFormatError, match="private member"):
        PublicKey.from_jwk(jwk)


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_private_jwk_with_wrong_public_half(key_type: KeyType) -> None:
    jwk = key_of(key_type).to_jwk(include_private=True)
    other = PrivateKey.generate(key_type).to_jwk()
    mixed = {**jwk, "x": other["x"]}
    if "y" in other:
        mixed["y"] = other["y"]
    with pytest.raises(KeyFormatError, match="do not match"):
        PrivateKey.from_jwk(mixed)


@pytest.mark.parametrize("key_type", EC_TYPES)
def test_jwk_off_curve_rejected(key_type: KeyType) -> None:
    jwk = key_of(key_type).public_key.to_jwk()
    y = bytearray(base64url_decode(jwk["y"]))
    y[-1] ^= 0x01
    with pytest.raises(KeyFormatError, match="not a point on the curve"):
        PublicKey.from_jwk({**jwk, "y": base64url_encode(bytes(y))})


def test_jwk_wrong_curve_lengths_rejected() -> None:
    p384 = key_of(KeyType.P384).public_key.to_jwk()
    with pytest.raises(KeyFormatError, match="must be 32 bytes"):
        PublicKey.from_jwk({**p384, "crv": "P-256"})
    ed = key_of(KeyType.ED25519).public_key.to_jwk()
    with pytest.raises(KeyFormatError, match="needs kty"):
        PublicKey.from_jwk({**ed, "kty": "EC"})


# --- secrets stay secret -------------------------------------------------------------


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_repr_and_str_hide_the_secret(key_type: KeyType) -> None:
    key = key_of(key_type)
    secret = key.secret_multibase()
    d = key.to_jwk(include_private=True)["d"]
    for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key])):
        assert secret not in text
        assert secret[1:] not in text
        assert d not in text
        assert key.public_key.to_multibase() in text
        assert key_type.value in text


@pytest.mark.parametrize("key_type", ALL_TYPES)
def test_private_key_cannot_be_pickled(key_type: KeyType) -> None:
    key = key_of(key_type)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(key, protocol=protocol)
    with pytest.raises(TypeError):
        key.__getstate__()


def test_private_key_has_no_dict_and_is_immutable() -> None:
    key = key_of(KeyType.ED25519)
    assert not hasattr(key, "__dict__")
    with pytest.raises(AttributeError):
        key._key_type = KeyType.P256
    with pytest.raises(AttributeError):
        key.extra = 1
    with pytest.raises(AttributeError):
        del key._key
    assert copy.copy(key) is key
    assert copy.deepcopy(key) is key
    assert copy.deepcopy({"k": key})["k"] is key


def test_private_key_equality_and_hash() -> None:
    key = key_of(KeyType.P256)
    same = PrivateKey.from_multibase(key.secret_multibase())
    assert same == key
    assert hash(same) == hash(key)
    assert key != PrivateKey.generate(KeyType.P256)
    assert key != key_of(KeyType.ED25519)
    assert key != "key"


def test_public_key_pickles_and_hashes() -> None:
    for key_type in ALL_TYPES:
        public = key_of(key_type).public_key
        again = pickle.loads(pickle.dumps(public))
        assert again == public
        assert hash(again) == hash(public)
        again.verify(key_of(key_type).sign(b"m"), b"m")
    assert "raw=" in repr(key_of(KeyType.P256).public_key)


def test_key_errors_never_contain_key_material() -> None:
    key = key_of(KeyType.P384)
    secret = multibase_decode(key.secret_multibase())
    text = multibase_encode(secret[:-1])  # truncated
    with pytest.raises(KeyFormatError) as info:
        PrivateKey.from_multibase(text)
    assert text not in str(info.value)
    assert text[5:20] not in str(info.value)
    assert secret.hex()[8:40] not in str(info.value)


def test_key_errors_are_malformed_input() -> None:
    with pytest.raises(MalformedInputError):
        PublicKey.from_multibase("nonsense")


# --- protocols -------------------------------------------------------------------


def test_private_key_is_a_signer_and_public_key_a_verifier() -> None:
    key = key_of(KeyType.ED25519)
    assert isinstance(key, Signer)
    assert isinstance(key.public_key, Verifier)
    assert not isinstance(key.public_key, Signer)


def test_external_signer_satisfies_protocol() -> None:
    class RemoteSigner:
        """A stand-in for an HSM: it never exposes the key."""

        def __init__(self) -> None:
            self._inner = PrivateKey.generate(KeyType.P256)

        @property
        def key_type(self) -> KeyType:
            return KeyType.P256

        def sign(self, data: bytes) -> bytes:
            return self._inner.sign(data)

    remote = RemoteSigner()
    assert isinstance(remote, Signer)
    signer: Signer = remote
    remote._inner.public_key.verify(signer.sign(b"m"), b"m")


def test_cryptography_interop() -> None:
    pyca = ed25519.Ed25519PrivateKey.generate()
    key = PrivateKey.from_cryptography(pyca)
    assert key.to_cryptography() is pyca
    assert PublicKey.from_cryptography(pyca.public_key()) == key.public_key
    with pytest.raises(UnsupportedError):
        PrivateKey(ec.generate_private_key(ec.SECP521R1()))
    with pytest.raises(UnsupportedError):
        PublicKey.from_cryptography(x25519.X25519PrivateKey.generate().public_key())  # type: ignore[arg-type]


def test_generate_rejects_unknown_type() -> None:
    with pytest.raises(UnsupportedError):
        PrivateKey.generate("secp256k1")  # type: ignore[arg-type]
    assert PrivateKey.generate("P-384").key_type is KeyType.P384  # type: ignore[arg-type]


# --- hypothesis -------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=64))
def test_ed25519_seed_round_trip(seed: bytes, message: bytes) -> None:
    key = PrivateKey.from_secret_bytes(KeyType.ED25519, seed)
    assert PrivateKey.from_multibase(key.secret_multibase()) == key
    assert PublicKey.from_multibase(key.public_key.to_multibase()) == key.public_key
    key.public_key.verify(key.sign(message), message)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(EC_TYPES), st.data())
def test_ec_scalar_round_trip(key_type: KeyType, data: st.DataObject) -> None:
    scalar = data.draw(st.integers(min_value=1, max_value=ORDERS[key_type] - 1))
    key = PrivateKey.from_secret_bytes(key_type, scalar.to_bytes(key_type.secret_length, "big"))
    assert PrivateKey.from_multibase(key.secret_multibase()) == key
    assert PublicKey.from_jwk(key.public_key.to_jwk()) == key.public_key
    assert PrivateKey.from_jwk(key.to_jwk(include_private=True)) == key


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_random_ed25519_bytes_are_a_point_or_rejected(raw: bytes) -> None:
    try:
        public = PublicKey(KeyType.ED25519, raw)
    except KeyFormatError:
        return
    assert PublicKey.from_multibase(public.to_multibase()) == public
    if public.raw != _IDENTITY:
        assert len(ed25519_to_x25519(public)) == 32


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(EC_TYPES), st.data())
def test_random_compressed_points_are_valid_or_rejected(
    key_type: KeyType, data: st.DataObject
) -> None:
    size = key_type.secret_length
    raw = data.draw(st.sampled_from([b"\x02", b"\x03"])) + data.draw(
        st.binary(min_size=size, max_size=size)
    )
    try:
        public = PublicKey(key_type, raw)
    except KeyFormatError:
        return
    assert public.raw == raw
    assert PublicKey.from_jwk(public.to_jwk()) == public


# --- Ed25519 -> X25519 -------------------------------------------------------------


def test_ed25519_to_x25519_matches_x25519_of_the_same_seed() -> None:
    # The X25519 public key of the clamped SHA-512 seed scalar is the map's output.
    seed = bytes(range(32))
    key = PrivateKey.from_secret_bytes(KeyType.ED25519, seed)
    scalar = bytearray(hashlib.sha512(seed).digest()[:32])
    x_private = x25519.X25519PrivateKey.from_private_bytes(bytes(scalar))
    assert ed25519_to_x25519(key.public_key) == x_private.public_key().public_bytes_raw()


def test_ed25519_to_x25519_rejects_others() -> None:
    with pytest.raises(KeyFormatError, match="only an Ed25519"):
        ed25519_to_x25519(key_of(KeyType.P256).public_key)
    with pytest.raises(KeyFormatError, match="identity"):
        ed25519_to_x25519(PublicKey(KeyType.ED25519, _IDENTITY))


# --- spec vectors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "vc-di-eddsa/keyPair.json",
        "vc-di-ecdsa/p256KeyPair.json",
        "vc-di-ecdsa/p384KeyPair.json",
    ],
)
def test_vector_key_pairs_load(vectors_dir: Path, name: str) -> None:
    document = load_json(vectors_dir / name)
    key = PrivateKey.from_multikey(document)
    assert key.public_key.to_multibase() == document["publicKeyMultibase"]
    secret = document.get("secretKeyMultibase", document.get("privateKeyMultibase"))
    assert key.secret_multibase() == secret
    assert str(secret) not in repr(key)


def test_vector_proof_set_key_pairs_load(vectors_dir: Path) -> None:
    pairs = load_json(vectors_dir / "vc-di-eddsa/proof-set-chain/multiKeyPairs.json")
    assert len(pairs) == 4
    for pair in pairs.values():
        assert isinstance(pair, dict)
        key = PrivateKey.from_multikey(pair)
        assert key.key_type is KeyType.ED25519
        assert key.public_key.to_multibase() == pair["publicKeyMultibase"]


def _signature_cases(vectors_dir: Path) -> list[tuple[Path, dict[str, object]]]:
    cases: list[tuple[Path, dict[str, object]]] = []
    for suite in ("vc-di-eddsa", "vc-di-ecdsa"):
        index = load_json(vectors_dir / suite / "cases.json")
        entries = index["cases"]
        assert isinstance(entries, list)
        cases.extend((vectors_dir / suite, case) for case in entries)
    return cases


def test_vector_signatures_verify_and_reproduce(vectors_dir: Path) -> None:
    high_s = 0
    cases = _signature_cases(vectors_dir)
    assert len(cases) >= 9
    for folder, case in cases:
        key = PrivateKey.from_multikey(load_json(folder / str(case["keyPair"])))
        assert key.key_type.value == case["curve"]
        signed = bytes.fromhex((folder / str(case["combinedHashHex"])).read_text().strip())
        signature = bytes.fromhex((folder / str(case["signatureHex"])).read_text().strip())
        key.public_key.verify(signature, signed)
        with pytest.raises(InvalidSignature):
            key.public_key.verify(signature, signed[:-1])
        if case.get("signatureReproducible"):
            assert key.sign(signed) == signature, case["id"]
        if key.key_type in ORDERS:
            size = key.key_type.secret_length
            s = int.from_bytes(signature[size:], "big")
            high_s += s > ORDERS[key.key_type] // 2
    assert high_s >= 1  # the vectors include high-S signatures, accepted above


def test_did_key_spec_x25519_derivation(vectors_dir: Path) -> None:
    vectors = load_json(vectors_dir / "did-key/spec-vectors.json")
    documents = vectors["didDocuments"]
    assert isinstance(documents, dict)
    checked = 0
    for did, document in documents.items():
        public = PublicKey.from_multibase(did.removeprefix("did:key:"))
        for agreement in document["keyAgreement"]:
            expected = agreement["publicKeyMultibase"]
            derived = multibase_encode(
                multicodec_wrap(Multicodec.X25519_PUB, ed25519_to_x25519(public))
            )
            assert derived == expected
            checked += 1
    assert checked >= 1


def test_did_key_spec_dids_parse(vectors_dir: Path) -> None:
    vectors = load_json(vectors_dir / "did-key/spec-vectors.json")
    dids = vectors["dids"]
    assert isinstance(dids, dict)
    for name, key_type in (
        ("Ed25519", "Ed25519"),
        ("P-256", "P-256"),
        ("P-384", "P-384"),
    ):
        for did in dids[name]:
            public = PublicKey.from_multibase(did.removeprefix("did:key:"))
            assert public.key_type.value == key_type
            assert public.to_multibase() == did.removeprefix("did:key:")
    for did in dids["Secp256k1"]:
        with pytest.raises(UnsupportedError):
            PublicKey.from_multibase(did.removeprefix("did:key:"))


def test_did_key_legacy_ed25519_x25519(vectors_dir: Path) -> None:
    vectors = load_json(vectors_dir / "did-key/legacy-test-vectors/ed25519-x25519.json")
    assert len(vectors) >= 5
    for did, entry in vectors.items():
        assert isinstance(entry, dict)
        fingerprint = did.removeprefix("did:key:")
        key = PrivateKey.from_secret_bytes(KeyType.ED25519, bytes.fromhex(entry["seed"]))
        assert key.public_key.to_multibase() == fingerprint
        signing, agreement = entry["verificationKeyPair"], entry["keyAgreementKeyPair"]
        if "publicKeyBase58" in signing:
            public = PublicKey(KeyType.ED25519, base58btc_decode(signing["publicKeyBase58"]))
            expected = base58btc_decode(agreement["publicKeyBase58"])
        else:
            public = PublicKey.from_jwk(signing["publicKeyJwk"])
            assert PrivateKey.from_jwk(signing["privateKeyJwk"]) == key
            expected = base64url_decode(agreement["publicKeyJwk"]["x"])
            with pytest.raises(UnsupportedError):  # X25519 is not a signing key
                PublicKey.from_jwk(agreement["publicKeyJwk"])
        assert public == key.public_key
        assert ed25519_to_x25519(public) == expected
        agreement_id = agreement["id"].rsplit("#", 1)[1]
        assert multibase_encode(multicodec_wrap(Multicodec.X25519_PUB, expected)) == agreement_id


def test_did_key_legacy_nist_curves(vectors_dir: Path) -> None:
    vectors = load_json(vectors_dir / "did-key/legacy-test-vectors/nist-curves.json")
    checked = 0
    for did, entry in vectors.items():
        assert isinstance(entry, dict)
        method = entry["verificationMethod"]
        fingerprint = did.removeprefix("did:key:")
        if "privateKeyJwk" in method:
            crv = method["privateKeyJwk"]["crv"]
            if crv not in ("P-256", "P-384"):
                with pytest.raises(UnsupportedError):
                    PrivateKey.from_jwk(method["privateKeyJwk"])
                continue
            key = PrivateKey.from_jwk(method["privateKeyJwk"])
            assert PublicKey.from_jwk(method["publicKeyJwk"]) == key.public_key
        else:
            key = PrivateKey.from_secret_bytes(
                KeyType.P256, base58btc_decode(method["privateKeyBase58"])
            )
            public = PublicKey(KeyType.P256, base58btc_decode(method["publicKeyBase58"]))
            assert public == key.public_key
        assert key.public_key.to_multibase() == fingerprint
        checked += 1
    assert checked >= 5


# --- the JavaScript stack's 64-byte Ed25519 secret ---------------------------------


def _js_secret_multibase(seed: bytes, public_half: bytes) -> str:
    """``secretKeyMultibase`` as @digitalbazaar/ed25519-multikey exports it."""
    return multibase_encode(multicodec_wrap(Multicodec.ED25519_PRIV, seed + public_half))


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(max_size=64))
def test_ed25519_64_byte_form_signs_like_the_32_byte_form(seed: bytes, message: bytes) -> None:
    """seed || public key reads as the same key, signs identically, and is written as 32 bytes."""
    key = PrivateKey.from_secret_bytes(KeyType.ED25519, seed)
    imported = PrivateKey.from_multibase(_js_secret_multibase(seed, key.public_key.raw))
    assert imported == key
    assert imported.sign(message) == key.sign(message)
    assert imported.secret_multibase() == key.secret_multibase()
    _, payload = multicodec_unwrap(multibase_decode(imported.secret_multibase()))
    assert payload == seed


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_ed25519_64_byte_form_with_a_wrong_public_half_is_refused(
    seed: bytes, other: bytes
) -> None:
    """A public half that is not the seed's public key is a KeyFormatError, secret not echoed."""
    public = PrivateKey.from_secret_bytes(KeyType.ED25519, seed).public_key.raw
    if other == public:
        return
    with pytest.raises(KeyFormatError, match="public half does not match") as info:
        PrivateKey.from_multibase(_js_secret_multibase(seed, other))
    text = str(info.value)
    for secret in (seed.hex(), base58btc_encode(seed), base64url_encode(seed)):
        assert secret not in text


def test_64_byte_secret_is_only_accepted_for_ed25519() -> None:
    """Only Ed25519 has a 64-byte form: P-256 and other Ed25519 lengths are refused."""
    p256 = multibase_encode(multicodec_wrap(Multicodec.P256_PRIV, bytes(range(1, 65))))
    with pytest.raises(KeyFormatError, match="32 bytes"):
        PrivateKey.from_multibase(p256)
    ed = multibase_encode(multicodec_wrap(Multicodec.ED25519_PRIV, bytes(48)))
    with pytest.raises(KeyFormatError, match="32 bytes"):
        PrivateKey.from_multibase(ed)


def test_js_multikey_key_pair_is_read() -> None:
    """A Multikey pair exported by the JS stack (64-byte secret) matches its publicKeyMultibase."""
    key = PrivateKey.generate(KeyType.ED25519)
    seed = multicodec_unwrap(multibase_decode(key.secret_multibase()))[1]
    pair = {
        "type": "Multikey",
        "publicKeyMultibase": key.public_key.to_multibase(),
        "secretKeyMultibase": _js_secret_multibase(seed, key.public_key.raw),
    }
    assert PrivateKey.from_multikey(pair) == key
    other = PrivateKey.generate(KeyType.ED25519).public_key.to_multibase()
    with pytest.raises(KeyFormatError, match="publicKeyMultibase does not match"):
        PrivateKey.from_multikey({**pair, "publicKeyMultibase": other})
