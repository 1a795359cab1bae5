"""DID resolution: the registry of method drivers (DID Resolution).

:meth:`ResolverRegistry.resolve` follows the DID Resolution algorithm's
contract: it never raises for a bad DID or bad options but returns a
:class:`ResolutionResult` whose ``resolution_metadata["error"]`` holds one of
the DID Resolution error codes (:mod:`vcid.did.resolution`).
:meth:`ResolverRegistry.resolve_document` and
:meth:`ResolverRegistry.resolve_verification_method` raise instead.

This module sits above the drivers: it imports them to build
:func:`default_resolver`, and they import only :mod:`vcid.did.resolution`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from vcid.cache import LRUCache
from vcid.did.document import DIDDocument, VerificationMethod
from vcid.did.jwk import DIDJwkMethod
from vcid.did.key import DIDKeyMethod
from vcid.did.resolution import (
    DID_JSON,
    DID_LD_JSON,
    ERROR_CODES,
    FEATURE_NOT_SUPPORTED,
    INTERNAL_ERROR,
    INVALID_DID,
    INVALID_DID_DOCUMENT,
    INVALID_DID_URL,
    INVALID_OPTIONS,
    INVALID_PUBLIC_KEY,
    METHOD_NOT_SUPPORTED,
    NOT_FOUND,
    REPRESENTATION_NOT_SUPPORTED,
    DIDMethod,
    DIDResolver,
    ResolutionResult,
    error_code_for,
    no_history,
)
from vcid.did.syntax import DIDURL, parse_did, parse_did_url
from vcid.did.web import DIDWebMethod, HTTPSFetcher
from vcid.did.webvh import DIDWebvhMethod
from vcid.errors import DIDResolutionError, DIDSyntaxError, UsageError, VcidError
from vcid.model.datetimes import parse_datetime_stamp

#: The DID parameters (DID Resolution §"DID Parameters") passed on as options.
VERSION_PARAMETERS: Final = ("versionId", "versionTime")
#: Verification methods of immutable DIDs kept per registry (by URL and relationship).
METHOD_CACHE_SIZE: Final = 1024
#: Drivers whose documents are a pure function of the DID (did:key, did:jwk).
_IMMUTABLE: Final = (DIDKeyMethod, DIDJwkMethod)


class ResolverRegistry:
    """Resolves DIDs by dispatching on the method name to registered drivers.

    :param methods: the drivers; two drivers may not share a name.
    :raises UsageError: for two drivers with the same name.
    """

    def __init__(self, methods: Iterable[DIDMethod]) -> None:
        self._methods: dict[str, DIDMethod] = {}
        # Dereferenced methods of did:key / did:jwk URLs (no parameters): the
        # same answer every time, so parsing and lookup are done once.
        # Failures are not cached (they take the full path again).
        self._immutable_methods: LRUCache[tuple[str, str], VerificationMethod] = LRUCache(
            METHOD_CACHE_SIZE
        )
        for method in methods:
            if method.name in self._methods:
                raise UsageError("two DID method drivers share one name")
            self._methods[method.name] = method

    @property
    def method_names(self) -> tuple[str, ...]:
        """The DID methods this registry resolves, sorted."""
        return tuple(sorted(self._methods))

    def resolve(
        self,
        did: str,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve ``did`` (DID Resolution §"resolve"); never raises for bad input.

        :param did: the DID string (no path, query or fragment).
        :param version_id: resolve this version (the ``versionId`` option).
        :param version_time: resolve the version valid at this aware time
            (the ``versionTime`` option).
        :returns: a result whose ``error`` is ``invalidDid``,
            ``methodNotSupported``, ``invalidOptions`` (an empty or non-string
            ``version_id``, a naive ``version_time``) or the driver's error
            (``featureNotSupported`` from a method without history).
        """
        try:
            parsed = parse_did(did)
        except DIDSyntaxError:
            return ResolutionResult.failure(INVALID_DID, "not a valid DID")
        problem = _check_options(version_id, version_time)
        if problem:
            return ResolutionResult.failure(INVALID_OPTIONS, problem)
        driver = self._methods.get(parsed.method)
        if driver is None:
            return ResolutionResult.failure(METHOD_NOT_SUPPORTED, "DID method is not supported")
        try:
            if version_id is None and version_time is None:
                # Drivers written before resolution options still work.
                result = driver.resolve(parsed)
            else:
                result = driver.resolve(parsed, version_id=version_id, version_time=version_time)
        except VcidError as exc:
            return ResolutionResult.failure(error_code_for(exc), str(exc))
        document = result.did_document
        if result.error is None and (document is None or document.id != str(parsed)):
            return ResolutionResult.failure(
                INVALID_DID_DOCUMENT, "driver returned a document for another DID"
            )
        return result

    def resolve_document(
        self,
        did: str,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> DIDDocument:
        """Resolve ``did`` to its DID document (options as for :meth:`resolve`).

        :raises DIDResolutionError: with ``error`` set to the DID Resolution
            error code when resolution fails.
        """
        result = self.resolve(did, version_id=version_id, version_time=version_time)
        if result.did_document is None:
            code = result.error or INTERNAL_ERROR
            raise DIDResolutionError(f"DID resolution failed: {code}", error=code)
        return result.did_document

    def resolve_verification_method(
        self,
        vm_url: str,
        *,
        relationship: str,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> VerificationMethod:
        """Dereference a verification method DID URL for a relationship.

        The URL's ``versionId`` / ``versionTime`` DID parameters (DID
        Resolution §"DID Parameters") are passed on as resolution options,
        and the method is then looked up without them.

        :param vm_url: the absolute DID URL, e.g. ``did:key:z6Mk...#z6Mk...``
            or ``did:example:123?versionId=2#key-1``.
        :param relationship: the needed relationship, e.g. ``assertionMethod``.
        :param version_id: as for :meth:`resolve`; must agree with the URL's.
        :param version_time: as for :meth:`resolve`; must agree with the URL's.
        :raises DIDResolutionError: (indeterminate) if ``vm_url`` is not a DID
            URL (``invalidDidUrl``), its version parameters are malformed or
            disagree with the options (``invalidOptions``), or its DID does
            not resolve.
        :raises PurposeMismatch: if the method is not listed under
            ``relationship``.
        :raises ControllerMismatch: if the method's controller is not its DID.
        :raises UsageError: for an unknown relationship name.
        """
        immutable = version_id is None and version_time is None and self._immutable(vm_url)
        if immutable:
            cached = self._immutable_methods.get((vm_url, relationship))
            if cached is not None:
                return cached
        try:
            url = parse_did_url(vm_url)
        except DIDSyntaxError:
            raise DIDResolutionError(
                "verification method is not a DID URL", error=INVALID_DID_URL
            ) from None
        version_id, version_time = _version_options(url, version_id, version_time)
        document = self.resolve_document(
            str(url.did), version_id=version_id, version_time=version_time
        )
        if any(name in url.params for name in VERSION_PARAMETERS):
            vm_url = _without_versions(url)
        method = document.verification_method(vm_url, relationship=relationship)
        if immutable:
            self._immutable_methods.put((vm_url, relationship), method)
        return method

    def _immutable(self, vm_url: str) -> bool:
        """Whether ``vm_url`` names a method of a built-in immutable DID driver."""
        if type(vm_url) is not str or "?" in vm_url or "/" in vm_url:
            return False
        parts = vm_url.split(":", 2)
        if len(parts) < 3 or parts[0] != "did":
            return False
        return isinstance(self._methods.get(parts[1]), _IMMUTABLE)

    def resolve_verification_method_as_of(
        self, vm_url: str, *, relationship: str, as_of: datetime
    ) -> VerificationMethod:
        """Dereference a verification method as its DID document stood at ``as_of``.

        This is how a proof is checked against history: ``as_of`` is the
        proof's ``created`` time. Unlike an explicit ``version_time``, it is
        passed only to drivers that keep a version history (their
        ``has_history`` is true, as did:webvh's is); did:key, did:jwk and
        did:web resolve their one document as usual. A DID URL's own
        ``versionId`` / ``versionTime`` parameters take precedence.

        :raises DIDResolutionError: as :meth:`resolve_verification_method`;
            ``notFound`` if the DID did not exist at ``as_of``.
        :raises PurposeMismatch: as :meth:`resolve_verification_method`.
        :raises ControllerMismatch: as :meth:`resolve_verification_method`.
        :raises UsageError: for a naive ``as_of``.
        """
        if not isinstance(as_of, datetime) or as_of.utcoffset() is None:
            raise UsageError("as_of must be a timezone-aware datetime")
        try:
            url = parse_did_url(vm_url)
        except DIDSyntaxError:
            raise DIDResolutionError(
                "verification method is not a DID URL", error=INVALID_DID_URL
            ) from None
        driver = self._methods.get(url.did.method)
        explicit = any(name in url.params for name in VERSION_PARAMETERS)
        if explicit or not getattr(driver, "has_history", False):
            return self.resolve_verification_method(vm_url, relationship=relationship)
        return self.resolve_verification_method(
            vm_url, relationship=relationship, version_time=as_of
        )


def _check_options(version_id: object, version_time: object) -> str:
    """Why the resolution options are invalid, or "" if they are valid."""
    if version_id is not None and (not isinstance(version_id, str) or not version_id):
        return "versionId must be a non-empty string"
    if version_time is not None and (
        not isinstance(version_time, datetime) or version_time.utcoffset() is None
    ):
        return "versionTime must be a timezone-aware datetime"
    return ""


def _version_options(
    url: DIDURL, version_id: str | None, version_time: datetime | None
) -> tuple[str | None, datetime | None]:
    """The options from ``url``'s version parameters merged with the given ones."""
    params = url.params
    if "versionId" in params:
        if version_id is not None and version_id != params["versionId"]:
            raise DIDResolutionError("versionId differs from the DID URL's", error=INVALID_OPTIONS)
        version_id = params["versionId"]
    if "versionTime" in params:
        try:
            from_url = parse_datetime_stamp(params["versionTime"])
        except VcidError:
            raise DIDResolutionError(
                "versionTime is not an XML datetime with an offset", error=INVALID_OPTIONS
            ) from None
        if version_time is not None and version_time != from_url:
            raise DIDResolutionError(
                "versionTime differs from the DID URL's", error=INVALID_OPTIONS
            )
        version_time = from_url
    return version_id, version_time


def _without_versions(url: DIDURL) -> str:
    """``url`` as a string without its version parameters (a document's method id)."""
    text = str(url.did) + url.path
    if url.query is not None:
        kept = [
            part for part in url.query.split("&") if part.split("=", 1)[0] not in VERSION_PARAMETERS
        ]
        if kept:
            text += "?" + "&".join(kept)
    if url.fragment is not None:
        text += "#" + url.fragment
    return text


def default_resolver(
    *,
    web_fetcher: HTTPSFetcher | None = None,
    webvh_fetcher: HTTPSFetcher | None = None,
) -> ResolverRegistry:
    """A registry for did:key and did:jwk, plus did:web and did:webvh when given fetchers.

    :param web_fetcher: the HTTPS fetcher did:web uses (for example
        :func:`vcid.did.web.did_web_fetcher`); without it did:web resolves to
        ``methodNotSupported``.
    :param webvh_fetcher: the fetcher did:webvh reads logs with (for example
        :func:`vcid.did.webvh.did_webvh_fetcher`, or a
        :class:`~vcid.did.webvh.StaticFetcher` offline); without it
        did:webvh resolves to ``methodNotSupported``.
    """
    methods: list[DIDMethod] = [DIDKeyMethod(), DIDJwkMethod()]
    if web_fetcher is not None:
        methods.append(DIDWebMethod(web_fetcher))
    if webvh_fetcher is not None:
        methods.append(DIDWebvhMethod(webvh_fetcher))
    return ResolverRegistry(methods)


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
    "VERSION_PARAMETERS",
    "DIDMethod",
    "DIDResolver",
    "ResolutionResult",
    "ResolverRegistry",
    "default_resolver",
    "error_code_for",
    "no_history",
]
