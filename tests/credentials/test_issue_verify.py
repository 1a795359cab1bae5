"""The registrar chain for real: birth, guardianship, consent, signed and verified per suite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.credentials.conftest import (
    CHILD,
    FATHER,
    MOTHER,
    NOW,
    arrangement,
    birth_record,
    consent,
)
from vcid import KeyFile, KeyType
from vcid.credentials import (
    Companion,
    Guardian,
    Parent,
    birth_credential,
    credential_digest_multibase,
    guardianship_credential,
    matches_digest,
    travel_consent_credential,
)
from vcid.issuer import issue
from vcid.report import Outcome
from vcid.schema import validate_credential_schemas
from vcid.verifier import CredentialVerifier

SUITES = {
    "eddsa-rdfc-2022": KeyType.ED25519,
    "eddsa-jcs-2022": KeyType.ED25519,
    "ecdsa-rdfc-2019": KeyType.P256,
    "ecdsa-jcs-2019": KeyType.P256,
}
CHECKED_AT = NOW + timedelta(days=30)


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_registrar_chain_issues_and_verifies(suite: str) -> None:
    """Registrar signs birth and guardianship; the father signs consent; all three verify."""
    key_type = SUITES[suite]
    registrar = KeyFile.generate(key_type)
    mother, father = KeyFile.generate(key_type), KeyFile.generate(key_type)
    mum = MOTHER.__class__(
        given_name=MOTHER.given_name, family_name=MOTHER.family_name, did=mother.controller
    )
    dad = FATHER.__class__(
        given_name=FATHER.given_name, family_name=FATHER.family_name, did=father.controller
    )
    parents = (Parent(person=mum, role="mother"), Parent(person=dad, role="father"))
    guardians = (Guardian(person=mum, role="mother"), Guardian(person=dad, role="father"))

    birth = issue(
        birth_credential(birth_record(parents=parents), issuer=registrar.controller, now=NOW),
        key=registrar,
        cryptosuite=suite,
        created=NOW,
    )
    guardianship = issue(
        guardianship_credential(
            arrangement(guardians=guardians),
            issuer=registrar.controller,
            birth_credential=birth,
            now=NOW,
        ),
        key=registrar,
        cryptosuite=suite,
        created=NOW,
    )
    travel = issue(
        travel_consent_credential(
            consent(
                consenting_guardian=Guardian(person=dad, role="father"),
                accompanied_by=(Companion(person=mum, relationship="mother"),),
            ),
            issuer=father.controller,
            birth_credential=birth,
            guardianship_credential=guardianship,
            now=NOW,
        ),
        key=father,
        cryptosuite=suite,
        created=NOW,
    )
    verifier = CredentialVerifier()
    for signed in (birth, guardianship, travel):
        assert validate_credential_schemas(signed)
        report = verifier.verify_credential(signed, now=CHECKED_AT)
        assert report.verified, report.to_text()
        related = {check.name: check for check in report.checks}["related_resource"]
        assert related.outcome in {Outcome.SKIPPED, Outcome.PASSED}

    # the links are digests of the signed credentials, as presented
    links = travel["relatedResource"]
    assert isinstance(links, list)
    assert links[0] == {"id": birth["id"], "digestMultibase": credential_digest_multibase(birth)}
    assert matches_digest(guardianship, links[1]["digestMultibase"])  # type: ignore[index,call-overload]


def test_consent_signed_by_someone_else_does_not_verify() -> None:
    """A consent whose issuer is the father but signed with the mother's key fails."""
    registrar = KeyFile.generate(KeyType.ED25519)
    father, mother = KeyFile.generate(KeyType.ED25519), KeyFile.generate(KeyType.ED25519)
    dad = FATHER.__class__(given_name="Pieter", family_name="van der Berg", did=father.controller)
    birth = birth_credential(
        birth_record(parents=(Parent(person=dad, role="father"),)),
        issuer=registrar.controller,
        now=NOW,
    )
    guardianship = guardianship_credential(
        arrangement(guardians=(Guardian(person=dad, role="father"),), custody="sole"),
        issuer=registrar.controller,
        birth_credential=birth,
        now=NOW,
    )
    unsigned = travel_consent_credential(
        consent(consenting_guardian=Guardian(person=dad, role="father")),
        issuer=father.controller,
        birth_credential=birth,
        guardianship_credential=guardianship,
        now=NOW,
    )
    forged = issue(unsigned, key=father, created=NOW)
    forged["proof"] = issue({**unsigned, "issuer": mother.controller}, key=mother, created=NOW)[
        "proof"
    ]
    report = CredentialVerifier().verify_credential(forged, now=CHECKED_AT)
    assert not report.verified
    assert CHILD.given_name not in report.to_text()


def test_expired_consent_does_not_verify() -> None:
    """After the travel period the consent has expired (validUntil)."""
    registrar = KeyFile.generate(KeyType.ED25519)
    father = KeyFile.generate(KeyType.ED25519)
    dad = FATHER.__class__(given_name="Pieter", family_name="van der Berg", did=father.controller)
    birth = birth_credential(
        birth_record(parents=(Parent(person=dad, role="father"),)),
        issuer=registrar.controller,
        now=NOW,
    )
    guardianship = guardianship_credential(
        arrangement(guardians=(Guardian(person=dad, role="father"),), custody="sole"),
        issuer=registrar.controller,
        birth_credential=birth,
        now=NOW,
    )
    signed = issue(
        travel_consent_credential(
            consent(consenting_guardian=Guardian(person=dad, role="father")),
            issuer=father.controller,
            birth_credential=birth,
            guardianship_credential=guardianship,
            now=NOW,
        ),
        key=father,
        created=NOW,
    )
    report = CredentialVerifier().verify_credential(signed, now=datetime(2026, 3, 3, tzinfo=UTC))
    assert not report.verified
    assert {check.name: check for check in report.checks}["validity"].code == "EXPIRED"
