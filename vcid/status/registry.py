"""The issuer's side: change credentials' status and publish signed lists.

:class:`StatusRegistry` revokes, suspends, reinstates, flags a child as
reported missing and clears the flag, or sets any value of a multi-bit
``message`` entry (:meth:`StatusRegistry.set_message`), by credential id.
Each change writes a NEW signed version of the list it touches (``validFrom`` = now,
``validUntil`` = now + validity, ``ttl``), stores it, and appends its
commitment (SHA-256 of the JCS form of the signed list) to the issuer's log
through a :class:`StatusLog`, so that a verifier can check that the list it
holds is one the issuer published, and how recent it is. An issuer that
showed different borders different lists would have to log both.

Revocation is permanent: :meth:`StatusRegistry.reinstate` only lifts a
suspension, and refuses a revoked credential.
"""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Final, Protocol
from urllib.parse import unquote, urlsplit

from vcid import _json
from vcid._json import JsonObject
from vcid.errors import StatusNotAllocated, StatusTransitionError, UsageError, VcidError
from vcid.jsonld import JsonLdProcessor
from vcid.model import require_aware
from vcid.status.allocator import DEFAULT_PURPOSES, StatusListAllocator
from vcid.status.bitstring import MIN_ENTRIES, StatusBitstring
from vcid.status.credential import (
    DEFAULT_MESSAGES,
    SigningKey,
    StatusMessage,
    StatusPurpose,
    sign_status_list,
    status_list_commitment,
    status_list_credential,
)
from vcid.status.store import (
    Allocation,
    ListVersion,
    SignedList,
    StatusListRecord,
    StatusStore,
    ValueChange,
)

#: How long a signed list version is valid by default.
DEFAULT_VALIDITY: Final = timedelta(days=2)
#: How long a verifier may cache a list by default (the list's ``ttl``).
DEFAULT_TTL: Final = timedelta(minutes=5)
_SAFE_SEGMENT: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
)


class StatusLog(Protocol):
    """The issuer's append-only log (the ledger work's transparency log)."""

    def append_status_list(self, commitment: bytes, *, issued_at: datetime) -> int:
        """Append a status list version's commitment; returns its log index."""
        ...


class StatusAction(enum.Enum):
    """A status change, as (purpose, value).

    ``SET_MESSAGE`` has no fixed value: it is the change
    :meth:`StatusRegistry.set_message` makes, with the value given there.
    """

    REVOKE = ("revocation", 1)
    SUSPEND = ("suspension", 1)
    REINSTATE = ("suspension", 0)
    FLAG_MISSING = ("message", 1)
    CLEAR_FLAG = ("message", 0)
    SET_MESSAGE = ("message", None)

    @property
    def purpose(self) -> str:
        return str(self.value[0])

    @property
    def status(self) -> int | None:
        """The value the action sets (None for ``SET_MESSAGE``)."""
        value: int | None = self.value[1]
        return value


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """The outcome of one status change."""

    credential_id: str
    action: StatusAction
    changed: bool
    list_url: str
    version: ListVersion | None
    #: The value the entry was set to.
    value: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialStatus:
    """A credential's current status in the store (``None``: no such entry)."""

    credential_id: str
    revoked: bool | None
    suspended: bool | None
    message: int | None
    message_text: str | None
    entries: tuple[Allocation, ...]

    @property
    def flagged_missing(self) -> bool:
        """Whether the credential's child is flagged as reported missing."""
        return self.message is not None and self.message != 0

    def to_json(self) -> JsonObject:
        return {
            "credentialId": self.credential_id,
            "revoked": self.revoked,
            "suspended": self.suspended,
            "message": None if self.message is None else f"0x{self.message:x}",
            "messageText": self.message_text,
            "entries": [
                {
                    "statusPurpose": a.purpose,
                    "statusListCredential": a.list_url,
                    "statusListIndex": str(a.index),
                }
                for a in self.entries
            ],
        }


