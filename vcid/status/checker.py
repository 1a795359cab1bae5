"""The verifier's side: check a credential's status entries (§3.2 "Validate Algorithm").

:class:`BitstringStatusChecker` implements the verifier's ``StatusChecker``
protocol. For each ``BitstringStatusListEntry`` of a credential it gets the
status list credential (from its cache, or through a fetcher), verifies the
list's proof (``assertionMethod``, controlled by the list's issuer), checks
that the list's id is the URL in the entry, that its issuer is the
credential's issuer, that its ``statusPurpose`` includes the entry's, that
it is within ``validFrom``/``validUntil``, and reads the entry's bits.

Each entry gives one check named ``status[i].<purpose>``:

* revocation bit set: failed, ``REVOKED``; suspension bit set: failed,
  ``SUSPENDED``;
* a message status other than 0: ``alert`` (``MISSING_CHILD_ALERT`` for
  "reported missing: refer to child-protection authorities", otherwise
  ``STATUS_MESSAGE``, naming the entry's ``statusMessage`` for the value),
  which a border policy turns into "refer";
* a multi-bit entry (``statusSize`` > 1) is read as that many bits at
  ``index * statusSize``; any value but 0 of a revocation or suspension
  entry fails; an entry whose ``statusSize`` or ``statusMessage`` differs
  from what its list states fails (``STATUS_SIZE_MISMATCH``);
* a list that cannot be fetched, or a cached copy older than ``max_stale``:
  indeterminate (``STATUS_LIST_UNAVAILABLE``, ``STATUS_LIST_STALE``), never
  valid;
* a tampered list, another issuer's list, the wrong purpose, an expired
  list: failed with a named code.

Privacy (§6): whole lists are fetched by their URL, never anything that
depends on the index; the index never leaves this object. Lists are cached
by URL for their ``ttl``, so repeated checks of the same credential cause
no request an issuer could time.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

from vcid import _json
from vcid.cache import LRUCache
from vcid.environment import VerificationEnvironment, default_environment
from vcid.errors import (
    MISSING_CHILD_ALERT,
    STATUS_MESSAGE,
    FetchError,
    IndeterminateError,
    Revoked,
    StatusEntryError,
    StatusIssuerMismatch,
    StatusListError,
    StatusListExpired,
    StatusListNotYetValid,
    StatusListStale,
    StatusListUnavailable,
    StatusListUnverified,
    StatusPurposeMismatch,
    StatusSizeMismatch,
    Suspended,
    UnsupportedError,
    UsageError,
    VcidError,
)
from vcid.model import Credential, require_aware
from vcid.proofs import AssertionPurpose
from vcid.report import Check, Outcome
from vcid.status.bitstring import StatusBitstring
from vcid.status.credential import (
    MISSING_CHILD_MESSAGE,
    STATUS_PURPOSES,
    StatusEntry,
    StatusListView,
    parse_status_entry,
    parse_status_list,
    status_list_commitment,
)
from vcid.transport import HTTPSClient

#: The largest status list credential fetched, in bytes.
DEFAULT_MAX_LIST_BYTES: Final = 4 * 1024 * 1024
#: The largest status list credential parsed, whatever fetched it.
MAX_LIST_DOCUMENT_BYTES: Final = 32 * 1024 * 1024
#: How long a list without a ``ttl`` is used before it is fetched again.
DEFAULT_TTL: Final = timedelta(minutes=5)
#: The longest a list's own ``ttl`` is honoured.
DEFAULT_MAX_TTL: Final = timedelta(days=1)
#: How long a cached list may be used when it cannot be refreshed.
DEFAULT_MAX_STALE: Final = timedelta(days=1)
#: The most status entries checked on one credential.
MAX_STATUS_ENTRIES: Final = 16
_UNSUPPORTED: Final = UnsupportedError.code


class StatusListFetcher(Protocol):
    """Fetches a status list credential's bytes by URL."""

    def fetch(self, url: str) -> bytes:
        """The body of the list at ``url``.

        :raises StatusListUnavailable: if it cannot be had (a
            :class:`~vcid.errors.FetchError` is read the same way).
        """
        ...


