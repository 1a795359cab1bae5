"""did:web (https://w3c-ccg.github.io/did-method-web/): DID documents over HTTPS.

``did:web:example.com`` reads ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A8443:users:alice`` reads
``https://example.com:8443/users/alice/did.json`` (§"Read (Resolve)").
The fetcher speaks HTTPS only, follows redirects only to HTTPS, and caps the
body size; the method caches documents for a bounded time in a bounded map.
"""

from __future__ import annotations

import ipaddress
import re
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Final, Protocol, runtime_checkable
from urllib.parse import quote, unquote, urlsplit

from vcid._json import load_object
from vcid.did.document import DIDDocument
from vcid.did.resolver import (
    INTERNAL_ERROR,
    INVALID_DID,
    NOT_FOUND,
    ResolutionResult,
    error_code_for,
)
from vcid.did.syntax import DID
from vcid.errors import DIDResolutionError, DIDSyntaxError, UsageError, VcidError

DEFAULT_MAX_BYTES: Final = 256 * 1024
MAX_PATH_SEGMENTS: Final = 32
_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


@runtime_checkable
class HTTPSFetcher(Protocol):
    """Fetches the body of an HTTPS URL."""

    def fetch(self, url: str) -> bytes:
        """Return the body of a 200 response to a GET of ``url``.

        :raises DIDResolutionError: ``notFound`` when the server has no
            document, ``internalError`` for transport failures and limits.
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


class _HTTPSOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to https URLs, at most a few times."""

    max_redirections = 3

    def redirect_request(  # noqa: PLR0917 (the stdlib signature)
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Mapping[str, str],  # type: ignore[override]
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme != "https":
            raise DIDResolutionError(
                "did:web redirect to a non-https URL refused", error=INTERNAL_ERROR
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


class UrllibFetcher:
    """An :class:`HTTPSFetcher` on :mod:`urllib`: HTTPS only, size-capped.

    Proxies come only from ``proxies`` (environment variables are ignored,
    so that resolution does not depend on ambient configuration).

    :param ssl_context: the TLS context; the default verifies certificates
        against the system trust store.
    :param timeout: seconds allowed for connecting and for each read.
    :param max_bytes: the largest body accepted.
    :param proxies: an explicit ``{"https": url}`` proxy map, if any.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None = None,
        *,
        timeout: float = 5.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        proxies: Mapping[str, str] | None = None,
    ) -> None:
        if timeout <= 0 or max_bytes <= 0:
            raise UsageError("timeout and max_bytes must be positive")
        self._timeout = timeout
        self._max_bytes = max_bytes
        context = ssl_context or ssl.create_default_context()
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler(dict(proxies or {})),
            urllib.request.HTTPSHandler(context=context),
            _HTTPSOnlyRedirects(),
        )

    def fetch(self, url: str) -> bytes:
        """GET ``url`` and return the body of a 200 response.

        :raises UsageError: for a URL that is not https.
        :raises DIDResolutionError: ``notFound`` for 404 and 410, else
            ``internalError`` (other status, TLS or network failure, a body
            over ``max_bytes``, a redirect away from https).
        """
        if urlsplit(url).scheme != "https":
            raise UsageError("did:web documents are fetched over https only")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url,
            headers={
                "Accept": "application/did+json, application/json",
                "User-Agent": "vcid",
            },
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                if response.status != 200:
                    raise DIDResolutionError(
                        f"did:web server answered HTTP {response.status}",
                        error=INTERNAL_ERROR,
                    )
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > self._max_bytes:
                    raise self._too_large()
                body: bytes = response.read(self._max_bytes + 1)
        except urllib.error.HTTPError as exc:
            code = NOT_FOUND if exc.code in (404, 410) else INTERNAL_ERROR
            raise DIDResolutionError(
                f"did:web server answered HTTP {exc.code}", error=code
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = type(getattr(exc, "reason", exc)).__name__
            raise DIDResolutionError(
                f"did:web document could not be fetched ({reason})",
                error=INTERNAL_ERROR,
            ) from None
        if len(body) > self._max_bytes:
            raise self._too_large()
        return body

    def _too_large(self) -> DIDResolutionError:
        return DIDResolutionError(
            f"did:web document larger than {self._max_bytes} bytes",
            error=INTERNAL_ERROR,
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
        self._ttl = cache_ttl
        self._size = cache_size
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, DIDDocument]] = OrderedDict()
        self._lock = threading.Lock()

    def resolve(self, did: DID) -> ResolutionResult:
        """Resolve a did:web DID (did:web §"Read (Resolve)").

        Failures come back as results: ``invalidDid`` for a DID that maps to
        no URL, the fetcher's code, ``representationNotSupported`` for a body
        that is not strict JSON, ``invalidDidDocument`` for a document whose
        ``id`` is not the DID or that breaks DID Core, ``invalidPublicKey``
        for unusable keys.
        """
        key = str(did)
        cached = self._cached(key)
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
        self._store(key, document)
        return ResolutionResult.success(document)

    def _cached(self, key: str) -> DIDDocument | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            expires, document = entry
            if self._clock() >= expires:
                del self._cache[key]
                return None
            self._cache.move_to_end(key)
            return document

    def _store(self, key: str, document: DIDDocument) -> None:
        if self._ttl <= 0 or self._size == 0:
            return
        with self._lock:
            self._cache[key] = (self._clock() + self._ttl, document)
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)

    def clear_cache(self) -> None:
        """Forget every cached document."""
        with self._lock:
            self._cache.clear()


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DIDWebMethod",
    "HTTPSFetcher",
    "UrllibFetcher",
    "did_web_url",
]
