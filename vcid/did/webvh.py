"""did:webvh 1.0 (https://identity.foundation/didwebvh/v1.0/): DIDs with a verifiable history.

``did:webvh:<SCID>:example.com:dids:issuer`` reads the log
``https://example.com/dids/issuer/did.jsonl`` (and, when the DID uses
witnesses, ``did-witness.json`` beside it), verifies every entry
(:mod:`vcid.did.webvh_log`) and returns the current document, or the one
named by a ``versionId`` or in force at a ``versionTime``.

Caching is by content: the verified versions of each SCID are kept, and a
fetched log whose first lines are exactly those versions' lines is checked
only from there on; a fetched log is reused for ``cache_ttl`` seconds. A
log that fails verification is not cached (§"Read (Resolve)").
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote, unquote

import idna

from vcid._json import JsonObject
from vcid.cache import LRUCache
from vcid.did.document import DIDDocument
from vcid.did.resolution import (
    INVALID_DID,
    NOT_FOUND,
    ResolutionResult,
    error_code_for,
)
from vcid.did.syntax import DID
from vcid.did.web import HTTPSFetcher
from vcid.did.webvh_log import (
    DIDLogError,
    LogVersion,
    VerifiedLog,
    scid_of_did,
    verify_log,
)
from vcid.errors import DIDSyntaxError, FetchError, UsageError, VcidError
from vcid.transport import HTTPSClient

#: The largest ``did.jsonl`` accepted (a registrar's log grows by one entry per change).
DEFAULT_MAX_LOG_BYTES: Final = 4 * 1024 * 1024
MAX_PATH_SEGMENTS: Final = 32


def _domain(encoded: str) -> tuple[str, str]:
    """The IDNA host and the ``:port`` (or "") of the domain component."""
    name, sep, port = encoded.replace("%3a", "%3A").partition("%3A")
    if "%3A" in port:
        raise DIDSyntaxError("did:webvh domain has more than one port separator")
    if sep:
        if not port.isascii() or not port.isdigit() or len(port) > 5 or not 0 < int(port) < 65536:
            raise DIDSyntaxError("did:webvh port is not a number from 1 to 65535")
        port = f":{int(port)}"
    try:
        decoded = unquote(name, errors="strict")
    except UnicodeDecodeError:
        raise DIDSyntaxError("did:webvh domain is not percent-encoded UTF-8") from None
    if ":" in decoded or "%" in decoded:
        raise DIDSyntaxError("did:webvh domain has a colon or a bad percent-encoding")
    try:
        ipaddress.ip_address(decoded.strip("[]"))
    except ValueError:
        pass
    else:
        raise DIDSyntaxError("did:webvh domain must not be an IP address")
    try:
        host = idna.encode(decoded, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise DIDSyntaxError("did:webvh domain is not a valid domain name") from None
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(0 < len(x) <= 63 for x in labels):
        raise DIDSyntaxError("did:webvh domain is not a fully qualified domain name")
    if labels[-1].isdigit():
        raise DIDSyntaxError("did:webvh domain must not be an IP address")
    return host, port


def _segment(encoded: str) -> str:
    try:
        decoded = unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        raise DIDSyntaxError("did:webvh path is not percent-encoded UTF-8") from None
    if not decoded or decoded in (".", "..") or any(c in decoded for c in "/\\\x00"):
        raise DIDSyntaxError("did:webvh path segment is empty, a dot segment or has / \\ NUL")
    if decoded != decoded.strip():
        raise DIDSyntaxError("did:webvh path segment begins or ends with whitespace")
    return quote(decoded, safe="-._~!$&'()*+,;=:@")


def webvh_base_url(did: DID) -> str:
    """The HTTPS URL of a did:webvh DID's folder, ending in ``/`` (§"DID to HTTPS").

    For a DID without a path this is the domain's root (the implicit
    ``#files`` service); the log itself is under ``.well-known/``.

    :raises DIDSyntaxError: for another method, a bad SCID, a domain that is
        not a fully qualified name (an IP address, one label), a bad port or
        a bad path segment.
    """
    if did.method != "webvh":
        raise DIDSyntaxError("not a did:webvh DID")
    parts = did.method_specific_id.split(":")
    if len(parts) < 2 or len(parts) > MAX_PATH_SEGMENTS + 2:
        raise DIDSyntaxError("did:webvh is <SCID>:<domain>[:<path>...]")
    try:
        scid_of_did(str(did))
    except DIDLogError:
        raise DIDSyntaxError("did:webvh SCID is not 46 base58btc characters") from None
    host, port = _domain(parts[1])
    segments = [_segment(p) for p in parts[2:]]
    path = "".join(s + "/" for s in segments)
    return f"https://{host}{port}/{path}"


def webvh_log_url(did: DID) -> str:
    """The HTTPS URL of a did:webvh DID's ``did.jsonl`` (§"DID to HTTPS").

    :raises DIDSyntaxError: as :func:`webvh_base_url`.
    """
    base = webvh_base_url(did)
    has_path = len(did.method_specific_id.split(":")) > 2
    return base + ("did.jsonl" if has_path else ".well-known/did.jsonl")


def webvh_witness_url(did: DID) -> str:
    """The URL of the DID's ``did-witness.json``, beside its log."""
    return webvh_log_url(did).removesuffix("did.jsonl") + "did-witness.json"


