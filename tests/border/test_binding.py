"""Holder binding: the adult presenting must be someone the child's credentials name."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from vcid import KeyFile, Outcome
from vcid._json import JsonObject
from vcid.border import bind, check_binding
from vcid.errors import UsageError
from vcid.issuer import issue, present
from vcid.report import Verdict, VerificationReport
from vcid.verifier import CredentialVerifier

from .conftest import NOW, Family


def _checked(
    credentials: list[JsonObject], holder: KeyFile
) -> tuple[JsonObject, VerificationReport, dict[str, tuple[Outcome, str]]]:
    vp = present(credentials, key=holder, challenge="c", created=NOW)
    report = CredentialVerifier().verify_presentation(vp, challenge="c", now=NOW)
    checks = {c.name: (c.outcome, c.code) for c in check_binding(vp, report)}
    return vp, report, checks


PASSED = (Outcome.PASSED, "OK")


def test_a_parent_with_the_other_parents_consent_is_bound(family: Family) -> None:
    """Mother presents birth, guardianship and the father's consent: every binding passes."""
    vp, report, checks = _checked(
        [family.birth, family.guardianship, family.consent], family.mother
    )
    assert checks == {
        "binding.holder": PASSED,
        "binding.birth_credential": PASSED,
        "binding.child": PASSED,
        "binding.relationship": PASSED,
        "binding.consent[0]": PASSED,
    }
    bound = bind(vp, report)
    assert bound.verdict is Verdict.VALID, bound.to_text()
    relationship = next(c for c in bound.checks if c.name == "presentation.binding.relationship")
    assert relationship.detail == "the holder is the child's mother (credential[0])"
    assert "Amara" not in bound.to_text()
    assert "Okafor" not in bound.to_text()


def test_an_impostor_carrying_a_parents_credentials_is_not_bound(family: Family) -> None:
    """A stranger presenting the family's genuine credentials under their own key."""
    vp, report, checks = _checked(
        [family.birth, family.guardianship, family.consent], family.stranger
    )
    assert report.verdict is Verdict.VALID  # every signature is genuine ...
    assert checks["binding.relationship"] == (Outcome.FAILED, "HOLDER_NOT_BOUND")
    assert bind(vp, report).verdict is Verdict.INVALID  # ... but the adult is not theirs


def test_a_consent_names_its_companion(family: Family) -> None:
    """The companion a valid consent names is bound (here the mother, without guardianship)."""
    _, _, checks = _checked([family.birth, family.consent], family.mother)
    assert checks["binding.relationship"] == PASSED


def test_a_consent_by_someone_without_parental_responsibility(family: Family) -> None:
    """A stranger's self-issued consent does not count, however well signed."""
    forged_consent: Any = copy.deepcopy(family.consent)
    del forged_consent["proof"]
    forged_consent["issuer"] = family.stranger.controller
    forged_consent["credentialSubject"]["consentingGuardian"]["id"] = family.stranger.controller
    signed = issue(forged_consent, key=family.stranger)
    _, _, checks = _checked([family.birth, family.guardianship, signed], family.mother)
    assert checks["binding.consent[0]"] == (Outcome.FAILED, "CONSENT_NOT_AUTHORISED")


def test_credentials_about_another_child_are_not_bound(family: Family) -> None:
    """A guardianship credential linking another birth credential fails binding.child."""
    other: Any = copy.deepcopy(family.guardianship)
    del other["proof"]
    other["relatedResource"][0]["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    signed = issue(other, key=family.registrar)
    _, _, checks = _checked([family.birth, signed], family.mother)
    assert checks["binding.child"] == (Outcome.FAILED, "CHILD_MISMATCH")


def test_without_a_birth_credential_nothing_binds(family: Family) -> None:
    """No birth credential (or two): binding stops with CREDENTIAL_MISSING."""
    _, _, checks = _checked([family.guardianship], family.mother)
    assert checks == {
        "binding.holder": PASSED,
        "binding.birth_credential": (Outcome.FAILED, "CREDENTIAL_MISSING"),
    }
    _, _, twice = _checked([family.birth, family.birth], family.mother)
    assert twice["binding.birth_credential"] == (Outcome.FAILED, "CREDENTIAL_MISSING")


def test_a_tampered_birth_credential_does_not_bind(family: Family) -> None:
    """A birth credential that does not verify cannot anchor the binding."""
    forged: Any = copy.deepcopy(family.birth)
    forged["credentialSubject"]["birthDate"] = "2005-01-01"
    _, _, checks = _checked([forged, family.guardianship], family.mother)
    assert checks["binding.birth_credential"] == (Outcome.FAILED, "CREDENTIAL_MISSING")


def test_a_presentation_without_holder_is_not_bound(family: Family) -> None:
    """binding.holder fails when the presentation names no holder."""
    vp = present([family.birth], key=family.mother, challenge="c", created=NOW)
    report = CredentialVerifier().verify_presentation(vp, challenge="c", now=NOW)
    stripped: Any = copy.deepcopy(vp)
    del stripped["holder"]
    unbound = VerificationReport.for_presentation(
        type(report.presentation)(  # type: ignore[misc]
            holder=None,
            verification_methods=(),
            checks=report.presentation.checks,  # type: ignore[union-attr]
        ),
        report.credentials,
    )
    checks = {c.name: c.code for c in check_binding(stripped, unbound)}
    assert checks["binding.holder"] == "HOLDER_NOT_BOUND"
    assert checks["binding.relationship"] == "HOLDER_NOT_BOUND"


def test_binding_needs_a_presentation_report(family: Family) -> None:
    """A lone credential's report is misuse."""
    report = CredentialVerifier().verify_credential(family.birth, now=NOW)
    with pytest.raises(UsageError):
        check_binding({}, report)
