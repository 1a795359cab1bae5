"""The credential commitment: SHA-256 of the signed credential's JCS bytes."""

from __future__ import annotations

import copy
import hashlib

import pytest

from vcid._json import JsonObject
from vcid.canon.jcs import canonicalize
from vcid.errors import UsageError
from vcid.registrar import credential_commitment

SIGNED: JsonObject = {
    "id": "urn:uuid:00000000-0000-5000-8000-000000000000",
    "credentialSubject": {"givenName": "Amara"},
    "proof": {"proofValue": "z3abc"},
}


def test_is_sha256_of_jcs() -> None:
    """The commitment is SHA-256 over the RFC 8785 form, whatever the key order."""
    reordered = dict(reversed(list(SIGNED.items())))
    expected = hashlib.sha256(canonicalize(SIGNED)).digest()
    assert credential_commitment(SIGNED) == expected
    assert credential_commitment(reordered) == expected
    assert len(expected) == 32


def test_covers_the_proof_and_every_field() -> None:
    """Changing a subject value or the proof changes the commitment."""
    other_value = copy.deepcopy(SIGNED)
    other_value["credentialSubject"] = {"givenName": "Amarb"}
    other_proof = copy.deepcopy(SIGNED)
    other_proof["proof"] = {"proofValue": "z3abd"}
    values = {credential_commitment(d) for d in (SIGNED, other_value, other_proof)}
    assert len(values) == 3


def test_refuses_unsigned_and_does_not_mutate() -> None:
    """An unsigned credential has no commitment; the input is left as it was."""
    before = copy.deepcopy(SIGNED)
    credential_commitment(SIGNED)
    assert before == SIGNED
    with pytest.raises(UsageError):
        credential_commitment({"id": "x"})
    with pytest.raises(UsageError):
        credential_commitment(["not", "an", "object"])  # type: ignore[arg-type]
