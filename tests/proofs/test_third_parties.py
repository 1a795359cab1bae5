"""Proof sets and chains with third parties (issue 9).

Every proof must verify against its own controller's DID document; at least
one valid proof must be by the expected party, reported once as
``proof.issuer`` (credentials) or ``proof.holder`` (presentations).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from vcid import CredentialVerifier, KeyFile, Outcome, Verdict
from vcid._json import JsonObject
from vcid.did.document import VerificationMethod
from vcid.did.resolver import ResolverRegistry
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, PrivateKey
from vcid.proofs import AssertionPurpose, AuthenticationPurpose, ProofPurpose, verify_proofs
from vcid.report import Check, fold

Sign = Callable[..., JsonObject]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def _run(
    document: JsonObject,
    resolver: Any,
    jsonld: JsonLdProcessor,
    purpose: ProofPurpose,
) -> dict[str, Check]:
    checks = verify_proofs(document, resolver=resolver, jsonld=jsonld, purpose=purpose, now=NOW)
    return {c.name: c for c in checks}


def _not_passed(checks: Mapping[str, Check]) -> dict[str, str]:
    return {
        n: c.code for n, c in checks.items() if c.outcome in (Outcome.FAILED, Outcome.INDETERMINATE)
    }


@pytest.fixture
def notary() -> PrivateKey:
    return PrivateKey.generate(KeyType.P256)


def _notarised_chain(
    issuer_key: PrivateKey, notary: PrivateKey, helpers: Any, sign: Sign
) -> JsonObject:
    """A notary's proof first, then the issuer's chained to it."""
    unsigned = helpers.credential(helpers.did_of(issuer_key))
    first = sign(unsigned, notary, "ecdsa-rdfc-2019", id="urn:uuid:notary-proof")
    return sign(first, issuer_key, "eddsa-rdfc-2022", previous_proof="urn:uuid:notary-proof")


def test_chain_with_a_third_party_first_verifies(
    keys: dict[KeyType, PrivateKey],
    notary: PrivateKey,
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A notary's proof, then the issuer's naming it in previousProof, verifies."""
    issuer_key = keys[KeyType.ED25519]
    issuer = helpers.did_of(issuer_key)
    document = _notarised_chain(issuer_key, notary, helpers, sign)
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose(issuer))
    assert _not_passed(checks) == {}, checks
    assert fold(checks.values()) is Verdict.VALID
    assert checks["proof[0].controller"].detail == f"controlled by {helpers.did_of(notary)}"
    assert checks["proof[1].controller"].detail == f"controlled by {issuer}"
    assert checks["proof[1].previous_proof"].outcome is Outcome.PASSED
    assert checks["proof.issuer"].outcome is Outcome.PASSED
    assert checks["proof.issuer"].detail == "proof[1] is by the issuer"


def test_chain_with_a_third_party_verifies_through_the_verifier(
    notary: PrivateKey, helpers: Any, sign: Sign
) -> None:
    """CredentialVerifier, calling the engine as before, accepts the notarised chain."""
    issuer = KeyFile.generate(KeyType.ED25519)
    document = _notarised_chain(issuer.signer, notary, helpers, sign)
    assert document["issuer"] == issuer.controller
    report = CredentialVerifier().verify_credential(document, now=NOW)
    assert report.verdict is Verdict.VALID, report.to_text()
    names = {c.name for c in report.checks}
    assert {"proof[0].signature", "proof[1].signature", "proof.issuer"} <= names


