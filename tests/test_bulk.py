"""verify_many: reports in input order, from a pool or in this process."""

from __future__ import annotations

import functools
import itertools
import pickle
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from vcid._json import JsonObject
from vcid.bulk import verify_many
from vcid.demo import sample_birth_credential
from vcid.environment import default_environment
from vcid.errors import UsageError
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.verifier import CredentialVerifier

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _credentials(count: int) -> list[JsonObject]:
    registrar = KeyFile.generate(KeyType.ED25519)
    parent = KeyFile.generate(KeyType.ED25519)
    out = []
    for index in range(count):
        document = sample_birth_credential(registrar.controller, parent.controller)
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        signed = issue(document, key=registrar)
        if index % 3 == 2:  # every third one tampered with
            subject = dict(signed["credentialSubject"])  # type: ignore[arg-type]
            subject["givenName"] = "Mallory"
            signed["credentialSubject"] = subject
        out.append(signed)
    return out


def _not_a_verifier() -> object:
    return "verifier"


def _eddsa_only() -> CredentialVerifier:
    return CredentialVerifier(environment=default_environment())


@pytest.mark.parametrize("workers", [0, 2])
def test_reports_come_back_in_input_order(workers: int) -> None:
    """Each report is the one verify_credential gives, in input order."""
    credentials = _credentials(10)
    expected = [CredentialVerifier().verify_credential(c, now=NOW) for c in credentials]
    got = list(
        verify_many(
            iter(credentials),
            workers=workers,
            now=NOW,
            chunk_size=3,
            max_in_flight=2,
            verifier_factory=functools.partial(_eddsa_only),
        )
    )
    assert [r.verified for r in got] == [i % 3 != 2 for i in range(10)]
    assert [r.to_json() for r in got] == [r.to_json() for r in expected]


def test_input_is_consumed_lazily() -> None:
    """Only the bounded number of chunks is taken from the input ahead."""
    credentials = _credentials(2)
    taken = 0

    def source() -> Iterator[JsonObject]:
        nonlocal taken
        for credential in itertools.cycle(credentials):
            taken += 1
            yield credential

    reports = verify_many(source(), workers=1, now=NOW, chunk_size=4, max_in_flight=2)
    first = list(itertools.islice(reports, 5))
    assert all(r.verified for r in first)
    assert taken <= 4 * 3
    del reports  # closes the generator: the pool shuts down


def test_misuse_raises() -> None:
    """Bad arguments and a factory that makes no verifier are usage errors."""
    with pytest.raises(UsageError):
        verify_many([], workers=-1)
    with pytest.raises(UsageError):
        verify_many([], chunk_size=0)
    with pytest.raises(UsageError):
        verify_many([], max_in_flight=0)
    with pytest.raises(UsageError):
        verify_many([], now=datetime(2026, 1, 1))
    with pytest.raises(UsageError):
        list(verify_many(_credentials(1), workers=1, verifier_factory=_not_a_verifier))  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        list(verify_many(_credentials(1), workers=0, verifier_factory=_not_a_verifier))  # type: ignore[arg-type]
    assert list(verify_many([], workers=1)) == []


def test_reports_pickle_to_equal_reports() -> None:
    """A report survives the trip to and from a worker unchanged."""
    for credential in _credentials(3):
        report = CredentialVerifier().verify_credential(credential, now=NOW)
        again = pickle.loads(pickle.dumps(report))
        assert again == report
        assert again.to_json() == report.to_json()
