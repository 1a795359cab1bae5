"""Shared fixtures for the Data Integrity tests: processors, resolvers, keys."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vcid._json import JsonObject, JsonValue
from vcid.did.document import DIDDocument
from vcid.did.key import did_key_from_public_key
from vcid.did.resolver import ResolutionResult, ResolverRegistry, default_resolver
from vcid.did.syntax import DID
from vcid.encoding import multibase_encode
from vcid.jsonld.loader import bundled_loader
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, PrivateKey
from vcid.proofs import ProofOptions, add_proof
from vcid.proofs.engine import proof_configuration, transform
from vcid.proofs.suites import get_suite

#: The verification time used throughout (after every vector's ``created``).
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

EXTRA_CONTEXTS = {
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://w3id.org/citizenship/v4rc1": "citizenship-v4rc1.jsonld",
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def plain_jsonld() -> JsonLdProcessor:
    """A safe-mode processor over the bundled contexts only."""
    return JsonLdProcessor(bundled_loader())


@pytest.fixture(scope="session")
def vector_jsonld(vectors_dir: Path) -> JsonLdProcessor:
    """The bundled contexts plus the examples and citizenship contexts."""
    documents = {
        url: read_json(vectors_dir / "contexts" / name) for url, name in EXTRA_CONTEXTS.items()
    }
    return JsonLdProcessor(bundled_loader().extended(documents))


@pytest.fixture(scope="session")
def resolver() -> ResolverRegistry:
    """did:key and did:jwk, offline."""
    return default_resolver()


@pytest.fixture(scope="session")
def keys() -> dict[KeyType, PrivateKey]:
    """One generated key of each type (ECDSA signs deterministically)."""
    return {key_type: PrivateKey.generate(key_type) for key_type in KeyType}


def vm_of(key: PrivateKey) -> str:
    """The did:key verification method URL of ``key``."""
    did = did_key_from_public_key(key.public_key)
    return f"{did}#{did.removeprefix('did:key:')}"


def did_of(key: PrivateKey) -> str:
    """The did:key of ``key``."""
    return did_key_from_public_key(key.public_key)


def credential(issuer: str) -> JsonObject:
    """A small credential that needs only the bundled VC 2.0 context."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b9f3e2c-6a8d-4c1e-9f0a-2d4b6c8e0f12",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:child",
            "name": "Test Child",
            "description": "A child travelling with a guardian.",
        },
    }


@pytest.fixture
def sign(
    plain_jsonld: JsonLdProcessor,
) -> Callable[..., JsonObject]:
    """add_proof with a did:key verification method and fixed created time."""

    def _sign(
        document: Mapping[str, JsonValue],
        key: PrivateKey,
        suite: str,
        **options: Any,
    ) -> JsonObject:
        options.setdefault("created", datetime(2024, 5, 1, tzinfo=UTC))
        vm = options.pop("verification_method", None) or vm_of(key)
        return add_proof(
            document,
            signer=key,
            suite=suite,
            options=ProofOptions(vm, **options),
            jsonld=plain_jsonld,
        )

    return _sign


@pytest.fixture
def resign(plain_jsonld: JsonLdProcessor) -> Callable[..., JsonObject]:
    """Recompute the last proof's proofValue after its fields were edited.

    Lets a test build a correctly signed proof with unusual fields (a
    ``created`` without offset, a list ``domain``) to exercise one check.
    """

    def _resign(document: JsonObject, key: PrivateKey) -> JsonObject:
        result = copy.deepcopy(document)
        proofs = result["proof"]
        proof = proofs[-1] if isinstance(proofs, list) else proofs
        assert isinstance(proof, dict)
        suite = str(proof["cryptosuite"])
        unsecured = {k: v for k, v in result.items() if k != "proof"}
        config = proof_configuration(proof, suite=suite, document=unsecured)
        cryptosuite = get_suite(suite)
        data = cryptosuite.digest(
            key.key_type, transform(config, suite=suite, jsonld=plain_jsonld)
        ) + cryptosuite.digest(key.key_type, transform(unsecured, suite=suite, jsonld=plain_jsonld))
        proof["proofValue"] = multibase_encode(key.sign(data), "z")
        return result

    return _resign


class StaticDIDMethod:
    """A tiny in-memory DID method driver serving hand-built DID documents."""

    def __init__(self, name: str, documents: Mapping[str, JsonObject]) -> None:
        self._name = name
        self._documents = dict(documents)

    @property
    def name(self) -> str:
        return self._name

    def resolve(
        self, did: DID, *, version_id: str | None = None, version_time: datetime | None = None
    ) -> ResolutionResult:
        source = self._documents.get(str(did))
        if source is None:
            return ResolutionResult.failure("notFound", "no such DID")
        return ResolutionResult.success(DIDDocument.from_json(source, did=str(did)))


@pytest.fixture
def static_resolver() -> Callable[[Mapping[str, JsonObject]], ResolverRegistry]:
    """Build a registry serving the given ``did:example`` documents."""

    def _build(documents: Mapping[str, JsonObject]) -> ResolverRegistry:
        return ResolverRegistry([StaticDIDMethod("example", documents)])

    return _build


def multikey_document(did: str, key: PrivateKey, **relationships: list[str]) -> JsonObject:
    """A DID document with one Multikey method ``#key-1``."""
    vm_id = f"{did}#key-1"
    document: JsonObject = {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ],
        "id": did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key.to_multibase(),
            }
        ],
    }
    for name, ids in relationships.items():
        document[name] = list(ids)
    return document


class ProofHelpers:
    """Plain helpers, handed to tests through the ``helpers`` fixture."""

    now = NOW
    read_json = staticmethod(read_json)
    vm_of = staticmethod(vm_of)
    did_of = staticmethod(did_of)
    credential = staticmethod(credential)
    multikey_document = staticmethod(multikey_document)


@pytest.fixture(scope="session")
def helpers() -> type[ProofHelpers]:
    return ProofHelpers
