"""The verifier: one report per document, a named failing check per defect."""

from __future__ import annotations

import base64
import copy
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid import CredentialVerifier, KeyFile, KeyType, Outcome, Verdict
from vcid._json import JsonObject
from vcid.canon.jcs import canonicalize as jcs_canonicalize
from vcid.demo import SAMPLE_CONTEXT
from vcid.errors import DigestMismatch, UsageError
from vcid.issuer import create_presentation, issue, present, sign_presentation
from vcid.jsonld import bundled_context_bytes
from vcid.ledger import SQLiteLog, credential_commitment, receipt_for
from vcid.proofs import ProofOptions, add_proof
from vcid.report import VerificationReport
from vcid.verifier import ReceiptPolicy, VerificationEnvironment, verify

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def registrar() -> KeyFile:
    return KeyFile.generate(KeyType.ED25519)


@pytest.fixture(scope="module")
def parent() -> KeyFile:
    return KeyFile.generate(KeyType.P256)


@pytest.fixture(scope="module")
def verifier() -> CredentialVerifier:
    return CredentialVerifier()


def unsigned(issuer: str, **extra: object) -> JsonObject:
    document: JsonObject = {
        "@context": ["https://www.w3.org/ns/credentials/v2", SAMPLE_CONTEXT],
        "type": ["VerifiableCredential", "BirthCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-05T09:00:00Z",
        "credentialSubject": {
            "givenName": "Amara",
            "familyName": "Okafor",
            "birthDate": "2019-04-12",
        },
    }
    document.update(extra)  # type: ignore[arg-type]
    return document


@pytest.fixture(scope="module")
def credential(registrar: KeyFile) -> JsonObject:
    return issue(unsigned(registrar.controller), key=registrar, created=CREATED)


def failed(report: VerificationReport) -> dict[str, str]:
    return {c.name: c.code for c in report.checks if c.outcome is Outcome.FAILED}


def test_signed_credential_verifies(verifier: CredentialVerifier, credential: JsonObject) -> None:
    """A freshly issued credential verifies, with every check passed or skipped."""
    report = verifier.verify_credential(credential, now=NOW)
    assert report.verdict is Verdict.VALID, report.to_text()
    names = {c.name for c in report.checks}
    assert {"data_model", "proof[0].signature", "context", "validity"} <= names


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
def test_each_suite_round_trips(verifier: CredentialVerifier, suite: str) -> None:
    """Credentials issued with every cryptosuite verify."""
    key_type = KeyType.ED25519 if suite.startswith("eddsa") else KeyType.P384
    key = KeyFile.generate(key_type)
    signed = issue(unsigned(key.controller), key=key, cryptosuite=suite)
    assert verifier.verify_credential(signed, now=NOW).verified


def test_tampered_subject_fails_signature(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """Changing a claim after signing fails the signature check."""
    forged: Any = copy.deepcopy(credential)
    forged["credentialSubject"]["birthDate"] = "2009-04-12"
    report = verifier.verify_credential(forged, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert failed(report) == {"proof[0].signature": "INVALID_SIGNATURE"}


def test_report_does_not_echo_personal_data(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """No check detail repeats the child's data, even when it fails."""
    forged: Any = copy.deepcopy(credential)
    forged["credentialSubject"]["givenName"] = "Zanele-Secret-Name"
    text = verifier.verify_credential(forged, now=NOW).to_text()
    assert "Zanele" not in text
    assert "Okafor" not in text


def test_tampered_proof_value_fails(verifier: CredentialVerifier, credential: JsonObject) -> None:
    """A changed character in proofValue fails the signature check."""
    forged: Any = copy.deepcopy(credential)
    value = forged["proof"]["proofValue"]
    forged["proof"]["proofValue"] = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    report = verifier.verify_credential(forged, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert "proof[0].signature" in failed(report)


def test_malformed_proof_value_fails(verifier: CredentialVerifier, credential: JsonObject) -> None:
    """A proofValue that is not base58btc multibase is a failed check, not a crash."""
    forged: Any = copy.deepcopy(credential)
    forged["proof"]["proofValue"] = "z0OIl"
    report = verifier.verify_credential(forged, now=NOW)
    assert report.verdict is Verdict.INVALID


def test_key_of_another_did_fails_controller(
    verifier: CredentialVerifier, registrar: KeyFile
) -> None:
    """A credential signed with a key that the issuer does not control fails proof.issuer."""
    impostor = KeyFile.generate(KeyType.ED25519)
    # The impostor signs a credential naming the registrar as issuer.
    forged_key = KeyFile(
        key=impostor.key,
        verification_method=impostor.verification_method,
        controller=registrar.controller,
    )
    signed = issue(unsigned(registrar.controller), key=forged_key)
    report = verifier.verify_credential(signed, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert failed(report) == {"proof.issuer": "CONTROLLER_MISMATCH"}


def test_expired_and_not_yet_valid(verifier: CredentialVerifier, registrar: KeyFile) -> None:
    """validUntil in the past and validFrom in the future each fail validity."""
    expired = issue(
        unsigned(registrar.controller, validUntil="2026-02-01T00:00:00Z"), key=registrar
    )
    report = verifier.verify_credential(expired, now=NOW)
    assert failed(report) == {"validity": "EXPIRED"}
    future = issue(unsigned(registrar.controller, validFrom="2027-01-01T00:00:00Z"), key=registrar)
    report = verifier.verify_credential(future, now=NOW)
    assert failed(report) == {"validity": "NOT_YET_VALID"}


def test_clock_skew_is_tolerated(registrar: KeyFile) -> None:
    """A validFrom a minute ahead of the verifier's clock passes within skew."""
    signed = issue(unsigned(registrar.controller), key=registrar)
    skewed = CredentialVerifier(
        environment=VerificationEnvironment(max_clock_skew=timedelta(minutes=5))
    )
    moment = datetime(2026, 1, 5, 8, 59, tzinfo=UTC)
    assert skewed.verify_credential(signed, now=moment).verified
    strict = CredentialVerifier(environment=VerificationEnvironment(max_clock_skew=timedelta(0)))
    assert not strict.verify_credential(signed, now=moment).verified


def test_unsupported_cryptosuite_fails(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """A proof naming an unknown cryptosuite fails its suite check."""
    forged: Any = copy.deepcopy(credential)
    forged["proof"]["cryptosuite"] = "bbs-2023"
    report = verifier.verify_credential(forged, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert "proof[0].suite" in failed(report)


def test_suite_not_allowed_by_policy(credential: JsonObject) -> None:
    """A verifier that accepts only ECDSA rejects an EdDSA proof."""
    strict = CredentialVerifier(
        environment=VerificationEnvironment(allowed_suites={"ecdsa-rdfc-2019"})
    )
    report = strict.verify_credential(credential, now=NOW)
    assert "proof[0].suite" in failed(report)


def test_unknown_context_is_indeterminate_or_invalid(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """A context that is not bundled cannot be loaded: the credential does not verify."""
    forged: Any = copy.deepcopy(credential)
    forged["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://example.org/unknown-context/v1",
    ]
    report = verifier.verify_credential(forged, now=NOW)
    assert not report.verified
    codes = {c.code for c in report.checks}
    assert "DOCUMENT_LOAD_ERROR" in codes


def test_undefined_term_is_rejected(registrar: KeyFile, verifier: CredentialVerifier) -> None:
    """Under a context without @vocab, an undefined property fails at verify."""
    document: JsonObject = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            {"@vocab": None, "givenName": "https://schema.org/givenName"},
        ],
        "type": ["VerifiableCredential"],
        "issuer": registrar.controller,
        "credentialSubject": {"givenName": "Amara"},
    }
    signed = issue(document, key=registrar)
    signed["credentialSubject"] = {"givenName": "Amara", "smuggled": "x"}
    report = verifier.verify_credential(signed, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert failed(report).get("context") == "UNDEFINED_TERM"


def test_data_model_violation_is_reported(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """A credential without credentialSubject fails the data model check."""
    forged: Any = copy.deepcopy(credential)
    del forged["credentialSubject"]
    report = verifier.verify_credential(forged, now=NOW)
    assert failed(report).get("data_model") == "DATA_MODEL"


def test_status_entry_without_checker_is_indeterminate(
    verifier: CredentialVerifier, registrar: KeyFile
) -> None:
    """A credential with a status entry is never VALID while status is unchecked."""
    document = unsigned(
        registrar.controller,
        credentialStatus={
            "id": "https://registrar.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://registrar.example/status/1",
        },
    )
    report = verifier.verify_credential(issue(document, key=registrar), now=NOW)
    assert report.verdict is Verdict.INDETERMINATE


def test_caller_document_is_not_mutated(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """Verification leaves the caller's document unchanged."""
    before = copy.deepcopy(credential)
    verifier.verify_credential(credential, now=NOW)
    assert credential == before


def test_naive_now_is_misuse(verifier: CredentialVerifier, credential: JsonObject) -> None:
    """A naive datetime is a usage error, not a verdict."""
    with pytest.raises(UsageError):
        verifier.verify_credential(credential, now=datetime(2026, 1, 1))


def test_report_has_no_truth_value(verifier: CredentialVerifier, credential: JsonObject) -> None:
    """`if report:` is an error, so a failed report cannot pass by accident."""
    report = verifier.verify_credential(credential, now=NOW)
    with pytest.raises(TypeError):
        bool(report)


# --- presentations ------------------------------------------------------------


def test_presentation_verifies(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A presentation with the right challenge and domain verifies whole."""
    vp = present([credential], key=parent, challenge="c-123", domain="border.example")
    report = verifier.verify_presentation(vp, challenge="c-123", domain="border.example", now=NOW)
    assert report.verdict is Verdict.VALID, report.to_text()
    names = [c.name for c in report.checks]
    assert "presentation.proof[0].challenge" in names
    assert "credential[0].proof[0].signature" in names
    # The presentation's own proof is checked before its credentials.
    assert names.index("presentation.proof[0].signature") < names.index(
        "credential[0].proof[0].signature"
    )


@pytest.mark.parametrize(
    ("challenge", "domain", "check", "code"),
    [
        (
            "other",
            "border.example",
            "presentation.proof[0].challenge",
            "CHALLENGE_MISMATCH",
        ),
        (
            "c-123",
            "elsewhere.example",
            "presentation.proof[0].domain",
            "DOMAIN_MISMATCH",
        ),
    ],
)
def test_presentation_wrong_challenge_or_domain(
    verifier: CredentialVerifier,
    credential: JsonObject,
    parent: KeyFile,
    challenge: str,
    domain: str,
    check: str,
    code: str,
) -> None:
    """A challenge or domain other than the verifier's fails its check."""
    vp = present([credential], key=parent, challenge="c-123", domain="border.example")
    report = verifier.verify_presentation(vp, challenge=challenge, domain=domain, now=NOW)
    assert failed(report) == {check: code}


def test_presentation_missing_domain_fails(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A verifier expecting a domain rejects a proof that has none."""
    vp = present([credential], key=parent, challenge="c-123")
    report = verifier.verify_presentation(vp, challenge="c-123", domain="border.example", now=NOW)
    assert failed(report) == {"presentation.proof[0].domain": "DOMAIN_MISMATCH"}


def test_credential_proof_used_as_presentation_proof_fails(
    verifier: CredentialVerifier, credential: JsonObject, registrar: KeyFile
) -> None:
    """An assertionMethod proof does not authenticate a presentation holder."""
    vp = create_presentation([credential], holder=registrar.controller)
    forged = add_proof(
        vp,
        signer=registrar.signer,
        suite="eddsa-rdfc-2022",
        options=ProofOptions(
            verification_method=registrar.verification_method,
            proof_purpose="assertionMethod",
            challenge="c-123",
        ),
        jsonld=verifier.environment.jsonld,
    )
    report = verifier.verify_presentation(forged, challenge="c-123", now=NOW)
    assert failed(report).get("presentation.proof[0].purpose") == "PURPOSE_MISMATCH"


def test_presentation_with_tampered_credential_fails(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A presentation whose embedded credential was altered fails that credential."""
    forged: Any = copy.deepcopy(credential)
    forged["credentialSubject"]["familyName"] = "Other"
    vp = present([forged], key=parent, challenge="c-123")
    report = verifier.verify_presentation(vp, challenge="c-123", now=NOW)
    assert failed(report) == {"credential[0].proof[0].signature": "INVALID_SIGNATURE"}


def test_holder_must_control_presentation_key(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A presentation naming another holder than the signer fails proof.holder."""
    vp = create_presentation(
        [credential], holder="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    )
    stranger = KeyFile.generate(KeyType.ED25519)
    forged_key = KeyFile(
        key=stranger.key,
        verification_method=stranger.verification_method,
        controller=str(vp["holder"]),
    )
    signed = sign_presentation(vp, key=forged_key, challenge="c-123")
    report = verifier.verify_presentation(signed, challenge="c-123", now=NOW)
    assert failed(report).get("presentation.proof.holder") == "CONTROLLER_MISMATCH"


# --- related resources ----------------------------------------------------------


def _context_digests(algorithm: str) -> tuple[str, str]:

    data = bundled_context_bytes("https://www.w3.org/ns/credentials/v2")
    assert data is not None
    digest = hashlib.new(algorithm, data).digest()
    sri = f"{algorithm}-{base64.b64encode(digest).decode()}"
    multibase = "u" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return sri, multibase


def test_related_resource_digest_of_bundled_context(
    verifier: CredentialVerifier, registrar: KeyFile
) -> None:
    """Matching digests of a bundled context pass; a wrong one fails the check."""
    sri, _ = _context_digests("sha384")
    good = {
        "id": "https://www.w3.org/ns/credentials/v2",
        "digestSRI": sri,
        "digestMultibase": _context_digests("sha256")[1],
    }
    signed = issue(unsigned(registrar.controller, relatedResource=[good]), key=registrar)
    report = verifier.verify_credential(signed, now=NOW)
    assert report.verified, report.to_text()
    assert "related_resource" not in failed(report)

    # The July 2024 draft context's digest (the W3C suite fixture) does not match the REC.
    stale = {**good, "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}
    del stale["digestSRI"]
    with pytest.raises(DigestMismatch):  # vcid refuses to issue it ...
        issue(unsigned(registrar.controller, relatedResource=[stale]), key=registrar)
    signed = add_proof(  # ... so sign it below the issuer's checks
        unsigned(registrar.controller, relatedResource=[stale]),
        signer=registrar.signer,
        suite="eddsa-rdfc-2022",
        options=ProofOptions(
            verification_method=registrar.verification_method, proof_purpose="assertionMethod"
        ),
        jsonld=verifier.environment.jsonld,
    )
    report = verifier.verify_credential(signed, now=NOW)
    assert failed(report) == {"related_resource": "DIGEST_MISMATCH"}


def test_issue_checks_digests_of_supplied_resources(registrar: KeyFile) -> None:
    """A digest of a resource the issuer was given must match it, or issue refuses."""
    policy = b'{"@context": {"policy": "https://registrar.example/vocab#policy"}}'
    digest = "u" + base64.urlsafe_b64encode(hashlib.sha256(policy).digest()).decode().rstrip("=")
    link = {"id": "https://registrar.example/policy", "digestMultibase": digest}
    document = unsigned(registrar.controller, relatedResource=[link])
    related = {"https://registrar.example/policy": policy}
    assert issue(document, key=registrar, related=related)["relatedResource"] == [link]
    with pytest.raises(DigestMismatch, match=r"relatedResource\[0\]"):
        issue(document, key=registrar, related={link["id"]: policy + b" "})
    with pytest.raises(UsageError):
        issue(document, key=registrar, related={link["id"]: "text"})  # type: ignore[dict-item]


def test_related_resource_not_held_is_not_fetched(
    verifier: CredentialVerifier, registrar: KeyFile
) -> None:
    """A resource vcid does not hold is reported unchecked, not fetched."""
    other = {"id": "https://registrar.example/policy", "digestMultibase": "uAAAA"}
    signed = issue(unsigned(registrar.controller, relatedResource=[other]), key=registrar)
    report = verifier.verify_credential(signed, now=NOW)
    check = next(c for c in report.checks if c.name == "related_resource")
    assert check.outcome is Outcome.SKIPPED


def test_replayed_presentation_without_an_expected_challenge_is_invalid(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A copied presentation verified without the verifier's challenge is not valid."""
    vp = present([credential], key=parent, challenge="c-123")
    for report in (
        verifier.verify_presentation(vp, now=NOW),
        verify(vp, now=NOW),
    ):
        assert report.verdict is Verdict.INVALID
        assert failed(report) == {"presentation.challenge": "CHALLENGE_REQUIRED"}
        assert "replay" in report.failures()[0].detail


def test_replayed_presentation_fails_against_a_new_challenge(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A presentation made for one challenge fails at the next border post's challenge."""
    vp = present([credential], key=parent, challenge="c-123")
    assert verifier.verify_presentation(vp, challenge="c-123", now=NOW).verified
    report = verifier.verify_presentation(vp, challenge="c-456", now=NOW)
    assert failed(report) == {"presentation.proof[0].challenge": "CHALLENGE_MISMATCH"}


def _without_challenge(
    verifier: CredentialVerifier, credential: JsonObject, holder: KeyFile
) -> JsonObject:
    """A presentation whose authentication proof carries no challenge."""
    return add_proof(
        create_presentation([credential], holder=holder.controller),
        signer=holder.signer,
        suite="ecdsa-rdfc-2019",
        options=ProofOptions(
            verification_method=holder.verification_method, proof_purpose="authentication"
        ),
        jsonld=verifier.environment.jsonld,
    )


def test_opting_out_of_a_challenge(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """no_challenge=True accepts a proof without one and says replay is the caller's."""
    bare = _without_challenge(verifier, credential, parent)
    report = verifier.verify_presentation(bare, no_challenge=True, now=NOW)
    assert report.verified, report.to_text()
    check = next(c for c in report.checks if c.name == "presentation.challenge")
    assert check.outcome is Outcome.SKIPPED
    assert "replay" in check.detail


def test_an_unexpected_challenge_is_invalid(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """With no_challenge=True, a proof carrying a challenge the verifier never issued fails."""
    vp = present([credential], key=parent, challenge="c-123")
    report = verifier.verify_presentation(vp, no_challenge=True, now=NOW)
    assert failed(report) == {"presentation.challenge": "CHALLENGE_MISMATCH"}


def test_challenge_and_no_challenge_together_is_misuse(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """Asking for a challenge and for none at once raises UsageError."""
    vp = present([credential], key=parent, challenge="c-123")
    with pytest.raises(UsageError):
        verifier.verify_presentation(vp, challenge="c-123", no_challenge=True, now=NOW)


def test_presentation_missing_challenge_fails(
    verifier: CredentialVerifier, credential: JsonObject, parent: KeyFile
) -> None:
    """A verifier expecting a challenge rejects a proof that has none."""
    forged = _without_challenge(verifier, credential, parent)
    report = verifier.verify_presentation(forged, challenge="c-123", now=NOW)
    assert failed(report) == {"presentation.proof[0].challenge": "CHALLENGE_MISMATCH"}


# --- transparency-log receipts ---------------------------------------------------


def test_receipt_is_checked_when_presented(
    verifier: CredentialVerifier, credential: JsonObject, registrar: KeyFile, tmp_path: Path
) -> None:
    """A receipt from the issuer's log adds passing ledger checks; a forged one fails."""
    log = SQLiteLog(tmp_path / "log.db", origin="registry.example/births")
    log.append_credential(credential_commitment(credential), issued_at=CREATED)
    log.checkpoint(registrar.signer, now=CREATED + timedelta(hours=1))
    receipt = receipt_for(log, credential_commitment(credential)).to_json()
    report = verifier.verify_credential(credential, now=NOW, receipt=receipt)
    assert report.verdict is Verdict.VALID, report.to_text()
    names = {c.name for c in report.checks}
    assert {"ledger.inclusion", "ledger.checkpoint_signature"} <= names

    other = issue(unsigned(registrar.controller), key=registrar)
    report = verifier.verify_credential(other, now=NOW, receipt=receipt)
    assert failed(report).get("ledger.leaf") is not None


def test_receipt_required_by_policy(credential: JsonObject) -> None:
    """A verifier that requires receipts fails a credential presented without one."""
    strict = CredentialVerifier(receipts=ReceiptPolicy(required=True))
    report = strict.verify_credential(credential, now=NOW)
    assert failed(report) == {"ledger.receipt": "INVALID_PROOF"}


def test_presented_credentials_are_linked_by_digest(
    verifier: CredentialVerifier, registrar: KeyFile, parent: KeyFile
) -> None:
    """A relatedResource digest of a credential presented alongside is checked."""
    birth = issue(
        unsigned(registrar.controller, id="urn:uuid:6f1d2c3b-0000-4000-8000-000000000001"),
        key=registrar,
    )
    other = issue(
        unsigned(
            registrar.controller,
            id="urn:uuid:6f1d2c3b-0000-4000-8000-000000000001",
            validFrom="2026-01-06T09:00:00Z",
        ),
        key=registrar,
    )
    digest = "u" + base64.urlsafe_b64encode(
        hashlib.sha256(jcs_canonicalize(birth)).digest()
    ).decode().rstrip("=")
    link = {"id": birth["id"], "digestMultibase": digest}
    guardianship = issue(unsigned(registrar.controller, relatedResource=[link]), key=registrar)

    vp = present([birth, guardianship], key=parent, challenge="c-1")
    report = verifier.verify_presentation(vp, challenge="c-1", now=NOW)
    assert report.verdict is Verdict.VALID, report.to_text()

    swapped = present([other, guardianship], key=parent, challenge="c-1")
    report = verifier.verify_presentation(swapped, challenge="c-1", now=NOW)
    assert failed(report) == {"credential[1].related_resource": "DIGEST_MISMATCH"}


# --- the structured report ---------------------------------------------------------


def test_report_groups_checks_per_credential_with_a_view(
    verifier: CredentialVerifier, credential: JsonObject, registrar: KeyFile, parent: KeyFile
) -> None:
    """Each presented credential has its own checks, verdict and parsed view."""
    expired = issue(
        unsigned(registrar.controller, validUntil="2026-02-01T00:00:00Z"), key=registrar
    )
    vp = present([credential, expired], key=parent, challenge="c-9")
    report = verifier.verify_presentation(vp, challenge="c-9", now=NOW)

    assert report.presentation is not None
    assert report.presentation.holder == parent.controller
    assert report.presentation.verification_methods == (parent.verification_method,)
    assert report.presentation.verdict is Verdict.VALID
    first, second = report.credentials
    assert (first.index, second.index) == (0, 1)
    assert first.verdict is Verdict.VALID
    assert second.verdict is Verdict.INVALID
    assert second.check("validity") is not None
    assert second.check("validity").code == "EXPIRED"  # type: ignore[union-attr]
    assert first.view is not None
    assert first.view.types == ("VerifiableCredential", "BirthCredential")
    assert first.view.issuer == registrar.controller
    assert first.view.valid_from == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert first.view.subject_ids == (None,)
    assert first.status[0].outcome is Outcome.SKIPPED
    assert first.receipt == ()
    # The flat checks are the grouped ones, prefixed.
    flat = [c.name for c in report.checks]
    assert flat == [
        *(f"presentation.{c.name}" for c in report.presentation.checks),
        *(f"credential[0].{c.name}" for c in first.checks),
        *(f"credential[1].{c.name}" for c in second.checks),
    ]
    document: Any = report.to_json()
    assert document["presentation"]["holder"] == parent.controller
    views = [c["view"] for c in document["credentials"]]
    assert views[0]["validFrom"] == "2026-01-05T09:00:00Z"
    assert views[1]["validUntil"] == "2026-02-01T00:00:00Z"
    # The view names types and identifiers only, never the claims about the child.
    assert "Amara" not in str(document)


def test_a_lone_credential_has_one_result_and_no_presentation(
    verifier: CredentialVerifier, credential: JsonObject
) -> None:
    """verify_credential gives one unprefixed result; a broken data model gives no view."""
    report = verifier.verify_credential(credential, now=NOW)
    (result,) = report.credentials
    assert result.index is None
    assert result.prefix == ""
    assert result.checks == report.checks
    assert report.presentation is None
    broken: Any = copy.deepcopy(credential)
    broken["type"] = ["BirthCredential"]
    (bad,) = verifier.verify_credential(broken, now=NOW).credentials
    assert bad.view is None
    assert bad.verdict is Verdict.INVALID