class StatusListAnchor(Protocol):
    """Checks a list version against the issuer's log (optional).

    For example: is this commitment in the issuer's log, at or after a
    checkpoint the verifier trusts? Raise an :class:`InvalidError` for a
    list the log does not have, an :class:`IndeterminateError` if the log
    cannot be consulted.
    """

    def check_status_list(self, commitment: bytes, *, list_url: str, issuer: str) -> None:
        """Accept the list version whose commitment is ``commitment``, or raise."""
        ...


def status_list_fetcher(
    ssl_context: ssl.SSLContext | None = None,
    *,
    timeout: float = 5.0,
    max_bytes: int = DEFAULT_MAX_LIST_BYTES,
    proxy: str | None = None,
    allow_loopback_http: bool = False,
) -> HTTPSClient:
    """vcid's HTTPS client with the status lists' limits (a :class:`StatusListFetcher`).

    Redirects are not followed (a list lives at its own URL). Proxies come
    only from ``proxy`` (environment variables are ignored); a proxy or an
    OHTTP relay hides the verifier's address from the issuer.

    :param ssl_context: the TLS context; the default verifies certificates
        against the system trust store.
    :param timeout: seconds allowed for connecting and for each read.
    :param max_bytes: the largest body accepted.
    :param proxy: an explicit proxy URL, if any.
    :param allow_loopback_http: also accept ``http://`` URLs whose host is a
        loopback address (a border post's local mirror without TLS).
    :raises UsageError: for a bad option.
    """
    return HTTPSClient(
        ssl_context,
        timeout=timeout,
        max_bytes=max_bytes,
        accept="application/vc+ld+json, application/json",
        proxy=proxy,
        allow_loopback_http=allow_loopback_http,
    )


class MirrorFetcher:
    """Fetches lists from a local mirror: URL prefixes rewritten, then fetched.

    The list is still checked against its original URL (its ``id``) and its
    issuer's signature, so a mirror cannot alter it unnoticed.

    :param inner: the fetcher that does the work.
    :param prefixes: ``{original prefix: mirror prefix}``; URLs matching none
        are fetched unchanged.
    """

    def __init__(self, inner: StatusListFetcher, prefixes: Mapping[str, str]) -> None:
        self._inner = inner
        self._prefixes = sorted(dict(prefixes).items(), key=lambda p: -len(p[0]))

    def fetch(self, url: str) -> bytes:
        for original, mirror in self._prefixes:
            if url.startswith(original):
                return self._inner.fetch(mirror + url[len(original) :])
        return self._inner.fetch(url)


@dataclass(slots=True)
class _VerifiedList:
    """A status list whose proof verified, with its decoded bitstrings."""

    url: str
    view: StatusListView
    environment: VerificationEnvironment
    fetched_at: datetime
    fresh_for: timedelta
    bitstrings: dict[int, StatusBitstring | VcidError] = field(default_factory=dict)

    def bitstring(self, status_size: int) -> StatusBitstring:
        found = self.bitstrings.get(status_size)
        if found is None:
            try:
                found = StatusBitstring.decode(self.view.encoded_list, status_size=status_size)
            except VcidError as exc:
                found = exc
            self.bitstrings[status_size] = found
        if isinstance(found, VcidError):
            raise found
        return found


class _Result(Exception):
    """Internal: a finished check for an entry (outcome, code, detail)."""

    def __init__(self, outcome: Outcome, code: str, detail: str) -> None:
        super().__init__(detail)
        self.outcome = outcome
        self.code = code
        self.detail = detail

    @classmethod
    def of(cls, error: VcidError, prefix: str = "") -> _Result:
        outcome = Outcome.INDETERMINATE if isinstance(error, IndeterminateError) else Outcome.FAILED
        return cls(outcome, error.code, prefix + str(error))


