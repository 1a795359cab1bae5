"""did:key: the spec's vectors, the legacy NIST and X25519 vectors, round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives import serialization

from vcid.did.key import DIDKeyMethod, did_key_document_json, did_key_from_public_key
from vcid.did.resolver import ResolverRegistry
from vcid.did.syntax import parse_did
from vcid.encoding import (
    Multicodec,
    base64url_decode,
    multibase_encode,
    multicodec_wrap,
)
from vcid.errors import DIDResolutionError
from vcid.keys import KeyType, PrivateKey, PublicKey

SUPPORTED = ("Ed25519", "P-256", "P-384")
UNSUPPORTED = ("Secp256k1", "BLS12-381-G2")


@pytest.fixture(scope="module")
def spec_vectors(vectors_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (vectors_dir / "did-key" / "spec-vectors.json").read_text("utf-8")
    )
    return data


def _legacy(vectors_dir: Path, name: str) -> dict[str, Any]:
    path = vectors_dir / "did-key" / "legacy-test-vectors" / name
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@pytest.fixture
def resolver() -> ResolverRegistry:
    return ResolverRegistry([DIDKeyMethod()])


def test_spec_document_matches_exactly(
    spec_vectors: dict[str, Any], resolver: ResolverRegistry
) -> None:
    documents = spec_vectors["didDocuments"]
    assert documents
    for did, expected in documents.items():
        result = resolver.resolve(did)
        assert result.error is None
        assert result.did_document is not None
        assert result.did_document.to_json() == expected
        assert did_key_document_json(did) == expected
        # key order too, so a serialized document reads like the spec's
        assert json.dumps(did_key_document_json(did)) == json.dumps(expected)


def test_every_supported_spec_did_resolves(
    spec_vectors: dict[str, Any], resolver: ResolverRegistry
) -> None:
    for key_type in SUPPORTED:
        dids = spec_vectors["dids"][key_type]
        assert dids
        for did in dids:
            document = resolver.resolve_document(did)
            value = did.removeprefix("did:key:")
            vm = resolver.resolve_verification_method(
                f"{did}#{value}", relationship="assertionMethod"
            )
            assert vm.public_key.key_type.value == key_type
            assert vm.public_key.to_multibase() == value
            assert did_key_from_public_key(vm.public_key) == did
            for relationship in (
                "authentication",
                "capabilityInvocation",
                "capabilityDelegation",
            ):
                assert document.relationship(relationship) == (f"{did}#{value}",)
            has_agreement = bool(document.relationship("keyAgreement"))
            assert has_agreement == (key_type == "Ed25519")


def test_unsupported_spec_dids_give_invalid_public_key(
    spec_vectors: dict[str, Any], resolver: ResolverRegistry
) -> None:
    for key_type in UNSUPPORTED:
        dids = spec_vectors["dids"][key_type]
        assert dids
        for did in dids:
            result = resolver.resolve(did)
            assert result.did_document is None
            assert result.error == "invalidPublicKey"
            with pytest.raises(DIDResolutionError) as info:
                resolver.resolve_document(did)
            assert info.value.error == "invalidPublicKey"


def test_nist_curve_vectors_resolve_to_their_keys(
    vectors_dir: Path, resolver: ResolverRegistry
) -> None:
    vectors = _legacy(vectors_dir, "nist-curves.json")
    checked = 0
    for did, case in vectors.items():
        legacy_vm = case["verificationMethod"]
        result = resolver.resolve(did)
        if did.startswith("did:key:z2J9"):  # P-521: not implemented
            assert result.error == "invalidPublicKey"
            continue
        assert result.did_document is not None, did
        (vm,) = result.did_document.verification_methods
        assert vm.id == f"{did}#{did.removeprefix('did:key:')}"
        if "publicKeyJwk" in legacy_vm:
            assert vm.public_key.to_jwk() == legacy_vm["publicKeyJwk"]
            assert PublicKey.from_jwk(legacy_vm["publicKeyJwk"]) == vm.public_key
        else:
            assert vm.public_key.raw == base58.b58decode(legacy_vm["publicKeyBase58"])
        checked += 1
    assert checked == 5


def test_ed25519_vectors_derive_the_legacy_x25519_keys(
    vectors_dir: Path, resolver: ResolverRegistry
) -> None:
    vectors = _legacy(vectors_dir, "ed25519-x25519.json")
    assert vectors
    for did, case in vectors.items():
        seed = bytes.fromhex(case["seed"])
        private = PrivateKey.from_secret_bytes(KeyType.ED25519, seed)
        assert did_key_from_public_key(private.public_key) == did
        document = resolver.resolve_document(did)
        expected = case["didDocument"]["keyAgreement"]
        assert document.relationship("keyAgreement") == tuple(expected)
        (agreement,) = document.key_agreement_methods
        legacy = case["keyAgreementKeyPair"]
        if "publicKeyJwk" in legacy:
            expected_raw = base64url_decode(legacy["publicKeyJwk"]["x"])
        else:
            expected_raw = base58.b58decode(legacy["publicKeyBase58"])
        assert agreement.x25519 == expected_raw


@pytest.mark.parametrize("key_type", list(KeyType))
def test_round_trip(key_type: KeyType, resolver: ResolverRegistry) -> None:
    key = PrivateKey.generate(key_type).public_key
    did = did_key_from_public_key(key)
    assert did.startswith(
        {"Ed25519": "did:key:z6Mk", "P-256": "did:key:zDna", "P-384": "did:key:z82L"}[
            key_type.value
        ]
    )
    document = resolver.resolve_document(did)
    assert document.verification_methods[0].public_key == key
    assert document.to_json()["@context"] == ["https://www.w3.org/ns/did/v1.1"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("z", "invalidPublicKey"),
        ("z0OIl", "invalidPublicKey"),  # not base58
        ("uAe0B", "invalidDid"),  # not base58btc
        ("1:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "invalidDid"),
        # a private-key codec
        (
            multibase_encode(multicodec_wrap(Multicodec.ED25519_PRIV, b"\1" * 32)),
            "invalidPublicKey",
        ),
        # wrong length for the codec
        (
            multibase_encode(multicodec_wrap(Multicodec.ED25519_PUB, b"\1" * 31)),
            "invalidPublicKey",
        ),
        # an X25519 key is not a did:key signing key
        (
            multibase_encode(multicodec_wrap(Multicodec.X25519_PUB, b"\1" * 32)),
            "invalidPublicKey",
        ),
        # a P-256 point that is not on the curve
        (
            multibase_encode(multicodec_wrap(Multicodec.P256_PUB, b"\2" + b"\0" * 31 + b"\1")),
            "invalidPublicKey",
        ),
    ],
)
def test_bad_did_keys(value: str, error: str, resolver: ResolverRegistry) -> None:
    result = resolver.resolve(f"did:key:{value}")
    assert result.did_document is None
    assert result.error == error


def test_non_canonical_ec_encoding_is_rejected(resolver: ResolverRegistry) -> None:
    key = PrivateKey.generate(KeyType.P256).public_key
    point = key.to_cryptography().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    value = multibase_encode(multicodec_wrap(Multicodec.P256_PUB, point))
    assert resolver.resolve(f"did:key:{value}").error is not None


def test_driver_caches_documents() -> None:
    key = PrivateKey.generate(KeyType.ED25519).public_key
    did = parse_did(did_key_from_public_key(key))
    method = DIDKeyMethod()
    first = method.resolve(did).did_document
    second = method.resolve(did).did_document
    assert first is not None
    assert first is second  # served from the LRU cache
    assert method.resolve(did).resolution_metadata is not method.resolve(did).resolution_metadata
