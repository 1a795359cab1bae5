"""Verification against history: a did:webvh registrar rotates its key three times.

The registrar's ``did.jsonl`` is served by a real TLS server on loopback
with a certificate made at test time. did:webvh forbids IP addresses and
one-label names, so the DID names ``registrar.example`` and the test's
fetcher sends that host's requests to ``localhost`` (the certificate's
name); everything else, TLS included, is vcid's own HTTPS client.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.did.webvh_support import T0, Registrar, key
from tests.services import self_signed, tls_server
from vcid.did import default_resolver
from vcid.did.webvh import did_webvh_fetcher
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import PrivateKey
from vcid.ledger import SQLiteLog, credential_commitment, receipt_for
from vcid.report import Verdict, VerificationReport
from vcid.transport import HTTPSClient
from vcid.verifier import CredentialVerifier, ReceiptPolicy, VerificationEnvironment

NOW = T0 + timedelta(days=120)
HOST = "registrar.example"


@dataclass
class Site:
    port: int
    cert_file: Path
    routes: dict[str, bytes] = field(default_factory=dict)
    hits: int = 0


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    cert_file, key_file = self_signed(tmp_path)
    state = Site(port=0, cert_file=cert_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits += 1
            body = state.routes.get(self.path)
            self.send_response(404 if body is None else 200)
            payload = b"not found" if body is None else body
            self.send_header("Content-Type", "text/jsonl")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return

    with tls_server(Handler, cert_file, key_file) as port:
        state.port = port
        yield state


class Loopback:
    """vcid's HTTPS client, with ``registrar.example`` sent to ``localhost``."""

    def __init__(self, client: HTTPSClient) -> None:
        self._client = client

    def fetch(self, url: str) -> bytes:
        return self._client.fetch(url.replace(f"https://{HOST}:", "https://localhost:", 1))


def _environment(site: Site) -> VerificationEnvironment:
    context = ssl.create_default_context(cafile=str(site.cert_file))
    fetcher = Loopback(did_webvh_fetcher(context))
    return VerificationEnvironment(resolver=default_resolver(webvh_fetcher=fetcher))


def _credential(signer: KeyFile, created: datetime) -> dict[str, Any]:
    unsigned: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": signer.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:child"},
    }
    return issue(unsigned, key=signer, created=created)


@dataclass
class History:
    did: str
    keys: list[PrivateKey]
    registrar: Registrar

    def signer(self, index: int) -> KeyFile:
        """The assertion key of version ``index + 1`` (always ``#key-1`` there)."""
        return KeyFile(
            key=self.keys[index], verification_method=f"{self.did}#key-1", controller=self.did
        )


@pytest.fixture
def history(site: Site) -> History:
    """Version 1 with key A, then routine rotations to B, C and D, 30 days apart."""
    registrar = Registrar(domain=f"{HOST}%3A{site.port}")
    keys = [key() for _ in range(4)]
    registrar.create(keys[0], at=T0)
    for i in range(1, 4):
        registrar.rotate(keys[i], at=T0 + timedelta(days=30 * i))
    site.routes["/.well-known/did.jsonl"] = registrar.jsonl().encode()
    return History(registrar.did, keys, registrar)


def test_credentials_signed_before_each_rotation_verify(site: Site, history: History) -> None:
    """Each key's credentials, signed while it was current, verify after three rotations."""
    verifier = CredentialVerifier(environment=_environment(site))
    for index in range(4):
        created = T0 + timedelta(days=30 * index + 1)
        credential = _credential(history.signer(index), created)
        report = verifier.verify_credential(credential, now=NOW)
        assert report.verdict is Verdict.VALID, (index, report.to_json())


def test_a_key_removed_before_the_claimed_creation_fails(site: Site, history: History) -> None:
    """A credential by key A claiming a time after A was rotated out does not verify."""
    verifier = CredentialVerifier(environment=_environment(site))
    back_dated = _credential(history.signer(0), T0 + timedelta(days=45))
    report = verifier.verify_credential(back_dated, now=NOW)
    assert report.verdict is not Verdict.VALID
    failed = {c.name: c.detail for c in report.checks if c.outcome.value == "failed"}
    # #key-1 was key B by then: A's signature does not verify against it.
    assert set(failed) == {"proof[0].signature"}, failed


def test_a_proof_before_the_did_existed_fails(site: Site, history: History) -> None:
    """A proof whose created time precedes the DID's first entry cannot be checked."""
    verifier = CredentialVerifier(environment=_environment(site))
    credential = _credential(history.signer(0), T0 - timedelta(days=1))
    assert verifier.verify_credential(credential, now=NOW).verdict is not Verdict.VALID


def test_did_key_credentials_still_verify_in_the_same_environment(site: Site) -> None:
    """History is asked only of methods that keep one: did:key resolves as before."""
    signer = KeyFile.generate()
    credential = _credential(signer, T0)
    report = CredentialVerifier(environment=_environment(site)).verify_credential(
        credential, now=NOW
    )
    assert report.verdict is Verdict.VALID, report.to_json()


