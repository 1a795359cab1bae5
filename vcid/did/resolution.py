"""DID resolution's shared vocabulary: results, error codes, driver protocols.

The DID method drivers (:mod:`vcid.did.key`, :mod:`vcid.did.jwk`,
:mod:`vcid.did.web`) and the registry (:mod:`vcid.did.resolver`) import this
module; it imports none of them, so the package has no import cycle.

Error codes are the DID Resolution ones, written in camelCase as vcid always
has (``invalidDid`` for ``https://www.w3.org/ns/did#INVALID_DID``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol, runtime_checkable

from vcid._json import JsonObject
from vcid.cache import LRUCache
from vcid.did.document import DIDDocument
from vcid.did.syntax import DID
from vcid.errors import (
    DIDDocumentError,
    DIDResolutionError,
    DIDSyntaxError,
    FetchError,
    JSONParseError,
    KeyFormatError,
    UsageError,
    VcidError,
)

INVALID_DID: Final = "invalidDid"
INVALID_DID_URL: Final = "invalidDidUrl"
INVALID_OPTIONS: Final = "invalidOptions"
NOT_FOUND: Final = "notFound"
METHOD_NOT_SUPPORTED: Final = "methodNotSupported"
FEATURE_NOT_SUPPORTED: Final = "featureNotSupported"
REPRESENTATION_NOT_SUPPORTED: Final = "representationNotSupported"
INVALID_PUBLIC_KEY: Final = "invalidPublicKey"
INVALID_DID_DOCUMENT: Final = "invalidDidDocument"
INTERNAL_ERROR: Final = "internalError"

ERROR_CODES: Final = frozenset(
    {
        INVALID_DID,
        INVALID_DID_URL,
        INVALID_OPTIONS,
        NOT_FOUND,
        METHOD_NOT_SUPPORTED,
        FEATURE_NOT_SUPPORTED,
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
    """A DID method driver: resolves DIDs of one method name.

    ``version_id`` and ``version_time`` are the DID Resolution options of
    the same names (DID Resolution §"DID Resolution Options"), already
    checked by the registry (a non-empty string; an aware datetime). A
    method without a version history answers a historic query with
    :func:`no_history`; one with a history may set a ``has_history = True``
    attribute, and then a proof's ``created`` time is passed to it as
    ``version_time`` (see ``ResolverRegistry.resolve_verification_method_as_of``).
    """

    @property
    def name(self) -> str:
        """The method name, e.g. ``"key"``."""
        ...

    def resolve(
        self,
        did: DID,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve a parsed DID of this method (the current version by default)."""
        ...


@runtime_checkable
class DIDResolver(Protocol):
    """Anything that resolves DID strings."""

    def resolve(
        self,
        did: str,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve ``did``; failures are reported in the result."""
        ...


def no_history(
    method: str, version_id: str | None, version_time: datetime | None
) -> ResolutionResult | None:
    """The failure a method without versions returns for a historic query.

    DID Resolution §"Resolving Algorithm" step 2: options the resolver does
    not support give ``FEATURE_NOT_SUPPORTED`` (``featureNotSupported``).

    :returns: None when neither option is set (resolve the DID as usual).
    """
    if version_id is None and version_time is None:
        return None
    return ResolutionResult.failure(
        FEATURE_NOT_SUPPORTED, f"did:{method} has no version history (versionId, versionTime)"
    )


def resolve_derived(
    did: DID,
    *,
    method: str,
    version_id: str | None,
    version_time: datetime | None,
    derive: Callable[[str], JsonObject],
    cache: LRUCache[str, DIDDocument],
) -> ResolutionResult:
    """Resolve a DID whose document is derived from the DID itself (did:key, did:jwk).

    Such a DID has one version (a historic query gives
    ``featureNotSupported``), and its document never changes, so it is
    cached by DID; a failure comes back as a result, never cached.
    """
    refused = no_history(method, version_id, version_time)
    if refused is not None:
        return refused
    text = str(did)
    document = cache.get(text)
    if document is None:
        try:
            document = DIDDocument.from_json(derive(text), did=text)
        except VcidError as exc:
            return ResolutionResult.failure(error_code_for(exc), str(exc))
        cache.put(text, document)
    return ResolutionResult.success(document, content_type=DID_LD_JSON)


def error_code_for(exc: VcidError) -> str:
    """The DID Resolution error code that stands for a vcid exception."""
    if isinstance(exc, DIDResolutionError):
        return exc.error if exc.error in ERROR_CODES else INTERNAL_ERROR
    if isinstance(exc, FetchError):
        return NOT_FOUND if exc.status in (404, 410) else INTERNAL_ERROR
    if isinstance(exc, DIDSyntaxError):
        return INVALID_DID
    if isinstance(exc, KeyFormatError):
        return INVALID_PUBLIC_KEY
    if isinstance(exc, DIDDocumentError):
        return INVALID_DID_DOCUMENT
    if isinstance(exc, JSONParseError):
        return REPRESENTATION_NOT_SUPPORTED
    return INTERNAL_ERROR


__all__ = [
    "DID_JSON",
    "DID_LD_JSON",
    "ERROR_CODES",
    "FEATURE_NOT_SUPPORTED",
    "INTERNAL_ERROR",
    "INVALID_DID",
    "INVALID_DID_DOCUMENT",
    "INVALID_DID_URL",
    "INVALID_OPTIONS",
    "INVALID_PUBLIC_KEY",
    "METHOD_NOT_SUPPORTED",
    "NOT_FOUND",
    "REPRESENTATION_NOT_SUPPORTED",
    "DIDMethod",
    "DIDResolver",
    "ResolutionResult",
    "error_code_for",
    "no_history",
    "resolve_derived",
]
