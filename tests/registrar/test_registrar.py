"""The registrar workflow: build, allocate status, sign, log exactly once."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from tests.registrar._data import NOW, FakeAllocator, FakeLog, PassingStatus, birth_record
from vcid import KeyFile, KeyType
from vcid._json import JsonObject
from vcid.errors import CredentialDataError, UsageError
from vcid.registrar import Registrar, birth_credential_id, credential_commitment
from vcid.verifier import CredentialVerifier

SUITES = [
    (KeyType.ED25519, "eddsa-rdfc-2022"),
    (KeyType.ED25519, "eddsa-jcs-2022"),
    (KeyType.P256, "ecdsa-rdfc-2019"),
    (KeyType.P384, "ecdsa-jcs-2019"),
]


@pytest.mark.parametrize(("key_type", "suite"), SUITES)
def test_issue_birth_runs_every_step_once(key_type: KeyType, suite: str) -> None:
    """One issuance: one allocation, one signed credential that verifies, one log leaf."""
    allocator, log = FakeAllocator(), FakeLog()
    key = KeyFile.generate(key_type)
    registrar = Registrar(key, cryptosuite=suite, status_allocator=allocator, commitment_log=log)
    credential_id = registrar.birth_credential_id("BR-2025-000001")
    signed = registrar.issue_birth(birth_record(), credential_id=credential_id, now=NOW)

    assert signed["id"] == credential_id
    assert signed["issuer"] == key.controller
    assert signed["credentialStatus"] == allocator.entries[credential_id][0]
    proof = signed["proof"]
    assert isinstance(proof, dict)
    assert proof["cryptosuite"] == suite
    assert proof["created"] == "2026-03-01T12:00:00Z"
    assert allocator.calls == [credential_id]
    assert log.leaves == [credential_commitment(signed)]
    assert log.times == [NOW]
    report = CredentialVerifier(status_checker=PassingStatus()).verify_credential(signed, now=NOW)
    assert report.verified, report.to_text()


def test_reissuing_is_idempotent() -> None:
    """The same record, id and time give the same bytes and no second log leaf."""
    allocator, log = FakeAllocator(), FakeLog()
    registrar = Registrar(
        KeyFile.generate(KeyType.P256), status_allocator=allocator, commitment_log=log
    )
    credential_id = registrar.birth_credential_id("BR-1")
    first = registrar.issue_birth(birth_record("BR-1"), credential_id=credential_id, now=NOW)
    second = registrar.issue_birth(birth_record("BR-1"), credential_id=credential_id, now=NOW)
    assert first == second
    assert len(log.leaves) == 1
    other_id = registrar.birth_credential_id("BR-2")
    registrar.issue_birth(birth_record("BR-2"), credential_id=other_id, now=NOW)
    assert len(log.leaves) == 2
    assert len(allocator.entries) == 2


def test_without_services_there_is_no_status() -> None:
    """With no allocator the credential has no credentialStatus; with no log nothing is logged."""
    registrar = Registrar(KeyFile.generate())
    signed = registrar.issue_birth(
        birth_record(), credential_id=registrar.birth_credential_id("BR-1"), now=NOW
    )
    assert "credentialStatus" not in signed
    assert registrar.record(signed, now=NOW) is None
    assert CredentialVerifier().verify_credential(signed, now=NOW).verified


def test_bad_facts_are_not_logged_or_allocated() -> None:
    """A builder error stops the workflow before the allocator and the log are called."""
    allocator, log = FakeAllocator(), FakeLog()
    registrar = Registrar(KeyFile.generate(), status_allocator=allocator, commitment_log=log)
    future = birth_record(birth_date=datetime(2027, 1, 1).date())
    with pytest.raises(CredentialDataError):
        registrar.issue_birth(future, credential_id=registrar.birth_credential_id("X"), now=NOW)
    assert allocator.calls == []
    assert log.leaves == []


def test_several_status_entries_become_a_list() -> None:
    """Two allocated entries (revocation and suspension) are both in credentialStatus."""

    class TwoPurposes(FakeAllocator):
        def allocate(self, credential_id: str) -> list[JsonObject]:
            entry = super().allocate(credential_id)[0]
            return [entry, {**entry, "id": f"{entry['id']}s", "statusPurpose": "suspension"}]

    registrar = Registrar(KeyFile.generate(), status_allocator=TwoPurposes())
    signed = registrar.issue_birth(
        birth_record(), credential_id=registrar.birth_credential_id("BR-1"), now=NOW
    )
    status = signed["credentialStatus"]
    assert isinstance(status, list)
    assert [s["statusPurpose"] for s in status if isinstance(s, dict)] == [
        "revocation",
        "suspension",
    ]


@pytest.mark.parametrize("entries", [[], "nope", ["not an object"], [{}] * 9])
def test_bad_allocator_answers_are_usage_errors(entries: object) -> None:
    """An allocator that returns no, too many or non-object entries is refused."""

    class Bad:
        def allocate(self, credential_id: str) -> object:
            return entries

    registrar = Registrar(KeyFile.generate(), status_allocator=Bad())  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        registrar.issue_birth(
            birth_record(), credential_id=registrar.birth_credential_id("BR-1"), now=NOW
        )


def test_with_status_refuses_a_credential_with_status_or_without_id() -> None:
    """Status is added once, to a credential that has an id; the input is not changed."""
    registrar = Registrar(KeyFile.generate(), status_allocator=FakeAllocator())
    with pytest.raises(UsageError):
        registrar.with_status({"type": ["VerifiableCredential"]})
    document = {"id": "urn:uuid:1", "credentialStatus": {"type": "X"}}
    before = copy.deepcopy(document)
    with pytest.raises(UsageError):
        registrar.with_status(document)  # type: ignore[arg-type]
    assert document == before


def test_naive_now_and_unknown_suite_are_usage_errors() -> None:
    """Time must be aware; the cryptosuite must be one vcid implements."""
    registrar = Registrar(KeyFile.generate())
    with pytest.raises(UsageError):
        registrar.issue_birth(
            birth_record(),
            credential_id=registrar.birth_credential_id("1"),
            now=datetime(2026, 1, 1),
        )
    with pytest.raises(UsageError):
        Registrar(KeyFile.generate(), cryptosuite="rsa-2048")


def test_credential_ids_are_deterministic_per_registrar_and_number() -> None:
    """UUIDv5 of issuer and number: stable, distinct across numbers and registrars."""
    one = birth_credential_id("did:key:z6MkA", "BR-1")
    assert one == birth_credential_id("did:key:z6MkA", "BR-1")
    assert one.startswith("urn:uuid:")
    assert one[9 + 14] == "5"  # the UUID version nibble
    assert one != birth_credential_id("did:key:z6MkA", "BR-2")
    assert one != birth_credential_id("did:key:z6MkB", "BR-1")
    # the separator keeps (issuer, number) pairs apart
    assert birth_credential_id("did:a", "b\nc") != birth_credential_id("did:a\nb", "c")
    for bad in ("", "x" * 257):
        with pytest.raises(UsageError):
            birth_credential_id("did:key:z6MkA", bad)


def test_repr_shows_no_secret() -> None:
    """A registrar's repr names its issuer, not its key."""
    key = KeyFile.generate()
    text = repr(Registrar(key))
    assert key.controller in text
    assert key.key.secret_multibase() not in text
