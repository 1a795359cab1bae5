"""Issuing credentials and signing presentations: checks before signing."""

from __future__ import annotations

import copy

import pytest

from vcid import KeyFile, KeyType
from vcid._json import JsonObject
from vcid.errors import (
    DataModelError,
    DocumentLoadError,
    UndefinedTermError,
    UnsupportedError,
    UsageError,
)
from vcid.issuer import create_presentation, issue, present, sign_presentation


@pytest.fixture(scope="module")
def key() -> KeyFile:
    return KeyFile.generate(KeyType.ED25519)


def credential(issuer: str) -> JsonObject:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"name": "Amara"},
    }


def test_issue_does_not_mutate_input(key: KeyFile) -> None:
    """The caller's credential is unchanged; the signed one is new."""
    document = credential(key.controller)
    before = copy.deepcopy(document)
    signed = issue(document, key=key)
    assert document == before
    assert "proof" in signed
    proof = signed["proof"]
    assert isinstance(proof, dict)
    assert proof["verificationMethod"] == key.verification_method
    assert proof["proofPurpose"] == "assertionMethod"


def test_issuer_must_be_key_controller(key: KeyFile) -> None:
    """Signing a credential for another issuer is refused before signing."""
    with pytest.raises(UsageError):
        issue(credential("did:example:someone-else"), key=key)


def test_data_model_checked_at_issue(key: KeyFile) -> None:
    """A credential without a subject is refused at issue."""
    document = credential(key.controller)
    del document["credentialSubject"]
    with pytest.raises(DataModelError):
        issue(document, key=key)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_undefined_term_refused_at_issue(key: KeyFile, suite: str) -> None:
    """Safe mode: a term no context defines is an error, for RDFC and JCS alike."""
    document = credential(key.controller)
    document["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        {"givenName": "https://schema.org/givenName"},
    ]
    document["credentialSubject"] = {"givenName": "Amara", "undefinedTerm": "x"}
    with pytest.raises(UndefinedTermError):
        issue(document, key=key, cryptosuite=suite)


def test_unknown_context_refused_at_issue(key: KeyFile) -> None:
    """A context that is not bundled is never fetched: issuing fails."""
    document = credential(key.controller)
    document["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://example.org/not-bundled/v1",
    ]
    with pytest.raises(DocumentLoadError):
        issue(document, key=key)


def test_unknown_or_unsuitable_cryptosuite(key: KeyFile) -> None:
    """Unknown suites and key/suite mismatches are refused."""
    with pytest.raises(UnsupportedError):
        issue(credential(key.controller), key=key, cryptosuite="bbs-2023")
    with pytest.raises(UsageError):
        issue(credential(key.controller), key=key, cryptosuite="ecdsa-rdfc-2019")


def test_presentation_needs_challenge(key: KeyFile) -> None:
    """A presentation proof without a challenge is refused."""
    with pytest.raises(UsageError):
        present([], key=key, challenge="")


def test_presentation_holder_must_match_key(key: KeyFile) -> None:
    """A presentation naming another holder cannot be signed with this key."""
    vp = create_presentation([], holder="did:example:other")
    with pytest.raises(UsageError):
        sign_presentation(vp, key=key, challenge="abc")


def test_presentation_proof_shape(key: KeyFile) -> None:
    """A presentation proof carries authentication, challenge and domain."""
    signed = issue(credential(key.controller), key=key)
    vp = present([signed], key=key, challenge="abc", domain="border.example")
    proof = vp["proof"]
    assert isinstance(proof, dict)
    assert proof["proofPurpose"] == "authentication"
    assert proof["challenge"] == "abc"
    assert proof["domain"] == "border.example"
    assert vp["holder"] == key.controller
