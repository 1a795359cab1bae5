"""Signing keys: Ed25519, P-256 and P-384, as Multikey and JWK.

Public keys travel as Multikey (Controlled Identifiers 1.0 section 2.2.2:
``publicKeyMultibase`` is ``z`` + base58btc(varint(codec) + key bytes), EC
keys as compressed SEC1 points) or as JWK (RFC 7517, RFC 8037).

Signatures follow the Data Integrity cryptosuites: Ed25519 (RFC 8032) for
vc-di-eddsa, and for vc-di-ecdsa the raw ``r || s`` form of ECDSA with
SHA-256 (P-256) or SHA-384 (P-384). Signing is deterministic (RFC 6979).
Verification accepts high-S signatures, as the vc-di-ecdsa vectors need.

Private key material never appears in ``repr``, ``str`` or error messages,
and a :class:`PrivateKey` cannot be pickled.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final, NoReturn, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature as _PycaInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from vcid.encoding import (
    Multicodec,
    base64url_encode,
    multibase_decode,
    multibase_encode,
    multicodec_unwrap,
    multicodec_wrap,
)
from vcid.errors import (
    EncodingError,
    InvalidSignature,
    KeyFormatError,
    UnsupportedError,
)
from vcid.jwk import build_jwk, parse_jwk

if TYPE_CHECKING:
    from typing import TypeAlias

    _PycaPublic: TypeAlias = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
    _PycaPrivate: TypeAlias = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


class KeyType(StrEnum):
    """The key types vcid signs and verifies with."""

    ED25519 = "Ed25519"
    P256 = "P-256"
    P384 = "P-384"

    @property
    def public_codec(self) -> Multicodec:
        """The multicodec of the public key (``ed25519-pub``, ``p256-pub``...)."""
        return _SPECS[self].public_codec

    @property
    def private_codec(self) -> Multicodec:
        """The multicodec of the private key (``ed25519-priv``, ``p256-priv``...)."""
        return _SPECS[self].private_codec

    @property
    def hash_name(self) -> str:
        """The hash the cryptosuites use with this key: sha256 or sha384."""
        return _SPECS[self].hash_name

    @property
    def signature_length(self) -> int:
        """The signature length in bytes: 64, 64 or 96."""
        return 2 * _SPECS[self].size

    @property
    def secret_length(self) -> int:
        """The private seed or scalar length in bytes: 32, 32 or 48."""
        return _SPECS[self].size


@dataclass(frozen=True, slots=True)
class _Spec:
    public_codec: Multicodec
    private_codec: Multicodec
    hash_name: str
    size: int
    curve: ec.EllipticCurve | None
    order: int


_P256_N: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_P384_N: Final = int(
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
    "581A0DB248B0A77AECEC196ACCC52973",
    16,
)
_ED25519_L: Final = (1 << 252) + 27742317777372353535851937790883648493

_SPECS: Final = {
    KeyType.ED25519: _Spec(
        Multicodec.ED25519_PUB, Multicodec.ED25519_PRIV, "sha256", 32, None, _ED25519_L
    ),
    KeyType.P256: _Spec(
        Multicodec.P256_PUB, Multicodec.P256_PRIV, "sha256", 32, ec.SECP256R1(), _P256_N
    ),
    KeyType.P384: _Spec(
        Multicodec.P384_PUB, Multicodec.P384_PRIV, "sha384", 48, ec.SECP384R1(), _P384_N
    ),
}
#: The length of the Ed25519 secret key form ``seed || public key`` that the
#: JavaScript stack (``@digitalbazaar/ed25519-multikey``) exports.
_ED25519_EXPANDED_SIZE: Final = 64
_BY_PUBLIC_CODEC: Final = {spec.public_codec: kt for kt, spec in _SPECS.items()}
_BY_PRIVATE_CODEC: Final = {spec.private_codec: kt for kt, spec in _SPECS.items()}
_BY_CURVE_NAME: Final = {"secp256r1": KeyType.P256, "secp384r1": KeyType.P384}


def _key_type(value: object) -> KeyType:
    if isinstance(value, KeyType):
        return value
    if isinstance(value, str):
        try:
            return KeyType(value)
        except ValueError:
            pass
    raise UnsupportedError("unsupported key type; expected Ed25519, P-256 or P-384")


def _hash(key_type: KeyType) -> hashes.HashAlgorithm:
    return hashes.SHA384() if key_type is KeyType.P384 else hashes.SHA256()


def _curve(key_type: KeyType) -> ec.EllipticCurve:
    curve = _SPECS[key_type].curve
    if curve is None:  # pragma: no cover - callers pass EC types only
        raise UnsupportedError("Ed25519 is not an ECDSA curve")
    return curve


def _as_bytes(data: object, what: str, error: type[Exception] = TypeError) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise error(f"{what} must be bytes, not {type(data).__name__}")
    return bytes(data)


# --- Ed25519 point decoding (RFC 8032 section 5.1.3) ---------------------------

_P25519: Final = (1 << 255) - 19
_ED_D: Final = (-121665 * pow(121666, -1, _P25519)) % _P25519
_SQRT_M1: Final = pow(2, (_P25519 - 1) // 4, _P25519)


def _ed25519_y(raw: bytes) -> int:
    """Decode an Ed25519 point and return its y coordinate.

    :raises KeyFormatError: if ``raw`` is not the canonical encoding of a
        point on the curve.
    """
    if len(raw) != 32:
        raise KeyFormatError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    number = int.from_bytes(raw, "little")
    sign = number >> 255
    y = number & ((1 << 255) - 1)
    if y >= _P25519:
        raise KeyFormatError("Ed25519 public key is not canonically encoded")
    x2 = (y * y - 1) * pow(_ED_D * y * y + 1, -1, _P25519) % _P25519
    if x2 == 0:
        if sign:
            raise KeyFormatError("Ed25519 public key is not a valid point")
        return y
    x = pow(x2, (_P25519 + 3) // 8, _P25519)
    if (x * x - x2) % _P25519:
        x = x * _SQRT_M1 % _P25519
    if (x * x - x2) % _P25519:
        raise KeyFormatError("Ed25519 public key is not a point on the curve")
    return y


# --- public keys -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A public key: its type and raw bytes.

    ``raw`` is the 32-byte Ed25519 key, or the compressed SEC1 point for
    P-256 (33 bytes) and P-384 (49 bytes). An uncompressed point given to the
    constructor is stored compressed. The point is checked on construction.

    :raises KeyFormatError: for a wrong length, a point off the curve, or a
        point of another curve.
    :raises UnsupportedError: for a key type vcid does not implement.
    """

    key_type: KeyType
    raw: bytes
    _key: _PycaPublic = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        key_type = _key_type(self.key_type)
        raw = _as_bytes(self.raw, "raw public key", KeyFormatError)
        key: _PycaPublic
        if key_type is KeyType.ED25519:
            _ed25519_y(raw)
            key = ed25519.Ed25519PublicKey.from_public_bytes(raw)
        else:
            size = _SPECS[key_type].size
            compressed = len(raw) == size + 1 and raw[:1] in (b"\x02", b"\x03")
            uncompressed = len(raw) == 2 * size + 1 and raw[:1] == b"\x04"
            if not (compressed or uncompressed):
                raise KeyFormatError(
                    f"a {key_type.value} public key is a {size + 1}-byte compressed"
                    f" point; got {len(raw)} bytes"
                )
            try:
                key = ec.EllipticCurvePublicKey.from_encoded_point(_curve(key_type), raw)
            except ValueError:
                raise KeyFormatError(
                    f"{key_type.value} public key is not a point on the curve"
                ) from None
            raw = key.public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.CompressedPoint,
            )
        object.__setattr__(self, "key_type", key_type)
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "_key", key)

    def __reduce__(self) -> tuple[type[PublicKey], tuple[KeyType, bytes]]:
        return (PublicKey, (self.key_type, self.raw))

    @classmethod
    def from_multibase(cls, text: str) -> PublicKey:
        """Read a Multikey ``publicKeyMultibase`` value (base58btc, ``z``).

        Controlled Identifiers 1.0 section 2.2.2.

        :param text: ``z`` + base58btc(varint(codec) + key bytes).
        :raises KeyFormatError: for bad multibase, a private-key codec, or a
            malformed key.
        :raises UnsupportedError: for a known codec vcid does not sign with
            (X25519, secp256k1).
        """
        try:
            codec, payload = multicodec_unwrap(multibase_decode(text, bases={"z"}))
        except EncodingError as exc:
            raise KeyFormatError(f"publicKeyMultibase is malformed: {exc}") from None
        if codec in _BY_PRIVATE_CODEC:
            raise KeyFormatError("publicKeyMultibase holds a private key")
        key_type = _BY_PUBLIC_CODEC.get(codec)
        if key_type is None:
            raise UnsupportedError(f"public key codec {codec.name.lower()} is not supported")
        if key_type is not KeyType.ED25519 and payload[:1] == b"\x04":
            raise KeyFormatError("a Multikey EC public key must be compressed")
        return cls(key_type, payload)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object]) -> PublicKey:
        """Read a public JWK: OKP/Ed25519 (RFC 8037) or EC/P-256, P-384.

        :param jwk: the JWK; a private member (``d``) is refused.
        :raises KeyFormatError: for a malformed JWK, a private member, a
            kty/crv/alg mismatch, wrong lengths or a point off the curve.
        :raises UnsupportedError: for another key type or curve.
        """
        fields = parse_jwk(jwk, private=False)
        key_type = KeyType(fields.crv)
        if fields.y is None:
            return cls(key_type, fields.x)
        return cls(key_type, b"\x04" + fields.x + fields.y)

    @classmethod
    def from_cryptography(
        cls, key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
    ) -> PublicKey:
        """Wrap a pyca/cryptography public key.

        :raises UnsupportedError: for another key class or curve.
        """
        if isinstance(key, ed25519.Ed25519PublicKey):
            return cls(KeyType.ED25519, key.public_bytes_raw())
        if isinstance(key, ec.EllipticCurvePublicKey):
            key_type = _BY_CURVE_NAME.get(key.curve.name)
            if key_type is None:
                raise UnsupportedError("unsupported elliptic curve")
            point = key.public_bytes(
                serialization.Encoding.X962,
                serialization.PublicFormat.CompressedPoint,
            )
            return cls(key_type, point)
        raise UnsupportedError("unsupported public key class")

    def to_cryptography(self) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
        """The key as a pyca/cryptography public key object."""
        return self._key

    def to_multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` value (Controlled Identifiers 2.2.2)."""
        return multibase_encode(multicodec_wrap(self.key_type.public_codec, self.raw))

    def to_jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 8037 OKP, or RFC 7518 EC with x and y)."""
        if isinstance(self._key, ed25519.Ed25519PublicKey):
            return build_jwk(self.key_type.value, self.raw)
        size = _SPECS[self.key_type].size
        numbers = self._key.public_numbers()
        return build_jwk(
            self.key_type.value,
            numbers.x.to_bytes(size, "big"),
            y=numbers.y.to_bytes(size, "big"),
        )

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify a signature over ``data``.

        Ed25519 per RFC 8032; ECDSA over SHA-256 (P-256) or SHA-384 (P-384)
        with the raw ``r || s`` signature form of vc-di-ecdsa section 3.
        High-S signatures are accepted.

        :param signature: 64 bytes (Ed25519, P-256) or 96 bytes (P-384).
        :param data: the signed bytes.
        :raises InvalidSignature: if the signature has the wrong length or
            does not verify.
        """
        signature = _as_bytes(signature, "signature")
        data = _as_bytes(data, "data")
        if len(signature) != self.key_type.signature_length:
            raise InvalidSignature(
                f"a {self.key_type.value} signature is"
                f" {self.key_type.signature_length} bytes, not {len(signature)}"
            )
        try:
            if isinstance(self._key, ed25519.Ed25519PublicKey):
                self._key.verify(signature, data)
                return
            size = _SPECS[self.key_type].size
            order = _SPECS[self.key_type].order
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            if not (0 < r < order and 0 < s < order):
                _bad_signature(self.key_type)
            self._key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_hash(self.key_type)))
        except _PycaInvalidSignature:
            _bad_signature(self.key_type)


def _bad_signature(key_type: KeyType) -> NoReturn:
    raise InvalidSignature(f"{key_type.value} signature does not verify")


# --- private keys ----------------------------------------------------------------


def _public_of(key: _PycaPrivate) -> PublicKey:
    return PublicKey.from_cryptography(key.public_key())


class PrivateKey:
    """A private signing key. Its secret never appears in repr or str.

    Build one with :meth:`generate`, :meth:`from_multibase`,
    :meth:`from_multikey`, :meth:`from_jwk` or :meth:`from_cryptography`.
    It cannot be pickled; copies are the same object.
    """

    __slots__ = ("_key", "_key_type", "_public")

    _key: _PycaPrivate
    _key_type: KeyType
    _public: PublicKey

    def __init__(self, key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> None:
        """Wrap a pyca/cryptography private key.

        :raises UnsupportedError: for another key class or curve.
        """
        public = _public_of(key)
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_key_type", public.key_type)
        object.__setattr__(self, "_public", public)

    # -- construction --

    @classmethod
    def from_cryptography(
        cls, key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    ) -> PrivateKey:
        """Wrap a pyca/cryptography private key (same as the constructor).

        :raises UnsupportedError: for another key class or curve.
        """
        return cls(key)

    @classmethod
    def generate(cls, key_type: KeyType) -> PrivateKey:
        """Generate a new random key.

        :raises UnsupportedError: for a key type vcid does not implement.
        """
        key_type = _key_type(key_type)
        if key_type is KeyType.ED25519:
            return cls(ed25519.Ed25519PrivateKey.generate())
        return cls(ec.generate_private_key(_curve(key_type)))

    @classmethod
    def from_secret_bytes(cls, key_type: KeyType, secret: bytes) -> PrivateKey:
        """Build a key from its raw secret: the Ed25519 seed or the EC scalar.

        :param key_type: the key type.
        :param secret: 32 bytes (Ed25519, P-256) or 48 bytes (P-384), the EC
            scalar big-endian.
        :raises KeyFormatError: for a wrong length or an EC scalar out of range.
        """
        key_type = _key_type(key_type)
        secret = _as_bytes(secret, "secret", KeyFormatError)
        spec = _SPECS[key_type]
        if len(secret) != spec.size:
            raise KeyFormatError(
                f"a {key_type.value} private key is {spec.size} bytes, not {len(secret)}"
            )
        if key_type is KeyType.ED25519:
            return cls(ed25519.Ed25519PrivateKey.from_private_bytes(secret))
        scalar = int.from_bytes(secret, "big")
        if not 0 < scalar < spec.order:
            raise KeyFormatError(f"{key_type.value} private scalar is out of range")
        return cls(ec.derive_private_key(scalar, _curve(key_type)))

    @classmethod
    def from_multibase(cls, secret: str) -> PrivateKey:
        """Read a Multikey ``secretKeyMultibase`` (or ``privateKeyMultibase``).

        The value is ``z`` + base58btc(varint(codec) + secret) with codec
        ``ed25519-priv`` (0x1300), ``p256-priv`` (0x1306) or ``p384-priv``
        (0x1307); Controlled Identifiers 1.0 section 2.2.2. An Ed25519
        secret may also be the 64-byte form that Digital Bazaar's
        ``@digitalbazaar/ed25519-multikey`` exports (the 32-byte seed, then
        the 32-byte public key); its public half must match the seed's.
        vcid always writes the 32-byte form (:meth:`secret_multibase`).

        :raises KeyFormatError: for bad multibase, a public-key codec, a
            wrong length, an out-of-range scalar, or a 64-byte Ed25519
            secret whose public half does not match its seed.
        :raises UnsupportedError: for a known codec vcid does not sign with.
        """
        try:
            codec, payload = multicodec_unwrap(multibase_decode(secret, bases={"z"}))
        except EncodingError as exc:
            raise KeyFormatError(f"secretKeyMultibase is malformed: {exc}") from None
        key_type = _BY_PRIVATE_CODEC.get(codec)
        if key_type is None:
            if codec in _BY_PUBLIC_CODEC:
                raise KeyFormatError("secretKeyMultibase holds a public key")
            raise UnsupportedError(f"private key codec {codec.name.lower()} is not supported")
        if key_type is KeyType.ED25519 and len(payload) == _ED25519_EXPANDED_SIZE:
            return cls._from_ed25519_seed_and_public(payload)
        return cls.from_secret_bytes(key_type, payload)

    @classmethod
    def _from_ed25519_seed_and_public(cls, secret: bytes) -> PrivateKey:
        """An Ed25519 key from ``seed || public key`` (64 bytes), checked."""
        half = _ED25519_EXPANDED_SIZE // 2
        key = cls.from_secret_bytes(KeyType.ED25519, secret[:half])
        if not hmac.compare_digest(key.public_key.raw, secret[half:]):
            raise KeyFormatError(
                "the 64-byte Ed25519 secret key's public half does not match its seed"
            )
        return key

    @classmethod
    def from_multikey(cls, document: Mapping[str, object]) -> PrivateKey:
        """Read a Multikey key pair object and check its halves match.

        The object has ``secretKeyMultibase`` (or the older name
        ``privateKeyMultibase``, as in the vc-di-eddsa vectors) and, usually,
        ``publicKeyMultibase``; ``type``, if present, must be ``Multikey``.

        :raises KeyFormatError: for a missing or malformed secret, two
            secrets that differ, or a public key that does not match.
        :raises UnsupportedError: for a key type vcid does not implement.
        """
        if not isinstance(document, Mapping):
            raise KeyFormatError("a Multikey key pair must be a JSON object")
        kind = document.get("type")
        if kind is not None and kind != "Multikey":
            raise KeyFormatError("key pair 'type' must be 'Multikey'")
        secrets = [
            document[name]
            for name in ("secretKeyMultibase", "privateKeyMultibase")
            if name in document
        ]
        if not secrets:
            raise KeyFormatError("key pair has no secretKeyMultibase")
        keys = []
        for value in secrets:
            if not isinstance(value, str):
                raise KeyFormatError("secretKeyMultibase must be a string")
            keys.append(cls.from_multibase(value))
        key = keys[0]
        if len(keys) == 2 and keys[1] != key:
            raise KeyFormatError("secretKeyMultibase and privateKeyMultibase hold different keys")
        public_text = document.get("publicKeyMultibase")
        if public_text is not None:
            if not isinstance(public_text, str):
                raise KeyFormatError("publicKeyMultibase must be a string")
            public = PublicKey.from_multibase(public_text)
            if public != key.public_key:
                raise KeyFormatError("publicKeyMultibase does not match the secret key")
        return key

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object]) -> PrivateKey:
        """Read a private JWK (with ``d``) and check its public members match.

        RFC 7517 section 4, RFC 7518 section 6.2.2, RFC 8037 section 2.

        :raises KeyFormatError: for a malformed JWK, a missing ``d``, a
            mismatched public half, or an out-of-range scalar.
        :raises UnsupportedError: for another key type or curve.
        """
        fields = parse_jwk(jwk, private=True)
        if fields.d is None:  # pragma: no cover - parse_jwk demands it
            raise KeyFormatError("JWK member 'd' (the private key) is missing")
        key = cls.from_secret_bytes(KeyType(fields.crv), fields.d)
        expected = key.public_key.to_jwk()
        given = build_jwk(fields.crv, fields.x, y=fields.y)
        if expected != given:
            raise KeyFormatError("JWK public members do not match its private key")
        return key

    # -- use --

    @property
    def key_type(self) -> KeyType:
        """The key type."""
        return self._key_type

    @property
    def public_key(self) -> PublicKey:
        """The matching public key."""
        return self._public

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: Ed25519, or deterministic ECDSA (RFC 6979) as raw r||s.

        ECDSA hashes with SHA-256 (P-256) or SHA-384 (P-384); the result is
        64 or 96 bytes (vc-di-ecdsa section 3).
        """
        data = _as_bytes(data, "data")
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.sign(data)
        der = self._key.sign(data, ec.ECDSA(_hash(self._key_type), deterministic_signing=True))
        r, s = decode_dss_signature(der)
        size = _SPECS[self._key_type].size
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def _secret_bytes(self) -> bytes:
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return self._key.private_bytes_raw()
        size = _SPECS[self._key_type].size
        return self._key.private_numbers().private_value.to_bytes(size, "big")

    def secret_multibase(self) -> str:
        """The Multikey ``secretKeyMultibase`` value. Handle with care."""
        payload = multicodec_wrap(self._key_type.private_codec, self._secret_bytes())
        return multibase_encode(payload)

    def to_jwk(self, include_private: bool = False) -> dict[str, str]:
        """The key as a JWK; the private member ``d`` only if asked for.

        :param include_private: add ``d`` (the seed or scalar).
        """
        jwk = self._public.to_jwk()
        if include_private:
            jwk["d"] = base64url_encode(self._secret_bytes())
        return jwk

    def to_cryptography(
        self,
    ) -> ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey:
        """The key as a pyca/cryptography private key object."""
        return self._key

    # -- object protocol: no leaks, no pickling, immutable --

    def __repr__(self) -> str:
        return (
            f"PrivateKey(key_type={self._key_type.value!r}, public={self._public.to_multibase()!r})"
        )

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PrivateKey):
            return NotImplemented
        return self._key_type is other._key_type and hmac.compare_digest(
            self._secret_bytes(), other._secret_bytes()
        )

    def __hash__(self) -> int:
        return hash((PrivateKey, self._public))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PrivateKey is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("PrivateKey is immutable")

    def __reduce__(self) -> NoReturn:
        raise TypeError("a PrivateKey cannot be pickled")

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("a PrivateKey cannot be pickled")

    def __getstate__(self) -> NoReturn:
        raise TypeError("a PrivateKey cannot be pickled")

    def __copy__(self) -> PrivateKey:
        return self

    def __deepcopy__(self, memo: object) -> PrivateKey:
        return self


# --- helpers ---------------------------------------------------------------------


def public_multikey(public: PublicKey, *, id: str, controller: str) -> dict[str, str]:
    """A Multikey verification method object (Controlled Identifiers 2.2.2).

    :param public: the public key.
    :param id: the verification method id (a DID URL).
    :param controller: the controller (usually the DID).
    """
    return {
        "id": id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public.to_multibase(),
    }


def ed25519_to_x25519(public: PublicKey) -> bytes:
    """Map an Ed25519 public key to its X25519 public key (RFC 7748 section 4.1).

    u = (1 + y) / (1 - y) mod 2**255 - 19, from the Edwards y coordinate; as
    used by did:key for the ``keyAgreement`` key (did:key section 3.1.2).

    :param public: an Ed25519 public key.
    :returns: the 32-byte little-endian X25519 public key.
    :raises KeyFormatError: for a non-Ed25519 key, or the identity point
        (which has no X25519 image).
    """
    if not isinstance(public, PublicKey) or public.key_type is not KeyType.ED25519:
        raise KeyFormatError("only an Ed25519 public key maps to X25519")
    y = _ed25519_y(public.raw)
    if y == 1:
        raise KeyFormatError("the Ed25519 identity point has no X25519 image")
    u = (1 + y) * pow(1 - y, -1, _P25519) % _P25519
    return u.to_bytes(32, "little")


@runtime_checkable
class Signer(Protocol):
    """Anything that signs for a key type: a :class:`PrivateKey`, an HSM, a KMS."""

    @property
    def key_type(self) -> KeyType:
        """The key type, which fixes the signature algorithm."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``; ECDSA signatures are raw r||s."""
        ...


@runtime_checkable
class Verifier(Protocol):
    """Anything that verifies signatures: a :class:`PublicKey`, an HSM, a KMS."""

    def verify(self, signature: bytes, data: bytes) -> None:
        """Return if the signature is valid; raise InvalidSignature if not."""
        ...


__all__ = [
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "Signer",
    "Verifier",
    "ed25519_to_x25519",
    "public_multikey",
]