class BitstringStatusChecker:
    """Checks ``BitstringStatusListEntry`` status entries for a verifier.

    Pass it as ``CredentialVerifier(status_checker=...)``. Build one and keep
    it: its cache is what makes repeated checks fast and private.

    Lists are verified in the environment the verifier passes to
    :meth:`check_status` (its resolver, contexts, accepted suites, clock
    skew), so a did:web registrar's lists verify wherever its credentials
    do, and a verifier's suite policy reaches its status lists.

    :param fetcher: gets lists by URL; defaults to :func:`status_list_fetcher`.
    :param purposes: the purposes checked; entries with other spec purposes
        are reported as skipped.
    :param default_ttl: how long a list without ``ttl`` stays fresh.
    :param max_ttl: the longest a list's ``ttl`` is honoured.
    :param max_stale: how long after it was fetched a list may still be used
        when it cannot be refreshed; older, the check is indeterminate.
    :param max_list_age: if given, a list whose ``validFrom`` is older than
        this is stale (indeterminate), however recently it was fetched
        (a mirror that stopped updating).
    :param cache_size: the most lists kept (least recently used go first).
    :param anchor: if given, every list version fetched is checked against
        the issuer's log through it.
    :raises UsageError: for a bad option.
    """

    def __init__(
        self,
        *,
        fetcher: StatusListFetcher | None = None,
        purposes: Collection[str] = STATUS_PURPOSES,
        default_ttl: timedelta = DEFAULT_TTL,
        max_ttl: timedelta = DEFAULT_MAX_TTL,
        max_stale: timedelta = DEFAULT_MAX_STALE,
        max_list_age: timedelta | None = None,
        cache_size: int = 128,
        anchor: StatusListAnchor | None = None,
    ) -> None:
        for name, value in (
            ("default_ttl", default_ttl),
            ("max_ttl", max_ttl),
            ("max_stale", max_stale),
        ):
            if not isinstance(value, timedelta) or value < timedelta(0):
                raise UsageError(f"{name} must be a non-negative timedelta")
        if max_list_age is not None and (
            not isinstance(max_list_age, timedelta) or max_list_age <= timedelta(0)
        ):
            raise UsageError("max_list_age must be a positive timedelta or None")
        if not isinstance(cache_size, int) or cache_size < 0:
            raise UsageError("cache_size must be a non-negative integer")
        if isinstance(purposes, str) or any(p not in STATUS_PURPOSES for p in purposes):
            raise UsageError(f"purposes must be some of {', '.join(STATUS_PURPOSES)}")
        self._fetcher: StatusListFetcher = fetcher or status_list_fetcher()
        self._purposes = frozenset(purposes)
        self._default_ttl = default_ttl
        self._max_ttl = max_ttl
        self._max_stale = max_stale
        self._max_age = max_list_age
        self._anchor = anchor
        self._cache: LRUCache[str, _VerifiedList] = LRUCache(cache_size)

    def __repr__(self) -> str:
        return f"BitstringStatusChecker(purposes={sorted(self._purposes)})"

    def clear_cache(self) -> None:
        """Forget every cached list."""
        self._cache.clear()

    def check_status(
        self,
        credential: Credential,
        *,
        now: datetime,
        environment: VerificationEnvironment | None = None,
    ) -> tuple[Check, ...]:
        """One check per status entry of ``credential`` (never raises for bad data).

        :param credential: the credential's typed view (``validate_credential``).
        :param now: the verification time (aware).
        :param environment: the environment the lists are verified in (the
            verifier passes its own); defaults to the offline default.
        :raises UsageError: for a naive ``now``, a non-credential or a bad
            environment.
        """
        require_aware(now, "now")
        if not isinstance(credential, Credential):
            raise UsageError("credential must be a vcid.model.Credential")
        if environment is None:
            environment = default_environment()
        elif not isinstance(environment, VerificationEnvironment):
            raise UsageError("environment must be a VerificationEnvironment")
        entries = credential.status_entries
        if not entries:
            return (Check.skipped("status", "the credential has no status entry"),)
        if len(entries) > MAX_STATUS_ENTRIES:
            return (
                Check(
                    "status",
                    Outcome.INDETERMINATE,
                    _UNSUPPORTED,
                    f"more than {MAX_STATUS_ENTRIES} status entries",
                ),
            )
        lists: dict[str, _VerifiedList | _Result] = {}
        return tuple(
            self._check_entry(
                index, entry, credential.issuer_id, now, lists, environment=environment
            )
            for index, entry in enumerate(entries)
        )

    # --- one entry ------------------------------------------------------------------

    def _check_entry(
        self,
        position: int,
        raw: Mapping[str, object],
        issuer: str,
        now: datetime,
        lists: dict[str, _VerifiedList | _Result],
        *,
        environment: VerificationEnvironment,
    ) -> Check:
        purpose = raw.get("statusPurpose")
        name = f"status[{position}]"
        if isinstance(purpose, str) and purpose in STATUS_PURPOSES:
            name += f".{purpose}"
        types = raw.get("type")
        type_names = [types] if isinstance(types, str) else types
        if not isinstance(type_names, list) or "BitstringStatusListEntry" not in type_names:
            return Check(
                name, Outcome.INDETERMINATE, _UNSUPPORTED, "the status entry type is not supported"
            )
        try:
            entry = parse_status_entry(raw)
        except StatusEntryError as exc:
            return Check.from_error(name, exc)
        if entry.purpose not in STATUS_PURPOSES:
            return Check(
                name, Outcome.INDETERMINATE, _UNSUPPORTED, "the status purpose is not supported"
            )
        if entry.purpose not in self._purposes:
            return Check.skipped(name, f"{entry.purpose} status is not checked by this verifier")
        try:
            held = lists.get(entry.list_url)
            if held is None:
                try:
                    held = self._list(entry.list_url, now, environment)
                except _Result as result:
                    held = result
                lists[entry.list_url] = held
            if isinstance(held, _Result):
                raise held
            return self._read(name, entry, held, issuer, now)
        except _Result as result:
            return Check(name, result.outcome, result.code, result.detail)

    def _read(
        self, name: str, entry: StatusEntry, held: _VerifiedList, issuer: str, now: datetime
    ) -> Check:
        view = held.view
        skew = held.environment.max_clock_skew
        try:
            if view.issuer_id != issuer:
                raise StatusIssuerMismatch(
                    "the status list was not issued by the credential's issuer"
                )
            if entry.purpose not in view.purposes:
                raise StatusPurposeMismatch(
                    f"the status list's statusPurpose does not include {entry.purpose}"
                )
            _check_scheme(entry, view)
            if view.valid_from is not None and now + skew < view.valid_from:
                raise StatusListNotYetValid("the status list is not valid yet (validFrom)")
            if view.valid_until is not None and now - skew > view.valid_until:
                raise StatusListExpired("the status list has expired (validUntil)")
            if (
                self._max_age is not None
                and view.valid_from is not None
                and now - view.valid_from > self._max_age
            ):
                raise StatusListStale("the status list is older than this verifier accepts")
            value = held.bitstring(entry.status_size).get(entry.index)
        except VcidError as exc:
            return Check.from_error(name, exc)
        return _outcome(name, entry, value)

    # --- lists ------------------------------------------------------------------------

    def _list(self, url: str, now: datetime, environment: VerificationEnvironment) -> _VerifiedList:
        """The verified list at ``url``: cached if fresh, else fetched.

        A cached list counts only if it was verified in ``environment``.
        """
        cached = self._cache.get(url)
        if cached is not None and cached.environment is not environment:
            cached = None
        if cached is not None and now - cached.fetched_at < cached.fresh_for:
            return cached
        try:
            body = self._fetcher.fetch(url)
        except (VcidError, OSError) as exc:
            error = (
                exc
                if isinstance(exc, VcidError) and not isinstance(exc, FetchError)
                else StatusListUnavailable(
                    f"the status list could not be fetched: {exc}"
                    if isinstance(exc, FetchError)
                    else f"the status list could not be fetched ({type(exc).__name__})"
                )
            )
            if not isinstance(error, IndeterminateError):
                raise _Result.of(error) from None
            if cached is not None and now - cached.fetched_at <= self._max_stale:
                return cached  # a recent enough copy while the server is away
            if cached is not None:
                raise _Result.of(
                    StatusListStale(
                        "the status list cannot be refreshed and the cached copy is too old"
                    )
                ) from None
            raise _Result.of(error) from None
        verified = self._verify(url, body, now, environment)
        self._cache.put(url, verified)
        return verified

    def _verify(
        self, url: str, body: bytes, now: datetime, environment: VerificationEnvironment
    ) -> _VerifiedList:
        try:
            document = _json.load_object(body, max_bytes=MAX_LIST_DOCUMENT_BYTES)
        except VcidError as exc:
            raise _Result.of(StatusListError(f"the status list is not JSON: {exc}")) from None
        try:
            view = parse_status_list(document)
        except VcidError as exc:
            raise _Result.of(exc) from None
        if view.id != url:
            raise _Result.of(StatusListError("the status list's id is not the URL the entry names"))
        checks = environment.verify_proofs(
            document, purpose=AssertionPurpose(expected_controller=view.issuer_id), now=now
        )
        for check in checks:
            if check.outcome is Outcome.FAILED:
                raise _Result(
                    Outcome.FAILED,
                    StatusListUnverified.code,
                    f"the status list's proof does not verify ({check.name}: {check.code})",
                )
        for check in checks:
            if check.outcome is Outcome.INDETERMINATE:
                raise _Result(
                    Outcome.INDETERMINATE,
                    check.code,
                    f"the status list's proof could not be checked ({check.name})",
                )
        if self._anchor is not None:
            try:
                self._anchor.check_status_list(
                    status_list_commitment(document), list_url=url, issuer=view.issuer_id
                )
            except VcidError as exc:
                raise _Result.of(exc, "the status list's log check: ") from None
        ttl = view.ttl if view.ttl is not None else self._default_ttl
        return _VerifiedList(
            url=url,
            view=view,
            environment=environment,
            fetched_at=now,
            fresh_for=min(ttl, self._max_ttl),
        )


