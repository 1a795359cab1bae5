"""Resolution options (versionId, versionTime): passed to drivers, refused where unsupported."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vcid.did.document import DIDDocument
from vcid.did.jwk import did_jwk_from_public_key
from vcid.did.key import did_key_from_public_key
from vcid.did.resolution import FEATURE_NOT_SUPPORTED, INVALID_OPTIONS, ResolutionResult
from vcid.did.resolver import ResolverRegistry, default_resolver
from vcid.did.syntax import DID
from vcid.did.web import DIDWebMethod
from vcid.errors import DIDResolutionError
from vcid.keys import KeyType, PrivateKey

EXAMPLE = "did:example:123"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class VersionedMethod:
    """A did:example driver with history: records the options it was given."""

    name = "example"

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.calls: list[tuple[str | None, datetime | None]] = []

    def resolve(
        self, did: DID, *, version_id: str | None = None, version_time: datetime | None = None
    ) -> ResolutionResult:
        self.calls.append((version_id, version_time))
        return ResolutionResult.success(DIDDocument.from_json(self.document, did=str(did)))


class OldMethod:
    """A driver written before resolution options: ``resolve(did)`` only."""

    name = "example"

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, did: DID) -> ResolutionResult:
        return ResolutionResult.success(DIDDocument.from_json(self.document, did=str(did)))


def _document(h: Any) -> dict[str, Any]:
    return dict(h.document(h.multikey("#key-1"), assertionMethod=["#key-1"]))


def _historyless_dids() -> list[str]:
    key = PrivateKey.generate(KeyType.ED25519).public_key
    return [did_key_from_public_key(key), did_jwk_from_public_key(key)]


@pytest.mark.parametrize("options", [{"version_id": "1"}, {"version_time": WHEN}])
def test_methods_without_history_refuse_a_historic_query(options: dict[str, Any]) -> None:
    resolver = default_resolver()
    for did in _historyless_dids():
        assert resolver.resolve(did).error is None
        result = resolver.resolve(did, **options)
        assert result.did_document is None
        assert result.error == FEATURE_NOT_SUPPORTED
        with pytest.raises(DIDResolutionError) as info:
            resolver.resolve_document(did, **options)
        assert info.value.error == FEATURE_NOT_SUPPORTED


def test_did_web_refuses_a_historic_query_without_fetching() -> None:
    class NoFetch:
        def fetch(self, url: str) -> bytes:
            raise AssertionError("not called")

    resolver = ResolverRegistry([DIDWebMethod(NoFetch())])
    result = resolver.resolve("did:web:example.com", version_id="3")
    assert result.error == FEATURE_NOT_SUPPORTED


@pytest.mark.parametrize(
    "options",
    [
        {"version_id": ""},
        {"version_id": 7},
        {"version_time": datetime(2026, 1, 1)},  # naive
        {"version_time": "2026-01-01T00:00:00Z"},  # a string, not a datetime
    ],
)
def test_malformed_options_are_invalid_options_never_raised(options: dict[str, Any]) -> None:
    did = _historyless_dids()[0]
    result = default_resolver().resolve(did, **options)
    assert result.error == INVALID_OPTIONS


def test_options_reach_the_driver(h: Any) -> None:
    method = VersionedMethod(_document(h))
    resolver = ResolverRegistry([method])
    resolver.resolve(EXAMPLE)
    resolver.resolve(EXAMPLE, version_id="2")
    resolver.resolve_document(EXAMPLE, version_time=WHEN)
    assert method.calls == [(None, None), ("2", None), (None, WHEN)]


def test_a_driver_without_options_still_resolves_current_versions(h: Any) -> None:
    resolver = ResolverRegistry([OldMethod(_document(h))])  # type: ignore[list-item]
    assert resolver.resolve(EXAMPLE).error is None
    vm = resolver.resolve_verification_method(f"{EXAMPLE}#key-1", relationship="assertionMethod")
    assert vm.id == f"{EXAMPLE}#key-1"


def test_version_parameters_of_a_did_url_are_passed_on(h: Any) -> None:
    method = VersionedMethod(_document(h))
    resolver = ResolverRegistry([method])
    vm = resolver.resolve_verification_method(
        f"{EXAMPLE}?versionId=2#key-1", relationship="assertionMethod"
    )
    assert vm.id == f"{EXAMPLE}#key-1"
    resolver.resolve_verification_method(
        f"{EXAMPLE}?versionTime=2026-01-02T03:04:05Z#key-1", relationship="assertionMethod"
    )
    assert method.calls == [("2", None), (None, WHEN)]


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (f"{EXAMPLE}?versionTime=yesterday#key-1", {}),
        (f"{EXAMPLE}?versionTime=2026-01-02T03:04:05#key-1", {}),  # no offset
        (f"{EXAMPLE}?versionId=2#key-1", {"version_id": "3"}),
        (f"{EXAMPLE}?versionTime=2026-01-02T03:04:05Z#key-1", {"version_time": datetime.now(UTC)}),
    ],
)
def test_bad_or_conflicting_version_parameters_are_invalid_options(
    h: Any, url: str, options: dict[str, Any]
) -> None:
    method = VersionedMethod(_document(h))
    with pytest.raises(DIDResolutionError) as info:
        ResolverRegistry([method]).resolve_verification_method(
            url, relationship="assertionMethod", **options
        )
    assert info.value.error == INVALID_OPTIONS
    assert method.calls == []


def test_a_did_key_url_with_a_version_is_refused() -> None:
    did = _historyless_dids()[0]
    with pytest.raises(DIDResolutionError) as info:
        default_resolver().resolve_verification_method(
            f"{did}?versionId=1#{did.split(':')[-1]}", relationship="assertionMethod"
        )
    assert info.value.error == FEATURE_NOT_SUPPORTED


def test_did_key_and_did_jwk_documents_are_cached() -> None:
    resolver = default_resolver()
    for did in _historyless_dids():
        first = resolver.resolve(did).did_document
        assert first is not None
        assert resolver.resolve(did).did_document is first
