"""Context injection: VC 1.1 documents get the Data Integrity context.

Decision 0013. When securing, a document whose ``@context`` includes
neither the Data Integrity v2 context nor VC 2.0 has the Data Integrity v2
context appended, for every suite; a JCS proof whose terms the contexts in
force do not define does not verify.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import vcid
from vcid import CredentialVerifier, KeyFile, Outcome, Verdict
from vcid._json import JsonObject
from vcid.did.resolver import ResolverRegistry
from vcid.errors import UsageError
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, PrivateKey
from vcid.proofs import AssertionPurpose, verify_proofs
from vcid.proofs.engine import DATA_INTEGRITY_CONTEXT, defines_proof_terms
from vcid.report import Check, fold

Sign = Callable[..., JsonObject]

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
DATA = Path(__file__).parent / "data"
SCHEMA_TERMS = {"name": "https://schema.org/name", "description": "https://schema.org/description"}
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
CREATED = datetime(2024, 5, 1, tzinfo=UTC)
SUITES = [
    ("eddsa-rdfc-2022", KeyType.ED25519),
    ("eddsa-jcs-2022", KeyType.ED25519),
    ("ecdsa-rdfc-2019", KeyType.P256),
    ("ecdsa-rdfc-2019", KeyType.P384),
    ("ecdsa-jcs-2019", KeyType.P256),
    ("ecdsa-jcs-2019", KeyType.P384),
]


def vc11_credential(issuer: str) -> JsonObject:
    """The VC 1.1 fixture (``data/vc11-credential.json``) issued by ``issuer``."""
    loaded = json.loads((DATA / "vc11-credential.json").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    loaded["issuer"] = issuer
    return loaded


def _proof(document: JsonObject) -> JsonObject:
    proof = document["proof"]
    assert isinstance(proof, dict)
    return proof


def _checks(
    document: JsonObject, resolver: ResolverRegistry, jsonld: JsonLdProcessor
) -> dict[str, Check]:
    checks = verify_proofs(
        document, resolver=resolver, jsonld=jsonld, purpose=AssertionPurpose(), now=NOW
    )
    return {c.name: c for c in checks}


@pytest.mark.parametrize(("suite", "key_type"), SUITES, ids=[f"{s}/{k.value}" for s, k in SUITES])
def test_vc11_credential_signs_and_verifies_with_every_suite(suite: str, key_type: KeyType) -> None:
    """A VC 1.1 credential is issued with the DI context appended and verifies."""
    key = KeyFile.generate(key_type)
    unsigned = vc11_credential(key.controller)
    before = copy.deepcopy(unsigned)
    signed = vcid.issue(unsigned, key=key, cryptosuite=suite, created=CREATED)
    assert unsigned == before, "the caller's document must not change"
    assert signed["@context"] == [*before["@context"], DATA_INTEGRITY_CONTEXT]  # type: ignore[misc]
    proof = _proof(signed)
    if "jcs" in suite:
        assert proof["@context"] == signed["@context"]
    else:
        assert "@context" not in proof
    for report in (
        vcid.verify(signed, now=NOW),
        CredentialVerifier().verify_credential(signed, now=NOW),
    ):
        assert report.verdict is Verdict.VALID, report.to_text()


@pytest.mark.parametrize(
    "context",
    [
        [VC2],
        VC2,
        [VC1, SCHEMA_TERMS, DATA_INTEGRITY_CONTEXT],
        [VC1, DATA_INTEGRITY_CONTEXT, SCHEMA_TERMS],
    ],
    ids=["vc2-list", "vc2-string", "vc11-di-last", "vc11-di-middle"],
)
@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_document_with_proof_terms_keeps_its_context(
    context: Any,
    suite: str,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """Nothing is injected when VC 2.0 or the DI context is already there."""
    key = keys[KeyType.ED25519]
    if VC2 in context:
        document = helpers.credential(helpers.did_of(key))
    else:
        document = vc11_credential(helpers.did_of(key))
    document["@context"] = copy.deepcopy(context)
    signed = sign(document, key, suite)
    assert signed["@context"] == context
    assert fold(_checks(signed, resolver, plain_jsonld).values()) is Verdict.VALID


def test_defines_proof_terms_looks_for_the_two_context_urls() -> None:
    """Only the DI v2 and VC 2.0 URLs count; an inline term map does not."""
    assert not defines_proof_terms(VC1)
    assert not defines_proof_terms(None)
    assert not defines_proof_terms([{"DataIntegrityProof": "https://w3id.org/security#x"}])
    assert defines_proof_terms(DATA_INTEGRITY_CONTEXT)


def test_document_without_context_gets_the_di_context(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """Plain JSON signed with JCS gets ``@context`` set to the DI context."""
    key = keys[KeyType.ED25519]
    signed = sign({"name": "x"}, key, "eddsa-jcs-2022")
    assert signed["@context"] == DATA_INTEGRITY_CONTEXT
    assert _proof(signed)["@context"] == DATA_INTEGRITY_CONTEXT


def test_secured_document_lacking_the_context_is_refused(
    keys: dict[KeyType, PrivateKey], helpers: Any, sign: Sign
) -> None:
    """Adding a proof to a secured VC 1.1 document without the DI context would break its proofs."""
    key = keys[KeyType.ED25519]
    document = vc11_credential(helpers.did_of(key))
    document["proof"] = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"}
    with pytest.raises(UsageError, match="Data Integrity context"):
        sign(document, key, "eddsa-jcs-2022")


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "ecdsa-jcs-2019"])
def test_jcs_proof_with_undefined_terms_does_not_verify(
    suite: str,
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    resign: Callable[[JsonObject, PrivateKey], JsonObject],
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """The eddsa-jcs-2022 hole: a correctly signed JCS proof whose terms are undefined fails.

    The document is the VC 1.1 credential without the DI context, signed the
    way vcid did before injection (the proof carries only the VC 1.1
    context).
    """
    key = keys[KeyType.ED25519 if suite.startswith("eddsa") else KeyType.P256]
    signed = sign(vc11_credential(helpers.did_of(key)), key, suite)
    context = signed["@context"]
    assert isinstance(context, list)
    assert context[-1] == DATA_INTEGRITY_CONTEXT
    signed["@context"] = context[:-1]
    _proof(signed)["@context"] = context[:-1]
    signed = resign(signed, key)
    checks = _checks(signed, resolver, plain_jsonld)
    signature = checks["proof[0].signature"]
    assert signature.outcome is Outcome.FAILED
    assert signature.code == "UNDEFINED_TERM"
    assert "Data Integrity context" in (signature.detail or "")
    assert fold(checks.values()) is Verdict.INVALID
    report = CredentialVerifier().verify_credential(signed, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert {c.name for c in report.checks if c.outcome is Outcome.FAILED} >= {
        "proof[0].signature",
        "context",
    }


def test_jcs_proof_with_an_extra_undefined_term_does_not_verify(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    resign: Callable[[JsonObject, PrivateKey], JsonObject],
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A signed JCS proof property that no context defines fails, as with RDFC."""
    key = keys[KeyType.ED25519]
    signed = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-jcs-2022")
    _proof(signed)["undefinedProofTerm"] = "x"
    signed = resign(signed, key)
    checks = _checks(signed, resolver, plain_jsonld)
    assert checks["proof[0].signature"].code == "UNDEFINED_TERM"
    assert "undefinedProofTerm" in (checks["proof[0].signature"].detail or "")
    assert "context is missing" not in (checks["proof[0].signature"].detail or "")