class StatusRegistry:
    """Changes credentials' status and publishes the signed status lists.

    :param store: the issuer's status store.
    :param key: the issuer's signing key (``.signer``, ``.verification_method``,
        ``.controller``); the lists' issuer is its controller, which must be
        the issuer of the credentials the lists cover.
    :param base_url: where the lists are published (as for the allocator).
    :param jsonld: the JSON-LD processor; defaults to the bundled contexts.
    :param log: the issuer's log; every new list version's commitment is
        appended to it. Without one, versions are stored unlogged (and
        appended by a later call once a log is given).
    :param validity: how long each list version is valid (``validUntil``).
    :param ttl: the lists' ``ttl``: how long verifiers may cache them.
    :param cryptosuite: the list proofs' cryptosuite; by default the RDFC
        suite for the key's type.
    :raises UsageError: for a bad option.
    """

    def __init__(
        self,
        store: StatusStore,
        *,
        key: SigningKey,
        base_url: str,
        jsonld: JsonLdProcessor | None = None,
        log: StatusLog | None = None,
        validity: timedelta = DEFAULT_VALIDITY,
        ttl: timedelta = DEFAULT_TTL,
        cryptosuite: str | None = None,
    ) -> None:
        if not isinstance(validity, timedelta) or validity <= timedelta(0):
            raise UsageError("validity must be a positive timedelta")
        if not isinstance(ttl, timedelta) or ttl < timedelta(0):
            raise UsageError("ttl must be a non-negative timedelta")
        for name in ("signer", "verification_method", "controller"):
            if not hasattr(key, name):
                raise UsageError(f"key must have .{name}")
        self._store = store
        self._key = key
        self._base_url = base_url.rstrip("/") if isinstance(base_url, str) else base_url
        self._jsonld = jsonld if jsonld is not None else JsonLdProcessor()
        self._log = log
        self._validity = validity
        self._ttl = ttl
        self._suite = cryptosuite

    def __repr__(self) -> str:
        return f"StatusRegistry(issuer={self._key.controller!r})"

    def allocator(
        self,
        *,
        purposes: Sequence[StatusPurpose] = DEFAULT_PURPOSES,
        list_size: int = MIN_ENTRIES,
        message_status_size: int = 1,
        messages: Sequence[StatusMessage] = DEFAULT_MESSAGES,
        message_reference: str | Sequence[str] | None = None,
    ) -> StatusListAllocator:
        """An allocator on this registry's store and base URL (see
        :class:`StatusListAllocator` for the options)."""
        return StatusListAllocator(
            self._store,
            base_url=self._base_url,
            purposes=purposes,
            list_size=list_size,
            message_status_size=message_status_size,
            messages=messages,
            message_reference=message_reference,
        )

    # --- changes -------------------------------------------------------------------

    def revoke(self, credential_id: str, *, now: datetime | None = None) -> StatusChange:
        """Revoke a credential, permanently (its ``revocation`` bit is set).

        :raises StatusNotAllocated: if it has no revocation entry here.
        """
        return self.apply([(credential_id, StatusAction.REVOKE)], now=now)[0]

    def suspend(self, credential_id: str, *, now: datetime | None = None) -> StatusChange:
        """Suspend a credential (until :meth:`reinstate`).

        :raises StatusNotAllocated: if it has no suspension entry here.
        """
        return self.apply([(credential_id, StatusAction.SUSPEND)], now=now)[0]

    def reinstate(self, credential_id: str, *, now: datetime | None = None) -> StatusChange:
        """Lift a credential's suspension.

        :raises StatusTransitionError: if the credential is revoked
            (revocation is permanent).
        :raises StatusNotAllocated: if it has no suspension entry here.
        """
        return self.apply([(credential_id, StatusAction.REINSTATE)], now=now)[0]

    def flag_missing(self, credential_id: str, *, now: datetime | None = None) -> StatusChange:
        """Flag the credential's child as reported missing (message status 0x1).

        A verifier then reports an alert ("reported missing: refer to
        child-protection authorities") that a border policy turns into
        "refer". Flag every credential of the child that has a message entry.

        :raises StatusNotAllocated: if it has no message entry here.
        """
        return self.apply([(credential_id, StatusAction.FLAG_MISSING)], now=now)[0]

    def clear_flag(self, credential_id: str, *, now: datetime | None = None) -> StatusChange:
        """Clear a missing-child flag (message status back to 0x0).

        :raises StatusNotAllocated: if it has no message entry here.
        """
        return self.apply([(credential_id, StatusAction.CLEAR_FLAG)], now=now)[0]

    def set_message(
        self, credential_id: str, status: int, *, now: datetime | None = None
    ) -> StatusChange:
        """Set the credential's ``message`` entry to ``status`` (any value of its scheme).

        For a list with ``statusSize`` n, ``status`` is from 0 to 2**n - 1;
        its meaning is the entry's ``statusMessage`` for that value (0 is
        "no alert" in vcid's schemes). Verifiers report any value but 0 as
        an alert naming the message.

        :raises StatusNotAllocated: if it has no message entry here.
        :raises UsageError: if ``status`` does not fit the list's ``statusSize``.
        """
        if not isinstance(status, int) or isinstance(status, bool) or status < 0:
            raise UsageError("status must be a non-negative integer")
        return self._apply([(credential_id, StatusAction.SET_MESSAGE, status)], now)[0]

    def apply(
        self,
        actions: Iterable[tuple[str, StatusAction]],
        *,
        now: datetime | None = None,
    ) -> tuple[StatusChange, ...]:
        """Apply several changes at once: one new version per list touched.

        All changes are stored together or not at all (one transaction);
        then each new version's commitment is appended to the log.

        :param actions: (credential id, action) pairs, applied in order.
        :param now: the time of the change (aware); defaults to the clock.
        :raises StatusNotAllocated: if a credential lacks the entry an action needs.
        :raises StatusTransitionError: to reinstate a revoked credential.
        :raises UsageError: for ``SET_MESSAGE`` (use :meth:`set_message`).
        """
        items: list[tuple[str, StatusAction, int]] = []
        for credential_id, action in actions:
            if not isinstance(action, StatusAction):
                raise UsageError("action must be a StatusAction")
            if action.status is None:
                raise UsageError("SET_MESSAGE needs its value: use set_message()")
            items.append((credential_id, action, action.status))
        return self._apply(items, now)

    def _apply(
        self, items: Sequence[tuple[str, StatusAction, int]], now: datetime | None
    ) -> tuple[StatusChange, ...]:
        moment = _moment(now)
        changes: list[ValueChange] = []
        for credential_id, action, value in items:
            if action is StatusAction.REINSTATE and self._is_revoked(credential_id):
                raise StatusTransitionError(
                    "a revoked credential cannot be reinstated: revocation is permanent"
                )
            changes.append(
                ValueChange(credential_id=credential_id, purpose=action.purpose, value=value)
            )
        applied, versions = self._store.change(changes, sign=self._signer(moment))
        self._append_to_log()
        by_url = {v.list_url: v for v in versions}
        if versions:  # the log indexes just recorded
            logged = {v.list_url: v for v in self._store.latest_versions()}
            by_url = {
                url: logged[url] if logged.get(url, v).version == v.version else v
                for url, v in by_url.items()
            }
        done = {(c.credential_id, c.purpose, c.value) for c in applied}
        results = []
        for (credential_id, action, _), change in zip(items, changes, strict=True):
            url = self._list_url(credential_id, action.purpose)
            changed = (change.credential_id, change.purpose, change.value) in done
            results.append(
                StatusChange(
                    credential_id=credential_id,
                    action=action,
                    changed=changed,
                    list_url=url,
                    version=by_url.get(url) if changed else None,
                    value=change.value,
                )
            )
        return tuple(results)

    def _is_revoked(self, credential_id: str) -> bool:
        return any(
            a.purpose == "revocation" and a.value != 0
            for a in self._store.allocations(credential_id)
        )

    def _list_url(self, credential_id: str, purpose: str) -> str:
        for allocation in self._store.allocations(credential_id):
            if allocation.purpose == purpose:
                return allocation.list_url
        return ""  # pragma: no cover - the store raised StatusNotAllocated already

    def status(self, credential_id: str) -> CredentialStatus:
        """A credential's current status as stored (not as published).

        :raises StatusNotAllocated: if the credential has no entry here.
        """
        return credential_status(self._store, credential_id)

    # --- publication ---------------------------------------------------------------

    def publish(self, *, now: datetime | None = None) -> tuple[JsonObject, ...]:
        """The current signed status lists, renewing those that need it.

        A list that has never been signed, or whose current version expires
        within half the validity period, gets a new version first (so
        publishing at least once per half validity keeps every list valid).
        Versions not yet in the log are appended to it.

        :param now: the publication time (aware); defaults to the clock.
        :returns: every list's current signed credential, oldest list first.
        """
        moment = _moment(now)
        current = {v.list_url: v for v in self._store.latest_versions()}
        renew = [
            record.url
            for record in self._store.lists()
            if record.url not in current
            or _expires_soon(current[record.url], moment, self._validity / 2)
        ]
        if renew:
            self._store.change([], refresh=renew, sign=self._signer(moment))
        self._append_to_log()
        return tuple(v.credential for v in self._store.latest_versions())

    def export(self, directory: str | Path, *, now: datetime | None = None) -> tuple[Path, ...]:
        """Publish, then write each list to ``directory`` as a JSON file.

        A list at ``<base_url>/revocation/1`` is written to
        ``<directory>/revocation/1.json``; each file is replaced atomically
        (written to a temporary file, then renamed), so a server reading the
        folder never sees a partial list.

        :param directory: the folder (created if missing).
        :param now: the publication time (aware); defaults to the clock.
        :returns: the files written.
        :raises UsageError: for a list URL that is not under ``base_url``.
        """
        folder = Path(directory)
        written: list[Path] = []
        for credential in self.publish(now=now):
            url = credential.get("id")
            if not isinstance(url, str):  # pragma: no cover - the registry wrote it
                raise UsageError("a stored status list has no id")
            target = folder.joinpath(*export_path(url, self._base_url).parts)
            target = target.with_name(target.name + ".json")
            _write_atomically(target, (_json.dumps(credential) + "\n").encode("utf-8"))
            written.append(target)
        return tuple(written)

    def unlogged(self) -> tuple[ListVersion, ...]:
        """Stored list versions whose commitment is not in the log yet."""
        return self._store.unlogged_versions()

    def _append_to_log(self) -> None:
        """Append every stored version not yet in the log, oldest first.

        A log that cannot be reached does not undo or block a status change
        (a revocation must take effect): the versions stay marked unlogged
        and are appended by the next change or :meth:`publish`.
        """
        if self._log is None:
            return
        for version in self._store.unlogged_versions():
            try:
                index = self._log.append_status_list(
                    version.commitment, issued_at=version.issued_at
                )
            except (VcidError, OSError):
                return
            self._store.set_log_index(version.list_url, version.version, index)

    def _signer(self, now: datetime) -> _ListSigner:
        return _ListSigner(
            key=self._key,
            jsonld=self._jsonld,
            validity=self._validity,
            ttl=self._ttl,
            suite=self._suite,
            now=now.astimezone(UTC).replace(microsecond=0),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class _ListSigner:
    """Builds and signs one version of a list at a fixed time."""

    key: SigningKey
    jsonld: JsonLdProcessor
    validity: timedelta
    ttl: timedelta
    suite: str | None
    now: datetime

    def __call__(self, record: StatusListRecord, bits: StatusBitstring, version: int) -> SignedList:
        valid_until = self.now + self.validity
        unsigned = status_list_credential(
            list_url=record.url,
            issuer=self.key.controller,
            purpose=_purpose(record.purpose),
            encoded_list=bits.encode(),
            valid_from=self.now,
            valid_until=valid_until,
            ttl=self.ttl,
        )
        signed = sign_status_list(
            unsigned, key=self.key, jsonld=self.jsonld, created=self.now, cryptosuite=self.suite
        )
        return SignedList(
            credential=signed,
            commitment=status_list_commitment(signed),
            issued_at=self.now,
            valid_until=valid_until,
        )


_PURPOSES: Final[dict[str, StatusPurpose]] = {
    "revocation": "revocation",
    "suspension": "suspension",
    "message": "message",
    "refresh": "refresh",
}


def _purpose(name: str) -> StatusPurpose:
    purpose = _PURPOSES.get(name)
    if purpose is None:  # pragma: no cover - the store holds spec purposes
        raise UsageError("unknown status purpose in the store")
    return purpose


def credential_status(store: StatusStore, credential_id: str) -> CredentialStatus:
    """A credential's current status in ``store`` (no key needed).

    :raises StatusNotAllocated: if the credential has no entry in the store.
    :raises UsageError: for an empty or over-long credential id.
    """
    entries = store.allocations(credential_id)
    if not entries:
        raise StatusNotAllocated("the credential has no status entry in this status store")
    values = {a.purpose: a for a in entries}
    message = values.get("message")
    text = None
    if message is not None:
        text = next((m.message for m in message.messages if m.status == message.value), None)
    return CredentialStatus(
        credential_id=credential_id,
        revoked=None if "revocation" not in values else values["revocation"].value != 0,
        suspended=None if "suspension" not in values else values["suspension"].value != 0,
        message=None if message is None else message.value,
        message_text=text,
        entries=entries,
    )


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return require_aware(now, "now")


def _expires_soon(version: ListVersion, now: datetime, margin: timedelta) -> bool:
    return version.valid_until is not None and version.valid_until - now <= margin


def export_path(list_url: str, base_url: str) -> PurePosixPath:
    """The relative path a list is exported to: its URL path under ``base_url``.

    :raises UsageError: if ``list_url`` is not under ``base_url``, or a path
        segment is empty, a dot segment, or has characters outside
        ``[A-Za-z0-9._-]``.
    """
    base = base_url.rstrip("/") + "/"
    if not list_url.startswith(base):
        raise UsageError("the status list URL is not under the base URL")
    relative = unquote(urlsplit(list_url[len(base) :]).path)
    segments = relative.split("/")
    if not segments or any(s in ("", ".", "..") or not set(s) <= _SAFE_SEGMENT for s in segments):
        raise UsageError("the status list URL has a path that cannot be a file name")
    return PurePosixPath(*segments)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = [
    "DEFAULT_TTL",
    "DEFAULT_VALIDITY",
    "CredentialStatus",
    "StatusAction",
    "StatusChange",
    "StatusLog",
    "StatusRegistry",
    "credential_status",
    "export_path",
]
