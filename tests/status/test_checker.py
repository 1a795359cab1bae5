"""Status checks end to end: issue, change status, publish over HTTPS, verify."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from vcid import _json
from vcid._json import JsonObject
from vcid.errors import FetchError, InvalidError, UsageError
from vcid.issuer import issue, present
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.model import validate_credential
from vcid.report import Outcome, Verdict, VerificationReport
from vcid.status import (
    BitstringStatusChecker,
    MirrorFetcher,
    StatusBitstring,
    StatusRegistry,
    StatusStore,
    sign_status_list,
    status_entry,
    status_list_commitment,
    status_list_credential,
    status_list_fetcher,
)
from vcid.verifier import CredentialVerifier

from .conftest import NOW, Issuer, ListServer


def _verify(
    registrar: Issuer,
    credential: JsonObject,
    *,
    now: Any = NOW,
    checker: BitstringStatusChecker | None = None,
) -> VerificationReport:
    verifier = CredentialVerifier(status_checker=checker or registrar.checker())
    return verifier.verify_credential(credential, now=now)


def _status(report: VerificationReport) -> dict[str, tuple[Outcome, str]]:
    return {c.name: (c.outcome, c.code) for c in report.checks if c.name.startswith("status")}


PASSED = (Outcome.PASSED, "OK")


def test_a_good_credential_is_valid_with_one_check_per_entry(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    report = _verify(registrar, credential)
    assert report.verdict is Verdict.VALID, report.to_text()
    assert _status(report) == {
        "status[0].revocation": PASSED,
        "status[1].suspension": PASSED,
        "status[2].message": PASSED,
    }


def test_revoked_suspended_reinstated_flagged_and_cleared(registrar: Issuer) -> None:
    cid, credential = registrar.issue()
    registry = registrar.registry

    def check() -> VerificationReport:
        registrar.publish()
        return _verify(registrar, credential)

    registry.suspend(cid, now=NOW)
    report = check()
    assert report.verdict is Verdict.INVALID
    assert _status(report)["status[1].suspension"] == (Outcome.FAILED, "SUSPENDED")

    registry.reinstate(cid, now=NOW)
    assert check().verdict is Verdict.VALID

    registry.flag_missing(cid, now=NOW)
    report = check()
    assert report.verdict is Verdict.ALERT
    assert _status(report)["status[2].message"] == (Outcome.ALERT, "MISSING_CHILD_ALERT")
    alert = report.alerts()[0]
    assert alert.detail == "reported missing: refer to child-protection authorities"
    assert not report.verified

    registry.clear_flag(cid, now=NOW)
    assert check().verdict is Verdict.VALID

    registry.revoke(cid, now=NOW)
    report = check()
    assert report.verdict is Verdict.INVALID
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "REVOKED")
    assert _status(report)["status[1].suspension"] == PASSED


def test_other_credentials_on_the_same_lists_are_unaffected(registrar: Issuer) -> None:
    revoked_id, revoked = registrar.issue()
    _, other = registrar.issue()
    registrar.registry.revoke(revoked_id, now=NOW)
    registrar.registry.flag_missing(revoked_id, now=NOW)
    registrar.publish()
    checker = registrar.checker()
    assert _verify(registrar, revoked, checker=checker).verdict is Verdict.INVALID
    assert _verify(registrar, other, checker=checker).verdict is Verdict.VALID


def test_checks_in_a_presentation_are_prefixed(registrar: Issuer) -> None:
    cid, credential = registrar.issue()
    registrar.registry.flag_missing(cid, now=NOW)
    registrar.publish()
    holder = KeyFile.generate(KeyType.ED25519)
    vp = present([credential], key=holder, challenge="n-1", created=NOW)
    verifier = CredentialVerifier(status_checker=registrar.checker())
    report = verifier.verify_presentation(vp, challenge="n-1", now=NOW)
    assert report.verdict is Verdict.ALERT
    assert report.alerts()[0].name == "credential[0].status[2].message"


# --- lists that must not be trusted ---------------------------------------------------


def _served(server: ListServer, url: str) -> dict[str, Any]:
    path = url.split(str(server.port), 1)[1]
    document: dict[str, Any] = json.loads(server.routes[path])
    return document


def _revocation_url(credential: JsonObject) -> str:
    entries = credential["credentialStatus"]
    assert isinstance(entries, list)
    first = entries[0]
    assert isinstance(first, dict)
    url = first["statusListCredential"]
    assert isinstance(url, str)
    return url


def test_a_tampered_list_fails(registrar: Issuer) -> None:
    cid, credential = registrar.issue()
    registrar.registry.revoke(cid, now=NOW)
    registrar.publish()
    url = _revocation_url(credential)
    document = _served(registrar.server, url)
    # "un-revoke" by serving an all-zero list under the issuer's proof
    document["credentialSubject"]["encodedList"] = StatusBitstring.zeros(131_072).encode()
    registrar.server.serve_raw(url, json.dumps(document).encode())
    report = _verify(registrar, credential)
    assert report.verdict is Verdict.INVALID
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_UNVERIFIED")


def _signed_list(
    key: KeyFile,
    url: str,
    *,
    issuer: str | None = None,
    purpose: Any = "revocation",
    encoded: str | None = None,
    valid_from: Any = NOW,
    valid_until: Any = NOW + timedelta(days=1),
) -> JsonObject:
    unsigned = status_list_credential(
        list_url=url,
        issuer=issuer or key.controller,
        purpose=purpose,
        encoded_list=encoded or StatusBitstring.zeros(131_072).encode(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return sign_status_list(unsigned, key=key, jsonld=JsonLdProcessor(), created=NOW)


def test_a_list_signed_by_another_issuer_fails(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    url = _revocation_url(credential)
    impostor = KeyFile.generate(KeyType.ED25519)
    registrar.server.serve_raw(url, _json.dumps(_signed_list(impostor, url)).encode())
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_ISSUER_MISMATCH")


def test_a_list_claiming_the_issuer_but_signed_with_another_key_fails(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    url = _revocation_url(credential)
    impostor = KeyFile.generate(KeyType.ED25519)
    unsigned = status_list_credential(
        list_url=url,
        issuer=registrar.key.controller,
        purpose="revocation",
        encoded_list=StatusBitstring.zeros(131_072).encode(),
        valid_from=NOW,
    )
    forged = sign_status_list(
        {**unsigned, "issuer": impostor.controller},
        key=impostor,
        jsonld=JsonLdProcessor(),
        created=NOW,
    )
    forged["issuer"] = registrar.key.controller
    registrar.server.serve_raw(url, _json.dumps(forged).encode())
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_UNVERIFIED")


def test_a_list_for_another_purpose_fails(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    url = _revocation_url(credential)
    wrong = _signed_list(registrar.key, url, purpose="suspension")
    registrar.server.serve_raw(url, _json.dumps(wrong).encode())
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_PURPOSE_MISMATCH")


def test_a_list_served_at_another_lists_url_fails(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    url = _revocation_url(credential)
    other = _signed_list(registrar.key, url.replace("/revocation/", "/suspension/"))
    registrar.server.serve_raw(url, _json.dumps(other).encode())
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_INVALID")


def test_an_expired_list_fails_and_a_future_one_too(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()  # valid for two days
    report = _verify(registrar, credential, now=NOW + timedelta(days=3))
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_EXPIRED")
    report = _verify(registrar, credential, now=NOW - timedelta(days=1))
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_NOT_YET_VALID")


def test_a_short_list_and_an_index_out_of_range_fail(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    url = _revocation_url(credential)
    short = _signed_list(registrar.key, url, encoded=StatusBitstring.zeros(1024).encode())
    registrar.server.serve_raw(url, _json.dumps(short).encode())
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_LENGTH")

    registrar.publish()
    unsigned: JsonObject = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": registrar.key.controller,
        "credentialSubject": {"id": "did:example:child"},
        "credentialStatus": status_entry(list_url=url, index=131_072, purpose="revocation"),
    }
    far = issue(unsigned, key=registrar.key, created=NOW)
    report = _verify(registrar, far)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_RANGE")


def test_a_body_that_is_not_json_fails(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    registrar.server.serve_raw(_revocation_url(credential), b"<html>maintenance</html>")
    report = _verify(registrar, credential)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "STATUS_LIST_INVALID")


# --- availability, caching and staleness ------------------------------------------------


def test_an_unreachable_list_is_indeterminate_never_valid(registrar: Issuer) -> None:
    _, credential = registrar.issue()  # lists never published: the server answers 404
    report = _verify(registrar, credential)
    assert report.verdict is Verdict.INDETERMINATE
    assert set(_status(report).values()) == {(Outcome.INDETERMINATE, "STATUS_LIST_UNAVAILABLE")}


def test_the_cache_serves_repeated_checks_without_requests(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    _, second = registrar.issue()
    registrar.publish()
    checker = registrar.checker()
    for moment in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=4)):
        assert _verify(registrar, credential, now=moment, checker=checker).verified
        assert _verify(registrar, second, now=moment, checker=checker).verified
    # one request per list, for the whole list: no index ever leaves the verifier
    assert sorted(registrar.server.requests) == [
        "/status/message/1",
        "/status/revocation/1",
        "/status/suspension/1",
    ]
    # after the list's ttl (5 minutes) it is fetched again
    _verify(registrar, credential, now=NOW + timedelta(minutes=6), checker=checker)
    assert len(registrar.server.requests) == 6


def test_a_cached_list_is_used_while_the_server_is_away_until_it_is_too_old(
    registrar: Issuer,
) -> None:
    cid, credential = registrar.issue()
    registrar.registry.revoke(cid, now=NOW)
    registrar.publish()
    checker = registrar.checker(max_stale=timedelta(hours=1))
    assert _verify(registrar, credential, checker=checker).verdict is Verdict.INVALID
    registrar.server.routes.clear()  # the server goes away
    report = _verify(registrar, credential, now=NOW + timedelta(minutes=30), checker=checker)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "REVOKED")
    report = _verify(registrar, credential, now=NOW + timedelta(hours=2), checker=checker)
    assert report.verdict is Verdict.INDETERMINATE
    assert _status(report)["status[0].revocation"] == (Outcome.INDETERMINATE, "STATUS_LIST_STALE")


def test_a_list_older_than_the_accepted_age_is_stale(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    checker = registrar.checker(max_list_age=timedelta(hours=6))
    assert _verify(registrar, credential, now=NOW + timedelta(hours=1), checker=checker).verified
    report = _verify(registrar, credential, now=NOW + timedelta(hours=7), checker=checker)
    assert _status(report)["status[0].revocation"] == (Outcome.INDETERMINATE, "STATUS_LIST_STALE")


def test_a_bounded_cache_evicts_the_least_recently_used_list(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    checker = registrar.checker(cache_size=2)
    _verify(registrar, credential, checker=checker)
    _verify(registrar, credential, checker=checker)
    assert len(registrar.server.requests) == 6  # three lists do not fit in two slots


# --- options, entries and the anchor -----------------------------------------------------


def test_purposes_the_verifier_does_not_check_are_skipped(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    registrar.publish()
    report = _verify(registrar, credential, checker=registrar.checker(purposes=["revocation"]))
    status = _status(report)
    assert status["status[0].revocation"] == PASSED
    assert status["status[1].suspension"] == (Outcome.SKIPPED, "SKIPPED")
    assert registrar.server.requests == ["/status/revocation/1"]


def test_unsupported_and_malformed_entries_are_not_valid(registrar: Issuer) -> None:
    checker = registrar.checker()
    view = validate_credential(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": registrar.key.controller,
            "credentialSubject": {"id": "did:example:child"},
            "credentialStatus": [
                {"type": "StatusList2021Entry", "statusPurpose": "revocation"},
                {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
                {
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "expiry",
                    "statusListIndex": "1",
                    "statusListCredential": "https://x.example/1",
                },
            ],
        }
    )
    checks = checker.check_status(view, now=NOW)
    assert [(c.name, c.outcome, c.code) for c in checks] == [
        ("status[0].revocation", Outcome.INDETERMINATE, "UNSUPPORTED"),
        ("status[1].revocation", Outcome.FAILED, "STATUS_ENTRY_INVALID"),
        ("status[2]", Outcome.INDETERMINATE, "UNSUPPORTED"),
    ]
    assert registrar.server.requests == []


def test_the_checker_refuses_misuse(registrar: Issuer) -> None:
    checker = registrar.checker()
    _, credential = registrar.issue()
    view = validate_credential(credential)
    with pytest.raises(UsageError):
        checker.check_status(view, now=datetime(2026, 1, 1))
    with pytest.raises(UsageError):
        checker.check_status(credential, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        BitstringStatusChecker(max_stale=timedelta(seconds=-1))
    with pytest.raises(UsageError):
        BitstringStatusChecker(purposes=["expiry"])


class _LogAnchor:
    """Accepts a list only if its commitment is in the issuer's log."""

    def __init__(self, registrar: Issuer) -> None:
        self.registrar = registrar
        self.seen: list[bytes] = []

    def check_status_list(self, commitment: bytes, *, list_url: str, issuer: str) -> None:
        self.seen.append(commitment)
        if commitment not in {c for c, _ in self.registrar.log.entries}:
            raise InvalidError("the status list version is not in the issuer's log")


