"""Trust lists end to end: a chain from the anchor to a registrar, and each refusal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from vcid._json import JsonObject
from vcid.accreditation import TrustQuery, TrustReason
from vcid.environment import VerificationEnvironment
from vcid.errors import TrustListError, UsageError
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.model import validate_credential
from vcid.report import Check, Outcome, Verdict
from vcid.status import (
    BitstringStatusChecker,
    StatusBitstring,
    sign_status_list,
    status_entry,
    status_list_credential,
)
from vcid.trust import TrustListRegistry, load_trust_list
from vcid.verifier import CredentialVerifier

from .conftest import ISSUED, JSONLD, NOW, YEAR, Chain, birth_credential, signed_list


def _environment(
    chain: Chain, *lists: JsonObject, status: BitstringStatusChecker | None = None
) -> VerificationEnvironment:
    registry = TrustListRegistry(
        lists or (chain.root_list(), chain.national_list()),
        anchors=[chain.root.controller],
        status_checker=status,
    )
    return VerificationEnvironment(trust=registry)


def _trust(environment: VerificationEnvironment, credential: JsonObject) -> Check:
    report = CredentialVerifier(environment=environment).verify_credential(credential, now=NOW)
    (check,) = [c for c in report.checks if c.name == "trust"]
    return check


def test_a_registrar_accredited_through_a_national_authority_is_trusted(chain: Chain) -> None:
    """Root -> national -> registrar verifies; the check names the chain."""
    environment = _environment(chain)
    report = CredentialVerifier(environment=environment).verify_credential(
        birth_credential(chain.registrar), now=NOW
    )
    assert report.verdict is Verdict.VALID
    (check,) = [c for c in report.checks if c.name == "trust"]
    assert check.outcome is Outcome.PASSED
    expected = f"{chain.root.controller} -> {chain.national.controller} -> "
    assert expected + chain.registrar.controller in check.detail
    names = [c.name for c in report.checks]
    assert names.index("trust") == names.index("context") + 1


def test_the_answer_carries_the_chain_root_first(chain: Chain) -> None:
    environment = _environment(chain)
    assert environment.trust is not None
    answer = environment.trust.query(
        TrustQuery(
            entity=chain.registrar.controller,
            credential_type="BirthCredential",
            jurisdiction="ZA",
            time=ISSUED,
        ),
        now=NOW,
        environment=environment,
    )
    assert answer.authorised
    assert answer.reason is TrustReason.AUTHORISED
    assert [link.entity for link in answer.chain] == [
        chain.national.controller,
        chain.registrar.controller,
    ]
    assert answer.chain[0].authority == chain.root.controller
    assert answer.error() is None


def test_without_a_registry_the_check_is_skipped(chain: Chain) -> None:
    check = _trust(VerificationEnvironment(), birth_credential(chain.registrar))
    assert (check.outcome, check.code) == (Outcome.SKIPPED, "SKIPPED")


def test_an_unlisted_issuer_is_untrusted(chain: Chain) -> None:
    """A key made a minute ago signs a birth credential: valid signature, untrusted issuer."""
    stranger = KeyFile.generate(KeyType.ED25519)
    report = CredentialVerifier(environment=_environment(chain)).verify_credential(
        birth_credential(stranger), now=NOW
    )
    assert report.verdict is Verdict.INVALID
    codes = {c.name: c.code for c in report.checks}
    assert codes["trust"] == "UNTRUSTED_ISSUER"
    assert codes["proof[0].signature"] == "OK"


def test_an_expired_accreditation_fails(chain: Chain) -> None:
    expired = chain.registrar_accreditation(valid_from=NOW - 2 * YEAR, valid_until=ISSUED - YEAR)
    environment = _environment(chain, chain.root_list(), chain.national_list(expired))
    check = _trust(environment, birth_credential(chain.registrar))
    assert (check.outcome, check.code) == (Outcome.FAILED, "ACCREDITATION_EXPIRED")


def test_an_accreditation_that_starts_after_issuance_fails(chain: Chain) -> None:
    later = chain.registrar_accreditation(valid_from=ISSUED + timedelta(days=10))
    environment = _environment(chain, chain.root_list(), chain.national_list(later))
    check = _trust(environment, birth_credential(chain.registrar))
    assert check.code == "ACCREDITATION_NOT_YET_VALID"


def test_a_credential_issued_before_expiry_still_verifies_after_it(chain: Chain) -> None:
    """t is the credential's validFrom, not the verification time."""
    ended = chain.registrar_accreditation(valid_until=ISSUED + timedelta(days=1))
    environment = _environment(chain, chain.root_list(), chain.national_list(ended))
    assert _trust(environment, birth_credential(chain.registrar)).outcome is Outcome.PASSED


