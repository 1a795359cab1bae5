"""add_proof and verify_proofs: round trips, and one failing test per check."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vcid._json import JsonObject
from vcid.did.resolver import ResolverRegistry
from vcid.errors import InvalidProof, UndefinedTermError, UnsupportedError, UsageError
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, PrivateKey
from vcid.proofs import (
    AssertionPurpose,
    AuthenticationPurpose,
    ProofOptions,
    ProofPurpose,
    add_proof,
    verify_proofs,
)
from vcid.report import Check, Outcome, Verdict, fold

SUITE_KEYS = [
    ("eddsa-rdfc-2022", KeyType.ED25519),
    ("eddsa-jcs-2022", KeyType.ED25519),
    ("ecdsa-rdfc-2019", KeyType.P256),
    ("ecdsa-rdfc-2019", KeyType.P384),
    ("ecdsa-jcs-2019", KeyType.P256),
    ("ecdsa-jcs-2019", KeyType.P384),
]
SUITES = sorted({suite for suite, _ in SUITE_KEYS})

Sign = Callable[..., JsonObject]


def _run(
    document: Any,
    resolver: Any,
    jsonld: JsonLdProcessor,
    purpose: ProofPurpose | None = None,
    *,
    now: datetime = datetime(2025, 6, 1, tzinfo=UTC),
    **kwargs: Any,
) -> dict[str, Check]:
    checks = verify_proofs(
        document,
        resolver=resolver,
        jsonld=jsonld,
        purpose=purpose or AssertionPurpose(),
        now=now,
        **kwargs,
    )
    names = [check.name for check in checks]
    assert len(names) == len(set(names)), "check names must be unique"
    return {check.name: check for check in checks}


def _proof_of(document: JsonObject) -> dict[str, Any]:
    proof = document["proof"]
    assert isinstance(proof, dict)
    return proof


def _failed(checks: dict[str, Check]) -> dict[str, str]:
    return {
        name: check.code
        for name, check in checks.items()
        if check.outcome in (Outcome.FAILED, Outcome.INDETERMINATE)
    }


# --- round trips --------------------------------------------------------------


@pytest.mark.parametrize(("suite", "key_type"), SUITE_KEYS)
def test_round_trip(
    suite: str,
    key_type: KeyType,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """add_proof then verify_proofs passes; neither changes its input."""
    key = keys[key_type]
    issuer = helpers.did_of(key)
    document = helpers.credential(issuer)
    original = copy.deepcopy(document)
    signed = sign(document, key, suite)
    assert document == original
    assert "proof" not in document
    signed_copy = copy.deepcopy(signed)
    checks = _run(signed, resolver, plain_jsonld, AssertionPurpose(issuer))
    assert signed == signed_copy
    assert fold(checks.values()) is Verdict.VALID, checks
    for step in ("structure", "suite", "verification_method", "signature", "purpose"):
        assert checks[f"proof[0].{step}"].outcome is Outcome.PASSED, step
    assert checks["proof[0].controller"].outcome is Outcome.PASSED
    assert checks["proof.issuer"].outcome is Outcome.PASSED
    proof = signed["proof"]
    assert isinstance(proof, dict)
    assert proof["cryptosuite"] == suite
    assert proof["created"] == "2024-05-01T00:00:00Z"
    assert str(proof["proofValue"]).startswith("z")
    assert ("@context" in proof) is suite.endswith(("jcs-2022", "jcs-2019"))


@pytest.mark.parametrize(("suite", "key_type"), SUITE_KEYS)
def test_authentication_round_trip(
    suite: str,
    key_type: KeyType,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A presentation-style proof with challenge and domain verifies."""
    key = keys[key_type]
    holder = helpers.did_of(key)
    document = helpers.credential(holder)
    signed = sign(
        document,
        key,
        suite,
        proof_purpose="authentication",
        challenge="c-123",
        domain=("example.org", "verifier.example"),
        nonce="n-1",
        expires=datetime(2026, 1, 1, tzinfo=UTC),
    )
    purpose = AuthenticationPurpose("c-123", domain="verifier.example", expected_controller=holder)
    checks = _run(signed, resolver, plain_jsonld, purpose)
    assert fold(checks.values()) is Verdict.VALID, checks
    for step in ("challenge", "domain", "expires", "controller"):
        assert checks[f"proof[0].{step}"].outcome is Outcome.PASSED, step
    assert checks["proof.holder"].outcome is Outcome.PASSED