def test_an_anchor_accepts_logged_versions_and_rejects_others(registrar: Issuer) -> None:
    _, credential = registrar.issue()
    lists = registrar.publish()
    anchor = _LogAnchor(registrar)
    assert _verify(registrar, credential, checker=registrar.checker(anchor=anchor)).verified
    assert sorted(anchor.seen) == sorted(status_list_commitment(d) for d in lists)
    # a genuinely signed version the issuer never logged: shown to one border only
    url = _revocation_url(credential)
    unlogged = _signed_list(registrar.key, url, valid_until=NOW + timedelta(days=2))
    registrar.server.serve_raw(url, _json.dumps(unlogged).encode())
    report = _verify(registrar, credential, checker=registrar.checker(anchor=anchor))
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "INVALID")


# --- fetchers ---------------------------------------------------------------------


def test_the_fetcher_speaks_https_only(list_server: ListServer) -> None:
    fetcher = list_server.fetcher()
    with pytest.raises(FetchError, match="https"):
        fetcher.fetch(f"http://127.0.0.1:{list_server.port}/status/revocation/1")
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetcher.fetch(f"{list_server.base_url}/nothing")
    assert info.value.status == 404
    untrusting = status_list_fetcher(timeout=5.0)  # the system trust store
    with pytest.raises(FetchError, match="could not be fetched"):
        untrusting.fetch(f"{list_server.base_url}/nothing")


