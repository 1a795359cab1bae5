"""JSON Web Key structure: reading and writing OKP and EC key members.

This module checks the JSON shape of a JWK (RFC 7517 section 4, RFC 7518
section 6.2, RFC 8037 section 2) and decodes its members; it does no
cryptography. :mod:`vcid.keys` checks that the point is on its curve.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from vcid.encoding import base64url_decode, base64url_encode
from vcid.errors import EncodingError, KeyFormatError, UnsupportedError

#: Coordinate (and private scalar) length in bytes for each supported curve.
CURVE_SIZES: Final = {"Ed25519": 32, "P-256": 32, "P-384": 48}
_KTY: Final = {"Ed25519": "OKP", "P-256": "EC", "P-384": "EC"}
_ALGS: Final = {
    "Ed25519": frozenset({"EdDSA", "Ed25519"}),
    "P-256": frozenset({"ES256"}),
    "P-384": frozenset({"ES384"}),
}
# Curves that are real JWK curves but that vcid does not implement.
_UNSUPPORTED_CURVES: Final = frozenset({"Ed448", "X25519", "X448", "P-521", "secp256k1"})
# Private members of any key type (RFC 7518 sections 6.2.2, 6.3.2, 6.4).
_PRIVATE_MEMBERS: Final = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


@dataclass(frozen=True, slots=True)
class JwkFields:
    """The decoded members of an OKP or EC JWK.

    ``d`` is the private key (seed or scalar) when present; it is left out of
    ``repr`` and comparisons. Do not keep this object: build a key from it.
    """

    crv: str
    x: bytes
    y: bytes | None
    d: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def kty(self) -> str:
        """``"OKP"`` for Ed25519, ``"EC"`` for the NIST curves."""
        return _KTY[self.crv]

    def __reduce__(self) -> str:
        raise TypeError("JwkFields may hold a private key and cannot be pickled")


def _member(jwk: Mapping[str, object], name: str) -> str:
    value = jwk.get(name)
    if value is None:
        raise KeyFormatError(f"JWK member {name!r} is missing")
    if not isinstance(value, str):
        raise KeyFormatError(f"JWK member {name!r} must be a string")
    return value


def _decode(jwk: Mapping[str, object], name: str, size: int) -> bytes:
    try:
        data = base64url_decode(_member(jwk, name))
    except EncodingError as exc:
        raise KeyFormatError(f"JWK member {name!r} is not base64url: {exc}") from None
    if len(data) != size:
        raise KeyFormatError(f"JWK member {name!r} must be {size} bytes, not {len(data)}")
    return data


def parse_jwk(jwk: Mapping[str, object], *, private: bool | None) -> JwkFields:
    """Check and decode an Ed25519 (OKP) or P-256/P-384 (EC) JWK.

    RFC 7517 section 4, RFC 7518 section 6.2 (EC: ``x`` and ``y`` are full
    length) and RFC 8037 section 2 (OKP).

    :param jwk: the JWK object.
    :param private: ``True`` to require the private member ``d``, ``False``
        to reject any private member, ``None`` to accept either.
    :raises KeyFormatError: for a non-object, missing or mistyped members, a
        ``kty``/``crv``/``alg`` mismatch, wrong member lengths, or a private
        member where a public key is required (and the reverse).
    :raises UnsupportedError: for a key type or curve vcid does not implement.
    """
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK must be a JSON object")
    kty = _member(jwk, "kty")
    if kty not in ("OKP", "EC"):
        raise UnsupportedError(f"JWK key type {kty[:16]!r} is not supported")
    crv = _member(jwk, "crv")
    if crv in _UNSUPPORTED_CURVES:
        raise UnsupportedError(f"JWK curve {crv!r} is not supported")
    if crv not in _KTY:
        raise KeyFormatError(f"unknown JWK curve {crv[:16]!r}")
    if _KTY[crv] != kty:
        raise KeyFormatError(f"JWK curve {crv!r} needs kty {_KTY[crv]!r}, not {kty!r}")
    alg = jwk.get("alg")
    if alg is not None and (not isinstance(alg, str) or alg not in _ALGS[crv]):
        raise KeyFormatError(f"JWK 'alg' does not match curve {crv!r}")
    if private is False:
        present = [name for name in _PRIVATE_MEMBERS if name in jwk]
        if present:
            raise KeyFormatError(f"private member {present[0]!r} in a JWK that must be public")
    size = CURVE_SIZES[crv]
    x = _decode(jwk, "x", size)
    y: bytes | None = None
    if kty == "EC":
        y = _decode(jwk, "y", size)
    elif "y" in jwk:
        raise KeyFormatError("an OKP JWK has no 'y' member")
    d: bytes | None = None
    if "d" in jwk:
        d = _decode(jwk, "d", size)
    elif private:
        raise KeyFormatError("JWK member 'd' (the private key) is missing")
    return JwkFields(crv=crv, x=x, y=y, d=d)


def build_jwk(
    crv: str, x: bytes, *, y: bytes | None = None, d: bytes | None = None
) -> dict[str, str]:
    """Build a JWK from decoded members, in the order kty, crv, x, y, d.

    :raises KeyFormatError: for an unknown curve, wrong member lengths, or a
        ``y`` present (OKP) or missing (EC).
    """
    if crv not in _KTY:
        raise KeyFormatError(f"unknown JWK curve {crv[:16]!r}")
    size = CURVE_SIZES[crv]
    kty = _KTY[crv]
    if len(x) != size or (d is not None and len(d) != size):
        raise KeyFormatError(f"JWK members for {crv} must be {size} bytes")
    if (kty == "EC") != (y is not None) or (y is not None and len(y) != size):
        raise KeyFormatError(f"JWK 'y' member is wrong for curve {crv!r}")
    jwk = {"kty": kty, "crv": crv, "x": base64url_encode(x)}
    if y is not None:
        jwk["y"] = base64url_encode(y)
    if d is not None:
        jwk["d"] = base64url_encode(d)
    return jwk


def jwk_thumbprint(jwk: Mapping[str, object]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a JWK, base64url encoded.

    Only the required public members take part, so a private JWK has the same
    thumbprint as its public half (RFC 7638 section 3.2.1).

    :raises KeyFormatError: as :func:`parse_jwk`.
    :raises UnsupportedError: as :func:`parse_jwk`.
    """
    fields = parse_jwk(jwk, private=None)
    members = {"crv": fields.crv, "kty": fields.kty, "x": base64url_encode(fields.x)}
    if fields.y is not None:
        members["y"] = base64url_encode(fields.y)
    text = json.dumps(members, sort_keys=True, separators=(",", ":"))
    return base64url_encode(hashlib.sha256(text.encode("ascii")).digest())


__all__ = ["CURVE_SIZES", "JwkFields", "build_jwk", "jwk_thumbprint", "parse_jwk"]