def test_created_defaults_to_now(
    keys: dict[KeyType, PrivateKey], helpers: Any, plain_jsonld: JsonLdProcessor
) -> None:
    """Without created, the proof is stamped with the current UTC second."""
    key = keys[KeyType.ED25519]
    before = datetime.now(UTC).replace(microsecond=0)
    signed = add_proof(
        helpers.credential(helpers.did_of(key)),
        signer=key,
        suite="eddsa-jcs-2022",
        options=ProofOptions(helpers.vm_of(key)),
        jsonld=plain_jsonld,
    )
    proof = signed["proof"]
    assert isinstance(proof, dict)
    created = datetime.strptime(str(proof["created"]), "%Y-%m-%dT%H:%M:%SZ")
    assert before <= created.replace(tzinfo=UTC) <= datetime.now(UTC)


def test_second_proof_joins_a_set(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """Signing a signed document makes a proof set; both proofs verify."""
    first = sign(
        helpers.credential("https://issuer.example"),
        keys[KeyType.ED25519],
        "eddsa-rdfc-2022",
    )
    both = sign(first, keys[KeyType.P256], "ecdsa-rdfc-2019")
    assert isinstance(both["proof"], list)
    assert both["proof"][0] == first["proof"]
    checks = _run(both, resolver, plain_jsonld)
    assert fold(checks.values()) is Verdict.VALID, checks
    assert checks["proof"].detail == "2 proofs"


def test_document_is_canonicalized_once_per_set(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
) -> None:
    """Proofs of a set share one canonicalization of the document."""

    class Counting(JsonLdProcessor):
        calls = 0

        def canonical_nquads(self, document: Any, *, hash_algorithm: Any = "sha256") -> str:
            Counting.calls += 1
            return super().canonical_nquads(document, hash_algorithm=hash_algorithm)

    first = sign(
        helpers.credential("https://issuer.example"),
        keys[KeyType.P256],
        "ecdsa-rdfc-2019",
    )
    second = sign(first, keys[KeyType.P384], "ecdsa-rdfc-2019")
    third = sign(second, keys[KeyType.ED25519], "eddsa-rdfc-2022")
    processor = Counting()
    checks = _run(third, resolver, processor)
    assert fold(checks.values()) is Verdict.VALID, checks
    # one document conversion + one proof configuration template per shape
    # (the two ecdsa-rdfc-2019 proofs share one)
    assert Counting.calls == 1 + 2
    checks = _run(third, resolver, processor)
    assert fold(checks.values()) is Verdict.VALID, checks
    # the templates are reused: only the document is converted again
    assert Counting.calls == 1 + 2 + 1


# --- add_proof misuse -----------------------------------------------------------


def test_wrong_key_type_for_suite_is_a_usage_error(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """A P-256 key cannot sign with an EdDSA suite (checked before signing)."""
    with pytest.raises(UsageError):
        sign(
            helpers.credential("https://issuer.example"),
            keys[KeyType.P256],
            "eddsa-rdfc-2022",
        )
    with pytest.raises(UsageError):
        sign(
            helpers.credential("https://issuer.example"),
            keys[KeyType.ED25519],
            "ecdsa-jcs-2019",
        )


def test_unknown_suite_is_unsupported(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """add_proof refuses a cryptosuite vcid does not implement."""
    with pytest.raises(UnsupportedError):
        sign(
            helpers.credential("https://issuer.example"),
            keys[KeyType.ED25519],
            "bbs-2023",
        )


def test_malformed_existing_proof_is_refused(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """A document whose proof is not an object cannot get another proof."""
    document = helpers.credential("https://issuer.example")
    document["proof"] = "not a proof"
    with pytest.raises(InvalidProof):
        sign(document, keys[KeyType.ED25519], "eddsa-jcs-2022")


def test_undefined_term_is_not_signed(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """RDFC signing refuses a document with a term its contexts do not define."""
    document = helpers.credential("https://issuer.example")
    document["undefinedTerm"] = "x"
    with pytest.raises(UndefinedTermError):
        sign(document, keys[KeyType.ED25519], "eddsa-rdfc-2022")


# --- one failing test per check -------------------------------------------------


@pytest.fixture
def signed(keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign) -> JsonObject:
    """A credential signed with eddsa-rdfc-2022 by its issuer's did:key."""
    key = keys[KeyType.ED25519]
    return sign(helpers.credential(helpers.did_of(key)), key, "eddsa-rdfc-2022")


def test_no_proof_fails(
    helpers: Any, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    """A document without a proof gets one failed 'proof' check."""
    proof: Any
    for proof in (None, [], "text"):
        document = helpers.credential("https://issuer.example")
        if proof is not None:
            document["proof"] = proof
        checks = verify_proofs(
            document,
            resolver=resolver,
            jsonld=plain_jsonld,
            purpose=AssertionPurpose(),
            now=helpers.now,
        )
        assert len(checks) == 1
        assert checks[0].name == "proof"
        assert checks[0].outcome is Outcome.FAILED
        assert checks[0].code == "INVALID_PROOF"


def test_tampered_subject_fails_signature(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    subject = signed["credentialSubject"]
    assert isinstance(subject, dict)
    subject["name"] = "Other"
    assert _failed(_run(signed, resolver, plain_jsonld)) == {
        "proof[0].signature": "INVALID_SIGNATURE"
    }


def test_tampered_proof_value_fails_signature(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    proof = signed["proof"]
    assert isinstance(proof, dict)
    value = str(proof["proofValue"])
    proof["proofValue"] = value[:10] + ("2" if value[10] != "2" else "3") + value[11:]
    assert _failed(_run(signed, resolver, plain_jsonld)) == {
        "proof[0].signature": "INVALID_SIGNATURE"
    }


@pytest.mark.parametrize("value", ["z0OIl", "uAAAA", "z", "", 42, None, "z" + "2" * 600])
def test_malformed_proof_value_fails_structure(
    value: Any,
    signed: JsonObject,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A proofValue that is not multibase base58btc fails proof[0].structure."""
    proof = signed["proof"]
    assert isinstance(proof, dict)
    proof["proofValue"] = value
    checks = _run(signed, resolver, plain_jsonld)
    assert checks["proof[0].structure"].outcome is Outcome.FAILED
    assert checks["proof[0].structure"].code in {"INVALID_PROOF", "INVALID_ENCODING"}
    assert checks["proof[0].signature"].outcome is Outcome.SKIPPED
    assert fold(checks.values()) is Verdict.INVALID


@pytest.mark.parametrize(
    "field", ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"]
)
def test_missing_field_fails_structure(
    field: str,
    signed: JsonObject,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    proof = signed["proof"]
    assert isinstance(proof, dict)
    del proof[field]
    checks = _run(signed, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].structure": "INVALID_PROOF"}
    assert all(
        c.outcome is Outcome.SKIPPED
        for n, c in checks.items()
        if n.startswith("proof[0].") and n != "proof[0].structure"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "Ed25519Signature2020"),
        ("created", "2024-13-01T00:00:00Z"),
        ("created", "yesterday"),
        ("expires", "2024-05-01T25:00:00Z"),
        ("created", 20240501),
        ("domain", []),
        ("domain", ["ok", 3]),
        ("challenge", 7),
        ("previousProof", {"id": "x"}),
    ],
)
def test_ill_typed_field_fails_structure(
    field: str,
    value: Any,
    signed: JsonObject,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    proof = signed["proof"]
    assert isinstance(proof, dict)
    proof[field] = value
    checks = _run(signed, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].structure": "INVALID_PROOF"}


def test_proof_that_is_not_an_object_fails_structure(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    signed["proof"] = [signed["proof"], "junk"]
    checks = _run(signed, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[1].structure": "INVALID_PROOF"}
    assert checks["proof[0].signature"].outcome is Outcome.PASSED


def test_created_without_offset_is_accepted(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resign: Callable[..., JsonObject],
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """created/expires without a UTC offset are read as UTC (W3C suites)."""
    key = keys[KeyType.ED25519]
    document = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-rdfc-2022")
    _proof_of(document)["created"] = "2024-05-01T00:00:00"
    _proof_of(document)["expires"] = "2025-06-01T00:00:00.5"
    document = resign(document, key)
    checks = _run(document, resolver, plain_jsonld, now=datetime(2025, 6, 1, 0, 4, tzinfo=UTC))
    assert fold(checks.values()) is Verdict.VALID, checks
    later = _run(document, resolver, plain_jsonld, now=datetime(2025, 6, 1, 0, 6, tzinfo=UTC))
    assert _failed(later) == {"proof[0].expires": "EXPIRED"}


def test_key_of_another_did_fails_controller(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A proof only by a did:key other than the issuer fails proof.issuer.

    The proof itself is valid (its controller is named); the document lacks
    the issuer's proof.
    """
    issuer = helpers.did_of(keys[KeyType.P256])
    other = keys[KeyType.ED25519]
    document = sign(helpers.credential(issuer), other, "eddsa-rdfc-2022")
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose(issuer))
    assert _failed(checks) == {"proof.issuer": "CONTROLLER_MISMATCH"}
    assert checks["proof[0].signature"].outcome is Outcome.PASSED
    assert checks["proof[0].controller"].detail == f"controlled by {helpers.did_of(other)}"


def test_wrong_proof_purpose_fails_purpose(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """An authentication proof presented as an assertion fails proof[0].purpose."""
    key = keys[KeyType.ED25519]
    document = sign(
        helpers.credential(helpers.did_of(key)),
        key,
        "eddsa-jcs-2022",
        proof_purpose="authentication",
    )
    checks = _run(document, resolver, plain_jsonld, AssertionPurpose())
    assert _failed(checks) == {"proof[0].purpose": "PURPOSE_MISMATCH"}


def test_method_not_under_relationship_fails_purpose(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    static_resolver: Callable[..., ResolverRegistry],
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A key listed only for authentication cannot make an assertion proof."""
    key = keys[KeyType.ED25519]
    did = "did:example:registrar"
    registry = static_resolver(
        {did: helpers.multikey_document(did, key, authentication=[f"{did}#key-1"])}
    )
    document = sign(
        helpers.credential(did),
        key,
        "eddsa-rdfc-2022",
        verification_method=f"{did}#key-1",
    )
    checks = _run(document, registry, plain_jsonld, AssertionPurpose(did))
    assert _failed(checks) == {"proof[0].purpose": "PURPOSE_MISMATCH"}
    assert checks["proof[0].verification_method"].outcome is Outcome.SKIPPED
    # The same key, listed under assertionMethod, verifies.
    registry = static_resolver(
        {did: helpers.multikey_document(did, key, assertionMethod=[f"{did}#key-1"])}
    )
    checks = _run(document, registry, plain_jsonld, AssertionPurpose(did))
    assert fold(checks.values()) is Verdict.VALID, checks


def test_unresolvable_method_is_indeterminate(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    static_resolver: Callable[..., ResolverRegistry],
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A DID that cannot be resolved gives an indeterminate check, not a crash."""
    key = keys[KeyType.ED25519]
    document = sign(
        helpers.credential("https://issuer.example"),
        key,
        "eddsa-rdfc-2022",
        verification_method="did:example:nobody#key-1",
    )
    checks = _run(document, static_resolver({}), plain_jsonld)
    vm = checks["proof[0].verification_method"]
    assert vm.outcome is Outcome.INDETERMINATE
    assert vm.code == "DID_RESOLUTION_ERROR"
    assert fold(checks.values()) is Verdict.INDETERMINATE


@pytest.mark.parametrize(
    ("proof_challenge", "expected"),
    [("other", "CHALLENGE_MISMATCH"), (None, "CHALLENGE_MISMATCH")],
)
def test_wrong_or_missing_challenge_fails(
    proof_challenge: str | None,
    expected: str,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    key = keys[KeyType.ED25519]
    options: dict[str, Any] = {"proof_purpose": "authentication"}
    if proof_challenge is not None:
        options["challenge"] = proof_challenge
    document = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-rdfc-2022", **options)
    checks = _run(document, resolver, plain_jsonld, AuthenticationPurpose("expected"))
    assert _failed(checks) == {"proof[0].challenge": expected}


@pytest.mark.parametrize("proof_domain", ["other.example", ("a.example", "b.example"), None])
def test_wrong_or_missing_domain_fails(
    proof_domain: Any,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    key = keys[KeyType.ED25519]
    options: dict[str, Any] = {"proof_purpose": "authentication"}
    if proof_domain is not None:
        options["domain"] = proof_domain
    document = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-jcs-2022", **options)
    purpose = AuthenticationPurpose(domain="verifier.example")
    checks = _run(document, resolver, plain_jsonld, purpose)
    assert _failed(checks) == {"proof[0].domain": "DOMAIN_MISMATCH"}
    assert "proof[0].challenge" not in checks


def test_expired_proof_fails(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A proof past its expires (beyond the clock skew) fails proof[0].expires."""
    key = keys[KeyType.ED25519]
    expires = datetime(2025, 1, 1, tzinfo=UTC)
    document = sign(
        helpers.credential(helpers.did_of(key)), key, "eddsa-rdfc-2022", expires=expires
    )
    within = _run(document, resolver, plain_jsonld, now=expires + timedelta(minutes=4))
    assert within["proof[0].expires"].outcome is Outcome.PASSED
    after = _run(document, resolver, plain_jsonld, now=expires + timedelta(minutes=6))
    assert _failed(after) == {"proof[0].expires": "EXPIRED"}
    strict = _run(
        document,
        resolver,
        plain_jsonld,
        now=expires + timedelta(seconds=1),
        max_clock_skew=timedelta(0),
    )
    assert _failed(strict) == {"proof[0].expires": "EXPIRED"}


def test_unsupported_cryptosuite_fails_suite(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    proof = signed["proof"]
    assert isinstance(proof, dict)
    proof["cryptosuite"] = "bbs-2023"
    checks = _run(signed, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].suite": "UNSUPPORTED"}
    assert checks["proof[0].signature"].outcome is Outcome.SKIPPED


def test_suite_outside_allowed_suites_fails(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    checks = _run(signed, resolver, plain_jsonld, allowed_suites={"ecdsa-rdfc-2019"})
    assert _failed(checks) == {"proof[0].suite": "INVALID_PROOF"}
    allowed = _run(signed, resolver, plain_jsonld, allowed_suites=["eddsa-rdfc-2022"])
    assert fold(allowed.values()) is Verdict.VALID


def test_p256_key_with_eddsa_suite_fails(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resign: Callable[..., JsonObject],
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A proof claiming eddsa-rdfc-2022 over a P-256 verification method fails."""
    key = keys[KeyType.P256]
    document = sign(helpers.credential(helpers.did_of(key)), key, "ecdsa-rdfc-2019")
    _proof_of(document)["cryptosuite"] = "eddsa-rdfc-2022"
    checks = _run(document, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].verification_method": "INVALID_PROOF"}
    assert checks["proof[0].signature"].outcome is Outcome.SKIPPED


def test_jcs_proof_context_must_prefix_document_context(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A JCS proof whose @context is not a prefix of the document's fails."""
    key = keys[KeyType.ED25519]
    document = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-jcs-2022")
    document["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    checks = _run(document, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].signature": "INVALID_PROOF"}


def test_jcs_proof_context_is_signed(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A JCS proof's own @context is covered by its signature."""
    key = keys[KeyType.P256]
    document = sign(helpers.credential(helpers.did_of(key)), key, "ecdsa-jcs-2019")
    document["@context"] = [
        *document["@context"],
        "https://w3id.org/security/data-integrity/v2",
    ]  # type: ignore[misc]
    _proof_of(document)["@context"] = document["@context"]
    checks = _run(document, resolver, plain_jsonld)
    assert _failed(checks) == {"proof[0].signature": "INVALID_SIGNATURE"}


def test_jcs_contexts_after_the_proofs_are_not_signed(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """vc-di-ecdsa §3.3.2 step 4: the proof's @context stands for the document's.

    Contexts appended after the proof's are outside the signed data, so the
    proof still verifies (the verified document is the one with the proof's
    @context).
    """
    key = keys[KeyType.P256]
    document = sign(helpers.credential(helpers.did_of(key)), key, "ecdsa-jcs-2019")
    document["@context"] = [
        *document["@context"],
        "https://w3id.org/security/data-integrity/v2",
    ]  # type: ignore[misc]
    checks = _run(document, resolver, plain_jsonld)
    assert fold(checks.values()) is Verdict.VALID, checks


# --- misuse raises, bad documents never do ------------------------------------


def test_naive_now_is_a_usage_error(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    with pytest.raises(UsageError):
        verify_proofs(
            signed,
            resolver=resolver,
            jsonld=plain_jsonld,
            purpose=AssertionPurpose(),
            now=datetime(2025, 1, 1),
        )
    with pytest.raises(UsageError):
        verify_proofs(
            signed,
            resolver=resolver,
            jsonld=plain_jsonld,
            purpose=AssertionPurpose(),
            now=datetime(2025, 1, 1, tzinfo=UTC),
            max_clock_skew=timedelta(seconds=-1),
        )


@pytest.mark.parametrize(
    "document",
    [
        {"proof": {}},
        {"proof": [{}, {}]},
        {"@context": 5, "proof": {"type": "DataIntegrityProof"}},
        {"proof": [None] * 40},
    ],
)
def test_junk_documents_never_raise(
    document: Any, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    checks = _run(document, resolver, plain_jsonld)
    assert fold(checks.values()) is Verdict.INVALID


def test_bad_jsonld_document_fails_signature_without_raising(
    signed: JsonObject, resolver: ResolverRegistry, plain_jsonld: JsonLdProcessor
) -> None:
    """A context the loader cannot serve is indeterminate; nothing raises."""
    signed["@context"] = [
        "https://www.w3.org/ns/credentials/v2",
        "https://unknown.example/ctx",
    ]
    checks = _run(signed, resolver, plain_jsonld)
    assert checks["proof[0].signature"].outcome is Outcome.INDETERMINATE
    assert checks["proof[0].signature"].code == "DOCUMENT_LOAD_ERROR"


def test_duplicate_proof_id_is_refused(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """A new proof may not reuse the id of a proof already in the document."""
    first = sign(
        helpers.credential("https://issuer.example"),
        keys[KeyType.ED25519],
        "eddsa-rdfc-2022",
        id="urn:uuid:1",
    )
    with pytest.raises(UsageError):
        sign(first, keys[KeyType.P256], "ecdsa-rdfc-2019", id="urn:uuid:1")
    chained = sign(
        first,
        keys[KeyType.P256],
        "ecdsa-rdfc-2019",
        id="urn:uuid:2",
        previous_proof="urn:uuid:1",
    )
    assert isinstance(chained["proof"], list)
    assert chained["proof"][1]["previousProof"] == "urn:uuid:1"  # type: ignore[call-overload,index]