def test_only_a_third_party_proof_fails_proof_issuer(
    keys: dict[KeyType, PrivateKey],
    notary: PrivateKey,
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A proof set holding only valid third-party proofs lacks the issuer's."""
    issuer = helpers.did_of(keys[KeyType.ED25519])
    witness = keys[KeyType.P384]
    document = sign(helpers.credential(issuer), notary, "ecdsa-rdfc-2019")
    document = sign(document, witness, "ecdsa-jcs-2019")
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose(issuer))
    assert _not_passed(checks) == {"proof.issuer": "CONTROLLER_MISMATCH"}
    assert checks["proof[0].signature"].outcome is Outcome.PASSED
    assert checks["proof[1].signature"].outcome is Outcome.PASSED
    assert fold(checks.values()) is Verdict.INVALID
    report = CredentialVerifier().verify_credential(document, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert {c.name for c in report.checks if c.outcome is Outcome.FAILED} == {"proof.issuer"}


def test_a_failing_issuer_proof_is_not_failed_twice(
    keys: dict[KeyType, PrivateKey],
    notary: PrivateKey,
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """When the issuer's proof itself fails, proof.issuer is skipped, the document invalid."""
    issuer_key = keys[KeyType.ED25519]
    document = _notarised_chain(issuer_key, notary, helpers, sign)
    proofs = document["proof"]
    assert isinstance(proofs, list)
    issuer_proof = proofs[1]
    assert isinstance(issuer_proof, dict)
    issuer_proof["created"] = "2024-05-02T00:00:00Z"
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose(helpers.did_of(issuer_key)))
    assert _not_passed(checks) == {"proof[1].signature": "INVALID_SIGNATURE"}
    assert checks["proof.issuer"].outcome is Outcome.SKIPPED
    assert fold(checks.values()) is Verdict.INVALID


def test_third_party_method_not_under_assertion_method_fails(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    static_resolver: Callable[..., ResolverRegistry],
    plain_jsonld: JsonLdProcessor,
) -> None:
    """Each proof's key must be listed under assertionMethod in its own controller's document."""
    issuer, witness = "did:example:issuer", "did:example:witness"
    issuer_key, witness_key = keys[KeyType.ED25519], keys[KeyType.P256]
    registry = static_resolver(
        {
            issuer: helpers.multikey_document(
                issuer, issuer_key, assertionMethod=[f"{issuer}#key-1"]
            ),
            witness: helpers.multikey_document(
                witness, witness_key, authentication=[f"{witness}#key-1"]
            ),
        }
    )
    document = sign(
        helpers.credential(issuer),
        issuer_key,
        "eddsa-rdfc-2022",
        verification_method=f"{issuer}#key-1",
    )
    document = sign(
        document, witness_key, "ecdsa-rdfc-2019", verification_method=f"{witness}#key-1"
    )
    checks = _run(document, registry, plain_jsonld, AssertionPurpose(issuer))
    assert _not_passed(checks) == {"proof[1].purpose": "PURPOSE_MISMATCH"}
    assert checks["proof.issuer"].outcome is Outcome.PASSED
    assert fold(checks.values()) is Verdict.INVALID


class _LyingResolver:
    """Resolves every method to ``key`` but claims ``controller`` controls it."""

    def __init__(self, key: PrivateKey, controller: str) -> None:
        self._key = key
        self._controller = controller

    def resolve_verification_method(self, vm_url: str, *, relationship: str) -> VerificationMethod:
        return VerificationMethod(
            id=vm_url, type="Multikey", controller=self._controller, public_key=self._key.public_key
        )


def test_method_controlled_by_another_did_fails_controller(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A method whose controller is not the DID listing it fails proof[i].controller."""
    key = keys[KeyType.ED25519]
    issuer = "did:example:issuer"
    document = sign(
        helpers.credential(issuer),
        key,
        "eddsa-rdfc-2022",
        verification_method="did:example:other#key-1",
    )
    checks = _run(document, _LyingResolver(key, issuer), plain_jsonld, AssertionPurpose(issuer))
    assert _not_passed(checks) == {
        "proof[0].controller": "CONTROLLER_MISMATCH",
        "proof.issuer": "CONTROLLER_MISMATCH",
    }


def test_no_expected_controller_skips_the_party_check(
    notary: PrivateKey,
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    document = sign(helpers.credential("did:example:issuer"), notary, "ecdsa-rdfc-2019")
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose())
    assert checks["proof.issuer"].outcome is Outcome.SKIPPED
    assert fold(checks.values()) is Verdict.VALID
    generic = _run(
        document, resolver, plain_jsonld, ProofPurpose("assertionMethod", "assertionMethod")
    )
    assert generic["proof.controller"].outcome is Outcome.SKIPPED


def _presentation(holder: str) -> JsonObject:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    }


@pytest.mark.parametrize("with_holder", [True, False])
def test_presentation_needs_the_holders_authentication_proof(
    with_holder: bool,
    keys: dict[KeyType, PrivateKey],
    notary: PrivateKey,
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A co-signer's authentication proof is accepted beside the holder's, not instead of it."""
    holder_key = keys[KeyType.ED25519]
    holder = helpers.did_of(holder_key)
    options = {"proof_purpose": "authentication", "challenge": "c-1", "domain": "v.example"}
    document = sign(_presentation(holder), notary, "ecdsa-rdfc-2019", **options)
    if with_holder:
        document = sign(document, holder_key, "eddsa-rdfc-2022", **options)
    purpose = AuthenticationPurpose("c-1", domain="v.example", expected_controller=holder)
    checks = _run(document, resolver, plain_jsonld, purpose)
    if with_holder:
        assert _not_passed(checks) == {}, checks
        assert checks["proof.holder"].detail == "proof[1] is by the holder"
    else:
        assert _not_passed(checks) == {"proof.holder": "CONTROLLER_MISMATCH"}
