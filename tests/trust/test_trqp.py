"""TRQP v2 over HTTPS: vcid's own service, serving trust lists on loopback, and the client.

The same answers as the lists give offline must come over the wire,
each refusal with its name.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import self_signed, tls_server
from vcid.accreditation import TrustQuery, TrustReason
from vcid.environment import VerificationEnvironment
from vcid.errors import FetchError, UsageError
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.report import Outcome
from vcid.transport import HTTPSClient
from vcid.trust import TrustListRegistry
from vcid.trust.trqp import TRQPRegistry, TRQPService, authorization_request, trqp_handler
from vcid.verifier import CredentialVerifier

from .conftest import ISSUED, NOW, YEAR, Chain, birth_credential


@pytest.fixture(scope="module")
def chain() -> Chain:  # one chain for the module's one server
    return Chain()


@pytest.fixture(scope="module")
def served(chain: Chain, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """vcid's TRQP service over TLS on 127.0.0.1; yields its base URL and CA file."""
    registry = TrustListRegistry(
        [chain.root_list(), chain.national_list()],
        anchors=[chain.root.controller],
    )
    environment = VerificationEnvironment(clock=lambda: NOW)
    service = TRQPService(registry, environment=environment, authority_id=chain.root.controller)
    cert_file, key_file = self_signed(tmp_path_factory.mktemp("trqp-tls"))
    with tls_server(trqp_handler(service), cert_file, key_file) as port:
        yield f"https://127.0.0.1:{port}/trqp", cert_file


def _client(ca_file: Path) -> HTTPSClient:
    context = ssl.create_default_context(cafile=str(ca_file))
    return HTTPSClient(context, timeout=5.0)


def _remote(chain: Chain, served: tuple[str, Path]) -> TRQPRegistry:
    base, ca_file = served
    return TRQPRegistry(base, authority_id=chain.root.controller, client=_client(ca_file))


def _ask(
    chain: Chain,
    served: tuple[str, Path],
    entity: str,
    *,
    country: str = "ZA",
    kind: str = "BirthCredential",
) -> TrustReason:
    remote = _remote(chain, served)
    answer = remote.query(
        TrustQuery(entity=entity, credential_type=kind, jurisdiction=country, time=ISSUED),
        now=NOW,
        environment=VerificationEnvironment(),
    )
    return answer.reason


def test_the_same_answers_come_over_trqp(chain: Chain, served: tuple[str, Path]) -> None:
    """Authorised, outside the jurisdiction, wrong type, unlisted: named over the wire."""
    registrar = chain.registrar.controller
    assert _ask(chain, served, registrar) is TrustReason.AUTHORISED
    assert _ask(chain, served, registrar, country="NL") is TrustReason.OUTSIDE_JURISDICTION
    assert (
        _ask(chain, served, registrar, kind="GuardianshipCredential")
        is TrustReason.TYPE_NOT_ACCREDITED
    )
    stranger = KeyFile.generate(KeyType.ED25519).controller
    assert _ask(chain, served, stranger) is TrustReason.UNLISTED_ISSUER


def test_an_expired_accreditation_over_trqp(chain: Chain, served: tuple[str, Path]) -> None:
    """A raw TRQP v2 request: the answer names the time evaluated and the reason."""
    base, ca_file = served
    body = authorization_request(
        TrustQuery(
            entity=chain.registrar.controller,
            credential_type="BirthCredential",
            jurisdiction="ZA",
            time=NOW + 2 * YEAR,  # after the registrar's accreditation ended
        ),
        authority_id=chain.root.controller,
    )
    raw = _client(ca_file).post_json(f"{base}/authorization", json.dumps(body).encode())
    answer = json.loads(raw)
    assert answer["authorized"] is False
    assert answer["vcid_reason"] == "ACCREDITATION_EXPIRED"
    assert answer["time_evaluated"].startswith("2026-03-01")


def test_a_verifier_uses_the_remote_registry(chain: Chain, served: tuple[str, Path]) -> None:
    environment = VerificationEnvironment(trust=_remote(chain, served))
    verifier = CredentialVerifier(environment=environment)
    good = verifier.verify_credential(birth_credential(chain.registrar), now=NOW)
    (check,) = [c for c in good.checks if c.name == "trust"]
    assert check.outcome is Outcome.PASSED
    assert chain.registrar.controller in check.detail
    stranger = KeyFile.generate(KeyType.ED25519)
    bad = verifier.verify_credential(birth_credential(stranger), now=NOW)
    (check,) = [c for c in bad.checks if c.name == "trust"]
    assert check.code == "UNTRUSTED_ISSUER"


def test_recognition(chain: Chain, served: tuple[str, Path]) -> None:
    remote = _remote(chain, served)
    assert remote.recognition(chain.national.controller, time=NOW)
    assert remote.recognition(chain.root.controller, time=NOW)
    assert not remote.recognition(chain.registrar.controller, time=NOW)


def test_an_unreachable_server_is_indeterminate_never_authorised(chain: Chain) -> None:
    remote = TRQPRegistry(
        "https://127.0.0.1:9/trqp",
        authority_id=chain.root.controller,
        client=HTTPSClient(timeout=1.0),
    )
    environment = VerificationEnvironment(trust=remote)
    report = CredentialVerifier(environment=environment).verify_credential(
        birth_credential(chain.registrar), now=NOW
    )
    (check,) = [c for c in report.checks if c.name == "trust"]
    assert (check.outcome, check.code) == (Outcome.INDETERMINATE, "ACCREDITATION_UNCHECKED")


def test_bad_requests_get_problem_documents(chain: Chain, served: tuple[str, Path]) -> None:
    base, ca_file = served
    client = _client(ca_file)
    with pytest.raises(FetchError) as caught:
        client.post_json(f"{base}/authorization", b'{"entity_id": 3}')
    assert caught.value.status == 400
    other = {
        "entity_id": chain.registrar.controller,
        "authority_id": "did:key:z6MkOther",
        "action": "issue",
        "resource": "BirthCredential",
    }
    with pytest.raises(FetchError) as caught:
        client.post_json(f"{base}/authorization", json.dumps(other).encode())
    assert caught.value.status == 404
    with pytest.raises(FetchError) as caught:
        client.post_json(f"{base}/metadata", b"{}")
    assert caught.value.status == 404


def test_the_service_refuses_an_authority_that_is_not_an_anchor(chain: Chain) -> None:
    registry = TrustListRegistry([chain.root_list()], anchors=[chain.root.controller])
    with pytest.raises(UsageError):
        TRQPService(
            registry, environment=VerificationEnvironment(), authority_id=chain.national.controller
        )