def test_a_registrar_outside_its_jurisdiction_fails(chain: Chain) -> None:
    check = _trust(_environment(chain), birth_credential(chain.registrar, country="NL"))
    assert (check.outcome, check.code) == (Outcome.FAILED, "OUTSIDE_JURISDICTION")


def test_a_provincial_registrar_is_trusted_only_in_its_province(chain: Chain) -> None:
    provincial = chain.registrar_accreditation(jurisdictions={"ZA-WC"})
    environment = _environment(chain, chain.root_list(), chain.national_list(provincial))
    inside = birth_credential(chain.registrar, region="ZA-WC")
    elsewhere = birth_credential(chain.registrar, region="ZA-GP")
    assert _trust(environment, inside).outcome is Outcome.PASSED
    assert _trust(environment, elsewhere).code == "OUTSIDE_JURISDICTION"


def test_a_registrar_issuing_a_type_it_is_not_accredited_for_fails(chain: Chain) -> None:
    courts_only = chain.registrar_accreditation(credential_types={"GuardianshipCredential"})
    environment = _environment(chain, chain.root_list(), chain.national_list(courts_only))
    check = _trust(environment, birth_credential(chain.registrar))
    assert (check.outcome, check.code) == (Outcome.FAILED, "TYPE_NOT_ACCREDITED")