def test_a_warm_resolver_does_not_refetch(site: Site, history: History) -> None:
    """Within the cache time, verifying again fetches nothing."""
    verifier = CredentialVerifier(environment=_environment(site))
    credential = _credential(history.signer(3), T0 + timedelta(days=100))
    assert verifier.verify_credential(credential, now=NOW).verdict is Verdict.VALID
    hits = site.hits
    assert verifier.verify_credential(credential, now=NOW).verdict is Verdict.VALID
    assert site.hits == hits


def test_tampered_log_makes_the_issuer_unresolvable(site: Site, history: History) -> None:
    """A rewritten history (an entry's document changed) fails resolution: no VALID."""
    lines = history.registrar.jsonl().splitlines()
    lines[1] = lines[1].replace(history.did + "#key-1", history.did + "#key-9")
    site.routes["/.well-known/did.jsonl"] = ("\n".join(lines) + "\n").encode()
    verifier = CredentialVerifier(environment=_environment(site))
    credential = _credential(history.signer(3), T0 + timedelta(days=100))
    assert verifier.verify_credential(credential, now=NOW).verdict is not Verdict.VALID


# --- back-dating with a retired key: receipts (ReceiptPolicy(retired_keys=True)) ---


@dataclass
class LoggedHistory:
    history: History
    log: SQLiteLog
    log_key: PrivateKey


@pytest.fixture
def logged(site: Site, tmp_path: Path) -> LoggedHistory:
    """As ``history``, with a log key (#key-2) kept in every version to sign checkpoints."""
    log_key = key()
    registrar = Registrar(domain=f"{HOST}%3A{site.port}")
    keys = [key() for _ in range(4)]
    registrar.create(keys[0], log_key, at=T0)
    for i in range(1, 4):
        registrar.rotate(keys[i], log_key, at=T0 + timedelta(days=30 * i))
    site.routes["/.well-known/did.jsonl"] = registrar.jsonl().encode()
    log = SQLiteLog(tmp_path / "log.db", origin="registrar.example/births")
    return LoggedHistory(History(registrar.did, keys, registrar), log, log_key)


def _logged_receipt(
    logged: LoggedHistory, credential: dict[str, Any], at: datetime
) -> Mapping[str, object]:
    commitment = credential_commitment(credential)
    logged.log.append_credential(commitment, issued_at=at)
    logged.log.checkpoint(logged.log_key, now=at + timedelta(hours=1))
    return receipt_for(logged.log, commitment).to_json()


def _strict(site: Site) -> CredentialVerifier:
    return CredentialVerifier(
        environment=_environment(site), receipts=ReceiptPolicy(retired_keys=True)
    )


def _outcome(report: VerificationReport, name: str) -> str:
    return next(c.outcome.value for c in report.checks if c.name == name)


def test_a_retired_key_credential_logged_in_time_verifies(
    site: Site, logged: LoggedHistory
) -> None:
    """Signed and logged while key A was current: valid after A's rotation, with its receipt."""
    created = T0 + timedelta(days=1)
    credential = _credential(logged.history.signer(0), created)
    receipt = _logged_receipt(logged, credential, created)
    report = _strict(site).verify_credential(credential, now=NOW, receipt=receipt)
    assert report.verdict is Verdict.VALID, report.to_text()
    assert _outcome(report, "ledger.retired_key") == "passed"


def test_a_retired_key_credential_without_a_receipt_fails(
    site: Site, logged: LoggedHistory
) -> None:
    """Where the policy asks, a proof by a since-rotated key needs a receipt."""
    credential = _credential(logged.history.signer(0), T0 + timedelta(days=1))
    report = _strict(site).verify_credential(credential, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert _outcome(report, "ledger.retired_key") == "failed"
    lenient = CredentialVerifier(environment=_environment(site))
    assert lenient.verify_credential(credential, now=NOW).verdict is Verdict.VALID


def test_back_dating_with_a_retired_key_fails(site: Site, logged: LoggedHistory) -> None:
    """Key A, stolen, signs today claiming a date when A was current: its receipt is too late."""
    credential = _credential(logged.history.signer(0), T0 + timedelta(days=2))
    receipt = _logged_receipt(logged, credential, NOW - timedelta(days=1))
    report = _strict(site).verify_credential(credential, now=NOW, receipt=receipt)
    assert report.verdict is Verdict.INVALID
    failed = {c.name for c in report.checks if c.outcome.value == "failed"}
    assert failed == {"ledger.retired_key"}, report.to_text()


def test_the_current_key_needs_no_receipt(site: Site, logged: LoggedHistory) -> None:
    """A proof by a key still in the document passes ledger.retired_key without a receipt."""
    credential = _credential(logged.history.signer(3), T0 + timedelta(days=100))
    report = _strict(site).verify_credential(credential, now=NOW)
    assert report.verdict is Verdict.VALID, report.to_text()
    assert _outcome(report, "ledger.retired_key") == "passed"
