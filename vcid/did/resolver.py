"""DID resolution: results, method drivers and a registry (DID Resolution).

:meth:`ResolverRegistry.resolve` follows the DID Resolution algorithm's
contract: it never raises for a bad DID but returns a
:class:`ResolutionResult` whose ``resolution_metadata["error"]`` holds one of
the DID Resolution error codes below. :meth:`ResolverRegistry.resolve_document`
and :meth:`ResolverRegistry.resolve_verification_method` raise instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

from vcid._json import JsonObject
from vcid.did.document import DIDDocument, VerificationMethod
from vcid.did.syntax import DID, parse_did, parse_did_url
from vcid.errors import (
    DIDDocumentError,
    DIDResolutionError,
    DIDSyntaxError,
    JSONParseError,
    KeyFormatError,
    UsageError,
    VcidError,
)

if TYPE_CHECKING:
    from vcid.did.web import HTTPSFetcher

INVALID_DID: Final = "invalidDid"
INVALID_DID_URL: Final = "invalidDidUrl"
NOT_FOUND: Final = "notFound"
METHOD_NOT_SUPPORTED: Final = "methodNotSupported"
REPRESENTATION_NOT_SUPPORTED: Final = "representationNotSupported"
INVALID_PUBLIC_KEY: Final = "invalidPublicKey"
INVALID_DID_DOCUMENT: Final = "invalidDidDocument"
INTERNAL_ERROR: Final = "internalError"

ERROR_CODES: Final = frozenset(
    {
        INVALID_DID,
        INVALID_DID_URL,
        NOT_FOUND,
        METHOD_NOT_SUPPORTED,
        REPRESENTATION_NOT_SUPPORTED,
        INVALID_PUBLIC_KEY,
        INVALID_DID_DOCUMENT,
        INTERNAL_ERROR,
    }
)
"""The DID Resolution error codes vcid reports."""

DID_JSON: Final = "application/did+json"
DID_LD_JSON: Final = "application/did+ld+json"


@dataclass(frozen=True, slots=True)
class ResolutionResult:
    """The outcome of resolving one DID (DID Resolution §"DID Resolution Result").

    Exactly one of ``did_document`` and ``resolution_metadata["error"]`` is
    set. Build one with :meth:`success` or :meth:`failure`.
    """

    did_document: DIDDocument | None
    document_metadata: JsonObject = field(default_factory=dict)
    resolution_metadata: JsonObject = field(default_factory=dict)

    @classmethod
    def success(
        cls,
        document: DIDDocument,
        *,
        content_type: str = DID_JSON,
        document_metadata: JsonObject | None = None,
    ) -> ResolutionResult:
        """A successful result carrying ``document``."""
        return cls(
            document,
            dict(document_metadata or {}),
            {"contentType": content_type},
        )

    @classmethod
    def failure(cls, error: str, message: str = "") -> ResolutionResult:
        """A failed result with a DID Resolution error code.

        :raises UsageError: if ``error`` is not one of :data:`ERROR_CODES`.
        """
        if error not in ERROR_CODES:
            raise UsageError("unknown DID Resolution error code")
        metadata: JsonObject = {"error": error}
        if message:
            metadata["errorMessage"] = message
        return cls(None, {}, metadata)

    @property
    def error(self) -> str | None:
        """The DID Resolution error code, or None on success."""
        value = self.resolution_metadata.get("error")
        return value if isinstance(value, str) else None


@runtime_checkable
class DIDMethod(Protocol):
    """A DID method driver: resolves DIDs of one method name."""

    @property
    def name(self) -> str:
        """The method name, e.g. ``"key"``."""
        ...

    def resolve(self, did: DID) -> ResolutionResult:
        """Resolve a parsed DID of this method."""
        ...


@runtime_checkable
class DIDResolver(Protocol):
    """Anything that resolves DID strings."""

    def resolve(self, did: str) -> ResolutionResult:
        """Resolve ``did``; failures are reported in the result."""
        ...


def error_code_for(exc: VcidError) -> str:
    """The DID Resolution error code that stands for a vcid exception."""
    if isinstance(exc, DIDResolutionError):
        return exc.error if exc.error in ERROR_CODES else INTERNAL_ERROR
    if isinstance(exc, DIDSyntaxError):
        return INVALID_DID
    if isinstance(exc, KeyFormatError):
        return INVALID_PUBLIC_KEY
    if isinstance(exc, DIDDocumentError):
        return INVALID_DID_DOCUMENT
    if isinstance(exc, JSONParseError):
        return REPRESENTATION_NOT_SUPPORTED
    return INTERNAL_ERROR


class ResolverRegistry:
    """Resolves DIDs by dispatching on the method name to registered drivers.

    :param methods: the drivers; two drivers may not share a name.
    :raises UsageError: for two drivers with the same name.
    """

    def __init__(self, methods: Iterable[DIDMethod]) -> None:
        self._methods: dict[str, DIDMethod] = {}
        for method in methods:
            if method.name in self._methods:
                raise UsageError("two DID method drivers share one name")
            self._methods[method.name] = method

    @property
    def method_names(self) -> tuple[str, ...]:
        """The DID methods this registry resolves, sorted."""
        return tuple(sorted(self._methods))

    def resolve(self, did: str) -> ResolutionResult:
        """Resolve ``did`` (DID Resolution §"resolve"); never raises for bad input.

        :param did: the DID string (no path, query or fragment).
        :returns: a result whose ``error`` is ``invalidDid``,
            ``methodNotSupported`` or the driver's error on failure.
        """
        try:
            parsed = parse_did(did)
        except DIDSyntaxError:
            return ResolutionResult.failure(INVALID_DID, "not a valid DID")
        driver = self._methods.get(parsed.method)
        if driver is None:
            return ResolutionResult.failure(METHOD_NOT_SUPPORTED, "DID method is not supported")
        try:
            result = driver.resolve(parsed)
        except VcidError as exc:
            return ResolutionResult.failure(error_code_for(exc), str(exc))
        document = result.did_document
        if result.error is None and (document is None or document.id != str(parsed)):
            return ResolutionResult.failure(
                INVALID_DID_DOCUMENT, "driver returned a document for another DID"
            )
        return result

    def resolve_document(self, did: str) -> DIDDocument:
        """Resolve ``did`` to its DID document.

        :raises DIDResolutionError: with ``error`` set to the DID Resolution
            error code when resolution fails.
        """
        result = self.resolve(did)
        if result.did_document is None:
            code = result.error or INTERNAL_ERROR
            raise DIDResolutionError(f"DID resolution failed: {code}", error=code)
        return result.did_document

    def resolve_verification_method(self, vm_url: str, *, relationship: str) -> VerificationMethod:
        """Dereference a verification method DID URL for a relationship.

        :param vm_url: the absolute DID URL, e.g. ``did:key:z6Mk...#z6Mk...``.
        :param relationship: the needed relationship, e.g. ``assertionMethod``.
        :raises DIDResolutionError: (indeterminate) if ``vm_url`` is not a DID
            URL (``invalidDidUrl``) or its DID does not resolve.
        :raises PurposeMismatch: if the method is not listed under
            ``relationship``.
        :raises ControllerMismatch: if the method's controller is not its DID.
        :raises UsageError: for an unknown relationship name.
        """
        try:
            url = parse_did_url(vm_url)
        except DIDSyntaxError:
            raise DIDResolutionError(
                "verification method is not a DID URL", error=INVALID_DID_URL
            ) from None
        document = self.resolve_document(str(url.did))
        return document.verification_method(vm_url, relationship=relationship)


def default_resolver(*, web_fetcher: HTTPSFetcher | None = None) -> ResolverRegistry:
    """A registry for did:key and did:jwk, plus did:web when given a fetcher.

    :param web_fetcher: the HTTPS fetcher did:web uses; without it did:web
        resolves to ``methodNotSupported``.
    """
    # The drivers import this module, so they are imported here, not above.
    from vcid.did.jwk import DIDJwkMethod  # noqa: PLC0415
    from vcid.did.key import DIDKeyMethod  # noqa: PLC0415

    methods: list[DIDMethod] = [DIDKeyMethod(), DIDJwkMethod()]
    if web_fetcher is not None:
        from vcid.did.web import DIDWebMethod  # noqa: PLC0415

        methods.append(DIDWebMethod(web_fetcher))
    return ResolverRegistry(methods)


__all__ = [
    "DID_JSON",
    "DID_LD_JSON",
    "ERROR_CODES",
    "INTERNAL_ERROR",
    "INVALID_DID",
    "INVALID_DID_DOCUMENT",
    "INVALID_DID_URL",
    "INVALID_PUBLIC_KEY",
    "METHOD_NOT_SUPPORTED",
    "NOT_FOUND",
    "REPRESENTATION_NOT_SUPPORTED",
    "DIDMethod",
    "DIDResolver",
    "ResolutionResult",
    "ResolverRegistry",
    "default_resolver",
    "error_code_for",
]
