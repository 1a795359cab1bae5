"""did:web (https://w3c-ccg.github.io/did-method-web/): DID documents over HTTPS.

``did:web:example.com`` reads ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A8443:users:alice`` reads
``https://example.com:8443/users/alice/did.json`` (§"Read (Resolve)").
Documents are fetched with vcid's one HTTPS client (:func:`did_web_fetcher`
builds it with did:web's limits: HTTPS only, at most three redirects, each
to HTTPS, a 256 KiB body); the method caches documents for a bounded time in
a bounded :class:`~vcid.cache.LRUCache`.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
import time
from collections.abc import Callable
from datetime import datetime
from typing import Final, Protocol, runtime_checkable
from urllib.parse import quote, unquote

from vcid._json import load_object
from vcid.cache import LRUCache
from vcid.did.document import DIDDocument
from vcid.did.resolution import (
    INVALID_DID,
    ResolutionResult,
    error_code_for,
    no_history,
)
from vcid.did.syntax import DID
from vcid.errors import DIDSyntaxError, UsageError, VcidError
from vcid.transport import HTTPSClient

DEFAULT_MAX_BYTES: Final = 256 * 1024
#: Redirects followed when fetching a document (each to an https URL).
MAX_REDIRECTS: Final = 3
MAX_PATH_SEGMENTS: Final = 32
_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


@runtime_checkable
class HTTPSFetcher(Protocol):
    """Fetches the body of an HTTPS URL."""

    def fetch(self, url: str) -> bytes:
        """Return the body of a 200 response to a GET of ``url``.

        :raises FetchError: when the document cannot be had (its ``status``
            404 or 410 resolves to ``notFound``, anything else to
            ``internalError``); a :class:`DIDResolutionError` is passed on.
        """
        ...


def did_web_url(did: DID) -> str:
    """The HTTPS URL of a did:web DID's document (did:web §"Read (Resolve)").

    :param did: a parsed ``did:web`` DID.
    :raises DIDSyntaxError: for another method, a host that is not a DNS name
        or IP address, a bad port, or a path segment that is empty, ``.``,
        ``..`` or would contain ``/`` or ``\\`` once decoded.
    """
    if did.method != "web":
        raise DIDSyntaxError("not a did:web DID")
    parts = did.method_specific_id.split(":")
    if len(parts) > MAX_PATH_SEGMENTS + 1:
        raise DIDSyntaxError("did:web path has too many segments")
    host = _host(parts[0])
    segments = [_segment(part) for part in parts[1:]]
    path = "/".join(segments) + "/did.json" if segments else ".well-known/did.json"
    return f"https://{host}/{path}"


def _host(encoded: str) -> str:
    """Decode the host part: only a ``%3A`` before a port may be encoded."""
    name, sep, port = encoded.replace("%3a", "%3A").partition("%3A")
    if "%" in name or "%" in port:
        raise DIDSyntaxError("did:web host may only percent-encode a port colon")
    if sep:
        if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
            raise DIDSyntaxError("did:web port is not a number from 1 to 65535")
        port = f":{int(port)}"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        labels = name.split(".")
        if len(name) > 253 or not all(_LABEL_RE.fullmatch(x) for x in labels):
            raise DIDSyntaxError("did:web host is not a domain name") from None
    return name + port


def _segment(encoded: str) -> str:
    try:
        decoded = unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        raise DIDSyntaxError("did:web path is not percent-encoded UTF-8") from None
    if decoded in ("", ".", "..") or any(c in decoded for c in "/\\?#"):
        raise DIDSyntaxError("did:web path segment is empty, a dot segment or a path")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded):
        raise DIDSyntaxError("did:web path segment has control characters")
    return quote(decoded, safe="-._~!$&'()*+,;=:@")


def did_web_fetcher(
    ssl_context: ssl.SSLContext | None = None,
    *,
    timeout: float = 5.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
    proxy: str | None = None,
) -> HTTPSClient:
    """vcid's HTTPS client with did:web's limits (an :class:`HTTPSFetcher`).

    HTTPS only, at most :data:`MAX_REDIRECTS` redirects, each to HTTPS; no
    proxy from the environment.

    :param ssl_context: the TLS context; the default verifies certificates
        against the system trust store.
    :param timeout: seconds allowed for connecting and for each read.
    :param max_bytes: the largest document accepted.
    :param proxy: an explicit proxy URL, if any.
    :raises UsageError: for a bad option.
    """
    return HTTPSClient(
        ssl_context,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=MAX_REDIRECTS,
        accept="application/did+json, application/json",
        proxy=proxy,
    )


class DIDWebMethod:
    """The did:web driver, with a bounded time-limited cache.

    :param fetcher: how documents are fetched.
    :param cache_ttl: seconds a fetched document is reused; 0 disables.
    :param cache_size: the most documents kept (least recently used go).
    :param clock: a monotonic clock in seconds (injectable for tests).
    """

    name: Final = "web"

    def __init__(
        self,
        fetcher: HTTPSFetcher,
        *,
        cache_ttl: float = 300.0,
        cache_size: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if cache_ttl < 0 or cache_size < 0:
            raise UsageError("cache_ttl and cache_size must not be negative")
        self._fetcher = fetcher
        self._cache: LRUCache[str, DIDDocument] = LRUCache(
            cache_size if cache_ttl > 0 else 0, ttl=cache_ttl or None, clock=clock
        )

    def resolve(
        self,
        did: DID,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve a did:web DID (did:web §"Read (Resolve)").

        Failures come back as results: ``invalidDid`` for a DID that maps to
        no URL, ``notFound`` for a 404 or 410, ``internalError`` for other
        fetch failures, ``representationNotSupported`` for a body that is not
        strict JSON, ``invalidDidDocument`` for a document whose ``id`` is not
        the DID or that breaks DID Core, ``invalidPublicKey`` for unusable
        keys, and ``featureNotSupported`` for a historic query (did:web
        serves only the current document).
        """
        refused = no_history(self.name, version_id, version_time)
        if refused is not None:
            return refused
        key = str(did)
        cached = self._cache.get(key)
        if cached is not None:
            return ResolutionResult.success(cached)
        try:
            url = did_web_url(did)
        except DIDSyntaxError as exc:
            return ResolutionResult.failure(INVALID_DID, str(exc))
        try:
            body = self._fetcher.fetch(url)
            document = DIDDocument.from_json(load_object(body), did=key)
        except VcidError as exc:
            return ResolutionResult.failure(error_code_for(exc), str(exc))
        self._cache.put(key, document)
        return ResolutionResult.success(document)

    def clear_cache(self) -> None:
        """Forget every cached document."""
        self._cache.clear()


__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_REDIRECTS",
    "DIDWebMethod",
    "HTTPSFetcher",
    "did_web_fetcher",
    "did_web_url",
]
