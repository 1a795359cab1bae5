"""One verification environment: built once, reaching every checker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid import _json
from vcid._json import JsonObject
from vcid.environment import VerificationEnvironment, default_environment
from vcid.errors import UnsupportedError, UsageError
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.report import Outcome, Verdict
from vcid.status import BitstringStatusChecker, StatusRegistry, open_sqlite_store
from vcid.verifier import CredentialVerifier

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BASE = "https://registrar.example/status"


class MemoryFetcher:
    """Serves published status lists from memory (the offline kit's job)."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def fetch(self, url: str) -> bytes:
        return self.bodies[url]


def _credential_with_status(tmp_path: Path, *, list_suite: str) -> tuple[JsonObject, MemoryFetcher]:
    key = KeyFile.generate(KeyType.ED25519)
    store = open_sqlite_store(tmp_path / "status.db")
    registry = StatusRegistry(store, key=key, base_url=BASE, cryptosuite=list_suite)
    credential_id = "urn:uuid:0b0e2c1e-5a51-4b8e-9e53-3f3f8f7e2a11"
    unsigned: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": credential_id,
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:child"},
        "credentialStatus": registry.allocator().allocate(credential_id),
    }
    credential = issue(
        unsigned,
        key=key,
        cryptosuite="eddsa-rdfc-2022",
        created=NOW - timedelta(days=1),
    )
    fetcher = MemoryFetcher()
    for document in registry.publish(now=NOW):
        url = document["id"]
        assert isinstance(url, str)
        fetcher.bodies[url] = _json.dumps(document).encode()
    store.close()
    return credential, fetcher


def test_the_verifiers_suite_policy_reaches_status_lists(tmp_path: Path) -> None:
    """A list signed with a suite the environment does not accept does not verify."""
    credential, fetcher = _credential_with_status(tmp_path, list_suite="eddsa-jcs-2022")
    checker = BitstringStatusChecker(fetcher=fetcher)
    everything = CredentialVerifier(status_checker=checker)
    assert everything.verify_credential(credential, now=NOW).verified

    rdfc_only = VerificationEnvironment(allowed_suites={"eddsa-rdfc-2022"})
    strict = CredentialVerifier(environment=rdfc_only, status_checker=checker)
    report = strict.verify_credential(credential, now=NOW)
    assert report.verdict is Verdict.INVALID
    failed = {c.name: c.code for c in report.failures()}
    assert set(failed.values()) == {"STATUS_LIST_UNVERIFIED"}, report.to_text()
    assert all(name.startswith("status[") for name in failed)


def test_the_clock_gives_the_time_when_none_is_passed(tmp_path: Path) -> None:
    """Without ``now``, the environment's clock decides validity, everywhere."""
    credential, fetcher = _credential_with_status(tmp_path, list_suite="eddsa-rdfc-2022")
    checker = BitstringStatusChecker(fetcher=fetcher)

    def frozen_at(moment: datetime) -> VerificationEnvironment:
        return VerificationEnvironment(clock=lambda: moment)

    now = CredentialVerifier(environment=frozen_at(NOW), status_checker=checker)
    assert now.verify_credential(credential).verified
    before = CredentialVerifier(environment=frozen_at(datetime(2025, 1, 1, tzinfo=UTC)))
    report = before.verify_credential(credential)
    assert {c.name: c.code for c in report.failures()}["validity"] == "NOT_YET_VALID"


def test_clock_skew_is_one_setting(tmp_path: Path) -> None:
    """The environment's skew bounds credential validity and status lists alike."""
    credential, fetcher = _credential_with_status(tmp_path, list_suite="eddsa-rdfc-2022")
    early = datetime(2025, 12, 31, 23, 58, tzinfo=UTC)  # two minutes before validFrom
    for skew, valid in ((timedelta(minutes=5), True), (timedelta(0), False)):
        environment = VerificationEnvironment(max_clock_skew=skew)
        verifier = CredentialVerifier(
            environment=environment, status_checker=BitstringStatusChecker(fetcher=fetcher)
        )
        report = verifier.verify_credential(credential, now=early)
        assert any(c.name == "validity" and c.outcome is Outcome.PASSED for c in report.checks) is (
            valid
        )


def test_bad_settings_are_misuse() -> None:
    """Unknown suites, negative skew, naive clocks and wrong types raise UsageError."""
    with pytest.raises(UnsupportedError):
        VerificationEnvironment(allowed_suites={"bbs-2099"})
    with pytest.raises(UsageError):
        VerificationEnvironment(allowed_suites="eddsa-rdfc-2022")
    with pytest.raises(UsageError):
        VerificationEnvironment(max_clock_skew=timedelta(seconds=-1))
    with pytest.raises(UsageError):
        VerificationEnvironment(jsonld="bundled")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        VerificationEnvironment(resolver=object())  # type: ignore[arg-type]
    naive = VerificationEnvironment(clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(UsageError):
        naive.moment()
    with pytest.raises(UsageError):
        CredentialVerifier(environment=object())  # type: ignore[arg-type]


def test_the_default_is_shared_and_frozen() -> None:
    """default_environment() is built once; its fields cannot be reassigned."""
    environment = default_environment()
    assert default_environment() is environment
    assert CredentialVerifier().environment is environment
    with pytest.raises(AttributeError):
        environment.max_clock_skew = timedelta(0)  # type: ignore[misc]
    assert environment.allowed_suites is None
    assert "VerificationEnvironment(" in repr(environment)
