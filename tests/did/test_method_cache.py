"""Dereferenced did:key / did:jwk methods are cached per registry; nothing else is."""

from __future__ import annotations

from datetime import datetime

import pytest

from vcid.did.document import DIDDocument
from vcid.did.key import did_key_document_json, did_key_from_public_key
from vcid.did.resolver import ResolutionResult, ResolverRegistry, default_resolver
from vcid.did.syntax import DID
from vcid.errors import DIDResolutionError, PurposeMismatch
from vcid.keys import KeyType, PrivateKey


def _vm(key_type: KeyType = KeyType.ED25519) -> str:
    did = did_key_from_public_key(PrivateKey.generate(key_type).public_key)
    return f"{did}#{did.removeprefix('did:key:')}"


def test_a_did_key_method_is_dereferenced_once() -> None:
    """The second lookup returns the very object the first one built."""
    resolver = default_resolver()
    url = _vm()
    first = resolver.resolve_verification_method(url, relationship="assertionMethod")
    again = resolver.resolve_verification_method(url, relationship="assertionMethod")
    assert again is first
    other = resolver.resolve_verification_method(url, relationship="authentication")
    assert other == first
    assert (
        default_resolver().resolve_verification_method(url, relationship="assertionMethod") == first
    )


def test_failures_are_not_cached_and_stay_the_same() -> None:
    """A refused lookup raises the same error every time."""
    resolver = default_resolver()
    url = _vm(KeyType.P256)
    for _ in range(2):
        with pytest.raises(PurposeMismatch):
            resolver.resolve_verification_method(url, relationship="keyAgreement")
    bad = url.replace("#", "#x")
    for _ in range(2):
        with pytest.raises(PurposeMismatch):
            resolver.resolve_verification_method(bad, relationship="assertionMethod")
    with_options = f"{url.split('#')[0]}?versionId=2#{url.split('#')[1]}"
    for _ in range(2):
        with pytest.raises(DIDResolutionError):
            resolver.resolve_verification_method(with_options, relationship="assertionMethod")


class CountingKeyDriver:
    """A custom driver named ``key``: its answers may change, so none is cached."""

    name = "key"

    def __init__(self) -> None:
        self.calls = 0

    def resolve(
        self, did: DID, *, version_id: str | None = None, version_time: datetime | None = None
    ) -> ResolutionResult:
        self.calls += 1
        return ResolutionResult.success(
            DIDDocument.from_json(did_key_document_json(str(did)), did=str(did))
        )


def test_a_custom_driver_is_asked_every_time() -> None:
    """Only the built-in immutable drivers' methods are cached."""
    driver = CountingKeyDriver()
    resolver = ResolverRegistry([driver])
    url = _vm()
    for _ in range(3):
        resolver.resolve_verification_method(url, relationship="assertionMethod")
    assert driver.calls == 3