class _Lists:
    """Status lists held in memory, by URL (a border kit's folder)."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def fetch(self, url: str) -> bytes:
        return self.bodies[url]


def _revocation_list(authority: KeyFile, url: str, revoked: int | None) -> bytes:
    bits = StatusBitstring.zeros(131_072)
    if revoked is not None:
        bits.set(revoked, 1)
    unsigned = status_list_credential(
        list_url=url,
        issuer=authority.controller,
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=30),
    )
    signed = sign_status_list(unsigned, key=authority, jsonld=JSONLD, created=NOW)
    return json.dumps(signed).encode()


def test_a_revoked_accreditation_fails_and_an_unrevoked_one_passes(chain: Chain) -> None:
    url = "https://authority.example/status/accreditations"
    entry = status_entry(list_url=url, index=7, purpose="revocation")
    accreditation = chain.registrar_accreditation(status=entry)
    lists = _Lists()
    checker = BitstringStatusChecker(fetcher=lists)
    environment = _environment(
        chain, chain.root_list(), chain.national_list(accreditation), status=checker
    )
    credential = birth_credential(chain.registrar)
    lists.bodies[url] = _revocation_list(chain.national, url, revoked=None)
    assert _trust(environment, credential).outcome is Outcome.PASSED
    checker.clear_cache()
    lists.bodies[url] = _revocation_list(chain.national, url, revoked=7)
    check = _trust(environment, credential)
    assert (check.outcome, check.code) == (Outcome.FAILED, "ACCREDITATION_REVOKED")


def test_an_accreditation_status_without_a_checker_is_indeterminate(chain: Chain) -> None:
    entry = status_entry(list_url="https://authority.example/s", index=1, purpose="revocation")
    accreditation = chain.registrar_accreditation(status=entry)
    environment = _environment(chain, chain.root_list(), chain.national_list(accreditation))
    check = _trust(environment, birth_credential(chain.registrar))
    assert (check.outcome, check.code) == (Outcome.INDETERMINATE, "ACCREDITATION_UNCHECKED")


def test_a_tampered_list_is_rejected(chain: Chain) -> None:
    """Adding oneself to a signed list breaks its proof: the chain is broken."""
    stranger = KeyFile.generate(KeyType.ED25519)
    national = chain.national_list()
    subject = national["credentialSubject"]
    assert isinstance(subject, dict)
    assert isinstance(subject["accreditation"], list)
    forged = chain.registrar_accreditation(entity=stranger.controller).to_json()
    subject["accreditation"].append(forged)
    environment = _environment(chain, chain.root_list(), national)
    check = _trust(environment, birth_credential(stranger))
    assert (check.outcome, check.code) == (Outcome.FAILED, "TRUST_CHAIN_BROKEN")
    assert "proof" in check.detail


def test_a_list_signed_by_a_non_anchor_is_rejected(chain: Chain) -> None:
    """A list accrediting the stranger, signed by a party nobody accredited."""
    rogue = KeyFile.generate(KeyType.ED25519)
    stranger = KeyFile.generate(KeyType.ED25519)
    rogue_list = signed_list(
        rogue,
        [chain.registrar_accreditation(entity=stranger.controller)],
        list_id="urn:uuid:00000000-0000-4000-8000-0000000000ff",
    )
    environment = _environment(chain, chain.root_list(), chain.national_list(), rogue_list)
    check = _trust(environment, birth_credential(stranger))
    assert (check.outcome, check.code) == (Outcome.FAILED, "TRUST_CHAIN_BROKEN")
    assert environment.trust is not None
    assert isinstance(environment.trust, TrustListRegistry)
    problems = environment.trust.check_lists(now=NOW, environment=environment)
    assert [p.problem is None for p in problems] == [True, True, False]


def test_a_national_authority_not_accredited_to_accredit_breaks_the_chain(chain: Chain) -> None:
    no_lists = chain.national_accreditation(credential_types={"BirthCredential"})
    environment = _environment(chain, chain.root_list(national=no_lists), chain.national_list())
    check = _trust(environment, birth_credential(chain.registrar))
    assert check.code == "TRUST_CHAIN_BROKEN"


@pytest.mark.parametrize(
    "widening",
    [
        {"credential_types": {"BirthCredential", "TravelConsentCredential"}},
        {"jurisdictions": {"ZA", "NL"}},
        {"valid_until": NOW + 10 * YEAR},
        {"valid_from": None},
    ],
    ids=["types", "jurisdictions", "ends-later", "unbounded-start"],
)
def test_a_chain_whose_scope_widens_is_rejected(chain: Chain, widening: dict[str, object]) -> None:
    wider = chain.registrar_accreditation(**widening)
    environment = _environment(chain, chain.root_list(), chain.national_list(wider))
    check = _trust(environment, birth_credential(chain.registrar))
    assert (check.outcome, check.code) == (Outcome.FAILED, "TRUST_CHAIN_BROKEN")
    assert "widens" in check.detail


def test_an_expired_trust_list_is_not_used(chain: Chain) -> None:
    stale = signed_list(
        chain.national,
        [chain.registrar_accreditation()],
        list_id="urn:uuid:00000000-0000-4000-8000-000000000003",
        valid_from=NOW - 2 * YEAR,
        valid_until=NOW - YEAR,
    )
    environment = _environment(chain, chain.root_list(), stale)
    check = _trust(environment, birth_credential(chain.registrar))
    assert check.code == "TRUST_CHAIN_BROKEN"
    assert "expired" in check.detail


def test_a_status_list_from_an_accredited_status_service_is_accepted(chain: Chain) -> None:
    """The status checker asks the registry when a list's issuer is not the credential's."""
    service = KeyFile.generate(KeyType.ED25519)
    url = "https://status.example/lists/1"
    listed = chain.national_accreditation(
        entity=service.controller,
        credential_types={"BitstringStatusListCredential"},
        valid_from=NOW - YEAR,
        valid_until=NOW + YEAR,
    )
    lists = _Lists()
    lists.bodies[url] = _revocation_list(service, url, revoked=None)
    checker = BitstringStatusChecker(fetcher=lists)
    environment = _environment(chain, chain.root_list(listed), chain.national_list())
    credential = birth_credential(chain.registrar)
    view = validate_credential(
        {
            **credential,
            "credentialStatus": status_entry(list_url=url, index=3, purpose="revocation"),
        }
    )
    (check,) = checker.check_status(view, now=NOW, environment=environment)
    assert check.outcome is Outcome.PASSED
    (check,) = checker.check_status(view, now=NOW, environment=VerificationEnvironment())
    assert check.code == "STATUS_ISSUER_MISMATCH"


def test_answers_are_cached_by_query(chain: Chain) -> None:
    environment = _environment(chain)
    registry = environment.trust
    assert isinstance(registry, TrustListRegistry)
    query = TrustQuery(
        entity=chain.registrar.controller,
        credential_type="BirthCredential",
        jurisdiction="ZA",
        time=ISSUED,
    )
    first = registry.query(query, now=NOW, environment=environment)
    assert registry.query(query, now=NOW, environment=environment) is first
    registry.clear_cache()
    assert registry.query(query, now=NOW, environment=environment) == first


def test_lists_load_from_bytes_and_malformed_ones_are_refused(chain: Chain) -> None:
    data = json.dumps(chain.root_list()).encode()
    assert load_trust_list(data).issuer == chain.root.controller
    with pytest.raises(TrustListError):
        load_trust_list(b"{not json")
    with pytest.raises(TrustListError):
        load_trust_list(
            json.dumps({**chain.root_list(), "type": ["VerifiableCredential"]}).encode()
        )


def test_misuse_is_refused(chain: Chain) -> None:
    with pytest.raises(UsageError):
        TrustListRegistry([], anchors=[])
    with pytest.raises(UsageError):
        TrustQuery(entity="did:key:z", credential_type="X", jurisdiction="South Africa", time=NOW)
    with pytest.raises(UsageError):
        VerificationEnvironment(trust=object())  # type: ignore[arg-type]