def test_the_fetcher_caps_the_body_size(list_server: ListServer) -> None:
    list_server.serve_raw(f"{list_server.base_url}/big", b"x" * 5000)
    small = status_list_fetcher(list_server.client_context(), max_bytes=4096)
    with pytest.raises(FetchError, match="larger"):
        small.fetch(f"{list_server.base_url}/big")


def test_a_local_mirror_serves_the_registrars_lists(
    store: StatusStore, issuer_key: KeyFile, list_server: ListServer
) -> None:
    registry = StatusRegistry(store, key=issuer_key, base_url="https://registrar.example/status")
    cid = "urn:uuid:mirror"
    unsigned: JsonObject = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": cid,
        "type": ["VerifiableCredential"],
        "issuer": issuer_key.controller,
        "credentialSubject": {"id": "did:example:child"},
        "credentialStatus": list(registry.allocator().allocate(cid)),
    }
    credential = issue(unsigned, key=issuer_key, created=NOW)
    registry.revoke(cid, now=NOW)
    for document in registry.publish(now=NOW):
        path = str(document["id"]).removeprefix("https://registrar.example")
        list_server.routes[path] = _json.dumps(document).encode()
    mirror = MirrorFetcher(
        list_server.fetcher(),
        {"https://registrar.example/": f"https://127.0.0.1:{list_server.port}/"},
    )
    verifier = CredentialVerifier(status_checker=BitstringStatusChecker(fetcher=mirror))
    report = verifier.verify_credential(credential, now=NOW)
    assert _status(report)["status[0].revocation"] == (Outcome.FAILED, "REVOKED")
