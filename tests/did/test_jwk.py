"""did:jwk: round trips, the spec example, and rejection of private JWKs."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import x25519

from vcid.did.document import KeyAgreementMethod
from vcid.did.jwk import DIDJwkMethod, did_jwk_document_json, did_jwk_from_public_key
from vcid.did.resolver import ResolverRegistry
from vcid.encoding import base64url_decode, base64url_encode
from vcid.errors import DIDResolutionError, PurposeMismatch
from vcid.keys import KeyType, PrivateKey, PublicKey

# The P-256 example of the did:jwk specification.
SPEC_DID = (
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoy"
    "dHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3"
    "NEk1TEtncmwyR3pIM25TRSJ9"
)
ALL = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


@pytest.fixture
def resolver() -> ResolverRegistry:
    return ResolverRegistry([DIDJwkMethod()])


def _did(jwk: dict[str, str]) -> str:
    return "did:jwk:" + base64url_encode(json.dumps(jwk).encode())


@pytest.mark.parametrize("key_type", list(KeyType))
def test_round_trip(key_type: KeyType, resolver: ResolverRegistry) -> None:
    key = PrivateKey.generate(key_type).public_key
    did = did_jwk_from_public_key(key)
    document = resolver.resolve_document(did)
    assert document.id == did
    (vm,) = document.verification_methods
    assert vm.id == f"{did}#0"
    assert vm.type == "JsonWebKey2020"
    assert vm.controller == did
    assert vm.public_key == key
    raw = document.to_json()
    assert raw["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/suites/jws-2020/v1",
    ]
    assert raw["verificationMethod"][0]["publicKeyJwk"] == key.to_jwk()  # type: ignore[index,call-overload]
    for relationship in ALL:
        assert document.relationship(relationship) == (f"{did}#0",)
    found = resolver.resolve_verification_method(f"{did}#0", relationship="assertionMethod")
    assert found == vm


def test_spec_example(resolver: ResolverRegistry) -> None:
    (vm,) = resolver.resolve_document(SPEC_DID).verification_methods
    assert vm.public_key.key_type is KeyType.P256
    assert vm.public_key.to_jwk()["x"] == "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0"
    assert did_jwk_from_public_key(vm.public_key) == SPEC_DID


def test_use_selects_relationships(resolver: ResolverRegistry) -> None:
    jwk = PrivateKey.generate(KeyType.P256).public_key.to_jwk()
    signing = resolver.resolve_document(_did(dict(jwk, use="sig")))
    assert signing.relationship("keyAgreement") == ()
    assert signing.relationship("assertionMethod")
    encrypting = _did(dict(jwk, use="enc"))
    document = resolver.resolve_document(encrypting)
    assert document.relationship("assertionMethod") == ()
    assert document.relationship("keyAgreement") == (f"{encrypting}#0",)
    with pytest.raises(PurposeMismatch):
        resolver.resolve_verification_method(f"{encrypting}#0", relationship="assertionMethod")
    assert resolver.resolve(_did(dict(jwk, use="other"))).error == "invalidPublicKey"


def test_x25519_jwk_is_key_agreement_only(resolver: ResolverRegistry) -> None:
    raw = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
    did = _did({"kty": "OKP", "crv": "X25519", "x": base64url_encode(raw)})
    document = resolver.resolve_document(did)
    assert document.relationship("assertionMethod") == ()
    (agreement,) = document.key_agreement_methods
    assert isinstance(agreement, KeyAgreementMethod)
    assert agreement.x25519 == raw
    signing = _did({"kty": "OKP", "crv": "X25519", "x": base64url_encode(raw), "use": "sig"})
    assert resolver.resolve(signing).error == "invalidPublicKey"


@pytest.mark.parametrize("key_type", list(KeyType))
def test_private_jwk_is_rejected(key_type: KeyType, resolver: ResolverRegistry) -> None:
    private = PrivateKey.generate(key_type)
    did = _did(private.to_jwk(include_private=True))
    result = resolver.resolve(did)
    assert result.did_document is None
    assert result.error == "invalidPublicKey"
    assert private.to_jwk(include_private=True)["d"] not in json.dumps(result.resolution_metadata)
    with pytest.raises(DIDResolutionError):
        did_jwk_document_json(did)


@pytest.mark.parametrize("member", ["p", "q", "dp", "dq", "qi", "oth", "k"])
def test_other_private_members_are_rejected(member: str, resolver: ResolverRegistry) -> None:
    jwk = PrivateKey.generate(KeyType.P256).public_key.to_jwk()
    assert resolver.resolve(_did(dict(jwk, **{member: "AQAB"}))).error == ("invalidPublicKey")


@pytest.mark.parametrize(
    "value",
    [
        "e30=",  # padding is not base64url without padding
        base64url_encode(b"not json"),
        base64url_encode(b"[1,2]"),
        base64url_encode(b'{"kty":"EC","kty":"EC"}'),  # duplicate member
        base64url_encode(b"\xff\xfe"),
    ],
)
def test_malformed_values_are_invalid_did(value: str, resolver: ResolverRegistry) -> None:
    assert resolver.resolve(f"did:jwk:{value}").error == "invalidDid"


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "X25519", "x": "AA"},
        {},
    ],
)
def test_unusable_keys_are_invalid_public_key(
    jwk: dict[str, str], resolver: ResolverRegistry
) -> None:
    assert resolver.resolve(_did(jwk)).error == "invalidPublicKey"


def test_did_uses_sorted_compact_json() -> None:
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    key = PublicKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": x})
    value = did_jwk_from_public_key(key).removeprefix("did:jwk:")
    text = '{"crv":"Ed25519","kty":"OKP","x":"' + x + '"}'
    assert base64url_decode(value) == text.encode()
