"""The resolver registry: error codes, dispatch, verification method lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from vcid.did.document import DIDDocument
from vcid.did.key import DIDKeyMethod, did_key_from_public_key
from vcid.did.resolver import (
    DIDMethod,
    DIDResolver,
    ResolutionResult,
    ResolverRegistry,
    default_resolver,
)
from vcid.did.syntax import DID
from vcid.did.web import DIDWebMethod
from vcid.errors import (
    ControllerMismatch,
    DIDResolutionError,
    DIDSyntaxError,
    IndeterminateError,
    JSONParseError,
    KeyFormatError,
    PurposeMismatch,
    UsageError,
    VcidError,
)
from vcid.keys import KeyType, PrivateKey

EXAMPLE = "did:example:123"


class StaticMethod:
    """A did:example driver serving one fixed document, or raising."""

    name = "example"

    def __init__(
        self,
        document: dict[str, Any] | None = None,
        *,
        error: VcidError | None = None,
        result: ResolutionResult | None = None,
    ) -> None:
        self.document = document
        self.error = error
        self.result = result

    def resolve(
        self, did: DID, *, version_id: str | None = None, version_time: datetime | None = None
    ) -> ResolutionResult:
        if self.error is not None:
            raise self.error
        if self.result is not None:
            return self.result
        assert self.document is not None
        return ResolutionResult.success(DIDDocument.from_json(self.document, did=str(did)))


def test_protocols() -> None:
    assert isinstance(DIDKeyMethod(), DIDMethod)
    assert isinstance(StaticMethod(), DIDMethod)
    assert isinstance(default_resolver(), DIDResolver)


@pytest.mark.parametrize("did", ["", "did:", "did:key", "nope", "did:KEY:z6Mk", 7])
def test_invalid_did_never_raises(did: str) -> None:
    result = default_resolver().resolve(did)
    assert result.did_document is None
    assert result.error == "invalidDid"


def test_unknown_method_is_method_not_supported() -> None:
    resolver = default_resolver()
    assert resolver.resolve("did:example:123").error == "methodNotSupported"
    assert resolver.resolve("did:web:example.com").error == "methodNotSupported"
    with pytest.raises(DIDResolutionError) as info:
        resolver.resolve_document("did:example:123")
    assert info.value.error == "methodNotSupported"
    assert isinstance(info.value, IndeterminateError)


def test_default_resolver_methods() -> None:
    assert default_resolver().method_names == ("jwk", "key")

    class NoFetch:
        def fetch(self, url: str) -> bytes:
            raise AssertionError("not called")

    assert default_resolver(web_fetcher=NoFetch()).method_names == (
        "jwk",
        "key",
        "web",
    )


def test_duplicate_driver_names_are_refused() -> None:
    with pytest.raises(UsageError):
        ResolverRegistry([DIDKeyMethod(), DIDKeyMethod()])


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DIDResolutionError("gone", error="notFound"), "notFound"),
        (DIDResolutionError("odd", error="madeUp"), "internalError"),
        (DIDSyntaxError("bad"), "invalidDid"),
        (KeyFormatError("bad"), "invalidPublicKey"),
        (JSONParseError("bad"), "representationNotSupported"),
        (UsageError("bad"), "internalError"),
    ],
)
def test_driver_errors_become_result_codes(error: VcidError, code: str) -> None:
    resolver = ResolverRegistry([StaticMethod(error=error)])
    result = resolver.resolve(EXAMPLE)
    assert result.did_document is None
    assert result.error == code
    with pytest.raises(DIDResolutionError) as info:
        resolver.resolve_document(EXAMPLE)
    assert info.value.error == code


def test_driver_document_for_another_did_is_refused(h: Any) -> None:
    other = DIDDocument.from_json(dict(h.document(), id="did:example:999"))
    resolver = ResolverRegistry([StaticMethod(result=ResolutionResult.success(other))])
    assert resolver.resolve(EXAMPLE).error == "invalidDidDocument"
    empty = ResolverRegistry([StaticMethod(result=ResolutionResult(None))])
    assert empty.resolve(EXAMPLE).error == "invalidDidDocument"


def test_invalid_document_is_invalid_did_document(h: Any) -> None:
    resolver = ResolverRegistry([StaticMethod({"id": EXAMPLE, "assertionMethod": 5})])
    assert resolver.resolve(EXAMPLE).error == "invalidDidDocument"


def test_resolve_verification_method(h: Any) -> None:
    key = h.public_key(KeyType.P384)
    doc = h.document(
        h.multikey("#key-1", key=key),
        h.multikey("#key-2"),
        h.multikey("#key-3", controller="did:example:other"),
        assertionMethod=["#key-1", "#key-3"],
        authentication=["#key-2"],
    )
    resolver = ResolverRegistry([StaticMethod(doc)])
    vm = resolver.resolve_verification_method(f"{EXAMPLE}#key-1", relationship="assertionMethod")
    assert vm.public_key == key
    with pytest.raises(PurposeMismatch):
        resolver.resolve_verification_method(f"{EXAMPLE}#key-2", relationship="assertionMethod")
    with pytest.raises(ControllerMismatch):
        resolver.resolve_verification_method(f"{EXAMPLE}#key-3", relationship="assertionMethod")
    with pytest.raises(UsageError):
        resolver.resolve_verification_method(f"{EXAMPLE}#key-1", relationship="x")


@pytest.mark.parametrize("url", ["#key-1", "did:example:123#a b", "", "key-1"])
def test_bad_verification_method_url_is_indeterminate(url: str) -> None:
    with pytest.raises(DIDResolutionError) as info:
        default_resolver().resolve_verification_method(url, relationship="assertionMethod")
    assert info.value.error == "invalidDidUrl"


def test_unresolvable_verification_method_is_indeterminate() -> None:
    with pytest.raises(DIDResolutionError) as info:
        default_resolver().resolve_verification_method(
            "did:example:123#key-1", relationship="assertionMethod"
        )
    assert info.value.error == "methodNotSupported"
    with pytest.raises(DIDResolutionError) as info:
        default_resolver().resolve_verification_method(
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme#x",
            relationship="assertionMethod",
        )
    assert info.value.error == "invalidPublicKey"


def test_did_key_verification_method_relationships() -> None:
    key = PrivateKey.generate(KeyType.ED25519).public_key
    did = did_key_from_public_key(key)
    value = did.removeprefix("did:key:")
    resolver = default_resolver()
    for relationship in ("assertionMethod", "authentication"):
        vm = resolver.resolve_verification_method(f"{did}#{value}", relationship=relationship)
        assert vm.public_key == key
    with pytest.raises(PurposeMismatch):
        resolver.resolve_verification_method(f"{did}#{value}", relationship="keyAgreement")
    with pytest.raises(PurposeMismatch):
        resolver.resolve_verification_method(did, relationship="assertionMethod")


def test_result_constructors() -> None:
    failure = ResolutionResult.failure("notFound", "no document")
    assert failure.error == "notFound"
    assert failure.resolution_metadata["errorMessage"] == "no document"
    with pytest.raises(UsageError):
        ResolutionResult.failure("somethingElse")


def test_web_method_is_a_did_method() -> None:
    class NoFetch:
        def fetch(self, url: str) -> bytes:
            raise AssertionError("not called")

    assert isinstance(DIDWebMethod(NoFetch()), DIDMethod)
