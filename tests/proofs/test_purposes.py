"""Proof purposes: terms, relationships, controller, challenge and domain rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.errors import (
    ChallengeMismatch,
    ControllerMismatch,
    DomainMismatch,
    UsageError,
)
from vcid.proofs import AssertionPurpose, AuthenticationPurpose, ProofPurpose


def test_assertion_purpose() -> None:
    purpose = AssertionPurpose("did:example:issuer")
    assert purpose.term == "assertionMethod"
    assert purpose.relationship == "assertionMethod"
    assert purpose.challenge is None
    assert purpose.domain is None
    purpose.check_controller("did:example:issuer")
    with pytest.raises(ControllerMismatch):
        purpose.check_controller("did:example:other")
    AssertionPurpose().check_controller("did:example:anyone")


def test_authentication_purpose() -> None:
    purpose = AuthenticationPurpose(
        "c1", domain="v.example", expected_controller="did:example:holder"
    )
    assert purpose.term == "authentication"
    assert purpose.relationship == "authentication"
    purpose.check_controller("did:example:holder")
    with pytest.raises(ControllerMismatch):
        purpose.check_controller("did:example:someone")


@pytest.mark.parametrize("value", ["c2", "", "C1", "c1 ", None, 1, ["c1"]])
def test_challenge_mismatch(value: object) -> None:
    with pytest.raises(ChallengeMismatch):
        AuthenticationPurpose("c1").check_challenge(value)


@given(st.text(min_size=1))
def test_challenge_matches_itself(challenge: str) -> None:
    AuthenticationPurpose(challenge).check_challenge(challenge)


def test_no_expected_challenge_or_domain_accepts_anything() -> None:
    purpose = AuthenticationPurpose()
    purpose.check_challenge(None)
    purpose.check_domain(None)


@pytest.mark.parametrize(
    ("expected", "proof_domain", "ok"),
    [
        ("a.example", "a.example", True),
        ("a.example", ["b.example", "a.example"], True),
        ("a.example", "b.example", False),
        ("a.example", ["b.example"], False),
        ("a.example", None, False),
        ("a.example", 3, False),
        ("a.example", ["a.example", 3], False),
        (("a.example", "b.example"), ["b.example", "a.example"], True),
        (("a.example", "b.example"), "a.example", False),
    ],
)
def test_domain(expected: str | tuple[str, ...], proof_domain: object, ok: bool) -> None:
    purpose = AuthenticationPurpose(domain=expected)
    if ok:
        purpose.check_domain(proof_domain)
    else:
        with pytest.raises(DomainMismatch):
            purpose.check_domain(proof_domain)


def test_custom_purpose() -> None:
    purpose = ProofPurpose("capabilityInvocation", "capabilityInvocation")
    assert purpose.term == "capabilityInvocation"


@pytest.mark.parametrize(
    "build",
    [
        lambda: ProofPurpose("", "assertionMethod"),
        lambda: AssertionPurpose(""),
        lambda: AuthenticationPurpose(""),
        lambda: AuthenticationPurpose(domain=()),
        lambda: AuthenticationPurpose(domain=("a", "")),
        lambda: AuthenticationPurpose(domain=["a"]),  # type: ignore[arg-type]
    ],
)
def test_misuse(build: object) -> None:
    with pytest.raises(UsageError):
        build()  # type: ignore[operator]


def test_purposes_are_frozen() -> None:
    purpose = AssertionPurpose("did:example:a")
    with pytest.raises(AttributeError):
        purpose.expected_controller = "did:example:b"  # type: ignore[misc]