def test_jcs_proof_terms_defined_by_document_context_verify(
    keys: dict[KeyType, PrivateKey],
    helpers: Any,
    resign: Callable[[JsonObject, PrivateKey], JsonObject],
    sign: Sign,
    resolver: ResolverRegistry,
    plain_jsonld: JsonLdProcessor,
) -> None:
    """A JCS proof without its own @context uses the document's to define its terms."""
    key = keys[KeyType.ED25519]
    signed = sign(helpers.credential(helpers.did_of(key)), key, "eddsa-jcs-2022")
    del _proof(signed)["@context"]
    signed = resign(signed, key)
    checks = _checks(signed, resolver, plain_jsonld)
    assert fold(checks.values()) is Verdict.VALID, checks


# --- interoperation with the JavaScript stack -----------------------------------


def test_js_signed_vc11_credential_verifies() -> None:
    """A VC 1.1 credential issued by @digitalbazaar/vc verifies; its tampered twin does not."""
    signed = json.loads((DATA / "js-vc11-eddsa-rdfc-2022.json").read_text(encoding="utf-8"))
    assert vcid.verify(signed, now=NOW).verdict is Verdict.VALID
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"] = "Someone Else"
    report = CredentialVerifier().verify_credential(tampered, now=NOW)
    assert {c.name: c.code for c in report.checks if c.outcome is Outcome.FAILED} == {
        "proof[0].signature": "INVALID_SIGNATURE"
    }


def test_vcid_signs_vc11_credential_as_the_js_stack_does() -> None:
    """With the JS-exported key (64-byte secret), vcid issues the very same document."""
    js_signed = json.loads((DATA / "js-vc11-eddsa-rdfc-2022.json").read_text(encoding="utf-8"))
    key = KeyFile.from_json(
        json.loads((DATA / "js-ed25519-multikey.json").read_text(encoding="utf-8"))
    )
    assert key.controller == js_signed["issuer"]
    ours = vcid.issue(
        vc11_credential(key.controller), key=key, cryptosuite="eddsa-rdfc-2022", created=CREATED
    )
    assert ours == js_signed