def did_webvh_fetcher(
    ssl_context: ssl.SSLContext | None = None,
    *,
    timeout: float = 5.0,
    max_bytes: int = DEFAULT_MAX_LOG_BYTES,
    proxy: str | None = None,
) -> HTTPSClient:
    """vcid's HTTPS client with did:webvh's limits (HTTPS only, 3 redirects)."""
    return HTTPSClient(
        ssl_context,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=3,
        accept="text/jsonl, application/jsonl, application/json",
        proxy=proxy,
    )


class StaticFetcher:
    """Serves fixed bodies by URL (a border kit's copies, or tests).

    :param files: URL → body; any other URL fails with a 404 ``FetchError``.
    """

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = dict(files)

    def fetch(self, url: str) -> bytes:
        """The body stored for ``url``.

        :raises FetchError: (status 404) for an unknown URL.
        """
        body = self._files.get(url)
        if body is None:
            raise FetchError("no copy of this URL", status=404)
        return body


def _system_now() -> datetime:
    return datetime.now(UTC)


class DIDWebvhMethod:
    """The did:webvh driver.

    :param fetcher: how the log and witness file are fetched
        (:func:`did_webvh_fetcher`, or a :class:`StaticFetcher` offline).
    :param cache_ttl: seconds a fetched, verified log is reused; 0 disables.
    :param cache_size: the most DIDs kept in each cache.
    :param now: the resolver's clock (aware), for the future-time check.
    :param clock: a monotonic clock in seconds, for the cache.
    """

    name: Final = "webvh"
    #: Proofs are checked against the document as of their ``created`` time.
    has_history: Final = True

    def __init__(
        self,
        fetcher: HTTPSFetcher,
        *,
        cache_ttl: float = 300.0,
        cache_size: int = 256,
        now: Callable[[], datetime] = _system_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if cache_ttl < 0 or cache_size < 0:
            raise UsageError("cache_ttl and cache_size must not be negative")
        self._fetcher = fetcher
        self._now = now
        self._logs: LRUCache[str, VerifiedLog] = LRUCache(
            cache_size if cache_ttl > 0 else 0, ttl=cache_ttl or None, clock=clock
        )
        self._verified: LRUCache[str, tuple[LogVersion, ...]] = LRUCache(cache_size)
        # By content: a versionId is the hash of its entry, so its document never changes.
        self._documents: LRUCache[tuple[str, str], DIDDocument] = LRUCache(cache_size * 4)
        self._urls: LRUCache[str, str] = LRUCache(cache_size)

    def clear_cache(self) -> None:
        """Forget fetched logs and verified prefixes."""
        self._logs.clear()
        self._verified.clear()
        self._documents.clear()

    def verified_log(self, did: DID) -> VerifiedLog:
        """Fetch and verify the DID's log (from the cache when fresh).

        :raises DIDSyntaxError: for a DID that maps to no URL.
        :raises FetchError: when the log cannot be fetched.
        :raises DIDLogError: when not even its first entry verifies.
        """
        url = self._urls.get(str(did))
        if url is None:
            url = webvh_log_url(did)
            self._urls.put(str(did), url)
        cached = self._logs.get(url)
        if cached is not None:
            return cached
        body = self._fetcher.fetch(url)
        scid = scid_of_did(str(did))

        def witnesses() -> bytes | None:
            try:
                return self._fetcher.fetch(webvh_witness_url(did))
            except FetchError as exc:
                if exc.status in (404, 410):
                    return None
                raise

        log = verify_log(
            body, now=self._now(), witness_file=witnesses, verified=self._verified.get(scid) or ()
        )
        if log.scid == scid:
            self._verified.put(scid, log.versions)
            if log.error is None:
                self._logs.put(url, log)
        return log

    def resolve(
        self,
        did: DID,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult:
        """Resolve a did:webvh DID (§"Read (Resolve)"), or one of its versions.

        Failures come back as results: ``invalidDid`` for a DID that maps to
        no URL or a log that does not verify (the message names the rule:
        hash chain, SCID, authorisation, pre-rotation, witnesses, a
        malformed line), ``notFound`` for a missing log, a ``versionId`` not
        in it, a ``versionTime`` before the DID existed or a deactivated DID
        (its metadata then says ``deactivated``), ``internalError`` for other
        fetch failures.
        """
        try:
            log = self.verified_log(did)
        except VcidError as exc:
            return ResolutionResult.failure(error_code_for(exc), str(exc))
        selected = _select(log, str(did), version_id, version_time)
        if isinstance(selected, ResolutionResult):
            return selected
        chosen, metadata = selected
        key = (str(did), chosen.version_id)
        document = self._documents.get(key)
        if document is None:
            try:
                document = DIDDocument.from_json(chosen.document, did=str(did))
            except VcidError as exc:
                return ResolutionResult.failure(error_code_for(exc), str(exc))
            self._documents.put(key, document)
        return ResolutionResult.success(document, document_metadata=metadata)


def _select(
    log: VerifiedLog, did: str, version_id: str | None, version_time: datetime | None
) -> ResolutionResult | tuple[LogVersion, JsonObject]:
    """The version asked for and its metadata, or the failure to return."""
    if log.scid != scid_of_did(did):
        return ResolutionResult.failure(INVALID_DID, "the log is for another SCID")
    if not any(v.document.get("id") == did for v in log.versions):
        return ResolutionResult.failure(INVALID_DID, "no entry of the log is for this DID")
    chosen: LogVersion | None
    if version_id is not None:
        chosen = next((v for v in log.versions if v.version_id == version_id), None)
        if chosen is None:
            if log.error is not None:
                return ResolutionResult.failure(INVALID_DID, str(log.error))
            return ResolutionResult.failure(NOT_FOUND, "no entry has this versionId")
    elif version_time is not None:
        earlier = [v for v in log.versions if v.version_time <= version_time]
        if not earlier:
            return ResolutionResult.failure(NOT_FOUND, "the DID did not exist at versionTime")
        chosen = earlier[-1]
        if chosen is log.versions[-1] and log.error is not None:
            # What was in force at that time depends on entries that fail.
            return ResolutionResult.failure(INVALID_DID, str(log.error))
    else:
        if log.error is not None:
            return ResolutionResult.failure(INVALID_DID, str(log.error))
        chosen = log.latest
    latest = log.latest
    metadata: JsonObject = {
        "versionId": chosen.version_id,
        "versionTime": chosen.version_time_text,
        "created": log.versions[0].version_time_text,
        "updated": latest.version_time_text,
        **latest.parameters.to_metadata(),
    }
    if chosen is not latest:
        # DID Core §7.1.3: the version after this one, for a walk through history.
        following = log.versions[chosen.version_number]
        metadata["nextVersionId"] = following.version_id
        metadata["nextUpdate"] = following.version_time_text
    if chosen.parameters.deactivated:
        return ResolutionResult(
            None,
            metadata,
            {"error": NOT_FOUND, "errorMessage": "the DID is deactivated"},
        )
    return chosen, metadata


__all__ = [
    "DEFAULT_MAX_LOG_BYTES",
    "DIDWebvhMethod",
    "StaticFetcher",
    "did_webvh_fetcher",
    "webvh_base_url",
    "webvh_log_url",
    "webvh_witness_url",
]