def _check_scheme(entry: StatusEntry, view: StatusListView) -> None:
    """The entry's ``statusSize`` and messages must be the list's, where it states them."""
    if view.status_size is not None and view.status_size != entry.status_size:
        raise StatusSizeMismatch(
            f"the entry's statusSize {entry.status_size} is not the status list's "
            f"{view.status_size}"
        )
    if view.messages is not None and entry.messages and view.messages != entry.messages:
        raise StatusSizeMismatch("the entry's statusMessage differs from the status list's")


def _outcome(name: str, entry: StatusEntry, value: int) -> Check:
    """§3.2 step 12-13: what the status value means for the entry's purpose."""
    # A multi-bit value is named with the registrar's message (never credential data).
    why = f" (status 0x{value:x}: {entry.message_for(value)})" if entry.status_size > 1 else ""
    if entry.purpose == "revocation":
        if value:
            return Check.from_error(name, Revoked("the credential has been revoked" + why))
        return Check.passed(name, "not revoked")
    if entry.purpose == "suspension":
        if value:
            return Check.from_error(name, Suspended("the credential is suspended" + why))
        return Check.passed(name, "not suspended")
    message = entry.message_for(value)
    if entry.purpose == "refresh":
        return Check.passed(name, "a refreshed credential is available" if value else "current")
    status = f"0x{value:x}"
    if value == 0:
        return Check.passed(name, f"status {status}" + (f": {message}" if message else ""))
    code = MISSING_CHILD_ALERT if message == MISSING_CHILD_MESSAGE else STATUS_MESSAGE
    return Check(name, Outcome.ALERT, code, message or f"status {status} (no message given)")


__all__ = [
    "DEFAULT_MAX_LIST_BYTES",
    "DEFAULT_MAX_STALE",
    "DEFAULT_MAX_TTL",
    "DEFAULT_TTL",
    "MAX_LIST_DOCUMENT_BYTES",
    "MAX_STATUS_ENTRIES",
    "BitstringStatusChecker",
    "MirrorFetcher",
    "StatusListAnchor",
    "StatusListFetcher",
    "status_list_fetcher",
]
